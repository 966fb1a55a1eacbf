from pathlib import Path

import pytest

from firewarden.checks.records import BadRecord, Record, read_records
from firewarden.errors import InputError


def test_jsonl_bad_line_is_reported_with_its_number_and_the_rest_still_read(tmp_path: Path) -> None:
    path = tmp_path / "drafts.jsonl"
    path.write_text(
        '{"id": "a", "text": "hello"}\n'
        "{not json}\n"
        '{"id": "c", "text": "bye", "context": {"account": "personal"}}\n',
        encoding="utf-8",
    )
    recs = list(read_records(path))
    assert [type(r) for r in recs] == [Record, BadRecord, Record]
    bad = recs[1]
    assert isinstance(bad, BadRecord)
    assert bad.where.endswith("drafts.jsonl:2")
    third = recs[2]
    assert isinstance(third, Record) and third.context.account == "personal"


def test_yaml_list_records_carry_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "- id: one\n  text: hi\n- id: two\n  text: there\n  context: {colour: red}\n",
        encoding="utf-8",
    )
    one, two = read_records(path)
    assert isinstance(one, Record) and one.where.endswith(":1")
    assert isinstance(two, BadRecord)
    assert "colour" in str(two.error) and two.where.endswith(":3")


def test_case_library_descriptive_fields_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "- id: x\n  company: Acme\n  risks: [sexism]\n  text: hi\n  source: http://example\n",
        encoding="utf-8",
    )
    (rec,) = read_records(path)
    assert isinstance(rec, Record)


def test_unknown_record_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "txt": "typo"}\n', encoding="utf-8")
    (rec,) = read_records(path)
    assert isinstance(rec, BadRecord) and "txt" in str(rec.error)


def test_image_only_case_uses_empty_text_when_an_attachment_is_described(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "context": {"attachment": "a GIF"}}\n', encoding="utf-8")
    (rec,) = read_records(path)
    assert isinstance(rec, Record) and rec.text == ""


def test_invalid_utf8_names_the_byte_and_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\n{"text": "\xff"}\n')
    with pytest.raises(InputError, match="line 2"):
        list(read_records(path))


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(read_records(tmp_path / "nope.jsonl"))
