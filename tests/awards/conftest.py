"""Fixtures of the awards tests: the catalogue and helpers that write the facts eligibility
reads (year grades, previous awards, recognised initiatives, discipline, impediments)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from thidua.awards.defaults import ensure_catalogue
from thidua.awards.models import Award, AwardSource, AwardType, Impediment, PastGrade, UnitGrade
from thidua.initiatives.defaults import ensure_fields
from thidua.initiatives.models import ApplicationField, Author, Initiative
from thidua.kpi.models import YearResult
from thidua.org.models import DisciplineRecord


@pytest.fixture
def catalogue(kinds):
    """The shipped catalogue: code → AwardType (re-created after a transactional flush)."""
    ensure_catalogue()
    return {t.code: t for t in AwardType.objects.all()}


@pytest.fixture
def grade():
    """grade(person, year, "htt") writes the KPI YearResult of that year (or a PastGrade with
    past=True)."""
    def make(person, year, value, *, past=False, score="85"):
        if past:
            return PastGrade.objects.update_or_create(person=person, year=year,
                                                      defaults={"grade": value})[0]
        return YearResult.objects.update_or_create(
            person=person, year=year,
            defaults={"unit": person.unit, "months": 12, "score": Decimal(score),
                      "grade": value})[0]
    return make


@pytest.fixture
def unit_grade():
    def make(unit, year, value):
        return UnitGrade.objects.update_or_create(unit=unit, year=year,
                                                  defaults={"grade": value})[0]
    return make


@pytest.fixture
def award(catalogue):
    """award(person, "cstdcs", 2025) writes an Award of the history (imported by default)."""
    def make(person, code, year, *, unit=None, revoked=False, source=AwardSource.IMPORT):
        return Award.objects.create(
            award_type=catalogue[code], person=person,
            unit=unit or person.unit, year=year, source=source, revoked=revoked,
            decision_text="QĐ lưu trữ" if source == AwardSource.IMPORT else "",
            revocation_reason="Kê khai không trung thực" if revoked else "")
    return make


@pytest.fixture
def collective_award(catalogue):
    def make(unit, code, year, *, revoked=False):
        return Award.objects.create(award_type=catalogue[code], person=None, unit=unit,
                                    year=year, source=AwardSource.IMPORT, revoked=revoked)
    return make


@pytest.fixture
def initiative(db):
    """initiative(person, "co_so", 2026) writes a recognised initiative authored by person."""
    ensure_fields()
    counter = {"n": 0}

    def make(person, level="co_so", year=2026, *, state="recognised", authors=(),
             certificate_date=None):
        counter["n"] += 1
        item = Initiative.objects.create(
            title=f"Sáng kiến số {counter['n']}", unit=person.unit, reviewing_unit=person.unit,
            field=ApplicationField.objects.order_by("pk").first(), level=level, year=year,
            first_applied_on=datetime.date(year, 1, 15), problem="Vấn đề",
            solution="Giải pháp", novelty="Điểm mới", benefits="Hiệu quả", state=state,
            decided_on=datetime.date(year, 11, 30) if state == "recognised" else None,
            certificate_date=certificate_date)
        everyone = [person, *authors]
        share = Decimal(100) / len(everyone)
        for who in everyone:
            Author.objects.create(initiative=item, person=who, share=share.quantize(Decimal("0.01")))
        return item
    return make


@pytest.fixture
def discipline():
    def make(person, form="khien_trach", on=datetime.date(2026, 3, 1), *, under_review=False):
        return DisciplineRecord.objects.create(person=person, form=form, effective_from=on,
                                               under_review=under_review)
    return make


@pytest.fixture
def impediment():
    def make(*, person=None, unit=None, kind="investigation", resolved_on=None,
             opened_on=datetime.date(2026, 5, 1)):
        return Impediment.objects.create(person=person, unit=unit or person.unit, kind=kind,
                                         note="Đang xác minh", opened_on=opened_on,
                                         resolved_on=resolved_on)
    return make
