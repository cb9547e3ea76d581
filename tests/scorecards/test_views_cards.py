"""The screens of a scorecard's yearly cycle: my units' scorecards and the scorecard page.

Fixtures: tests/conftest.py (two wards, one user per role on ward A; ``other`` is the
secretariat of ward B) and tests/scorecards/conftest.py (the shipped frameworks, the
cell's leader ``bithu_cb1`` who is the office of Chi bộ Tổ dân phố 1, its scorecard
``registered`` and ``submitted`` with full marks).
"""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import as_user  # noqa: F401 (shared helper)
from tests.scorecards.conftest import YEAR, full_marks
from tests.scorecards.test_domain import grade_party_org
from thidua.core import scoping
from thidua.core.models import TransitionLog
from thidua.scorecards import domain
from thidua.scorecards.models import Criterion, Evaluation, Framework, Scorecard, ScoreLine

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% bien ban sinh hoat chi bo\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(name, *args):
    return reverse(f"scorecards:{name}", args=args)




def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(card) -> str:
    return Scorecard.objects.values_list("state", flat=True).get(pk=card.pk)


def line_of(card, code) -> ScoreLine:
    return ScoreLine.objects.select_related("criterion").get(scorecard=card,
                                                            criterion__code=code)


def self_post(card, **points):
    """Every item at its maximum, with the given points by code ("2.1": "8")."""
    data = {}
    for line in card.lines.select_related("criterion"):
        code = line.criterion.code
        data[f"diem_{line.criterion_id}"] = points.get(code, f"{line.criterion.max_points:f}")
        data[f"giai_trinh_{line.criterion_id}"] = f"Giải trình {code}"
    return data


def appraisal_post(card, **changes):
    """The self-score kept everywhere but where ``changes`` gives (points, reason) by code."""
    data = {}
    for line in card.lines.select_related("criterion"):
        points, reason = changes.get(line.criterion.code, (f"{line.self_points:f}", ""))
        data[f"tham_dinh_{line.criterion_id}"] = points
        data[f"ly_do_{line.criterion_id}"] = reason
    return data


def section(html: str, anchor: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{anchor}".*?</section>', html, re.S)
    assert match, f"no section {anchor}"
    return match.group(0)


# The full cycle ------------------------------------------------------------------------------
def test_full_cycle_through_the_views(client, bon_tot, tree, cell_leader, users, frameworks):
    c = as_user(client, cell_leader)
    html = page(c.get(url("mine"), {"nam": YEAR}))
    rows = re.search(r'id="phieu-cua-don-vi".*?</table>', html, re.S).group(0)
    assert "Chi bộ Tổ dân phố 1" in rows and "Chi bộ bốn tốt" in rows
    assert "Đánh giá, xếp loại chất lượng tổ chức đảng" in rows
    assert "Đảng bộ cơ sở bốn tốt" not in rows  # not for a cell
    assert not Scorecard.objects.exists()  # a GET never makes one

    # 1. Start and register.
    response = c.post(url("mine"), {"nam": YEAR, "bo": bon_tot.pk, "don_vi": tree.cell_a1.pk})
    card = Scorecard.objects.get(framework=bon_tot, unit=tree.cell_a1, year=YEAR)
    assert response.status_code == 302
    assert response["Location"] == url("card", card.pk) + "#dang-ky"
    html = page(c.get(url("card", card.pk)))
    assert "Gửi đăng ký" in html and "Đang đăng ký" in html
    groups = bon_tot.groups()
    first = {f"cam_ket_{groups[0].pk}": "Lãnh đạo hoàn thành 100% chỉ tiêu nhiệm vụ chính trị",
             "gui": "1"}
    html = page(c.post(url("card_commitments", card.pk), first))
    assert "Chưa ghi nội dung đăng ký cho tiêu chí: 2, 3, 4." in html
    assert "Lãnh đạo hoàn thành 100% chỉ tiêu nhiệm vụ chính trị</textarea>" in html  # kept
    assert state_of(card) == "draft"
    data = {f"cam_ket_{g.pk}": f"Cam kết tiêu chí {g.code}: {g.title}" for g in groups}
    response = c.post(url("card_commitments", card.pk), {**data, "gui": "1"})
    assert response.status_code == 302 and state_of(card) == "registered"
    assert card.commitments.count() == 4

    # 2. A quarterly self-evaluation with an evidence PDF.
    evidence = SimpleUploadedFile("bien-ban-quy-1.pdf", PDF, content_type="application/pdf")
    response = c.post(url("card_evaluation", card.pk),
                      {"period": "1", "note": "Quý I: họp chi bộ đủ 3 kỳ", "evidence": evidence})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(scorecard=card, period=1)
    assert evaluation.evidence and evaluation.submitted_by == cell_leader
    html = page(c.get(url("card", card.pk)))
    assert "Quý I: họp chi bộ đủ 3 kỳ" in section(html, "tu-danh-gia")
    # The self-score form totals as you type (scorecard.js) and says what is left to score.
    assert "thidua/scorecard.js" in html and "data-running-total" in html
    assert html.count("data-points") == card.lines.count()
    assert "còn thiếu: 1.1, 1.2, 1.3" in html and "Đề nghị công nhận" not in html
    download = c.get(url("card_evaluation_evidence", card.pk, 1))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    # 3. The year-end self-score: an item over its maximum is refused, naming it.
    over = self_post(card, **{"1.1": "6"})
    html = page(c.post(url("card_self_score", card.pk), over))
    assert "Tiêu chí 1.1: 6 điểm vượt mức tối đa 5." in html
    item = line_of(card, "1.1").criterion_id
    field = re.search(rf'<input[^>]*id="tucham_diem_{item}"[^>]*>', html).group(0)
    assert 'value="6"' in field and "is-invalid" in field
    assert not ScoreLine.objects.filter(scorecard=card, self_points__isnull=False).exists()
    response = c.post(url("card_self_score", card.pk), self_post(card, **{"4.5": "4,5"}))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.self_total == Decimal("99.5")
    html = page(c.get(url("card", card.pk)))
    assert 'data-overall-total aria-live="polite">99,5</output>' in html  # without JS too
    response = c.post(url("card_self_score", card.pk), self_post(card))
    card.refresh_from_db()
    assert card.self_total == 100

    # Submit for recognition.
    response = c.post(url("card_transition", card.pk, "submit"))
    assert response.status_code == 302 and state_of(card) == "submitted"

    # 4. The ward's office appraises: lowering an item needs a reason.
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("card", card.pk)))
    assert 'id="form-tham-dinh"' in html
    lowered = appraisal_post(card, **{"2.1": ("8", "")})
    html = page(c.post(url("card_appraisal", card.pk), lowered))
    assert "Tiêu chí 2.1: cần ghi lý do khi điểm thẩm định khác điểm tự chấm." in html
    assert line_of(card, "2.1").appraised_points is None
    reason = "Hai kỳ sinh hoạt chưa đủ nội dung"
    response = c.post(url("card_appraisal", card.pk),
                      appraisal_post(card, **{"2.1": ("8", reason)}))
    assert response.status_code == 302
    response = c.post(url("card_transition", card.pk, "appraise"))
    assert response.status_code == 302 and state_of(card) == "appraised"
    card.refresh_from_db()
    assert (card.self_total, card.appraised_total) == (100, 95)

    # 5. Recognition refused while the cell is not graded HTT, the conditions listed.
    c = as_user(client, users["leader"])
    html = page(c.get(url("card", card.pk)))
    assert "Chưa đủ điều kiện công nhận “Chi bộ bốn tốt”" in html
    decision = {"decision_number": "15-QĐ/ĐU", "decision_date": f"25/12/{YEAR}"}
    html = page(c.post(url("card_transition", card.pk, "recognise"), decision))
    text = text_of(html)
    assert "Chưa đủ điều kiện công nhận “Chi bộ bốn tốt”" in text
    assert "xếp loại “Hoàn thành tốt nhiệm vụ” trở lên trong năm" in text
    assert "Số quyết định bạn vừa ghi (chưa được ghi nhận): 15-QĐ/ĐU" in text
    assert state_of(card) == "appraised"

    grade_party_org(tree.cell_a1, 85, users, cell_leader, frameworks)
    html = page(c.get(url("card", card.pk)))
    assert "Chưa đủ điều kiện" not in html and "Công nhận…" in html
    html = page(c.get(url("card_transition", card.pk, "recognise")))
    assert "Điều sẽ xảy ra" in html and "được công nhận “Chi bộ bốn tốt”" in html
    response = c.post(url("card_transition", card.pk, "recognise"), decision)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.state == "recognised" and card.decision_number == "15-QĐ/ĐU"
    assert card.decision_date.strftime("%d/%m/%Y") == f"25/12/{YEAR}"

    # Locked: a banner, no forms, and a write is refused.
    for who in (cell_leader, users["secretariat"], users["leader"]):
        html = page(as_user(client, who).get(url("card", card.pk)))
        assert "Phiếu đã khóa." in html and f"Quyết định số 15-QĐ/ĐU ngày 25/12/{YEAR}" in html
        for form_id in ("form-dang-ky", "form-tu-danh-gia", "form-tu-cham", "form-tham-dinh"):
            assert f'id="{form_id}"' not in html
    c = as_user(client, cell_leader)
    response = c.post(url("card_self_score", card.pk), self_post(card, **{"1.1": "1"}))
    assert "Phiếu đã có quyết định công nhận nên đã khóa" in page(response)
    assert line_of(card, "1.1").self_points == 5
    history = [log.transition for log in TransitionLog.objects.for_object(card)]
    assert history == ["register", "submit", "appraise", "recognise"]


# Scope: another ward sees and changes nothing ----------------------------------------------------
def _all_urls(card):
    line = card.lines.first()
    gets = [url("card", card.pk), url("card_evaluation_evidence", card.pk, 1),
            url("card_line_evidence", card.pk, line.criterion_id),
            url("card_registration_doc", card.pk, "docx"),
            url("card_registration_doc", card.pk, "pdf"),
            url("card_scorecard_doc", card.pk, "docx"), url("card_scorecard_doc", card.pk, "pdf")]
    gets += [url("card_transition", card.pk, name) for name in
             ("submit", "return", "appraise", "recognise", "refuse", "reopen")]
    posts = [url("card_commitments", card.pk), url("card_evaluation", card.pk),
             url("card_self_score", card.pk), url("card_appraisal", card.pk)]
    posts += [url("card_transition", card.pk, name) for name in
              ("submit", "return", "appraise", "recognise", "refuse", "reopen")]
    return gets, posts


def test_another_ward_gets_404_on_every_url(client, submitted, users, cell_leader, tree,
                                            bon_tot):
    domain.evaluate(submitted, cell_leader, 1, "Quý I",
                    SimpleUploadedFile("q1.pdf", PDF, content_type="application/pdf"))
    gets, posts = _all_urls(submitted)
    before = list(ScoreLine.objects.filter(scorecard=submitted).values_list(
        "self_points", "appraised_points"))
    c = as_user(client, users["other"])
    for address in gets:
        assert c.get(address).status_code == 404, address
    data = {**appraisal_post(submitted, **{"1.1": ("1", "Thử")}), **self_post(submitted),
            "reason": "Thử", "decision_number": "1-QĐ/ĐU", "decision_date": f"25/12/{YEAR}",
            "period": "2", "note": "Thử"}
    for address in posts:
        assert c.post(address, data).status_code == 404, address
    assert state_of(submitted) == "submitted"
    assert list(ScoreLine.objects.filter(scorecard=submitted).values_list(
        "self_points", "appraised_points")) == before
    assert Evaluation.objects.filter(scorecard=submitted).count() == 1
    # My units' page: the other ward's own units only; starting a card of ward A is 404.
    html = page(c.get(url("mine")))
    assert "Đảng bộ xã Bình Minh" in html and "Chi bộ Tổ dân phố 1" not in html
    response = c.post(url("mine"), {"nam": YEAR, "bo": bon_tot.pk, "don_vi": tree.cell_a2.pk})
    assert response.status_code == 404
    assert not Scorecard.objects.filter(unit=tree.cell_a2).exists()


def test_staff_without_office_role_gets_404(client, submitted, users):
    gets, posts = _all_urls(submitted)
    c = as_user(client, users["staff"])  # staff role on the cell: no reading role
    assert c.get(gets[0]).status_code == 404
    assert c.post(posts[2], self_post(submitted)).status_code == 404


# Roles ---------------------------------------------------------------------------------------------
def test_the_cells_leader_cannot_appraise_his_own_card(client, submitted, cell_leader):
    c = as_user(client, cell_leader)
    html = page(c.get(url("card", submitted.pk)))
    assert 'id="form-tham-dinh"' not in html and "Hoàn thành thẩm định" not in html
    assert "đang chờ cấp trên thẩm định" in html
    response = c.post(url("card_appraisal", submitted.pk),
                      appraisal_post(submitted, **{"1.1": ("3", "Tự hạ")}))
    assert "Việc thẩm định, công nhận do cấp trên của đơn vị thực hiện." in page(response)
    assert line_of(submitted, "1.1").appraised_points is None
    response = c.post(url("card_transition", submitted.pk, "appraise"))
    assert "Việc thẩm định, công nhận do cấp trên của đơn vị thực hiện." in page(response)
    assert state_of(submitted) == "submitted"


def test_the_wards_secretariat_appraises_and_the_comparison_shows_it(client, submitted,
                                                                      users):
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("card", submitted.pk)))
    item = line_of(submitted, "3.2").criterion_id
    field = re.search(rf'<input[^>]*id="thamdinh_tham_dinh_{item}"[^>]*>', html).group(0)
    assert 'value="5"' in field  # the self-score, ready to change
    response = c.post(url("card_appraisal", submitted.pk), appraisal_post(
        submitted, **{"3.2": ("3,5", "Chưa ban hành quy chế làm việc mới")}))
    assert response.status_code == 302
    html = page(c.get(url("card", submitted.pk)))
    comparison = section(html, "so-sanh")
    changed = re.search(r'<tr class="table-warning" data-khac="1">.*?</tr>', comparison,
                        re.S).group(0)
    assert "3.2" in changed and "3,5" in changed and "−1,5" in changed
    assert "Chưa ban hành quy chế làm việc mới" in changed
    assert comparison.count('data-khac="1"') == 1
    assert "98,5" in text_of(comparison)  # the appraised total
    # A decider of the ward is not the office of the cell's own unit: the leader decides.
    response = c.post(url("card_transition", submitted.pk, "appraise"))
    assert response.status_code == 302 and state_of(submitted) == "appraised"
    html = page(c.get(url("card", submitted.pk)))
    assert "Công nhận…" not in html  # the secretariat does not decide


def test_the_parents_office_gets_a_link_to_its_board(client, submitted, users, cell_leader,
                                                     tree):
    board = reverse("scorecards:board", args=[tree.ward_a.pk, "chi_bo_bon_tot", YEAR])
    html = page(as_user(client, users["secretariat"]).get(url("card", submitted.pk)))
    assert f'href="{board}"' in html and "Bảng theo dõi — Đảng bộ phường An Bình" in html
    html = page(as_user(client, cell_leader).get(url("card", submitted.pk)))
    assert "Bảng theo dõi" not in html  # the cell does not read the ward
    assert f'href="{url("mine")}?nam={YEAR}"' in html  # its crumbs go to its own units


def test_return_needs_a_reason_and_reopens_the_subjects_forms(client, submitted, users,
                                                               cell_leader):
    c = as_user(client, users["secretariat"])
    response = c.post(url("card_transition", submitted.pk, "return"), {"reason": ""})
    assert "Cần ghi lý do trả lại bổ sung." in page(response)
    assert state_of(submitted) == "submitted"
    response = c.post(url("card_transition", submitted.pk, "return"),
                      {"reason": "Bổ sung biên bản sinh hoạt quý IV"})
    assert response.status_code == 302 and state_of(submitted) == "returned"
    html = page(as_user(client, cell_leader).get(url("card", submitted.pk)))
    assert "Phiếu bị trả lại để bổ sung." in html and "Bổ sung biên bản sinh hoạt quý IV" in html
    assert 'id="form-tu-cham"' in html and "Đề nghị công nhận" in html


def test_refusal_needs_a_reason_and_a_decision(client, submitted, users):
    domain.transition(submitted, "appraise", users["secretariat"])
    c = as_user(client, users["leader"])
    html = page(c.get(url("card_transition", submitted.pk, "refuse")))
    assert "Số quyết định" in html and "Lý do không công nhận" in html
    html = page(c.post(url("card_transition", submitted.pk, "refuse"),
                       {"decision_number": "", "decision_date": "32/12/2026", "reason": ""}))
    assert "Cần ghi số quyết định." in html and "Cần ghi lý do không công nhận." in html
    assert "Ngày quyết định phải ghi theo dạng ngày/tháng/năm" in html
    assert state_of(submitted) == "appraised"
    response = c.post(url("card_transition", submitted.pk, "refuse"), {
        "decision_number": "16-QĐ/ĐU", "decision_date": f"26/12/{YEAR}",
        "reason": "Chưa được xếp loại tổ chức đảng"})
    assert response.status_code == 302 and state_of(submitted) == "not_recognised"
    html = page(c.get(url("card", submitted.pk)))
    assert "Phiếu đã khóa." in html and "Không được công nhận “Chi bộ bốn tốt”" in html


def test_a_grading_card_scores_its_groups_and_shows_the_band(client, frameworks, tree,
                                                             cell_leader, users):
    grading = frameworks["xep_loai_to_chuc_dang"]
    card = domain.start(grading, tree.cell_a2, YEAR, users["secretariat"])
    domain.save_commitments(card, users["secretariat"],
                            {g.pk: "Hoàn thành nhiệm vụ" for g in grading.groups()})
    domain.register(card, users["secretariat"])
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("card", card.pk)))
    assert html.count("data-points") == 4  # the groups take the points themselves
    assert "Cả năm" in section(html, "tu-danh-gia")  # one evaluation a year
    scores = {f"diem_{g.pk}": str(g.max_points - 5) for g in grading.groups()}
    assert c.post(url("card_self_score", card.pk), scores).status_code == 302
    html = page(c.get(url("card", card.pk)))
    assert "Xếp loại: <strong>Hoàn thành tốt nhiệm vụ</strong>" in html  # 80 points
    done = grade_party_org(tree.cell_a1, 92, users, cell_leader, frameworks)
    html = page(as_user(client, cell_leader).get(url("card", done.pk)))
    assert "Xếp loại “Hoàn thành xuất sắc nhiệm vụ” năm" in html and "Phiếu đã khóa." in html


def test_unknown_transition_and_document_are_404(client, submitted, users):
    c = as_user(client, users["leader"])
    assert c.post(url("card_transition", submitted.pk, "register")).status_code == 404
    assert c.get(url("card_transition", submitted.pk, "close")).status_code == 404
    assert c.get(url("card_scorecard_doc", submitted.pk, "xlsx")).status_code == 404


def test_evaluation_refuses_a_fake_pdf_and_keeps_the_note(client, registered, cell_leader):
    c = as_user(client, cell_leader)
    fake = SimpleUploadedFile("bien-ban.pdf", b"not a pdf", content_type="application/pdf")
    html = page(c.post(url("card_evaluation", registered.pk),
                       {"period": "2", "note": "Quý II: đủ 3 kỳ họp", "evidence": fake}))
    assert "không phải tệp .pdf hợp lệ" in html and "Quý II: đủ 3 kỳ họp</textarea>" in html
    assert not Evaluation.objects.exists()


def test_self_score_evidence_per_item(client, registered, cell_leader):
    c = as_user(client, cell_leader)
    item = line_of(registered, "2.1").criterion_id
    data = self_post(registered)
    data[f"minh_chung_{item}"] = SimpleUploadedFile("so-bien-ban.pdf", PDF,
                                                    content_type="application/pdf")
    assert c.post(url("card_self_score", registered.pk), data).status_code == 302
    assert line_of(registered, "2.1").evidence
    download = c.get(url("card_line_evidence", registered.pk, item))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    other = line_of(registered, "1.1").criterion_id
    assert c.get(url("card_line_evidence", registered.pk, other)).status_code == 404


# My units' scorecards ---------------------------------------------------------------------------
def test_mine_for_the_wards_office_and_a_persons_own_framework(client, users, tree, frameworks,
                                                                make_person):
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("mine")))
    rows = re.search(r'id="phieu-cua-don-vi".*?</table>', html, re.S).group(0)
    assert "Đảng bộ phường An Bình" in rows and "Đảng bộ cơ sở bốn tốt" in rows
    assert "Chi bộ Tổ dân phố 1" not in rows  # the cells are on the office's board
    assert "Nụ cười công sở" not in rows  # no person linked to this login
    make_person("Lê Thị Văn Phòng", tree.ward_a, user=users["secretariat"])
    html = page(c.get(url("mine")))
    assert "Lê Thị Văn Phòng" in html and "Nụ cười công sở" in html
    smile = frameworks["nu_cuoi_cong_so"]
    response = c.post(url("mine"), {"nam": YEAR, "bo": smile.pk})
    card = Scorecard.objects.get(framework=smile, year=YEAR)
    assert card.person.full_name == "Lê Thị Văn Phòng" and card.unit == tree.ward_a
    assert response["Location"] == url("card", card.pk) + "#dang-ky"


def test_a_person_scores_his_own_people_framework(client, users, tree, frameworks,
                                                  make_person):
    person = make_person("Phạm Thu Hà", tree.cell_a1, user=users["staff"])
    smile = frameworks["nu_cuoi_cong_so"]
    c = as_user(client, users["staff"])  # staff role only: no office, his own card
    response = c.post(url("mine"), {"nam": YEAR, "bo": smile.pk})
    card = Scorecard.objects.get(person=person, framework=smile)
    assert response.status_code == 302
    data = {f"cam_ket_{g.pk}": "Luôn mỉm cười, luôn lắng nghe" for g in smile.groups()}
    assert c.post(url("card_commitments", card.pk), data).status_code == 302
    assert card.commitments.count() == len(smile.groups())
    text = text_of(page(c.get(url("card", card.pk))))
    assert "Nụ cười công sở năm" in text and "Cá nhân · Chi bộ Tổ dân phố 1" in text
    # Another person of the same cell, without a reading role, does not reach it.
    other = make_person("Ngô Văn Khác", tree.cell_a1, user=users["norole"])
    assert other.pk and as_user(client, users["norole"]).get(
        url("card", card.pk)).status_code == 404


def test_mine_for_users_without_units(client, users):
    html = page(as_user(client, users["norole"]).get(url("mine")))
    assert "Bạn chưa phụ trách đơn vị nào" in html
    assert as_user(client, users["norole"]).post(url("mine"), {"bo": "999999", "don_vi": "1"}
                                                 ).status_code == 404


def test_mine_bad_year_falls_back(client, cell_leader):
    response = as_user(client, cell_leader).get(url("mine"), {"nam": "abc"})
    assert f"Bộ tiêu chí của đơn vị năm {YEAR}" in page(response)
    assert any("không hợp lệ" in m for m in told(response))


def test_start_refused_for_a_framework_of_another_kind(client, users, tree, frameworks):
    c = as_user(client, users["secretariat"])
    response = c.post(url("mine"), {"nam": YEAR, "bo": frameworks["chi_bo_bon_tot"].pk,
                                    "don_vi": tree.ward_a.pk})
    assert response.status_code == 302 and response["Location"] == f"{url('mine')}?nam={YEAR}"
    assert any("không áp dụng cho loại đơn vị" in m for m in told(response))
    assert not Scorecard.objects.exists()


#: session, user, role paths, units, frameworks, their unit kinds, the person, the
#: scorecards of the year, unread notifications.
MINE_QUERIES = 9


def test_mine_queries_do_not_grow_with_units(client, make_user, tree, make_unit, frameworks,
                                             django_assert_max_num_queries):
    from thidua.org.models import RoleAssignment

    user = make_user("vanphong_nhieu", "secretariat", tree.cell_a1)
    c = as_user(client, user)
    with CaptureQueriesContext(connection) as one:
        page(c.get(url("mine")))
    for index in range(6):
        cell = make_unit(f"Chi bộ thử {index}", tree.ward_a, code=f"PAB-T{index}")
        RoleAssignment.objects.create(user=user, role="leader", unit=cell)
        scoping.forget_roles(user)
        domain.start(frameworks["chi_bo_bon_tot"], cell, YEAR, user)
    with CaptureQueriesContext(connection) as many:
        html = page(c.get(url("mine")))
    assert html.count("Mở phiếu") == 6
    assert len(many) == len(one)
    with django_assert_max_num_queries(MINE_QUERIES):
        page(c.get(url("mine")))


# Query counts of the scorecard page --------------------------------------------------------------
def _framework_with(items: int) -> Framework:
    from thidua.org.models import UnitKind

    framework = Framework.objects.create(code=f"thu_{items}", name=f"Thử {items} tiêu chí",
                                         recognition_label="Thử", rule={"min_total": 1})
    framework.unit_kinds.set(UnitKind.objects.filter(code="chi_bo"))
    for g in (1, 2):
        group = Criterion.objects.create(framework=framework, order=g, code=str(g),
                                         title=f"Nhóm {g}", max_points=Decimal(items * 2))
        for i in range(1, items + 1):
            Criterion.objects.create(framework=framework, parent=group, order=i,
                                     code=f"{g}.{i}", title=f"Tiêu chí {g}.{i}",
                                     max_points=Decimal(2))
    return framework


def _submitted_card(framework, unit, user, evaluations: int):
    card = domain.start(framework, unit, YEAR, user)
    domain.save_commitments(card, user, {g.pk: "Cam kết" for g in framework.groups()})
    domain.register(card, user)
    for period in range(1, evaluations + 1):
        domain.evaluate(card, user, period, f"Kỳ {period}",
                        SimpleUploadedFile(f"k{period}.pdf", PDF, content_type="application/pdf"))
    domain.self_score(card, user, full_marks(card))
    domain.transition(card, "submit", user)
    card.refresh_from_db()
    return card


def _card_queries(c, card) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(c.get(url("card", card.pk)))
    return len(queries)


#: session, user, role paths, the scorecard (with framework, unit, person), criteria, lines,
#: commitments, evaluations, transition log, unread notifications; and the parent unit for
#: the link to its board when the user reads the parent (the ward's office).
CARD_QUERIES = 11


@pytest.mark.parametrize("who", ["secretariat", "cell_leader"])
def test_card_page_queries_do_not_grow_with_items_or_evaluations(
        client, who, users, cell_leader, tree, kinds, django_assert_max_num_queries):
    small = _submitted_card(_framework_with(2), tree.cell_a1, cell_leader, 1)
    large = _submitted_card(_framework_with(15), tree.cell_a2,
                            users["secretariat"], 4)
    user = cell_leader if who == "cell_leader" else users["secretariat"]
    if who == "cell_leader":  # he is the office of cell A1 only: give him cell A2 as well
        from thidua.org.models import RoleAssignment

        RoleAssignment.objects.create(user=user, role="leader", unit=tree.cell_a2)
    c = as_user(client, user)
    _card_queries(c, small)  # warm the content type cache
    assert large.lines.count() == 30 and large.evaluations.count() == 4
    assert _card_queries(c, small) == _card_queries(c, large)
    with django_assert_max_num_queries(CARD_QUERIES):
        page(c.get(url("card", large.pk)))


def test_card_page_queries_when_appraised(client, submitted, users,
                                          django_assert_max_num_queries):
    """The decider's page also reads the recognition rule (criteria, lines, the grading)."""
    domain.transition(submitted, "appraise", users["secretariat"])
    c = as_user(client, users["leader"])
    _card_queries(c, submitted)
    with django_assert_max_num_queries(CARD_APPRAISED_QUERIES):
        html = page(c.get(url("card", submitted.pk)))
    assert "Chưa đủ điều kiện công nhận" in html


#: CARD_QUERIES plus the recognition rule read twice (the guard of “Công nhận” and the list
#: of unmet conditions): criteria, lines, the grading's scorecard, its framework.
CARD_APPRAISED_QUERIES = 19
