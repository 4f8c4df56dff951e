"""Days of the week of ``schedule.days`` (components/config/weekdays.py): the cron day-of-week syntax,
one canonical form, the next day of a midnight stop and the days a month the cost model uses."""

from __future__ import annotations

import pytest

from components.config.weekdays import days_per_month, days_problem, next_days, parse_days, render_days

SUN, MON, TUE, WED, THU, FRI, SAT = range(7)


def test_names_and_forward_ranges_are_read():
    assert parse_days("MON-FRI") == {MON, TUE, WED, THU, FRI}
    assert parse_days("MON,WED,FRI") == {MON, WED, FRI}
    assert parse_days("SUN") == {SUN}
    assert parse_days("MON-TUE,THU-SAT") == {MON, TUE, THU, FRI, SAT}


@pytest.mark.parametrize("text", ["FRI-MON", "XYZ", "", "mon", "MON-", "MON,", "1-5", "MON-FRI-SAT"])
def test_what_is_no_list_of_days_is_refused(text):
    assert parse_days(text) is None and days_problem(text) is not None


def test_the_canonical_form_joins_consecutive_days():
    assert render_days(parse_days("MON,TUE,WED,THU,FRI")) == "MON-FRI"
    assert render_days(parse_days("SAT,SUN")) == "SUN,SAT"  # ranges never wrap the week
    assert render_days(parse_days("MON,WED-THU")) == "MON,WED-THU"


def test_a_midnight_stop_falls_on_the_next_day():
    assert next_days(parse_days("MON-FRI")) == parse_days("TUE-SAT")
    assert next_days({SAT}) == {SUN}


def test_days_a_month_are_the_weekdays_of_the_average_month():
    # 365 days / 12 months / 7 = 4.345 weeks a month (the calendar behind 730 h)
    assert days_per_month(parse_days("MON-FRI")) == pytest.approx(5 * 365 / 84)  # 21.726
    assert days_per_month(parse_days("MON-THU")) == pytest.approx(4 * 365 / 84)  # 17.381
