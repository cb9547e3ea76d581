"""The party office's board, its chooser and the self/appraised comparison.

Fixtures: tests/conftest.py (ward A with cells 1 and 2; users per role on ward A;
``users["other"]`` on ward B) and tests/scorecards/conftest.py (``submitted``: cell 1
registered, self-scored at full marks and submitted).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scorecards.conftest import YEAR
from tests.scorecards.test_domain import grade_party_org
from thidua.scorecards import domain, queries
from thidua.scorecards.models import Evaluation, Scorecard

pytestmark = pytest.mark.django_db

CODE = "chi_bo_bon_tot"


def url(name, *args):
    return reverse(f"scorecards:{name}", args=args)


def board_url(unit, code=CODE, year=YEAR, name="board"):
    return url(name, unit.pk, code, year)


def get(client, user, address, params=None):
    client.force_login(user)
    return client.get(address, params or {})


def rows_of(response) -> dict:
    assert response.status_code == 200, response.status_code
    return {row.code: row for row in response.context["rows"]}


@pytest.fixture
def decided(submitted, users, cell_leader, frameworks, tree):
    """Cell 1: self-evaluated in quarters I and III, appraised 95 (item 2.1 lowered from 13
    to 8), recognised by ward A's leader; its party organisation graded HTXS."""
    grade_party_org(tree.cell_a1, 95, users, cell_leader, frameworks)
    domain.evaluate(submitted, cell_leader, 1, "Hoàn thành chỉ tiêu quý I")
    domain.evaluate(submitted, cell_leader, 3, "Hoàn thành chỉ tiêu quý III")
    line = submitted.lines.select_related("criterion").get(criterion__code="2.1")
    domain.appraise(submitted, users["secretariat"],
                    {line.criterion_id: ("8", "Hai kỳ sinh hoạt chưa đủ nội dung")})
    domain.transition(submitted, "appraise", users["secretariat"])
    domain.transition(submitted, "recognise", users["leader"], decision_number="20-QĐ/ĐU",
                      decision_date=date(YEAR, 12, 20))
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def june(monkeypatch):
    """The board read on 01/06 of the year: the registration due date (15/01) has passed."""
    monkeypatch.setattr(queries, "today", lambda: date(YEAR, 6, 1))


def card(framework, unit, state="submitted", self_total=None, appraised_total=None, **extra):
    return Scorecard.objects.create(framework=framework, unit=unit, year=YEAR, state=state,
                                    self_total=self_total, appraised_total=appraised_total,
                                    **extra)


# The rows and the counts ----------------------------------------------------------------------
def test_board_of_ward_a_lists_each_cell_with_its_state_scores_and_decision(
        client, decided, tree, users):
    response = get(client, users["secretariat"], board_url(tree.ward_a))
    rows = rows_of(response)
    assert set(rows) == {"PAB-CB1", "PAB-CB2"}  # the cells; the ward is not a "chi bộ"
    one, two = rows["PAB-CB1"], rows["PAB-CB2"]
    assert one.state_label == "Được công nhận" and one.registered
    assert one.evaluated == [True, False, True, False]
    assert (one.self_total, one.appraised_total) == (Decimal(100), Decimal(95))
    assert (one.decision_number, one.decision_date) == ("20-QĐ/ĐU", date(YEAR, 12, 20))
    assert one.url == url("card", decided.pk)
    assert two.state_label == "Chưa đăng ký" and two.card_id is None
    assert two.self_total is None and two.evaluated == [False] * 4
    html = response.content.decode()
    assert "Được công nhận: 1/2 (50,0%)" in html
    assert "20-QĐ/ĐU, 20/12/" in html and f'href="{url("card", decided.pk)}"' in html
    summary = response.context["summary"]
    counts = {code: count for code, _label, _badge, count in summary["states"]}
    assert counts["recognised"] == 1 and counts["none"] == 1 and summary["total"] == 2


def test_a_grading_board_shows_the_band_and_one_yearly_period(client, tree, users, cell_leader,
                                                                frameworks):
    grade_party_org(tree.cell_a1, 75, users, cell_leader, frameworks)
    response = get(client, users["observer"], board_url(tree.ward_a, "xep_loai_to_chuc_dang"))
    rows = rows_of(response)
    assert set(rows) == {"PAB", "PAB-CB1", "PAB-CB2"}  # the ward is graded too
    assert rows["PAB-CB1"].band_label == "Hoàn thành tốt nhiệm vụ"
    assert rows["PAB-CB1"].evaluated == [False]
    assert response.context["board"].period_headers == [("Năm", "cả năm")]
    assert {code: n for code, _label, n in response.context["summary"]["bands"]} == {
        "htxs": 0, "htt": 1, "ht": 0, "kht": 0}
    assert "Đã có quyết định xếp loại: 1/3 (33,3%)" in response.content.decode()


# Sort and filters --------------------------------------------------------------------------------
@pytest.fixture
def scored(bon_tot, tree, make_unit):
    """Ward A's cells with totals: CB1 100/95 (submitted), CB2 none, Chi bộ An 80 (returned),
    Chi bộ Ba 90/85 (appraised), Chi bộ Cư registered without a total."""
    card(bon_tot, tree.cell_a1, self_total=Decimal(100), appraised_total=Decimal(95))
    card(bon_tot, make_unit("Chi bộ An", tree.ward_a, code="PAB-AN"), "returned", Decimal(80))
    card(bon_tot, make_unit("Chi bộ Ba", tree.ward_a, code="PAB-BA"), "appraised", Decimal(90),
         Decimal(85))
    card(bon_tot, make_unit("Chi bộ Cư", tree.ward_a, code="PAB-CU"), "registered")


def codes(client, user, unit, **params):
    response = get(client, user, board_url(unit), {k.replace("_", "-"): v
                                                   for k, v in params.items()})
    assert response.status_code == 200
    return [row.code for row in response.context["rows"]]


def test_board_sorts_by_name_state_and_totals(client, scored, tree, users):
    user = users["leader"]
    assert codes(client, user, tree.ward_a) == ["PAB-CB1", "PAB-CB2", "PAB-AN", "PAB-BA",
                                                "PAB-CU"]  # the tree's order
    assert codes(client, user, tree.ward_a, sap_xep="ten") == [
        "PAB-AN", "PAB-BA", "PAB-CU", "PAB-CB1", "PAB-CB2"]
    assert codes(client, user, tree.ward_a, sap_xep="-tu-cham") == [
        "PAB-CB1", "PAB-BA", "PAB-AN", "PAB-CB2", "PAB-CU"]  # no total last
    assert codes(client, user, tree.ward_a, sap_xep="tham-dinh")[:2] == ["PAB-BA", "PAB-CB1"]
    assert codes(client, user, tree.ward_a, sap_xep="trang-thai") == [
        "PAB-CB2", "PAB-CU", "PAB-CB1", "PAB-AN", "PAB-BA"]  # none, registered, submitted…
    # An unknown sort is ignored, not an error.
    assert codes(client, user, tree.ward_a, sap_xep="xoa")[0] == "PAB-CB1"


def test_board_filters_by_state_and_name(client, scored, tree, users):
    user = users["secretariat"]
    assert codes(client, user, tree.ward_a, trang_thai="none") == ["PAB-CB2"]
    assert codes(client, user, tree.ward_a, trang_thai="returned") == ["PAB-AN"]
    assert codes(client, user, tree.ward_a, q="chi bo ba") == ["PAB-BA"]
    response = get(client, user, board_url(tree.ward_a), {"trang-thai": "appraised"})
    assert response.context["summary"]["total"] == 5  # the counts stay the whole board's


def test_behind_deadline_is_highlighted_and_filtered(client, bon_tot, registered, tree, users,
                                                     make_unit, june, cell_leader):
    """Due 15/01, read on 01/06: cell 2 (no scorecard) and a cell still writing its
    registration are behind; cell 1, registered, is not."""
    draft = make_unit("Chi bộ Đang viết", tree.ward_a, code="PAB-DV")
    card(bon_tot, draft, "draft")
    response = get(client, users["secretariat"], board_url(tree.ward_a))
    rows = rows_of(response)
    assert rows["PAB-CB2"].behind == f"Quá hạn đăng ký (15/01/{YEAR})"
    assert rows["PAB-DV"].behind and not rows["PAB-CB1"].behind
    html = response.content.decode()
    assert html.count('class="table-warning cham-han"') == 2
    assert 'id="so-cham-han">Chậm hạn: 2<' in html
    assert codes(client, users["secretariat"], tree.ward_a, cham_han="on") == ["PAB-CB2",
                                                                               "PAB-DV"]


def test_nothing_is_behind_before_the_due_date_and_unsubmitted_is_behind_after_the_year(
        client, bon_tot, registered, tree, users, monkeypatch):
    monkeypatch.setattr(queries, "today", lambda: date(YEAR, 1, 10))
    response = get(client, users["secretariat"], board_url(tree.ward_a))
    assert not any(row.behind for row in response.context["rows"])
    assert 'class="table-warning cham-han"' not in response.content.decode()
    monkeypatch.setattr(queries, "today", lambda: date(YEAR + 1, 1, 5))
    rows = rows_of(get(client, users["secretariat"], board_url(tree.ward_a)))
    assert rows["PAB-CB1"].behind == f"Hết năm {YEAR} chưa đề nghị công nhận"


# Who sees it -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["board", "board_export", "board_compare",
                                  "board_compare_export"])
def test_another_wards_user_gets_404(client, submitted, tree, users, name):
    for unit in (tree.ward_a, tree.cell_a1):
        assert get(client, users["other"], board_url(unit, name=name)).status_code == 404
    assert get(client, users["other"], board_url(tree.ward_b, name=name)).status_code == 200


def test_staff_without_a_reading_role_is_refused(client, submitted, tree, users):
    assert get(client, users["staff"], board_url(tree.cell_a1)).status_code == 404
    assert get(client, users["staff"], url("boards")).status_code == 403
    assert get(client, users["norole"], url("boards")).status_code == 403
    client.logout()
    assert client.get(board_url(tree.ward_a)).status_code == 302  # to the login page


def test_unknown_or_personal_framework_and_odd_years_answer_404(client, frameworks, tree,
                                                                users):
    user = users["secretariat"]
    assert get(client, user, board_url(tree.ward_a, "khong_co")).status_code == 404
    assert get(client, user, board_url(tree.ward_a, "nu_cuoi_cong_so")).status_code == 404
    assert get(client, user, board_url(tree.ward_a, year=1999)).status_code == 404


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


#: Session, user, roles, unit, framework and its kinds, the page's count and rows, their
#: self-evaluations, the summary, the menu's unread notifications.
BOARD_QUERIES = 11
#: The same with the comparison's counts, count, rows and adjusted items.
COMPARE_QUERIES = 11


def test_the_board_costs_the_same_queries_for_2_or_30_cells(client, decided, bon_tot, tree,
                                                             users, make_unit, cell_leader,
                                                             django_assert_max_num_queries):
    client.force_login(users["secretariat"])
    address = board_url(tree.ward_a) + "?sap-xep=-tu-cham"
    compare = board_url(tree.ward_a, name="board_compare")
    small, small_compare = _queries(client, address), _queries(client, compare)
    for i in range(28):
        unit = make_unit(f"Chi bộ số {i}", tree.ward_a, code=f"PAB-S{i}")
        if i % 3:
            made = card(bon_tot, unit, self_total=Decimal(90 - i), appraised_total=Decimal(80))
            Evaluation.objects.create(scorecard=made, period=1 + i % 4, note="Đã làm")
    assert len(rows_of(client.get(address))) == 30
    assert _queries(client, address) == small
    assert _queries(client, compare) == small_compare
    with django_assert_max_num_queries(BOARD_QUERIES):
        client.get(address)
    with django_assert_max_num_queries(COMPARE_QUERIES):
        client.get(compare)


def test_the_board_pages_at_100_rows(client, bon_tot, tree, users, make_unit):
    for i in range(101):
        make_unit(f"Chi bộ {i:03d}", tree.ward_a, code=f"PAB-P{i:03d}")
    response = get(client, users["secretariat"], board_url(tree.ward_a))
    assert len(response.context["rows"]) == 100
    assert response.context["page_obj"].paginator.count == 103
    assert len(get(client, users["secretariat"], board_url(tree.ward_a),
                   {"page": 2}).context["rows"]) == 3


# The chooser ------------------------------------------------------------------------------------
def test_chooser_lists_the_users_units_and_the_frameworks_about_units(client, frameworks, tree,
                                                                      users):
    response = get(client, users["secretariat"], url("boards"), {"nam": YEAR})
    html = response.content.decode()
    assert [unit.code for unit, _links in response.context["rows"]] == ["PAB"]
    assert board_url(tree.ward_a) in html
    assert "Nụ cười công sở" not in html  # a framework about people has no unit board


def test_chooser_opens_a_unit_of_the_scope_by_its_code(client, frameworks, tree, users):
    client.force_login(users["secretariat"])
    response = client.get(url("boards"), {"don-vi": "pab-cb2", "khung": CODE, "nam": YEAR})
    assert response.status_code == 302 and response["Location"] == board_url(tree.cell_a2)
    response = client.get(url("boards"), {"don-vi": "XBM-CB1", "khung": CODE, "nam": YEAR})
    assert response.status_code == 200
    assert "Không tìm thấy đơn vị có mã “XBM-CB1”" in response.content.decode()


# The comparison ------------------------------------------------------------------------------
def test_comparison_lists_self_and_appraised_totals_by_difference(client, decided, bon_tot,
                                                                  tree, users, make_unit):
    card(bon_tot, make_unit("Chi bộ Giảm", tree.ward_a, code="PAB-G"), "appraised",
         Decimal(90), Decimal(80))
    card(bon_tot, make_unit("Chi bộ Tăng", tree.ward_a, code="PAB-T"), "appraised",
         Decimal(88), Decimal(90))
    card(bon_tot, make_unit("Chi bộ Chờ", tree.ward_a, code="PAB-C"), "submitted", Decimal(92))
    response = get(client, users["leader"], board_url(tree.ward_a, name="board_compare"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["code"] for r in rows] == ["PAB-G", "PAB-CB1", "PAB-T"]
    assert [r["difference_text"] for r in rows] == ["−10", "−5", "+2"]
    assert rows[1]["adjusted"] == [("2.1", "13", "8")]
    html = response.content.decode()
    assert "2.1: 13 → 8" in html
    counts = response.context["counts"]
    assert (counts["appraised"], counts["lowered"], counts["raised"], counts["waiting"]) == (
        3, 2, 1, 1)
    response = get(client, users["leader"], board_url(tree.ward_a, name="board_compare"),
                   {"sap-xep": "-chenh-lech"})
    assert response.context["rows"][0]["code"] == "PAB-T"
