"""Hand-checked cases of each rule of DOMAIN.md §2 (through eligibility.check)."""

import datetime

import pytest

from thidua.awards.eligibility import check
from thidua.awards.models import AwardType


def labels(candidate, met=None):
    return [c.label for c in candidate.checks if met is None or c.met is met]


# --- LĐTT ---------------------------------------------------------------------------------


def test_ldtt_graded_htt_is_eligible_with_full_checklist(catalogue, people, grade):
    grade(people["a1"], 2026, "htt")
    c = check("ldtt", person=people["a1"], year=2026)
    assert c.eligible and c.missing == [] and c.blocked == ""
    assert labels(c) == ["Xếp loại năm 2026: Hoàn thành tốt nhiệm vụ trở lên",
                         "Tham gia các phong trào thi đua",
                         "Không bị kỷ luật từ khiển trách trở lên trong năm 2026"]
    assert all(ch.met for ch in c.checks)
    assert c.checks[0].detail.startswith("Hoàn thành tốt nhiệm vụ")
    assert c.checks[0].url == f"/kpi/don-vi/{people['a1'].unit_id}/nam/2026/"


def test_ldtt_graded_ht_misses_the_grade(catalogue, people, grade):
    grade(people["a1"], 2026, "ht")
    c = check("ldtt", person=people["a1"], year=2026)
    assert not c.eligible
    assert c.missing == ["Xếp loại năm 2026: Hoàn thành tốt nhiệm vụ trở lên"]
    assert c.near_miss


def test_ldtt_without_grade_says_so(catalogue, people):
    c = check("ldtt", person=people["a1"], year=2026)
    assert not c.eligible and c.checks[0].detail == "Chưa có kết quả xếp loại năm 2026"


def test_ldtt_past_grade_is_read_for_years_before_the_system(catalogue, people, grade):
    grade(people["a1"], 2026, "htxs", past=True)
    c = check("ldtt", person=people["a1"], year=2026)
    assert c.eligible and "hồ sơ lưu trữ" in c.checks[0].detail


def test_ldtt_reprimand_in_the_year_fails(catalogue, people, grade, discipline):
    grade(people["a1"], 2026, "htt")
    discipline(people["a1"], "khien_trach", datetime.date(2026, 4, 2))
    c = check("ldtt", person=people["a1"], year=2026)
    assert not c.eligible
    assert c.missing == ["Không bị kỷ luật từ khiển trách trở lên trong năm 2026"]
    assert "Khiển trách" in c.checks[2].detail


def test_ldtt_discipline_of_another_year_does_not_count(catalogue, people, grade, discipline):
    grade(people["a1"], 2026, "htt")
    discipline(people["a1"], "canh_cao", datetime.date(2025, 4, 2))
    assert check("ldtt", person=people["a1"], year=2026).eligible


def test_ldtt_registration_required_param(catalogue, people, grade):
    grade(people["a1"], 2026, "htt")
    AwardType.objects.filter(code="ldtt").update(
        params={"grade": "htt", "registration_required": True})
    c = check("ldtt", person=people["a1"], year=2026)
    assert not c.eligible
    assert c.missing == ["Có đăng ký thi đua và tham gia các phong trào thi đua"]


# --- blocking conditions --------------------------------------------------------------------


@pytest.mark.parametrize("kind,text", [
    ("investigation", "Đang bị điều tra, thanh tra, kiểm tra"),
    ("complaint", "Có đơn thư khiếu nại, tố cáo chưa giải quyết"),
    ("discipline_review", "Đang xem xét kỷ luật"),
])
def test_open_impediment_blocks_every_person_rule(catalogue, people, grade, impediment,
                                                  kind, text):
    grade(people["a1"], 2026, "htxs")
    impediment(person=people["a1"], kind=kind)
    for code in ("ldtt", "cstdcs"):
        c = check(code, person=people["a1"], year=2026)
        assert not c.eligible
    c = check("ldtt", person=people["a1"], year=2026)
    assert c.blocked.startswith(text) and "01/05/2026" in c.blocked
    assert c.missing == [] and c.near_miss


def test_resolved_impediment_no_longer_blocks(catalogue, people, grade, impediment):
    grade(people["a1"], 2026, "htt")
    impediment(person=people["a1"], resolved_on=datetime.date(2026, 6, 1))
    assert check("ldtt", person=people["a1"], year=2026).eligible


def test_impediment_on_another_person_does_not_block(catalogue, people, grade, impediment):
    grade(people["a1"], 2026, "htt")
    impediment(person=people["a2"])
    assert check("ldtt", person=people["a1"], year=2026).eligible


def test_discipline_under_review_blocks(catalogue, people, grade, discipline):
    grade(people["a1"], 2026, "htt")
    discipline(people["a1"], "canh_cao", datetime.date(2026, 9, 1), under_review=True)
    c = check("ldtt", person=people["a1"], year=2026)
    assert not c.eligible and c.blocked == "Đang xem xét kỷ luật"
    # A record under review is not (yet) a decided discipline: the checklist's line holds.
    assert c.missing == []


def test_discipline_in_the_year_blocks_forms(catalogue, people, grade, award, discipline):
    person = people["a1"]
    grade(person, 2025, "htxs")
    grade(person, 2026, "htxs")
    award(person, "cstdcs", 2025)
    award(person, "cstdcs", 2026)
    assert check("bang_khen_tinh", person=person, year=2026).eligible
    discipline(person, "khien_trach", datetime.date(2026, 2, 1))
    c = check("bang_khen_tinh", person=person, year=2026)
    assert not c.eligible and c.blocked == "Bị kỷ luật khiển trách năm 2026"


def test_open_impediment_on_the_collective_blocks_it(catalogue, tree, people, grade,
                                                     unit_grade, impediment):
    for p in ("a1", "a2", "a3"):
        grade(people[p], 2026, "htt")
    unit_grade(tree.ward_a, 2026, "htt")
    assert check("tt_ldtt", unit=tree.ward_a, year=2026).eligible
    impediment(unit=tree.ward_a, kind="complaint")
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert not c.eligible and c.blocked.startswith("Có đơn thư khiếu nại")


# --- CSTĐCS ---------------------------------------------------------------------------------


def test_cstdcs_ldtt_plus_htxs(catalogue, people, grade):
    grade(people["a1"], 2026, "htxs")
    c = check("cstdcs", person=people["a1"], year=2026)
    assert c.eligible
    assert c.checks[0].label == "Đạt danh hiệu LĐTT năm 2026"
    assert c.checks[0].detail == "Theo kết quả xét trong lần này"
    assert "Xếp loại Hoàn thành xuất sắc nhiệm vụ" in c.checks[1].detail
    assert "hệ thống chưa theo dõi" in c.checks[1].detail


def test_cstdcs_ldtt_plus_grassroots_initiative(catalogue, people, grade, initiative):
    grade(people["a1"], 2026, "htt")
    item = initiative(people["a1"], "co_so", 2026)
    c = check("cstdcs", person=people["a1"], year=2026)
    assert c.eligible and item.title in c.checks[1].detail


def test_cstdcs_counts_the_year_of_recognition(catalogue, people, grade, initiative):
    """Filed in 2025, certificate dated 2026: it counts for 2026, not 2025."""
    grade(people["a1"], 2026, "htt")
    grade(people["a1"], 2025, "htt")
    initiative(people["a1"], "co_so", 2025, certificate_date=datetime.date(2026, 2, 3))
    assert check("cstdcs", person=people["a1"], year=2026).eligible
    assert not check("cstdcs", person=people["a1"], year=2025).eligible


def test_cstdcs_counts_a_late_recognition_however_old_the_filing(catalogue, tree, people,
                                                                   grade, initiative):
    """Filed in 2023, recognised only in 2026: it counts for 2026, in check() as in the
    batch (the facts are selected by the year of recognition, not of filing)."""
    from thidua.awards.eligibility import evaluate

    grade(people["a1"], 2026, "htt")
    initiative(people["a1"], "co_so", 2023, certificate_date=datetime.date(2026, 2, 3))
    assert check("cstdcs", person=people["a1"], year=2026).eligible
    for types in (["cstdcs"], None):
        found = [c for c in evaluate(tree.ward_a, 2026, award_types=types).candidates
                 if c.award_type == "cstdcs"]
        assert [c.person_id for c in found] == [people["a1"].pk]


def test_discipline_counts_in_its_year_whatever_its_end(catalogue, people, grade, discipline):
    """Disciplined in 2026 (the measure already expired in June): not LĐTT 2026. A measure
    decided in 2025 and still running in 2026 is not a discipline "in the year" 2026."""
    grade(people["a1"], 2026, "htt")
    record = discipline(people["a1"], "khien_trach", datetime.date(2026, 1, 5))
    record.effective_to = datetime.date(2026, 6, 1)
    record.save()
    assert not check("ldtt", person=people["a1"], year=2026).eligible
    record.effective_from, record.effective_to = datetime.date(2025, 10, 1), datetime.date(
        2026, 10, 1)
    record.save()
    assert check("ldtt", person=people["a1"], year=2026).eligible


def test_cstdcs_initiative_not_recognised_does_not_count(catalogue, people, grade, initiative):
    grade(people["a1"], 2026, "htt")
    initiative(people["a1"], "co_so", 2026, state="in_review")
    c = check("cstdcs", person=people["a1"], year=2026)
    assert not c.eligible and c.near_miss
    assert c.missing == [labels(c)[1]]


def test_cstdcs_coauthor_counts(catalogue, people, grade, initiative):
    grade(people["a2"], 2026, "htt")
    initiative(people["a1"], "co_so", 2026, authors=[people["a2"]])
    assert check("cstdcs", person=people["a2"], year=2026).eligible


def test_cstdcs_without_ldtt_fails_on_ldtt_only(catalogue, people, grade, initiative):
    grade(people["a1"], 2026, "ht")
    initiative(people["a1"], "co_so", 2026)
    c = check("cstdcs", person=people["a1"], year=2026)
    assert not c.eligible and c.missing == ["Đạt danh hiệu LĐTT năm 2026"]


# --- CSTĐ cấp tỉnh, toàn quốc ---------------------------------------------------------------


def _cstd_history(person, grade, award, initiative, *, revoked_2025=False):
    grade(person, 2026, "htxs")
    award(person, "cstdcs", 2024)
    award(person, "cstdcs", 2025, revoked=revoked_2025)
    initiative(person, "tinh", 2025)


def test_cstd_tinh_three_consecutive_with_provincial_initiative(catalogue, people, grade,
                                                                award, initiative):
    _cstd_history(people["a1"], grade, award, initiative)
    c = check("cstd_tinh", person=people["a1"], year=2026)
    assert c.eligible
    assert c.checks[0].label == "03 năm liên tục đạt CSTĐCS đến năm 2026"
    assert c.checks[0].detail == "2024 ✓, 2025 ✓, 2026 ✓ (xét trong lần này)"


def test_cstd_tinh_revoked_year_breaks_the_run(catalogue, people, grade, award, initiative):
    _cstd_history(people["a1"], grade, award, initiative, revoked_2025=True)
    c = check("cstd_tinh", person=people["a1"], year=2026)
    assert not c.eligible
    assert c.missing == ["03 năm liên tục đạt CSTĐCS đến năm 2026"]
    assert c.checks[0].detail == "2025: đã bị thu hồi, 2026 ✓ (xét trong lần này)"


def test_cstd_tinh_needs_provincial_level(catalogue, people, grade, award, initiative):
    person = people["a1"]
    grade(person, 2026, "htxs")
    award(person, "cstdcs", 2024)
    award(person, "cstdcs", 2025)
    initiative(person, "co_so", 2025)
    c = check("cstd_tinh", person=person, year=2026)
    assert not c.eligible
    assert c.missing == ["01 sáng kiến được công nhận cấp tỉnh trở lên từ năm 2024 đến năm 2026"]


def test_cstd_tinh_years_already_used_do_not_count_again(catalogue, people, grade, award,
                                                         initiative):
    person = people["a1"]
    _cstd_history(person, grade, award, initiative)
    award(person, "cstd_tinh", 2025)
    c = check("cstd_tinh", person=person, year=2026)
    assert not c.eligible
    assert "2025: đã dùng để xét lần trước" in c.checks[0].detail


def test_cstd_tinh_three_years_param(catalogue, people, grade, award, initiative):
    AwardType.objects.filter(code="cstd_tinh").update(
        params={"title": "cstdcs", "years": 2, "initiative_level": "tinh", "initiatives": 1})
    person = people["a1"]
    grade(person, 2026, "htxs")
    award(person, "cstdcs", 2025)
    initiative(person, "toan_quoc", 2026)  # a higher level satisfies a lower requirement
    assert check("cstd_tinh", person=person, year=2026).eligible


def test_cstd_toan_quoc_two_provincial_titles_three_years_apart(catalogue, people, grade,
                                                                award, initiative):
    person = people["a1"]
    award(person, "cstd_tinh", 2023)
    award(person, "cstd_tinh", 2026)
    initiative(person, "toan_quoc", 2024)
    c = check("cstd_toan_quoc", person=person, year=2026)
    assert c.eligible, c.missing
    assert c.checks[0].label == ("02 lần liên tục đạt CSTĐ tỉnh (mỗi lần cách nhau 3 năm) "
                                 "đến năm 2026")
    assert not check("cstd_toan_quoc", person=people["a2"], year=2026).eligible


def test_cstd_toan_quoc_missing_national_initiative(catalogue, people, award, initiative):
    person = people["a1"]
    award(person, "cstd_tinh", 2023)
    award(person, "cstd_tinh", 2026)
    initiative(person, "tinh", 2024)
    c = check("cstd_toan_quoc", person=person, year=2026)
    assert c.near_miss and "toàn quốc" in c.missing[0]


# --- Bằng khen ------------------------------------------------------------------------------


def test_bang_khen_tinh_route_one_two_cstdcs(catalogue, people, grade, award):
    person = people["a1"]
    grade(person, 2026, "htxs")
    award(person, "cstdcs", 2025)
    c = check("bang_khen_tinh", person=person, year=2026)
    assert c.eligible and c.checks[0].met
    assert not c.checks[1].met  # route 2 is not met, and need not be


def test_bang_khen_tinh_route_two_htxs_and_two_initiatives(catalogue, people, grade,
                                                           initiative):
    person = people["a1"]
    grade(person, 2025, "htxs")
    grade(person, 2026, "htxs")
    initiative(person, "co_so", 2025)
    initiative(person, "co_so", 2026)
    # Not CSTĐCS in 2025 (no award); route 2 holds.
    c = check("bang_khen_tinh", person=person, year=2026)
    assert c.eligible and c.missing == []
    assert [ch.met for ch in c.checks] == [False, True, True]
    assert c.checks[0].detail == "2025: không đạt, 2026 ✓ (xét trong lần này)"


def test_bang_khen_tinh_route_two_needs_two_initiatives(catalogue, people, grade, initiative):
    person = people["a1"]
    grade(person, 2025, "htxs")
    grade(person, 2026, "ht")
    initiative(person, "co_so", 2025)
    c = check("bang_khen_tinh", person=person, year=2026)
    assert not c.eligible and not c.near_miss
    # No CSTĐCS at all (two years short) and two conditions of route 2 unmet: all are named.
    assert c.missing == ["Cách 1: 02 năm liên tục đạt CSTĐCS đến năm 2026",
                         "Cách 2: 02 năm liên tục Hoàn thành xuất sắc nhiệm vụ đến năm 2026",
                         "Cách 2: 02 sáng kiến được công nhận cấp cơ sở trở lên trong những "
                         "năm liên tục Hoàn thành xuất sắc nhiệm vụ đó"]
    assert c.checks[2].detail == ("“Sáng kiến số 1” (cấp cơ sở, 2025)")


def test_bang_khen_tinh_route_two_one_initiative_is_a_near_miss(catalogue, people, grade,
                                                                initiative):
    person = people["a1"]
    grade(person, 2025, "htxs")
    grade(person, 2026, "htxs")
    initiative(person, "co_so", 2026)
    c = check("bang_khen_tinh", person=person, year=2026)
    assert not c.eligible and c.near_miss
    assert c.checks[2].label.startswith("Cách 2: 02 sáng kiến") and not c.checks[2].met
    # CSTĐCS in 2026 (computed), one year short on route 1: that is the closest route.
    assert c.missing == ["Cách 1: 02 năm liên tục đạt CSTĐCS đến năm 2026"]


def test_bang_khen_tinh_route_two_reads_past_grades(catalogue, people, grade, initiative):
    """2025 from the imported history (PastGrade), 2026 from the KPI year."""
    person = people["a1"]
    grade(person, 2025, "htxs", past=True)
    grade(person, 2026, "htxs")
    initiative(person, "co_so", 2025)
    initiative(person, "tinh", 2026)
    c = check("bang_khen_tinh", person=person, year=2026)
    assert c.eligible and c.checks[1].detail == "2024: chưa có xếp loại, 2025 ✓, 2026 ✓"


def test_bang_khen_tinh_route_two_initiatives_anywhere_in_a_longer_run(catalogue, people,
                                                                       grade, initiative):
    """Luật Điều 74: "02 năm trở lên liên tục" HTXS, "trong thời gian đó" 02 sáng kiến: four
    years HTXS in a row (2023–2026) with the initiatives of 2023 and 2024 qualify."""
    person = people["a1"]
    for year in range(2023, 2027):
        grade(person, year, "htxs")
    initiative(person, "co_so", 2023)
    initiative(person, "co_so", 2024)
    c = check("bang_khen_tinh", person=person, year=2026)
    assert c.eligible, [(ch.label, ch.detail) for ch in c.checks]
    assert c.checks[1].detail == "2022: chưa có xếp loại, 2023 ✓, 2024 ✓, 2025 ✓, 2026 ✓"
    assert "(cấp cơ sở, 2023)" in c.checks[2].detail
    # The batch answer is the same.
    from thidua.awards.eligibility import evaluate

    found = [x for x in evaluate(person.unit, 2026, award_types=["bang_khen_tinh"]).candidates
             if x.person_id == person.pk]
    assert found and found[0].eligible


def test_bang_khen_tinh_route_two_run_stops_at_the_previous_award(catalogue, people, grade,
                                                                  award, initiative):
    """Years up to a previous Bằng khen tỉnh were used for it: neither their grades nor
    their initiatives count again."""
    person = people["a1"]
    for year in range(2023, 2027):
        grade(person, year, "htxs")
    initiative(person, "co_so", 2023)
    initiative(person, "co_so", 2024)
    award(person, "bang_khen_tinh", 2024)
    c = check("bang_khen_tinh", person=person, year=2026)
    assert not c.eligible
    assert c.checks[1].met and c.checks[1].detail == (
        "2024: đã dùng để xét lần trước, 2025 ✓, 2026 ✓")
    assert not c.checks[2].met


def test_title_of_the_year_revoked(catalogue, people, grade, award):
    """A 2026 LĐTT awarded then revoked: CSTĐCS reads the revocation, not the award."""
    person = people["a1"]
    grade(person, 2026, "ht")
    award(person, "ldtt", 2026, revoked=True)
    c = check("cstdcs", person=person, year=2026)
    assert not c.checks[0].met and c.checks[0].detail == "Danh hiệu năm nay đã bị thu hồi"


def test_title_of_the_year_revoked_is_not_recomputed(catalogue, tree, people, grade, award,
                                                     initiative):
    """The grade still reads HTXS, but the 2026 titles were revoked (false declarations,
    a violation found later): the revocation wins over what the grade would give again."""
    person = people["a1"]
    grade(person, 2026, "htxs")
    award(person, "ldtt", 2026, revoked=True)
    c = check("ldtt", person=person, year=2026)
    assert not c.eligible and c.blocked == "Danh hiệu LĐTT năm 2026 đã bị thu hồi"
    c = check("cstdcs", person=person, year=2026)
    assert not c.checks[0].met and c.checks[0].detail == "Danh hiệu năm nay đã bị thu hồi"
    # The run of CSTĐCS ending in 2026 is broken by the revoked 2026 CSTĐCS.
    other = people["a2"]
    grade(other, 2026, "htxs")
    award(other, "cstdcs", 2024)
    award(other, "cstdcs", 2025)
    award(other, "cstdcs", 2026, revoked=True)
    initiative(other, "tinh", 2025)
    c = check("cstd_tinh", person=other, year=2026)
    assert not c.eligible
    assert c.checks[0].detail == "2026: đã bị thu hồi"
    from thidua.awards.eligibility import evaluate

    listed = [x for x in evaluate(tree.ward_a, 2026).candidates
              if x.person_id in (person.pk, other.pk)]
    assert [(x.name, x.award_type) for x in listed] == [(other.full_name, "ldtt")]


def test_bang_khen_ttcp_configurable(catalogue, people, grade, award, initiative):
    person = people["a1"]
    award(person, "bang_khen_tinh", 2021)
    for year in range(2022, 2027):
        grade(person, year, "htxs")
    initiative(person, "co_so", 2023)
    initiative(person, "co_so", 2025)
    c = check("bang_khen_ttcp", person=person, year=2026)
    assert c.eligible, c.missing
    assert "cần kiểm tra" in c.checks[0].detail
    AwardType.objects.filter(code="bang_khen_ttcp").update(params={
        "prior_awards": ["bang_khen_tinh"], "years": 5, "grade": "htxs", "grade_years": 5,
        "initiative_level": "co_so", "initiatives": 3})
    c = check("bang_khen_ttcp", person=person, year=2026)
    assert not c.eligible and c.missing == [
        "03 sáng kiến được công nhận cấp cơ sở trở lên từ năm 2022 đến năm 2026"]


def test_bang_khen_ttcp_prior_award_too_recent(catalogue, people, grade, award, initiative):
    person = people["a1"]
    award(person, "bang_khen_tinh", 2023)
    for year in range(2022, 2027):
        grade(person, year, "htxs")
    initiative(person, "co_so", 2023)
    initiative(person, "co_so", 2025)
    c = check("bang_khen_ttcp", person=person, year=2026)
    assert c.missing == ["Đã được tặng Bằng khen tỉnh hoặc CSTĐ tỉnh từ năm 2021 trở về trước"]


def test_bang_khen_ttcp_prior_award_is_used_once(catalogue, people, grade, award, initiative):
    """The Bằng khen tỉnh of 2021 gave the Bằng khen Thủ tướng of 2026: it cannot give
    another one in 2027 (one achievement, one form; the five years follow the prior award)."""
    person = people["a1"]
    award(person, "bang_khen_tinh", 2021)
    award(person, "bang_khen_ttcp", 2026)
    for year in range(2022, 2028):
        grade(person, year, "htxs")
    for year in (2023, 2025, 2027):
        initiative(person, "co_so", year)
    c = check("bang_khen_ttcp", person=person, year=2027)
    assert not c.eligible
    assert c.missing == ["Đã được tặng Bằng khen tỉnh hoặc CSTĐ tỉnh từ năm 2022 trở về trước"]
    assert c.checks[0].detail.startswith(
        "Bằng khen tỉnh năm 2021 đã dùng để xét Bằng khen Thủ tướng năm 2026.")
    # A newer prior award (after the 2026 Bằng khen Thủ tướng) opens the way again.
    award(person, "cstd_tinh", 2022)
    assert not check("bang_khen_ttcp", person=person, year=2027).eligible  # 2022 ≤ 2026


def test_giay_khen_is_manual(catalogue, people, grade):
    grade(people["a1"], 2026, "htxs")
    c = check("giay_khen", person=people["a1"], year=2026)
    assert not c.eligible and c.manual and not c.near_miss
    assert c.checks[0].label == "Tiêu chuẩn do đơn vị quy định"
    assert "lý do" in c.missing[0]


# --- collectives ----------------------------------------------------------------------------


def test_tt_ldtt_more_than_half_ldtt(catalogue, tree, people, grade, unit_grade):
    """Ward A's members: a1, a2 (cells) and a3 (ward office). 2 of 3 reach LĐTT."""
    grade(people["a1"], 2026, "htt")
    grade(people["a2"], 2026, "htxs")
    grade(people["a3"], 2026, "ht")
    unit_grade(tree.ward_a, 2026, "htt")
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert c.eligible
    assert c.checks[1].label == "Trên 50% thành viên đạt LĐTT năm 2026"
    assert c.checks[1].detail.startswith("2/3 người (66,7%)")


def test_tt_ldtt_exactly_half_is_not_more_than_half(catalogue, tree, make_person, people,
                                                    grade, unit_grade):
    make_person("Người thứ tư", tree.cell_a1)
    grade(people["a1"], 2026, "htt")
    grade(people["a2"], 2026, "htt")
    unit_grade(tree.ward_a, 2026, "htxs")
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert not c.eligible and c.checks[1].detail.startswith("2/4 người (50%)")


def test_tt_ldtt_member_warned_blocks(catalogue, tree, people, grade, unit_grade, discipline):
    for p in ("a1", "a2", "a3"):
        grade(people[p], 2026, "htt")
    unit_grade(tree.ward_a, 2026, "htt")
    discipline(people["a3"], "khien_trach")  # below cảnh cáo: does not block the collective
    assert check("tt_ldtt", unit=tree.ward_a, year=2026).eligible
    discipline(people["a3"], "canh_cao")
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert not c.eligible
    assert "Đặng Đức Dũng" in c.checks[2].detail


def test_tt_ldtt_member_dismissed_in_the_year_still_blocks(catalogue, tree, people, grade,
                                                           unit_grade, discipline):
    """a3 was dismissed (buộc thôi việc) in 2026 and is no longer active: he is no longer
    counted among the members for the shares, but the collective had a member disciplined
    at cảnh cáo or above in the year."""
    for p in ("a1", "a2"):
        grade(people[p], 2026, "htt")
    unit_grade(tree.ward_a, 2026, "htt")
    discipline(people["a3"], "buoc_thoi_viec", datetime.date(2026, 8, 1))
    people["a3"].status = "da_chuyen"
    people["a3"].save()
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert not c.eligible
    assert c.missing == ["Không có cá nhân bị kỷ luật từ cảnh cáo trở lên trong năm 2026"]
    assert c.checks[1].detail.startswith("2/2 người")
    assert "Đặng Đức Dũng" in c.checks[2].detail
    # The batch answer agrees; ward B (another subtree) is not touched.
    from thidua.awards.eligibility import evaluate

    result = evaluate(tree.province, 2026, award_types=["tt_ldtt"])
    assert not any(x.unit_id == tree.ward_a.pk for x in result.candidates)
    # A departure with a discipline of an earlier year does not block.
    people["a3"].discipline_records.update(effective_from=datetime.date(2025, 8, 1))
    assert check("tt_ldtt", unit=tree.ward_a, year=2026).eligible


def test_tt_ldtt_without_unit_grade(catalogue, tree, people, grade):
    for p in ("a1", "a2", "a3"):
        grade(people[p], 2026, "htt")
    c = check("tt_ldtt", unit=tree.ward_a, year=2026)
    assert c.missing == ["Tập thể xếp loại năm 2026: Hoàn thành tốt nhiệm vụ trở lên"]
    assert c.checks[0].detail == "Chưa có kết quả xếp loại của tập thể năm 2026"


def test_tt_ldxs_all_conditions(catalogue, tree, people, grade, unit_grade):
    grade(people["a1"], 2026, "htxs")
    grade(people["a2"], 2026, "htt")
    grade(people["a3"], 2026, "htt")
    unit_grade(tree.ward_a, 2026, "htxs")
    c = check("tt_ldxs", unit=tree.ward_a, year=2026)
    assert c.eligible, c.missing
    assert c.checks[0].label == "Đạt danh hiệu Tập thể LĐTT năm 2026"


def test_tt_ldxs_member_below_ht_and_no_cstdcs(catalogue, tree, people, grade, unit_grade):
    grade(people["a1"], 2026, "htt")
    grade(people["a2"], 2026, "htt")
    grade(people["a3"], 2026, "kht")
    unit_grade(tree.ward_a, 2026, "htxs")
    c = check("tt_ldxs", unit=tree.ward_a, year=2026)
    assert not c.eligible
    assert c.missing == [
        "100% thành viên xếp loại Hoàn thành nhiệm vụ trở lên năm 2026",
        "Từ 70% thành viên trở lên đạt LĐTT năm 2026",
        "Có ít nhất 01 cá nhân đạt CSTĐCS năm 2026",
    ]


def test_facts_computed_in_the_run_link_to_their_source(catalogue, tree, people, grade,
                                                        unit_grade):
    """Every condition links to its fact: the LĐTT "xét trong lần này" to the KPI year it was
    computed from, the collectives' shares and counts to the unit."""
    grade(people["a1"], 2026, "htxs")
    grade(people["a2"], 2026, "htt")
    grade(people["a3"], 2026, "htt")
    unit_grade(tree.ward_a, 2026, "htxs")
    c = check("cstdcs", person=people["a1"], year=2026)
    assert c.checks[0].url == f"/kpi/don-vi/{people['a1'].unit_id}/nam/2026/"
    unit_page = f"/khen-thuong/don-vi/{tree.ward_a.pk}/lich-su/"
    c = check("tt_ldxs", unit=tree.ward_a, year=2026)
    assert c.eligible
    assert [ch.url for ch in c.checks] == [unit_page] * 5 + [""]
    assert check("tt_ldtt", unit=tree.ward_a, year=2026).checks[1].url == unit_page


def test_check_refuses_wrong_subject(catalogue, people, tree):
    with pytest.raises(ValueError, match="tập thể"):
        check("tt_ldtt", person=people["a1"], year=2026)
    with pytest.raises(ValueError, match="cá nhân"):
        check("ldtt", unit=tree.ward_a, year=2026)
    with pytest.raises(ValueError, match="danh mục"):
        check("khong_co", person=people["a1"], year=2026)
