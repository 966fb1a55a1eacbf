"""Mentions from JSON and files: fields, times, errors that name the line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from firewarden.errors import InputError
from firewarden.listen.mention import Mention, parse_time
from firewarden.listen.sources.base import Source
from firewarden.listen.sources.jsonl_csv import FileSource


def test_round_trip_and_defaults() -> None:
    m = Mention.from_dict(
        {"id": 7, "text": "hi", "created_at": "2026-01-05T10:00:00Z", "media": "image,video"}
    )
    assert m.platform == "import" and m.id == "7" and m.media == ("image", "video")
    assert m.created_at == dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    assert Mention.from_dict(m.to_dict()) == m
    assert m.key == "import:7"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, dt.datetime(1970, 1, 1, tzinfo=dt.UTC)),
        ("2026-01-05 19:00:00+09:00", dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)),
        (dt.datetime(2026, 1, 5, 10), dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)),
    ],
)
def test_times_become_aware_utc(value: object, expected: dt.datetime) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"id": "1", "created_at": 0}, "needs a 'text'"),
        ({"id": "1", "text": "x", "created_at": "yesterday"}, "cannot read the time"),
        ({"id": "1", "text": "x", "created_at": 0, "followers": "many"}, "whole number"),
        # JSON's Infinity and NaN, and figures no database column holds: named, not a crash.
        ({"id": "1", "text": "x", "created_at": 0, "followers": float("inf")}, "whole number"),
        ({"id": "1", "text": "x", "created_at": 0, "likes": float("nan")}, "whole number"),
        ({"id": "1", "text": "x", "created_at": 0, "followers": 10**23}, "more than any"),
        ({"id": "1", "text": "x", "created_at": 0, "reposts": "3000000000"}, "more than any"),
    ],
)
def test_bad_mentions_say_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Mention.from_dict(data, where="f.jsonl:3")


def test_jsonl_resumes_from_cursor(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    rows = [{"id": str(i), "text": f"t{i}", "created_at": i} for i in range(5)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    source = FileSource(path)
    assert isinstance(source, Source)
    got = list(source.stream(None))
    assert [m.id for m, _ in got] == ["0", "1", "2", "3", "4"]
    cursor = got[1][1]
    assert [m.id for m, _ in source.stream(cursor)] == ["2", "3", "4"]


def test_csv_import(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "platform,id,text,created_at,followers,author_handle\n"
        "x,1,Acme is great,2026-01-05T10:00:00Z,120,alice\n"
        'x,2,"Acme, again",2026-01-05T10:01:00Z,,bob\n',
        encoding="utf-8",
    )
    got = [m for m, _ in FileSource(path).stream(None)]
    assert [(m.platform, m.id, m.followers, m.author_handle) for m in got] == [
        ("x", "1", 120, "alice"),
        ("x", "2", 0, "bob"),
    ]


def test_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "1", "text": "a", "created_at": 0}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"m\.jsonl:2: not valid JSON"):
        list(FileSource(path).stream(None))
    with pytest.raises(InputError, match=r"use a \.jsonl"):
        FileSource(tmp_path / "m.txt")


def test_missing_id_is_derived_from_the_content() -> None:
    row = {"text": "Acme!", "timestamp": "2026-01-05 10:00:00", "author": "kim"}
    a, b = Mention.from_dict(row), Mention.from_dict(dict(row))
    assert a.id == b.id and a.id.startswith("h")
    assert Mention.from_dict(row | {"text": "Acme?"}).id != a.id


def test_a_time_out_of_range_is_an_input_error() -> None:
    with pytest.raises(InputError, match="out of range"):
        parse_time(99_999_999_999_999, where="f.jsonl:1")
    with pytest.raises(InputError, match="cannot read the time"):
        parse_time("99999999999999", where="f.jsonl:1")
    # Years a date can hold but a watch's series cannot run to (9999 crashed the import at
    # its end; 0001 had it walk two thousand years of empty buckets).
    for typo in ("9999-12-31T23:59:00Z", "0001-01-01", "2200-01-05", -5):
        with pytest.raises(InputError, match="is not between 1970 and 2099"):
            parse_time(typo, where="f.jsonl:1")
    assert parse_time("2099-12-31T23:59:59Z").year == 2099


def test_an_import_with_a_year_typed_wrong_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"id": "1", "text": "a", "created_at": "2026-01-05T10:00:00Z"}\n'
        '{"id": "2", "text": "b", "created_at": "9999-01-05T10:00:00Z"}\n',
        encoding="utf-8",
    )
    got = FileSource(path).stream(None)
    assert next(got)[0].id == "1"
    with pytest.raises(InputError, match="not between") as caught:
        next(got)
    assert caught.value.where == f"{path}:2"


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    for name, first in (("m.jsonl", '{"id": "1", "text": "a", "created_at": 0}\n'),
                        ("m.csv", "id,text,created_at\n1,a,0\n")):  # fmt: skip
        path = tmp_path / name
        path.write_bytes(first.encode() + b'{"id": "2", "text": "caf\xe9"}\n')
        source = FileSource(path)
        with pytest.raises(InputError, match="not UTF-8") as caught:
            list(source.stream(None))
        assert caught.value.where.endswith(f"{name}:{first.count(chr(10)) + 1}")


def test_a_csv_row_with_more_or_fewer_values_than_the_header_is_named(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    # An unquoted comma in the text would silently cut it: the row is refused instead.
    path.write_text("id,text,created_at\n1,fine,0\n2,Acme, again,0\n", encoding="utf-8")
    with pytest.raises(InputError, match="4 values but the header names 3") as caught:
        list(FileSource(path).stream(None))
    assert caught.value.where.endswith("m.csv:3") and "double quotes" in caught.value.hint
    path.write_text("id,text,created_at\n1,fine\n", encoding="utf-8")
    with pytest.raises(InputError, match="2 values but the header names 3"):
        list(FileSource(path).stream(None))


def test_a_quoted_csv_value_may_span_lines_and_the_cursor_is_its_last_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.csv"
    path.write_text('id,text,created_at\n1,"two\nlines",0\n2,b,0\n', encoding="utf-8")
    got = list(FileSource(path).stream(None))
    assert [(m.id, m.text, c) for m, c in got] == [("1", "two\nlines", "3"), ("2", "b", "4")]
    assert [m.id for m, _ in FileSource(path).stream("3")] == ["2"]


def test_files_of_the_same_name_keep_separate_cursors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "m.jsonl", tmp_path / "b" / "m.jsonl"
    a.write_text('{"id": "1", "text": "a", "created_at": 0}\n', encoding="utf-8")
    b.write_text('{"id": "9", "text": "b", "created_at": 0}\n', encoding="utf-8")
    assert FileSource(a).name != FileSource(b).name
    before = FileSource(a).name
    # A file that grows keeps its cursor (and so resumes after the lines it had).
    with a.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "2", "text": "c", "created_at": 0}\n')
    assert FileSource(a).name == before
    # The same place with other content (a new export written over the old one) starts over.
    a.write_text('{"id": "5", "text": "new", "created_at": 0}\n', encoding="utf-8")
    assert FileSource(a).name != before


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_mention_dated_in_the_future_stops_the_import_at_its_line(tmp_path: Path) -> None:
    rows = [{"id": str(i), "text": "Acme", "created_at": (T + dt.timedelta(minutes=i)).isoformat()}
            for i in range(3)]  # fmt: skip
    rows[1]["created_at"] = "2026-12-01T10:00:00"  # a year typed wrong, or local time
    source = FileSource(_write(tmp_path / "f.jsonl", rows), now=lambda: T + dt.timedelta(hours=1))
    read = []
    with pytest.raises(InputError, match="in the future") as caught:
        for m, _cursor in source.stream(None):
            read.append(m.id)
    assert read == ["0"] and caught.value.where.endswith("f.jsonl:2")
    assert "zone" in caught.value.hint
    # A few minutes ahead is a clock difference, not a mistake.
    soon = FileSource(
        _write(tmp_path / "g.jsonl", rows[:1]), now=lambda: T - dt.timedelta(minutes=3)
    )
    assert [m.id for m, _ in soon.stream(None)] == ["0"]


def test_disorder_is_found_before_anything_is_read_and_sort_reads_oldest_first(
    tmp_path: Path,
) -> None:
    times = [T + dt.timedelta(minutes=m) for m in (0, 1, 7, 5, 30, 2, 31)]
    rows = [
        {"id": str(i), "text": "Acme", "created_at": t.isoformat()} for i, t in enumerate(times)
    ]
    path = _write(tmp_path / "f.jsonl", rows)
    five = dt.timedelta(minutes=5)
    found = FileSource(path).disorder(five)
    # 7 -> 5 is within the tolerance; 30 -> 2 is not (line 6, after the latest at line 5).
    assert found is not None and (found.line, found.latest_line, found.count) == (6, 5, 1)
    assert "line 6" in found.describe() and "09:02" in found.describe()
    assert FileSource(path).disorder(dt.timedelta(hours=1)) is None
    in_order = _write(tmp_path / "o.jsonl", sorted(rows, key=lambda r: str(r["created_at"])))
    assert FileSource(in_order).disorder(five) is None

    source = FileSource(path, sort=True)
    streamed = list(source.stream(None))
    assert [m.created_at for m, _ in streamed] == sorted(times)
    assert [c for _, c in streamed][-1] == "sorted:7"
    # Resuming a sorted import skips the mentions already done, in the sorted order.
    resumed = FileSource(path, sort=True)
    assert [m.id for m, _ in resumed.stream("sorted:5")] == [m.id for m, _ in streamed[5:]]
    assert resumed.resumed_after == 5


def test_a_sorted_import_checks_every_line_before_it_imports_any(tmp_path: Path) -> None:
    rows = [{"id": "1", "text": "Acme", "created_at": T.isoformat()}, {"id": "2", "text": 5}]
    source = FileSource(_write(tmp_path / "f.jsonl", rows), sort=True)
    with pytest.raises(InputError, match="needs a 'text'") as caught:
        next(iter(source.stream(None)))
    assert caught.value.where.endswith("f.jsonl:2")


@pytest.mark.parametrize(
    ("written", "code"),
    [("ja", "ja"), ("JA", "ja"), ("ja-JP", "ja"), ("en_US", "en"), ("Japanese", "ja"),
     ("日本語", "ja"), ("", ""), (None, "")],
)  # fmt: skip
def test_language_tags_are_read_as_the_watches_write_them(written: object, code: str) -> None:
    m = Mention.from_dict({"text": "x", "created_at": "2026-01-05T10:00:00Z", "language": written})
    assert m.language == code


def test_a_language_that_is_no_code_is_refused() -> None:
    with pytest.raises(InputError, match="'Klingonese' is not a language code"):
        Mention.from_dict({"text": "x", "created_at": "2026-01-05", "language": "Klingonese"})


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("id;text;created_at", "separate the columns with commas"),
        ("1,Acme is great,2026-01-05T10:00:00Z", "the first line names the columns"),
    ],
)
def test_a_csv_header_without_a_text_column_is_named(
    tmp_path: Path, header: str, hint: str
) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"{header}\n2,Acme again,2026-01-05T10:01:00Z\n", encoding="utf-8")
    with pytest.raises(InputError, match="the header \\(line 1\\) has no 'text' column") as caught:
        list(FileSource(path).stream(None))
    assert caught.value.where.endswith("m.csv:1") and hint in caught.value.hint


def test_csv_column_names_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("ID,Text,Created_At\n1,Acme,2026-01-05T10:00:00Z\n", encoding="utf-8")
    [(m, _)] = list(FileSource(path).stream(None))
    assert (m.id, m.text) == ("1", "Acme")
