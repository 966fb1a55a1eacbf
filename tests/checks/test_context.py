import datetime as dt

import pytest

from firewarden.checks.context import Context, parse_when
from firewarden.errors import InputError


def test_from_mapping_reads_case_library_shape() -> None:
    ctx = Context.from_mapping(
        {"date": dt.date(2012, 10, 29), "account": "corporate", "events": ["Hurricane Sandy"]}
    )
    assert ctx.at == dt.datetime(2012, 10, 29, 12, 0)
    assert ctx.events == ("Hurricane Sandy",)
    assert ctx.is_corporate


def test_unknown_field_is_named_with_known_fields_as_hint() -> None:
    with pytest.raises(InputError) as err:
        Context.from_mapping({"acount": "corporate"}, where="cases.yaml:3")
    assert "acount" in str(err.value)
    assert "cases.yaml:3" in str(err.value)
    assert "known fields" in str(err.value)


def test_bad_account_kind_is_refused() -> None:
    with pytest.raises(InputError, match="corporate"):
        Context.from_mapping({"account": "company"})


def test_sponsored_must_be_boolean() -> None:
    with pytest.raises(InputError, match="sponsored"):
        Context.from_mapping({"sponsored": "yes"})


def test_parse_when_accepts_dates_and_times_and_refuses_nonsense() -> None:
    assert parse_when("2024-01-01") == dt.datetime(2024, 1, 1, 12)
    assert parse_when("2024-01-01T08:30") == dt.datetime(2024, 1, 1, 8, 30)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_when("next tuesday")
