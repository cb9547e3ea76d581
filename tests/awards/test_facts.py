"""facts.load(): set-based loading of every fact for a scope and year."""

import datetime

from thidua.awards import facts as facts_module
from thidua.awards.facts import recognition_year


def load(unit, year=2026, first_year=2024, **kw):
    return facts_module.load(year=year, first_year=first_year, unit=unit, **kw)


def test_kpi_year_wins_over_past_grade(catalogue, tree, people, grade):
    grade(people["a1"], 2026, "ht", past=True)
    grade(people["a1"], 2026, "htxs")
    grade(people["a1"], 2025, "htt", past=True)
    facts = load(tree.province)
    assert facts.grade(people["a1"].pk, 2026).grade == "htxs"
    assert facts.grade(people["a1"].pk, 2026).source == "kpi"
    assert facts.grade(people["a1"].pk, 2025).source == "past"


def test_grades_outside_the_years_are_not_loaded(catalogue, tree, people, grade):
    grade(people["a1"], 2023, "htxs")
    assert load(tree.province).grade(people["a1"].pk, 2023) is None


def test_revoked_awards_never_count(catalogue, tree, people, award):
    award(people["a1"], "cstdcs", 2024)
    award(people["a1"], "cstdcs", 2025, revoked=True)
    kept, revoked = load(tree.province).award_years(people["a1"].pk, "cstdcs")
    assert set(kept) == {2024} and revoked == {2025}


def test_collective_awards_kept_apart(catalogue, tree, people, collective_award):
    collective_award(tree.ward_a, "tt_ldtt", 2025)
    facts = load(tree.province)
    kept, _ = facts.award_years(tree.ward_a.pk, "tt_ldtt", collective=True)
    assert set(kept) == {2025}
    assert facts.awards == {}


def test_initiatives_recognised_only_with_recognition_year(catalogue, tree, people, initiative):
    initiative(people["a1"], "co_so", 2026)
    initiative(people["a1"], "tinh", 2026, state="refused")
    initiative(people["a1"], "tinh", 2025, certificate_date=datetime.date(2026, 1, 10))
    facts = load(tree.province)
    found = facts.initiatives[people["a1"].pk]
    assert sorted((i.level, i.year) for i in found) == [("co_so", 2026), ("tinh", 2026)]
    assert len(facts.initiatives_of(people["a1"].pk, 2026, 2026, "tinh")) == 1
    assert len(facts.initiatives_of(people["a1"].pk, 2026, 2026, "co_so")) == 2


def test_recognition_year_order():
    day = datetime.date
    assert recognition_year(2025, day(2025, 12, 1), day(2026, 1, 5)) == 2026
    assert recognition_year(2025, day(2025, 12, 1), None) == 2025
    assert recognition_year(2024, None, None) == 2024


def test_discipline_and_impediments(catalogue, tree, people, discipline, impediment):
    discipline(people["a1"], "canh_cao", datetime.date(2026, 2, 1))
    discipline(people["a1"], "khien_trach", datetime.date(2025, 2, 1))
    discipline(people["a2"], "khien_trach", datetime.date(2024, 2, 1), under_review=True)
    impediment(person=people["a3"])
    impediment(person=people["a3"], kind="complaint", resolved_on=datetime.date(2026, 7, 1))
    impediment(unit=tree.ward_a, kind="investigation")
    facts = load(tree.province)
    assert [d.form for d in facts.discipline[people["a1"].pk]] == ["canh_cao"]
    assert facts.under_review(people["a2"].pk)
    assert [i.kind for i in facts.impediments[people["a3"].pk]] == ["investigation"]
    assert [i.kind for i in facts.unit_impediments[tree.ward_a.pk]] == ["investigation"]


def test_members_are_the_subtree_people(catalogue, tree, people):
    facts = load(tree.province)
    assert sorted(facts.members[tree.ward_a.pk]) == sorted(
        people[k].pk for k in ("a1", "a2", "a3"))
    assert facts.members[tree.cell_a1.pk] == [people["a1"].pk]
    assert len(facts.members[tree.province.pk]) == 5


def test_inactive_people_are_not_evaluated(catalogue, tree, people):
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    assert people["a2"].pk not in load(tree.province).people


def test_load_is_a_fixed_number_of_queries(catalogue, tree, people, django_assert_num_queries):
    with django_assert_num_queries(10):
        load(tree.province)
    with django_assert_num_queries(7):
        facts_module.load(year=2026, first_year=2024, person_ids=[people["a1"].pk],
                          collectives=False)


def test_inactive_unit_is_no_collective(catalogue, tree, people):
    tree.ward_a.is_active = False
    tree.ward_a.save()
    facts = load(tree.province)
    assert tree.ward_a.pk not in facts.units and tree.ward_a.pk not in facts.members
    assert people["a1"].pk in facts.members[tree.cell_a1.pk]
    assert load(tree.ward_a, subtree=False).units == {}


def test_party_org_grading_stands_for_a_missing_unit_grade(catalogue, tree, people, grade,
                                                           unit_grade):
    from thidua.awards.eligibility import check
    from thidua.scorecards.models import Framework, Scorecard

    framework = Framework.objects.filter(code="xep_loai_to_chuc_dang").order_by("-version")[0]
    Scorecard.objects.create(framework=framework, unit=tree.ward_a, year=2026,
                             state="recognised", band="htt")
    Scorecard.objects.create(framework=framework, unit=tree.ward_b, year=2026,
                             state="appraised", band="htxs")  # not decided: ignored
    facts = load(tree.province)
    assert facts.unit_grades[tree.ward_a.pk].source == "scorecard"
    assert tree.ward_b.pk not in facts.unit_grades
    for p in ("a1", "a2", "a3"):
        grade(people[p], 2026, "htt")
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert c.eligible
    assert c.checks[0].detail == ("Hoàn thành tốt nhiệm vụ — theo xếp loại chất lượng tổ "
                                  "chức đảng")
    unit_grade(tree.ward_a, 2026, "ht")  # the unit's own grade wins
    assert not check("tt_ldtt", unit=tree.ward_a, year=2026).eligible
