from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from caseflow import env


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("ON", True), ("0", False), ("no", False)])
def test_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG", default=not expected) is expected


def test_bool_refuses_anything_else_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe'"):
        env.env_bool("DEBUG", default=False)


def test_missing_values_take_the_default(monkeypatch):
    monkeypatch.delenv("UNSET_THING", raising=False)
    assert env.env_int("UNSET_THING", 7) == 7
    assert env.env_list("UNSET_THING", ["a"]) == ["a"]
    assert env.env_str("UNSET_THING", "x") == "x"


def test_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("SECONDS", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.env_int("SECONDS", 1)
    monkeypatch.setenv("SECONDS", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env.env_int("SECONDS", 1, minimum=0)


def test_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " caseflow.example , ,intern.example")
    assert env.env_list("ALLOWED_HOSTS", []) == ["caseflow.example", "intern.example"]


def test_office_hours_parse_and_refuse_backwards_or_garbled_ranges(monkeypatch):
    monkeypatch.setenv("OFFICE_HOURS", "09:30-12:00")
    assert env.env_time_range("OFFICE_HOURS", "10:00-13:00") == (time(9, 30), time(12))
    for bad in ("13:00-10:00", "tien tot een", "10-13-14"):
        monkeypatch.setenv("OFFICE_HOURS", bad)
        with pytest.raises(ImproperlyConfigured, match="OFFICE_HOURS"):
            env.env_time_range("OFFICE_HOURS", "10:00-13:00")


def test_office_days_are_weekday_numbers(monkeypatch):
    monkeypatch.setenv("OFFICE_DAYS", "fri,mon,Wed")
    assert env.env_weekdays("OFFICE_DAYS", "mon") == (0, 2, 4)
    monkeypatch.setenv("OFFICE_DAYS", "maandag")
    with pytest.raises(ImproperlyConfigured, match="OFFICE_DAYS"):
        env.env_weekdays("OFFICE_DAYS", "mon")


def test_choice_refuses_an_unknown_mode(monkeypatch):
    monkeypatch.setenv("CASEFLOW_ENV", "staging")
    with pytest.raises(ImproperlyConfigured, match="production, development"):
        env.env_choice("CASEFLOW_ENV", ("production", "development"), "production")
