"""The yearly cycle of a scorecard and the framework versions, through scorecards.domain."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.scorecards.conftest import YEAR, full_marks
from thidua.core.workflow import TransitionError, TransitionForbidden
from thidua.scorecards import domain
from thidua.scorecards.models import Criterion, Framework, Scorecard

pytestmark = pytest.mark.django_db


def test_shipped_frameworks(frameworks):
    bon_tot = frameworks["chi_bo_bon_tot"]
    groups = bon_tot.groups()
    assert [g.title for g in groups] == ["Hoàn thành tốt nhiệm vụ chính trị",
                                         "Chất lượng sinh hoạt tốt", "Đoàn kết tốt, kỷ luật tốt",
                                         "Cán bộ, đảng viên tốt"]
    assert all(g.max_points == 25 for g in groups)
    for group in groups:
        assert sum(i.max_points for i in group.items.all()) == group.max_points
    grading = frameworks["xep_loai_to_chuc_dang"]
    assert [b[0] for b in grading.bands] == ["htxs", "htt", "ht", "kht"]
    assert frameworks["nu_cuoi_cong_so"].subject == "people"


def test_registration_needs_a_commitment_per_criterion(bon_tot, tree, cell_leader):
    card = domain.start(bon_tot, tree.cell_a1, YEAR, cell_leader)
    assert card.lines.count() == Criterion.objects.filter(framework=bon_tot,
                                                          parent__isnull=False).count()
    first = bon_tot.groups()[0]
    domain.save_commitments(card, cell_leader, {first.pk: "Hoàn thành 100% chỉ tiêu"})
    with pytest.raises(ValidationError, match="2, 3, 4"):
        domain.register(card, cell_leader)


def test_another_unit_cannot_start_or_write(bon_tot, tree, users, registered):
    with pytest.raises(PermissionDenied):
        domain.start(bon_tot, tree.cell_a1, YEAR, users["other"])
    with pytest.raises(PermissionDenied):
        domain.self_score(registered, users["other"], full_marks(registered))
    with pytest.raises(ValidationError, match="không áp dụng"):
        domain.start(bon_tot, tree.ward_a, YEAR, users["secretariat"])


def test_points_over_the_maximum_or_negative_are_refused(registered, cell_leader):
    line = registered.lines.select_related("criterion").first()
    for bad in ("26", "-1", "abc"):
        with pytest.raises(ValidationError) as error:
            domain.self_score(registered, cell_leader, {line.criterion_id: (bad, "")})
        assert line.criterion.code in str(error.value)
    assert registered.lines.filter(self_points__isnull=False).count() == 0


def test_submit_needs_every_item_scored(registered, cell_leader):
    with pytest.raises(TransitionError, match="Chưa tự chấm"):
        domain.transition(registered, "submit", cell_leader)


def test_appraisal_from_above_with_reasons(submitted, cell_leader, users):
    with pytest.raises(TransitionError, match="cấp trên"):
        domain.transition(submitted, "appraise", cell_leader)
    line = submitted.lines.select_related("criterion").get(criterion__code="2.1")
    with pytest.raises(ValidationError, match="lý do"):
        domain.appraise(submitted, users["secretariat"], {line.criterion_id: ("8", "")})
    domain.appraise(submitted, users["secretariat"],
                    {line.criterion_id: ("8", "Hai kỳ sinh hoạt chưa đủ nội dung")})
    domain.transition(submitted, "appraise", users["secretariat"])
    submitted.refresh_from_db()
    assert submitted.self_total == 100 and submitted.appraised_total == 95
    assert submitted.state == "appraised"


def test_returned_for_missing_evidence_then_resubmitted(submitted, cell_leader, users):
    domain.transition(submitted, "return", users["secretariat"], "Bổ sung biên bản sinh hoạt")
    assert submitted.state == "returned"
    domain.self_score(submitted, cell_leader, full_marks(submitted, {"1.1": 1}))
    domain.transition(submitted, "submit", cell_leader)
    submitted.refresh_from_db()
    assert submitted.self_total == 99


def grade_party_org(unit, band_total, users, cell_leader, frameworks):
    """The cell's party-organisation grading of the year, decided."""
    grading = frameworks["xep_loai_to_chuc_dang"]
    card = domain.start(grading, unit, YEAR, cell_leader)
    domain.save_commitments(card, cell_leader, {g.pk: "Hoàn thành nhiệm vụ"
                                                for g in grading.groups()})
    domain.register(card, cell_leader)
    scores = {}
    remaining = Decimal(band_total)
    for line in card.lines.select_related("criterion"):
        give = min(line.criterion.max_points, remaining)
        scores[line.criterion_id] = (str(give), "")
        remaining -= give
    domain.self_score(card, cell_leader, scores)
    domain.transition(card, "submit", cell_leader)
    domain.transition(card, "appraise", users["secretariat"])
    domain.transition(card, "recognise", users["leader"], decision_number="12-QĐ/ĐU",
                      decision_date=date(YEAR, 12, 20))
    card.refresh_from_db()
    return card


def test_recognising_a_subject_that_misses_the_rule_lists_the_unmet_conditions(
        submitted, users, cell_leader, frameworks):
    line = submitted.lines.select_related("criterion").get(criterion__code="2.1")
    domain.appraise(submitted, users["secretariat"], {line.criterion_id: ("1", "Không họp")})
    domain.transition(submitted, "appraise", users["secretariat"])
    with pytest.raises(TransitionError) as error:
        domain.transition(submitted, "recognise", users["leader"], decision_number="15-QĐ/ĐU",
                          decision_date=date(YEAR, 12, 25))
    message = str(error.value)
    assert "Tổng điểm 88 chưa đạt mức tối thiểu 90" in message
    assert "Tiêu chí 2 “Chất lượng sinh hoạt tốt” đạt 13 điểm" in message
    assert "xếp loại “Hoàn thành tốt nhiệm vụ” trở lên" in message


def test_recognised_when_the_rule_is_met_then_locked(submitted, users, cell_leader, frameworks,
                                                     tree):
    grading = grade_party_org(tree.cell_a1, 85, users, cell_leader, frameworks)
    assert grading.band == "htt" and grading.state == "recognised"
    domain.transition(submitted, "appraise", users["secretariat"])
    with pytest.raises(ValidationError, match="số và ngày"):
        domain.transition(submitted, "recognise", users["leader"])
    with pytest.raises(TransitionForbidden):
        domain.transition(submitted, "recognise", users["secretariat"],
                          decision_number="15-QĐ/ĐU", decision_date=date(YEAR, 12, 25))
    domain.transition(submitted, "recognise", users["leader"], decision_number="15-QĐ/ĐU",
                      decision_date=date(YEAR, 12, 25))
    submitted.refresh_from_db()
    assert submitted.state == "recognised" and submitted.decision_number == "15-QĐ/ĐU"
    with pytest.raises(PermissionDenied, match="khóa"):
        domain.self_score(submitted, cell_leader, full_marks(submitted))
    with pytest.raises(TransitionError):
        domain.transition(submitted, "reopen", users["admin"], "")
    domain.transition(submitted, "reopen", users["admin"], "Sai số liệu kết nạp đảng viên")
    assert submitted.state == "appraised"


def test_a_used_framework_is_not_changed_in_place(bon_tot, registered, make_user):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root_sc", password="x-Test-12345")
    item = Criterion.objects.filter(framework=bon_tot, parent__isnull=False).first()
    with pytest.raises(ValidationError, match="phiên bản mới"):
        domain.save_criterion(bon_tot, root, {"max_points": Decimal(10)}, item)
    newer = domain.new_version(bon_tot, root)
    assert (newer.version, newer.is_active) == (2, True)
    assert not Framework.objects.get(pk=bon_tot.pk).is_active
    assert newer.criteria.count() == bon_tot.criteria.count()
    copied = newer.criteria.get(code=item.code)
    domain.save_criterion(newer, root, {"title": "Tiêu chí mới"}, copied)
    registered.refresh_from_db()
    assert registered.framework_id == bon_tot.pk  # the scorecard keeps its version
    assert Criterion.objects.get(pk=item.pk).title != "Tiêu chí mới"


def test_late_registration_is_marked(bon_tot, tree, cell_leader):
    commitments = {g.pk: "Đăng ký" for g in bon_tot.groups()}
    late = domain.start(bon_tot, tree.cell_a1, YEAR - 1, cell_leader)  # due 15/01 last year
    early = domain.start(bon_tot, tree.cell_a1, YEAR + 1, cell_leader)
    for card in (late, early):
        domain.save_commitments(card, cell_leader, commitments)
        domain.register(card, cell_leader)
    assert (late.is_late, early.is_late) == (True, False)


def test_quarterly_self_evaluation(registered, cell_leader, users):
    domain.evaluate(registered, cell_leader, 1, "Quý I: hoàn thành 100% chỉ tiêu")
    domain.evaluate(registered, cell_leader, 1, "Quý I (bổ sung)")
    assert registered.evaluations.get().note == "Quý I (bổ sung)"
    with pytest.raises(ValidationError):
        domain.evaluate(registered, cell_leader, 5, "x")
    with pytest.raises(PermissionDenied):
        domain.evaluate(registered, users["other"], 2, "x")


def test_a_person_scores_himself_on_a_people_framework(frameworks, tree, make_person, make_user):
    user = make_user("canbo_nc")
    person = make_person("Lê Thị Nụ", tree.ward_a, user=user)
    card = domain.start(frameworks["nu_cuoi_cong_so"], None, YEAR, user, person=person)
    assert card.unit == tree.ward_a and card.person == person
    assert Scorecard.objects.filter(person=person).count() == 1


def test_a_person_sends_his_own_card_and_his_units_office_appraises(frameworks, tree,
                                                                    make_person, make_user,
                                                                    users):
    user = make_user("canbo_nc2")
    person = make_person("Lê Thị Cười", tree.ward_a, user=user)
    smile = frameworks["nu_cuoi_cong_so"]
    card = domain.start(smile, None, YEAR, user, person=person)
    domain.save_commitments(card, user, {g.pk: "Thực hiện “4 xin, 4 luôn”" for g in smile.groups()})
    domain.register(card, user)
    domain.self_score(card, user, full_marks(card))
    domain.transition(card, "submit", user)
    with pytest.raises(TransitionForbidden):
        domain.transition(card, "appraise", user)
    domain.transition(card, "appraise", users["secretariat"])  # ward A's office: his unit
    assert card.state == "appraised"
