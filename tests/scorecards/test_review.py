"""Review probes: authority, locking, versions, recognition on appraised points, escaping."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.scorecards.conftest import YEAR, full_marks
from thidua.core.workflow import TransitionError
from thidua.scorecards import domain
from thidua.scorecards.models import Framework

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def test_commitments_are_frozen_once_registered(registered, cell_leader):
    group = registered.framework.groups()[0]
    with pytest.raises(PermissionDenied):
        domain.save_commitments(registered, cell_leader, {group.pk: "Đổi nội dung sau hạn"})
    with pytest.raises(PermissionDenied):  # an empty text would delete a registered commitment
        domain.save_commitments(registered, cell_leader, {group.pk: ""})
    assert registered.commitments.get(criterion=group).text.startswith("Đăng ký thực hiện tốt")


def test_self_score_and_commitments_refused_once_submitted_or_decided(submitted, cell_leader,
                                                                     users):
    line = submitted.lines.first()
    with pytest.raises(PermissionDenied):
        domain.self_score(submitted, cell_leader, {line.criterion_id: ("1", "")})
    domain.transition(submitted, "appraise", users["secretariat"])
    domain.transition(submitted, "refuse", users["leader"], "Chưa đạt",
                      decision_number="12-QĐ/ĐU", decision_date=date(YEAR, 12, 20))
    with pytest.raises(PermissionDenied):
        domain.save_commitments(submitted, cell_leader, {})
    with pytest.raises(ValidationError):
        domain.evaluate(submitted, cell_leader, 1, "Ghi thêm")
    with pytest.raises(ValidationError):
        domain.appraise(submitted, users["secretariat"], {line.criterion_id: ("1", "Lý do")})


def test_the_cell_cannot_appraise_or_decide_its_own_card(submitted, cell_leader):
    line = submitted.lines.first()
    with pytest.raises(PermissionDenied):
        domain.appraise(submitted, cell_leader, {line.criterion_id: ("1", "tự hạ")})
    with pytest.raises(TransitionError):
        domain.transition(submitted, "appraise", cell_leader)


def test_recognition_uses_the_appraised_points_per_group(submitted, users, cell_leader,
                                                         frameworks, tree):
    from tests.scorecards.test_domain import grade_party_org

    grade_party_org(tree.cell_a1, 95, users, cell_leader, frameworks)
    items = [line for line in submitted.lines.select_related("criterion")
             if line.criterion.code.startswith("1.")]
    domain.appraise(submitted, users["secretariat"], {
        line.criterion_id: ("0", "Không có minh chứng") for line in items})
    domain.transition(submitted, "appraise", users["secretariat"])
    with pytest.raises(TransitionError, match="Tiêu chí 1"):
        domain.transition(submitted, "recognise", users["leader"],
                          decision_number="5-QĐ/ĐU", decision_date=date(YEAR, 12, 20))


def test_new_version_keeps_cards_and_one_active_version(bon_tot, registered):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("quantri_review", "q@example.org", "x")
    second = domain.new_version(bon_tot, root)
    third = domain.new_version(bon_tot, root)  # from the old version again
    assert Framework.objects.filter(code=bon_tot.code, is_active=True).get() == third
    assert third.version == 3 and second.version == 2
    registered.refresh_from_db()
    assert registered.framework_id == bon_tot.pk
    assert third.criteria.count() == bon_tot.criteria.count()


def test_commitment_and_reason_are_escaped_on_card_and_board(bon_tot, tree, cell_leader,
                                                             users, client):
    card = domain.start(bon_tot, tree.cell_a1, YEAR, cell_leader)
    domain.save_commitments(card, cell_leader, {g.pk: f"{SCRIPT} {g.title}"
                                                for g in bon_tot.groups()})
    domain.register(card, cell_leader)
    card.refresh_from_db()
    domain.self_score(card, cell_leader, full_marks(card))
    domain.transition(card, "submit", cell_leader)
    line = card.lines.first()
    domain.appraise(card, users["secretariat"], {line.criterion_id: ("0", SCRIPT)})
    client.force_login(users["secretariat"])
    for address in (reverse("scorecards:card", args=[card.pk]),
                    reverse("scorecards:board", args=[tree.ward_a.pk, bon_tot.code, YEAR]),
                    reverse("scorecards:board_compare",
                            args=[tree.ward_a.pk, bon_tot.code, YEAR])):
        response = client.get(address)
        assert response.status_code == 200, address
        assert SCRIPT.encode() not in response.content, address
    page = client.get(reverse("scorecards:card", args=[card.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_evidence_downloads_are_scoped(registered, cell_leader, users, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = registered.lines.first()
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    domain.self_score(registered, cell_leader, {line.criterion_id: ("1", "")},
                      {line.criterion_id: upload})
    address = reverse("scorecards:card_line_evidence", args=[registered.pk, line.criterion_id])
    client.force_login(users["other"])
    assert client.get(address).status_code == 404
    client.force_login(cell_leader)
    assert client.get(address).status_code == 200


def _ward_card(frameworks, tree, user):
    framework = next(f for f in frameworks.values() if f.subject == "units"
                     and f.unit_kinds.filter(pk=tree.ward_a.kind_id).exists()
                     and f.recognition_label)
    card = domain.start(framework, tree.ward_a, YEAR, user)
    domain.save_commitments(card, user, {g.pk: "Cam kết" for g in framework.groups()})
    domain.register(card, user)
    domain.self_score(card, user, full_marks(card))
    domain.transition(card, "submit", user)
    card.refresh_from_db()
    return card


def test_a_ward_office_cannot_appraise_or_decide_its_own_card(frameworks, tree, users,
                                                            make_user):
    card = _ward_card(frameworks, tree, users["leader"])
    line = card.lines.first()
    for user in (users["leader"], users["secretariat"], users["admin"]):
        with pytest.raises(PermissionDenied):
            domain.appraise(card, user, {line.criterion_id: ("0", "tự hạ")})
        with pytest.raises(TransitionError):
            domain.transition(card, "appraise", user)
    province_leader = make_user("lanhdao_tinh", "leader", tree.province)
    domain.transition(card, "appraise", province_leader)
    card.refresh_from_db()
    assert card.state == "appraised"


def test_the_root_unit_does_not_decide_its_own_card(frameworks, tree, make_user):
    from thidua.scorecards.models import Scorecard, ScoreLine

    framework = frameworks["chi_bo_bon_tot"]
    leader = make_user("lanhdao_goc", "leader", tree.province)
    card = Scorecard.objects.create(framework=framework, unit=tree.province, year=YEAR,
                                    state="submitted")
    ScoreLine.objects.bulk_create([ScoreLine(scorecard=card, criterion=c, self_points=1)
                                   for c in framework.criteria.filter(parent__isnull=False)])
    with pytest.raises(TransitionError, match="cấp trên"):
        domain.transition(card, "appraise", leader)
    with pytest.raises(PermissionDenied):
        domain.appraise(card, leader, {})


def test_a_person_who_leads_his_unit_does_not_appraise_his_own_card(frameworks, tree,
                                                                   make_person, make_user):
    smile = frameworks["nu_cuoi_cong_so"]
    leader = make_user("bithu_canhan", "leader", tree.cell_a1)
    person = make_person("Lê Văn Bí", tree.cell_a1, user=leader)
    card = domain.start(smile, tree.cell_a1, YEAR, leader, person=person)
    domain.save_commitments(card, leader, {g.pk: "Luôn mỉm cười" for g in smile.groups()})
    domain.register(card, leader)
    domain.self_score(card, leader, full_marks(card))
    domain.transition(card, "submit", leader)
    line = card.lines.first()
    with pytest.raises(PermissionDenied):
        domain.appraise(card, leader, {line.criterion_id: ("0", "tự hạ")})
    with pytest.raises(TransitionError):
        domain.transition(card, "appraise", leader)


def test_a_persons_recognition_needs_the_kpi_year(frameworks, tree, users, make_person,
                                                  make_user):
    from thidua.kpi.models import YearResult
    from thidua.kpi.policy import Grade

    smile = frameworks["nu_cuoi_cong_so"]
    staff = make_user("canbo_kpi", "staff", tree.cell_a1)
    person = make_person("Đỗ Thị Kpi", tree.cell_a1, user=staff)
    card = domain.start(smile, tree.cell_a1, YEAR, staff, person=person)
    domain.save_commitments(card, staff, {g.pk: "Luôn mỉm cười" for g in smile.groups()})
    domain.register(card, staff)
    domain.self_score(card, staff, full_marks(card))
    domain.transition(card, "submit", staff)
    domain.transition(card, "appraise", users["leader"])
    decision = {"decision_number": "3-QĐ/ĐU", "decision_date": date(YEAR, 12, 20)}
    with pytest.raises(TransitionError, match="KPI"):
        domain.transition(card, "recognise", users["leader"], **decision)
    result = YearResult.objects.create(person=person, unit=tree.cell_a1, year=YEAR, months=12,
                                       score=60, grade=Grade.HT)
    with pytest.raises(TransitionError, match="KPI"):
        domain.transition(card, "recognise", users["leader"], **decision)
    result.grade = Grade.HTT
    result.save()
    domain.transition(card, "recognise", users["leader"], **decision)
    assert card.state == "recognised"


def test_the_commitments_view_refuses_after_registration(registered, cell_leader, client):
    client.force_login(cell_leader)
    address = reverse("scorecards:card_commitments", args=[registered.pk])
    data = {f"cam_ket_{g.pk}": "" for g in registered.framework.groups()}
    response = client.post(address, data)
    assert response.status_code == 200
    assert "không sửa được nội dung đăng ký" in response.content.decode()
    assert registered.commitments.count() == len(registered.framework.groups())
    html = client.get(reverse("scorecards:card", args=[registered.pk])).content.decode()
    assert 'id="form-dang-ky"' not in html
    assert "Đăng ký thực hiện tốt" in html  # the registered text is still shown


def test_uploads_are_checked_and_evaluation_evidence_is_scoped(registered, cell_leader, users,
                                                               client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = registered.lines.first()
    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError, match="không phải tệp"):
        domain.self_score(registered, cell_leader, {line.criterion_id: ("1", "")},
                          {line.criterion_id: fake})
    with pytest.raises(ValidationError, match="định dạng"):
        domain.evaluate(registered, cell_leader, 1, "Quý 1",
                        SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream"))
    good = SimpleUploadedFile("quy1.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    domain.evaluate(registered, cell_leader, 1, "Quý 1", good)
    address = reverse("scorecards:card_evaluation_evidence", args=[registered.pk, 1])
    client.force_login(users["other"])
    assert client.get(address).status_code == 404
    client.force_login(users["secretariat"])
    assert client.get(address).status_code == 200


def test_a_changed_self_score_after_return_drops_the_stale_appraisal(submitted, cell_leader,
                                                                     users):
    line = submitted.lines.select_related("criterion").get(criterion__code="1.1")
    top = line.criterion.max_points
    domain.appraise(submitted, users["secretariat"], {line.criterion_id: (str(top), "")})
    domain.transition(submitted, "return", users["secretariat"], "Bổ sung minh chứng")
    domain.self_score(submitted, cell_leader, {line.criterion_id: (str(top - 1), "Tự hạ")})
    domain.transition(submitted, "submit", cell_leader)
    domain.transition(submitted, "appraise", users["secretariat"])
    line.refresh_from_db()
    # The appraisal of the old self-score does not stay, above the new one and without reason.
    assert line.appraised_points == top - 1
    submitted.refresh_from_db()
    assert submitted.appraised_total == submitted.self_total
