"""eligibility.evaluate(): candidates, near misses, quotas, bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards.eligibility import Quota, evaluate, quota_limit
from thidua.awards.models import AwardType


@pytest.mark.parametrize("base,limit", [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2), (20, 3),
                                        (100, 15), (101, 15)])
def test_quota_rounds_down(base, limit):
    """"Không quá 15%": 13 × 0,15 = 1,95 → 1; 7 × 0,15 = 1,05 → 1; 6 × 0,15 = 0,9 → 0."""
    assert quota_limit(base, Decimal("0.15")) == limit


def test_quota_share_given_as_a_float_is_still_exact():
    """20 × 0,15 is 3, not 2,999…: a float share (0.15 from JSON or a form) is read as the
    decimal it shows."""
    assert quota_limit(20, 0.15) == 3
    assert quota_limit(100, 0.15) == 15


def test_quota_minimum_for_small_units():
    assert quota_limit(6, Decimal("0.15"), minimum=1) == 1
    assert quota_limit(0, Decimal("0.15"), minimum=1) == 0
    assert quota_limit(20, Decimal("0.15"), minimum=1) == 3


def by(evaluation, code, attr="candidates"):
    return sorted(c.name for c in getattr(evaluation, attr) if c.award_type == code)


def test_evaluate_lists_candidates_and_near_misses(catalogue, tree, people, grade,
                                                   unit_grade, impediment):
    grade(people["a1"], 2026, "htxs")
    grade(people["a2"], 2026, "htt")
    grade(people["a3"], 2026, "ht")
    grade(people["b1"], 2026, "htt")
    impediment(person=people["b1"])
    unit_grade(tree.ward_a, 2026, "htt")
    result = evaluate(tree.province, 2026)
    assert by(result, "ldtt") == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert by(result, "cstdcs") == ["Nguyễn Văn An"]
    # a3 (HT) and b2 (no grade) miss LĐTT by the grade only; b1 meets every condition but
    # is blocked.
    assert by(result, "ldtt", "near_misses") == ["Hoàng Thị Duyên", "Lê Văn Cường",
                                                 "Đặng Đức Dũng"]
    blocked = next(c for c in result.near_misses if c.name == "Lê Văn Cường"
                   and c.award_type == "ldtt")
    assert blocked.blocked.startswith("Đang bị điều tra")
    miss = next(c for c in result.near_misses if c.name == "Đặng Đức Dũng"
                and c.award_type == "ldtt")
    assert miss.missing == ["Xếp loại năm 2026: Hoàn thành tốt nhiệm vụ trở lên"]
    # Ward A: 2 of 3 members LĐTT, graded HTT → Tập thể LĐTT.
    assert by(result, "tt_ldtt") == ["Đảng bộ phường An Bình"]
    assert "giay_khen" not in result.award_types
    assert all(c.eligible for c in result.candidates)
    assert not any(c.eligible for c in result.near_misses)
    # b2 (no grade at all) is neither a candidate nor a near miss of CSTĐCS (two misses).
    assert "Hoàng Thị Duyên" not in by(result, "cstdcs", "near_misses")


def test_evaluate_quota_shown_and_ranked(catalogue, tree, make_person, grade):
    """7 LĐTT in the ward → 1 CSTĐCS allowed; 3 qualify, ranked by grade then score."""
    people = [make_person(f"Cán bộ {i}", tree.cell_a1) for i in range(7)]
    for i, person in enumerate(people):
        grade(person, 2026, "htxs" if i < 3 else "htt", score=str(90 + i))
    result = evaluate(tree.ward_a, 2026)
    quota = result.quotas["cstdcs"]
    assert (quota.limit, quota.used, quota.base_count) == (1, 3, 7)
    assert quota.exceeded
    ranked = sorted((c for c in result.candidates if c.award_type == "cstdcs"),
                    key=lambda c: c.rank)
    assert [c.name for c in ranked] == ["Cán bộ 2", "Cán bộ 1", "Cán bộ 0"]
    assert [c.within_quota for c in ranked] == [True, False, False]
    assert result.as_json()["quotas"]["cstdcs"] == {"limit": 1, "used": 3, "base_count": 7,
                                                    "share": "0.1500", "base": "ldtt"}


def test_evaluate_quota_small_unit(catalogue, tree, make_person, grade):
    people = [make_person(f"Cán bộ {i}", tree.cell_a1) for i in range(6)]
    for person in people:
        grade(person, 2026, "htxs")
    result = evaluate(tree.ward_a, 2026, award_types=["cstdcs"])
    assert result.quotas["cstdcs"] == Quota(0, 6, 6, Decimal("0.1500"), "ldtt")
    # LĐTT is evaluated (the base) but only the asked type is reported.
    assert {c.award_type for c in result.candidates} == {"cstdcs"}
    AwardType.objects.filter(code="cstdcs").update(
        params={**catalogue["cstdcs"].params, "quota_minimum": 1})
    assert evaluate(tree.ward_a, 2026, award_types=["cstdcs"]).quotas["cstdcs"].limit == 1


def test_evaluate_subtree_false_only_the_unit(catalogue, tree, people, grade):
    for p in people.values():
        grade(p, 2026, "htt")
    result = evaluate(tree.ward_a, 2026, subtree=False)
    assert by(result, "ldtt") == ["Đặng Đức Dũng"]
    # The collective is the ward itself; its members are still the whole subtree.
    assert [c.unit_id for c in result.candidates + result.near_misses
            if c.subject == "collective"] == [tree.ward_a.pk]


def test_evaluate_scope_excludes_other_units(catalogue, tree, people, grade):
    for p in people.values():
        grade(p, 2026, "htt")
    result = evaluate(tree.ward_b, 2026)
    assert by(result, "ldtt") == ["Hoàng Thị Duyên", "Lê Văn Cường"]


def test_evaluate_reports_unknown_rule(catalogue, tree, people):
    AwardType.objects.filter(code="tt_ldxs").update(rule="khong_ton_tai")
    result = evaluate(tree.ward_a, 2026)
    assert result.problems == ["Tập thể lao động xuất sắc: quy tắc xét “khong_ton_tai” "
                               "không có trong hệ thống."]


def test_evaluate_inactive_types_are_skipped(catalogue, tree, people, grade):
    grade(people["a1"], 2026, "htt")
    AwardType.objects.filter(code="ldtt").update(is_active=False)
    result = evaluate(tree.ward_a, 2026)
    assert "ldtt" not in result.award_types
    assert not [c for c in result.candidates if c.award_type == "ldtt"]


def _populate(tree, make_person, grade, award, initiative, discipline, impediment, n):
    for i in range(n):
        person = make_person(f"Người {n}-{i}", tree.cell_a1 if i % 2 else tree.cell_a2)
        grade(person, 2026, "htxs" if i % 3 == 0 else "htt")
        grade(person, 2025, "htt", past=True)
        award(person, "cstdcs", 2025, revoked=(i % 5 == 0))
        if i % 4 == 0:
            initiative(person, "tinh", 2026)
        if i % 7 == 0:
            discipline(person, "khien_trach", datetime.date(2026, 3, 1))
        if i % 9 == 0:
            impediment(person=person)


def test_evaluate_queries_do_not_grow_with_people(catalogue, tree, make_person, grade, award,
                                                  initiative, discipline, impediment,
                                                  unit_grade):
    unit_grade(tree.ward_a, 2026, "htxs")
    _populate(tree, make_person, grade, award, initiative, discipline, impediment, 4)
    with CaptureQueriesContext(connection) as small:
        first = evaluate(tree.province, 2026)
    _populate(tree, make_person, grade, award, initiative, discipline, impediment, 40)
    with CaptureQueriesContext(connection) as large:
        second = evaluate(tree.province, 2026)
    assert len(second.candidates) > len(first.candidates)
    assert len(large.captured_queries) == len(small.captured_queries) <= 11


def test_batch_answers_match_single_checks(catalogue, tree, make_person, grade, award,
                                           initiative, discipline, impediment, unit_grade):
    """evaluate() skips the details of far misses; who is eligible or a near miss (and why)
    is the same as check() answers one by one."""
    from thidua.awards.eligibility import check
    from thidua.org.models import Person

    unit_grade(tree.ward_a, 2026, "htxs")
    _populate(tree, make_person, grade, award, initiative, discipline, impediment, 24)
    result = evaluate(tree.province, 2026)
    listed = {(c.award_type, c.person_id or c.unit_id): c
              for c in result.candidates + result.near_misses}
    for person in Person.objects.all():
        for code in ("ldtt", "cstdcs", "cstd_tinh", "cstd_toan_quoc", "bang_khen_tinh",
                     "bang_khen_ttcp"):
            single = check(code, person=person, year=2026)
            batch = listed.get((code, person.pk))
            if single.eligible or single.near_miss:
                assert batch is not None, (code, person.full_name)
                assert (batch.eligible, batch.missing, batch.blocked) == (
                    single.eligible, single.missing, single.blocked)
                assert [c.detail for c in batch.checks] == [c.detail for c in single.checks]
            else:
                assert batch is None, (code, person.full_name)
