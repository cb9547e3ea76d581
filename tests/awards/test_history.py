"""The history of awards: rows by year, consecutive counts (a revoked award breaks a run),
the person's and the unit's pages, the export, and the awards of a movement's review report.

Fixtures: tests/conftest.py (two wards; users on ward A, ``other`` = ward B's secretariat)
and tests/awards/conftest.py (``catalogue``, ``award``, ``collective_award``, ``grade``).
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import as_user
from tests.movements import conftest as movement_fixtures
from thidua.awards import history
from thidua.awards.models import Award, AwardRound, AwardSource, Decision, Nomination

pytestmark = pytest.mark.django_db
# The movement fixtures (plan 167-KH/ĐU of ward A, launched) of tests/movements/conftest.py.
movement, launched, today = (movement_fixtures.movement, movement_fixtures.launched,
                             movement_fixtures.today)


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


# The rows and the runs ------------------------------------------------------------------------
def test_rows_by_year_with_grades_and_streaks(people, award, grade):
    an = people["a1"]
    for year in (2022, 2023, 2024, 2025):
        award(an, "ldtt", year)
    award(an, "cstdcs", 2024)
    award(an, "cstdcs", 2025)
    grade(an, 2021, "htt", past=True)
    grade(an, 2025, "htxs")
    rows = history.person_history(an)
    assert [r.year for r in rows] == [2025, 2024, 2023, 2022, 2021]
    assert rows[0].grade == "Hoàn thành xuất sắc nhiệm vụ"
    assert rows[0].grade_source == history.SYSTEM_GRADE
    assert rows[-1].grade_source == history.ARCHIVE_GRADE and rows[-1].lines == []
    latest = {line.award.award_type.code: line.streak for line in rows[0].lines}
    assert latest == {"ldtt": 4, "cstdcs": 2}
    assert [line.award.award_type.code for line in rows[0].lines] == ["ldtt", "cstdcs"]
    assert [str(run) for run in history.runs(rows)] == [
        "LĐTT: 4 năm liên tục (2022–2025)", "CSTĐCS: 2 năm liên tục (2024–2025)"]


def test_a_revoked_award_breaks_the_run_and_counts_zero(people, award):
    an = people["a1"]
    for year in (2021, 2022, 2024, 2025, 2026):
        award(an, "cstdcs", year)
    award(an, "cstdcs", 2023, revoked=True)
    rows = history.person_history(an)
    by_year = {r.year: r.lines[0] for r in rows}
    assert by_year[2023].streak == 0 and by_year[2023].award.revoked
    assert by_year[2022].streak == 2
    assert by_year[2026].streak == 3 and by_year[2026].streak_label == "năm thứ 3 liên tục"
    assert [str(run) for run in history.runs(rows)] == ["CSTĐCS: 3 năm liên tục (2024–2026)"]


def test_a_gap_year_ends_the_run_and_one_year_reads_plainly(people, award):
    an = people["a1"]
    award(an, "ldtt", 2020)
    award(an, "ldtt", 2022)
    award(an, "cstdcs", 2022)
    runs = [str(r) for r in history.runs(history.person_history(an))]
    assert runs == ["LĐTT: 1 năm (2022)", "CSTĐCS: 1 năm (2022)"]


def test_unit_history_is_the_collectives_own_awards(tree, people, award, collective_award,
                                                    unit_grade):
    collective_award(tree.cell_a1, "tt_ldtt", 2024)
    collective_award(tree.cell_a1, "tt_ldtt", 2025)
    collective_award(tree.cell_a2, "tt_ldtt", 2025)  # another collective
    award(people["a1"], "ldtt", 2025)  # a person of the unit: not the collective's
    unit_grade(tree.cell_a1, 2025, "htxs")
    rows = history.unit_history(tree.cell_a1)
    assert [(r.year, [line.award.award_type.code for line in r.lines]) for r in rows] == [
        (2025, ["tt_ldtt"]), (2024, ["tt_ldtt"])]
    assert rows[0].grade == "Hoàn thành xuất sắc nhiệm vụ"
    assert [str(r) for r in history.runs(rows)] == ["Tập thể LĐTT: 2 năm liên tục (2024–2025)"]


def test_the_history_reads_in_a_fixed_number_of_queries(people, award, grade,
                                                        django_assert_num_queries):
    an = people["a1"]
    for year in range(2010, 2026):
        award(an, "ldtt", year)
        grade(an, year, "htt", past=True)
    with django_assert_num_queries(3):  # awards, past grades, KPI year results
        rows = history.person_history(an)
    assert len(rows) == 16


def test_a_system_decision_is_named_in_full(tree, people, catalogue):
    decision = Decision.objects.create(granting_unit=tree.ward_a, number="15/QĐ-UBND",
                                       date=datetime.date(2026, 1, 10), signer="Lê Văn Tám",
                                       is_signed=True)
    Award.objects.create(award_type=catalogue["ldtt"], person=people["a1"],
                         unit=people["a1"].unit, year=2025, decision=decision,
                         amount=Decimal(702000))
    line = history.person_history(people["a1"])[0].lines[0]
    assert line.decision_label == ("Quyết định số 15/QĐ-UBND ngày 10/01/2026 của "
                                   "Đảng bộ phường An Bình")


# The person's page ----------------------------------------------------------------------------
def test_the_person_page_shows_revoked_awards_struck_through(client, users, people, award):
    an = people["a1"]
    award(an, "ldtt", 2024)
    revoked = award(an, "ldtt", 2025, revoked=True)
    revoked.revocation_decision = "QĐ 99/QĐ-UBND"
    revoked.save()
    html = as_user(client, users["secretariat"]).get(url("person_history", an.pk)).content.decode()
    assert "<del>Lao động tiên tiến</del>" in html
    assert "Kê khai không trung thực" in html and "QĐ 99/QĐ-UBND" in html
    assert "LĐTT: 1 năm (2024)" in html


def test_the_person_page_is_linked_from_the_person_detail(client, users, people):
    html = as_user(client, users["secretariat"]).get(
        reverse("org:person_detail", args=[people["a1"].pk])).content.decode()
    assert url("person_history", people["a1"].pk) in html


def test_person_page_scope(client, users, people, make_user):
    an = people["a1"]
    assert as_user(client, users["other"]).get(url("person_history", an.pk)).status_code == 404
    assert as_user(client, users["norole"]).get(url("person_history", an.pk)).status_code == 404
    assert as_user(client, users["staff"]).get(url("person_history", an.pk)).status_code == 404
    # A staff member reads his own history.
    own = make_user("an_nv", "staff", an.unit)
    an.user = own
    an.save()
    assert as_user(client, own).get(url("person_history", an.pk)).status_code == 200
    assert as_user(client, own).get(url("person_history", people["a2"].pk)).status_code == 404


def test_anonymous_users_go_to_login(client, tree, people):
    for address in (url("person_history", people["a1"].pk), url("unit_history", tree.ward_a.pk),
                    url("unit_history_export", tree.ward_a.pk)):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The unit's page and export ---------------------------------------------------------------------
def test_unit_page_lists_collective_and_people_awards(client, users, tree, people, award,
                                                      collective_award):
    collective_award(tree.ward_a, "tt_ldtt", 2025)
    award(people["a1"], "ldtt", 2024)
    award(people["a1"], "ldtt", 2025)
    award(people["b1"], "ldtt", 2025)  # ward B
    response = as_user(client, users["observer"]).get(url("unit_history", tree.ward_a.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tập thể LĐTT: 1 năm (2025)" in html
    rows = response.context["people_rows"]
    assert [(a.person.staff_code, a.year, streak) for a, streak in rows] == [
        (people["a1"].staff_code, 2025, 2), (people["a1"].staff_code, 2024, 1)]
    assert "năm thứ 2 liên tục" in html and people["b1"].full_name not in html
    filtered = as_user(client, users["observer"]).get(url("unit_history", tree.ward_a.pk),
                                                      {"nam": 2024})
    assert [a.year for a, _ in filtered.context["people_rows"]] == [2024]
    assert as_user(client, users["observer"]).get(url("unit_history", tree.ward_a.pk),
                                                  {"nam": "abc"}).status_code == 404


@pytest.mark.parametrize("name", ["unit_history", "unit_history_export"])
@pytest.mark.parametrize("year", ["²⁰²⁵", "2025x", "-1", "99999"])
def test_a_year_that_is_not_a_year_is_404_not_a_server_error(client, users, tree, name, year):
    # "²".isdigit() is True but int("²") fails: it used to answer 500.
    response = as_user(client, users["observer"]).get(url(name, tree.ward_a.pk), {"nam": year})
    assert response.status_code == 404


def test_unit_pages_of_another_unit_are_404(client, users, tree):
    c = as_user(client, users["other"])
    for name in ("unit_history", "unit_history_export", "history_import",
                 "history_import_template"):
        assert c.get(url(name, tree.ward_a.pk)).status_code == 404, name
    assert as_user(client, users["staff"]).get(
        url("unit_history", tree.cell_a1.pk)).status_code == 404


def test_unit_page_query_count_does_not_grow(client, users, tree, make_person, award,
                                             django_assert_max_num_queries):
    c = as_user(client, users["secretariat"])
    for i in range(60):
        person = make_person(f"Người thứ {i}", tree.cell_a2)
        award(person, "ldtt", 2024)
        award(person, "ldtt", 2025)
    with django_assert_max_num_queries(11):
        response = c.get(url("unit_history", tree.ward_a.pk))
    assert len(response.context["people_rows"]) == 50
    assert response.context["page_obj"].paginator.count == 120


def test_unit_export_lists_the_filtered_awards(client, users, tree, people, award):
    paid = award(people["a1"], "ldtt", 2024)
    paid.amount = Decimal(702000)
    paid.save()
    revoked = award(people["a2"], "cstdcs", 2024, revoked=True)
    award(people["a1"], "ldtt", 2025)
    award(people["b1"], "ldtt", 2024)
    response = as_user(client, users["leader"]).get(url("unit_history_export", tree.ward_a.pk),
                                                    {"nam": 2024})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(["Năm", "Mã cán bộ", "Họ và tên", "Đơn vị", "Danh hiệu, hình thức",
                           "Quyết định", "Tiền thưởng (đồng)", "Nguồn", "Thu hồi"])
    body = values[header + 1:]
    assert sorted(r[2] for r in body) == sorted([people["a1"].full_name,
                                                 people["a2"].full_name])
    assert all(r[0] == 2024 for r in body)
    assert next(r for r in body if r[2] == people["a1"].full_name)[6] == 702000
    struck = next(r for r in body if r[2] == people["a2"].full_name)
    assert struck[8].startswith("Đã thu hồi") and revoked.revocation_reason in struck[8]
    assert any("Năm: 2024" in str(r[0]) for r in values[:header] if r and r[0])


# The movement's review report -------------------------------------------------------------------
@pytest.fixture
def decided_round(launched, tree, users, people, catalogue):
    """A decided round of ward A for the movement, with two awards (one revoked) and an
    award of ward B's round for the same movement."""
    def make(unit, number):
        award_round = AwardRound.objects.create(unit=unit, year=2026, movement=launched,
                                                name=f"Khen thưởng phong trào {unit.code}",
                                                granting_unit=unit, state="decided")
        decision = Decision.objects.create(round=award_round, granting_unit=unit, number=number,
                                           date=datetime.date(2026, 11, 2), signer="Lê Văn Tám",
                                           is_signed=True)
        return award_round, decision

    ward_a_round, decision = make(tree.ward_a, "25/QĐ-ĐU")
    for key, code, revoked in (("a1", "giay_khen", False), ("a2", "giay_khen", True)):
        nomination = Nomination.objects.create(round=ward_a_round, person=people[key],
                                               unit=people[key].unit,
                                               award_type=catalogue[code])
        Award.objects.create(award_type=catalogue[code], person=people[key],
                             unit=people[key].unit, year=2026, decision=decision,
                             nomination=nomination, revoked=revoked,
                             source=AwardSource.SYSTEM)
    Award.objects.create(award_type=catalogue["tt_ldtt"], unit=tree.cell_a1, year=2026,
                         decision=decision)
    _round_b, decision_b = make(tree.ward_b, "7/QĐ-ĐU")
    Award.objects.create(award_type=catalogue["giay_khen"], person=people["b1"],
                         unit=people["b1"].unit, year=2026, decision=decision_b)
    return ward_a_round


def test_movement_awards_are_the_reports_rows(decided_round, launched, tree, people,
                                              django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = history.movement_awards(launched, tree.ward_a)
    assert rows == [
        (people["a1"].full_name, "Giấy khen", "Số 25/QĐ-ĐU ngày 02/11/2026"),
        (tree.cell_a1.name, "Tập thể lao động tiên tiến", "Số 25/QĐ-ĐU ngày 02/11/2026"),
    ]
    assert history.movement_awards(launched, tree.cell_a2) == []


def test_the_final_review_report_lists_the_awards(client, decided_round, launched, tree, users,
                                                  people, today):
    from tests.documents.test_render import texts

    c = as_user(client, users["secretariat"])
    response = c.post(reverse("documents:report", args=[launched.pk]),
                      {"unit": str(tree.ward_a.pk), "stage": "final",
                       "report_date": today.strftime("%d/%m/%Y"), "format": "docx"})
    assert response.status_code == 200
    text = texts(b"".join(response.streaming_content) if response.streaming
                 else response.content)
    assert "công tác khen thưởng" in text.lower()
    assert people["a1"].full_name in text and "Số 25/QĐ-ĐU ngày 02/11/2026" in text
    assert people["a2"].full_name not in text  # revoked
    assert people["b1"].full_name not in text  # ward B's round
    assert "Chưa có quyết định khen thưởng nào" not in text
