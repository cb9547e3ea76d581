"""After the council: the leader signs the proposal letter, the granting unit appraises and
decides; awards with their money; a signed decision is never edited; the documents."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from tests.awards.test_votes import council, nominated, voting  # noqa: F401 (fixtures)
from thidua.awards import docs, rounds
from thidua.awards.models import Award, AwardRound, BaseSalary, Decision
from thidua.core.workflow import TransitionError
from thidua.documents.models import IssuedNumber

pytestmark = pytest.mark.django_db
#: Numbers come from this year's registers only: documents dated this year.
DAY = date(date.today().year, 1, 2)


@pytest.fixture
def voted(voting, council, users, catalogue):  # noqa: F811
    round_, cstdcs, giay_khen = voting
    for member in council:
        rounds.cast_vote(member, cstdcs, "agree")
        rounds.cast_vote(member, giay_khen, "agree")
    ldtt = round_.nominations.filter(award_type=catalogue["ldtt"]).first()
    for member in council[:2]:
        rounds.cast_vote(member, ldtt, "agree")
    rounds.close_voting(users["secretariat"], round_)
    round_.refresh_from_db()
    for nomination in (cstdcs, giay_khen, ldtt):
        nomination.refresh_from_db()
    return round_, cstdcs, giay_khen, ldtt


@pytest.fixture
def signed(voted, users):
    round_ = voted[0]
    rounds.sign_proposal(users["leader"], round_, proposal_date=DAY)
    return voted


@pytest.fixture
def appraised(signed, users, catalogue):
    round_, cstdcs, giay_khen, ldtt = signed
    rounds.appraise(users["secretariat"], cstdcs, "lowered", lower_to=catalogue["ldtt"],
                    reason="Sáng kiến chưa được công nhận")
    rounds.appraise(users["secretariat"], giay_khen, "accepted")
    rounds.appraise(users["secretariat"], ldtt, "returned", reason="Thiếu báo cáo thành tích")
    rounds.finish_appraisal(users["secretariat"], round_)
    return signed


def dump(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


# Signing the proposal -------------------------------------------------------------------------
def test_leader_signs_the_proposal_with_a_number_from_the_register(signed, users):
    round_ = AwardRound.objects.get(pk=signed[0].pk)
    assert round_.state == "signed"
    assert round_.proposal_date == DAY and round_.signed_by == users["leader"]
    issued = IssuedNumber.objects.get(register__doc_type="TTr")
    assert round_.proposal_number == issued.reference
    assert issued.reference.startswith("1-TTr/")  # a Party unit writes Party numbers


def test_a_numbered_proposal_is_dated_this_year(voted, users):
    round_ = voted[0]
    with pytest.raises(ValidationError) as exc:
        rounds.sign_proposal(users["leader"], round_, proposal_date=date(DAY.year - 1, 12, 30))
    assert "Chỉ lấy được số trong sổ năm" in exc.value.message_dict["proposal_date"][0]
    rounds.sign_proposal(users["leader"], round_, proposal_date=date(DAY.year - 1, 12, 30),
                         proposal_number="45-TTr/ĐU")
    assert AwardRound.objects.get(pk=round_.pk).proposal_number == "45-TTr/ĐU"
    assert not IssuedNumber.objects.exists()


def test_only_leaders_sign_and_only_after_the_vote(voted, users, nominated):  # noqa: F811
    with pytest.raises(TransitionError):
        rounds.sign_proposal(users["secretariat"], voted[0], proposal_date=DAY)
    with pytest.raises(TransitionError):
        rounds.sign_proposal(users["other"], voted[0], proposal_date=DAY)
    assert not IssuedNumber.objects.exists()


def test_proposal_and_minutes_documents(signed):
    round_ = AwardRound.objects.get(pk=signed[0].pk)
    text = dump(docs.proposal_docx(round_))
    assert round_.proposal_number in text
    assert "Nguyễn Văn An" in text and "Chiến sĩ thi đua cơ sở" in text
    assert "Trần Thị Bình" in text and "Giấy khen" in text
    assert "Cán bộ 1" not in text  # not agreed by the council
    minutes = dump(docs.minutes_docx(round_))
    assert "3/3 thành viên" in minutes and "Thành viên 1" in minutes
    assert "Đồng ý đề nghị" in minutes


# Appraisal -------------------------------------------------------------------------------------
def test_appraisal_belongs_to_the_granting_units_office(signed, users, tree, make_user,
                                                        catalogue):
    round_, cstdcs, *_ = signed
    AwardRound.objects.filter(pk=round_.pk).update(granting_unit=tree.province)
    cstdcs.round.refresh_from_db()
    with pytest.raises(PermissionDenied):
        rounds.appraise(users["secretariat"], cstdcs, "accepted")
    province_office = make_user("vanphong_tinh", "secretariat", tree.province)
    rounds.appraise(province_office, cstdcs, "accepted")
    round_.refresh_from_db()
    refusal = round_.workflow.refusal(round_, "appraise", users["secretariat"])
    assert "cấp quyết định" in refusal


def test_appraisal_refusals(signed, users, catalogue):
    round_, cstdcs, giay_khen, ldtt = signed
    with pytest.raises(ValidationError) as exc:
        rounds.appraise(users["secretariat"], cstdcs, "returned")
    assert "appraisal_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rounds.appraise(users["secretariat"], cstdcs, "lowered", lower_to=catalogue["cstd_tinh"])
    assert "không phải hình thức thấp hơn" in exc.value.message_dict["appraised_to"][0]
    with pytest.raises(ValidationError) as exc:
        rounds.finish_appraisal(users["secretariat"], round_)
    assert "Còn 3 đề nghị chưa có kết quả thẩm định" in exc.value.messages[0]
    not_proposed = round_.nominations.filter(council_outcome="disagree").first()
    with pytest.raises(ValidationError):
        rounds.appraise(users["secretariat"], not_proposed, "accepted")


def test_lowering_cannot_grant_a_subject_the_same_title_twice(signed, users, catalogue):
    """a1 is proposed for LĐTT and CSTĐCS: accepting LĐTT then lowering CSTĐCS to LĐTT would
    make two LĐTT awards of one year for one person."""
    round_, cstdcs, giay_khen, ldtt = signed
    assert ldtt.person_id == cstdcs.person_id
    rounds.appraise(users["secretariat"], ldtt, "accepted")
    with pytest.raises(ValidationError) as exc:
        rounds.appraise(users["secretariat"], cstdcs, "lowered", lower_to=catalogue["ldtt"],
                        reason="Chưa đủ sáng kiến")
    assert "đã được chấp nhận “Lao động tiên tiến”" in " ".join(exc.value.messages)
    rounds.appraise(users["secretariat"], cstdcs, "returned", reason="Chưa đủ sáng kiến")
    # Returning the LĐTT instead frees the lowering.
    rounds.appraise(users["secretariat"], ldtt, "returned", reason="Trùng đề nghị")
    rounds.appraise(users["secretariat"], cstdcs, "lowered", lower_to=catalogue["ldtt"],
                    reason="Chưa đủ sáng kiến")


def test_a_lower_form_must_be_one_the_granting_unit_may_grant(signed, users, tree, make_user,
                                                              catalogue):
    """The province (tinh_uy) does not grant LĐTT: it cannot lower a CSTĐCS to it and then
    sign an LĐTT award outside its authority."""
    round_, cstdcs, *_ = signed
    AwardRound.objects.filter(pk=round_.pk).update(granting_unit=tree.province)
    province_office = make_user("vanphong_tinh", "secretariat", tree.province)
    with pytest.raises(ValidationError) as exc:
        rounds.appraise(province_office, cstdcs, "lowered", lower_to=catalogue["ldtt"],
                        reason="Chưa đủ sáng kiến")
    assert "không có thẩm quyền tặng “Lao động tiên tiến”" in exc.value.message_dict[
        "appraised_to"][0]


# Decision --------------------------------------------------------------------------------------
def test_decision_creates_awards_with_money_and_locks(appraised, users, catalogue, people):
    round_, cstdcs, giay_khen, ldtt = appraised
    round_.refresh_from_db()
    with pytest.raises(PermissionDenied):
        rounds.draft_decision(users["secretariat"], round_, day=DAY, signer="Hoàng Văn Quang")
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang",
                                     signer_title="Bí thư")
    decision = rounds.update_decision(users["leader"], decision, signer="Hoàng Văn Quang")
    assert not Award.objects.exists()
    rounds.sign_decision(users["leader"], decision)
    decision.refresh_from_db()
    round_.refresh_from_db()
    assert round_.state == "decided" and decision.is_signed and decision.signed_at
    assert decision.number.startswith("1-QĐ/")
    assert decision.base_salary == Decimal(2_340_000)
    awards = {a.nomination_id: a for a in Award.objects.all()}
    assert set(awards) == {cstdcs.pk, giay_khen.pk}  # the returned one gets nothing
    lowered = awards[cstdcs.pk]
    assert lowered.award_type == catalogue["ldtt"] and lowered.person == people["a1"]
    assert lowered.amount == Decimal(710_000)  # 0.3 × 2 340 000 = 702 000, rounded up
    assert lowered.year == 2026 and lowered.decision == decision and not lowered.revoked
    assert awards[giay_khen.pk].amount == Decimal(0)

    # A signed decision is never edited, nor signed twice.
    with pytest.raises(ValidationError) as exc:
        rounds.update_decision(users["leader"], decision, signer="Người khác")
    assert "không sửa được" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        rounds.sign_decision(users["leader"], decision)
    stale = Decision.objects.get(pk=decision.pk)
    stale.is_signed = False  # a stale copy still cannot be edited
    with pytest.raises(ValidationError):
        rounds.update_decision(users["leader"], stale, number="99")
    assert Decision.objects.get(pk=decision.pk).signer == "Hoàng Văn Quang"


def test_a_signed_decision_is_not_saved_through_the_model_either(appraised, users):
    """Any path that saves the model (a stale page's copy, a shell, a future admin) is
    refused once the decision is signed; the drafting path is refused too."""
    round_ = appraised[0]
    round_.refresh_from_db()
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang")
    stale = Decision.objects.get(pk=decision.pk)  # loaded before the signature
    rounds.sign_decision(users["leader"], decision)
    signed_copy = Decision.objects.get(pk=decision.pk)
    for copy in (stale, signed_copy):
        copy.signer, copy.number = "Người khác", "99-QĐ"
        with pytest.raises(ValidationError) as exc:
            copy.save()
        assert "không sửa được" in exc.value.messages[0]
    row = Decision.objects.get(pk=decision.pk)
    assert row.is_signed and row.signer == "Hoàng Văn Quang" and row.number != "99-QĐ"
    assert Award.objects.filter(decision=row).count() == 2


def test_money_uses_the_base_salary_in_force_on_the_decision_date(appraised, users):
    round_ = appraised[0]
    round_.refresh_from_db()
    BaseSalary.objects.create(effective_from=date(2026, 12, 1), amount=Decimal(2_530_000))
    decision = rounds.draft_decision(users["leader"], round_, day=date(2026, 12, 5),
                                     signer="Hoàng Văn Quang", number="12-QĐ/ĐU")
    rounds.sign_decision(users["leader"], decision)
    assert Award.objects.get(nomination=appraised[1]).amount == Decimal(760_000)
    assert Decision.objects.get(pk=decision.pk).number == "12-QĐ/ĐU"
    assert not IssuedNumber.objects.filter(register__doc_type="QĐ").exists()


def test_a_numbered_decision_is_dated_this_year(appraised, users):
    round_ = appraised[0]
    round_.refresh_from_db()
    decision = rounds.draft_decision(users["leader"], round_, day=date(DAY.year + 1, 1, 5),
                                     signer="Hoàng Văn Quang")
    with pytest.raises(ValidationError) as exc:
        rounds.sign_decision(users["leader"], decision)
    assert "Chỉ lấy được số trong sổ năm" in exc.value.messages[0]
    assert not Award.objects.exists()


def test_reward_amount_rounds_up_to_tens_of_thousands():
    """Nghị định 91/2017/NĐ-CP Điều 68 khoản 2, kept by Nghị định 98/2023/NĐ-CP: the money
    after the multiplication is rounded UP to the ten thousand đồng."""
    assert rounds.reward_amount(Decimal("0.3"), Decimal("2340000")) == Decimal(710_000)
    assert rounds.reward_amount(Decimal("0.8"), Decimal("1390000")) == Decimal(1_120_000)
    assert rounds.reward_amount(Decimal("1.0"), Decimal("2340000")) == Decimal(2_340_000)
    assert rounds.reward_amount(Decimal("1.5"), Decimal("2340001")) == Decimal(3_520_000)
    assert rounds.reward_amount(Decimal("0"), Decimal("2340000")) == Decimal(0)


def test_decision_refused_without_base_salary(appraised, users):
    round_ = appraised[0]
    round_.refresh_from_db()
    BaseSalary.objects.all().delete()
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang")
    with pytest.raises(ValidationError) as exc:
        rounds.sign_decision(users["leader"], decision)
    assert "Chưa có mức lương cơ sở" in exc.value.messages[0]
    assert not Award.objects.exists()
    assert not Decision.objects.get(pk=decision.pk).is_signed


def test_decision_and_certificate_documents(appraised, users):
    round_ = appraised[0]
    round_.refresh_from_db()
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang")
    rounds.sign_decision(users["leader"], decision)
    decision.refresh_from_db()
    text = dump(docs.decision_docx(decision))
    assert decision.number in text and "Nguyễn Văn An" in text and "710.000" in text
    assert round_.proposal_number in text
    lines = docs.certificate_lines(decision)
    assert [line.name for line in lines] == ["Trần Thị Bình"]  # forms only
    assert "Trần Thị Bình" in dump(docs.certificates_docx(decision))


# Double submits (PostgreSQL: SQLite serialises every write) ---------------------------------------
@pytest.mark.django_db(transaction=True)
def test_double_submitted_first_draft_makes_one_decision(appraised, users, monkeypatch):
    import time

    from tests.awards.test_rounds import at_once, postgres_only

    postgres_only()
    round_ = appraised[0]
    checked = rounds._state

    def slow(*args, **kwargs):  # widen the window between "no draft yet" and the insert
        checked(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(rounds, "_state", slow)
    results = at_once(*[lambda: rounds.draft_decision(
        users["leader"], AwardRound.objects.get(pk=round_.pk), day=DAY,
        signer="Hoàng Văn Quang")] * 2)
    assert all(isinstance(r, Decision) for r in results), results
    assert Decision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_submitted_signature_creates_the_awards_once(appraised, users, monkeypatch):
    import time

    from tests.awards.test_rounds import at_once, postgres_only

    postgres_only()
    round_ = appraised[0]
    round_.refresh_from_db()
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang")
    looked_up = rounds.base_salary_on

    def slow(day):  # both submits pass the "not signed yet" check before either writes
        found = looked_up(day)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(rounds, "base_salary_on", slow)
    results = at_once(*[lambda: rounds.sign_decision(users["leader"],
                                                     Decision.objects.get(pk=decision.pk))] * 2)
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Award.objects.count() == 2
    assert IssuedNumber.objects.filter(register__doc_type="QĐ").count() == 1
