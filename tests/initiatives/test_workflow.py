"""Submit, accept (the three-month clock), return, propose to the next level."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from thidua.core.workflow import TransitionError
from thidua.initiatives import domain
from thidua.initiatives.models import INITIATIVE_WORKFLOW, Initiative


def recognised_twin(initiative_factory, people):
    """A recognised initiative on nearly the same subject (the duplicate check finds it)."""
    return initiative_factory(
        state="recognised", title="Số hóa hồ sơ tiếp nhận một cửa tại phường",
        problem="Thủ tục tiếp nhận hồ sơ một cửa còn chậm.",
        solution="Số hóa hồ sơ tiếp nhận và tra cứu trực tuyến tại phường.",
        author=people["a2"])


def with_text(initiative):
    initiative.search_text = domain.build_search_text(initiative)
    initiative.save(update_fields=["search_text"])
    return initiative


def test_submit_records_the_time_and_lists_similar_initiatives(writer, people,
                                                               initiative_factory):
    twin = with_text(recognised_twin(initiative_factory, people))
    draft = with_text(initiative_factory(title="Số hóa hồ sơ tiếp nhận một cửa",
                                         solution="Số hóa hồ sơ tiếp nhận và tra cứu trực tuyến."))
    result = domain.submit(writer, draft)
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.submitted_at is not None
    assert [item for item, _score in result.similar][:1] == [twin]
    assert 0 < result.similar[0][1] <= 1
    assert [log.to_state for log in INITIATIVE_WORKFLOW.history(draft)] == ["submitted"]


def test_submit_refuses_an_incomplete_stored_draft(writer, initiative_factory):
    draft = initiative_factory()
    Initiative.objects.filter(pk=draft.pk).update(novelty="")
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        domain.submit(writer, draft)
    assert "Tính mới, điểm khác biệt" in " ".join(exc.value.messages)


def test_submit_refuses_shares_that_no_longer_sum_to_100(writer, people, initiative_factory):
    draft = initiative_factory(authors=[(people["a1"], Decimal(50))])
    with pytest.raises(ValidationError):
        domain.submit(writer, draft)


def test_only_the_writer_or_the_units_office_submits(users, initiative_factory):
    draft = initiative_factory()
    with pytest.raises(PermissionDenied):
        domain.submit(users["other"], draft)
    with pytest.raises(PermissionDenied):
        domain.submit(users["leader"], draft)


def test_accept_starts_the_three_months(users, initiative_factory):
    submitted = initiative_factory(state="submitted")
    domain.accept(submitted, users["secretariat"])
    submitted.refresh_from_db()
    today = timezone.localdate()
    assert submitted.state == "accepted"
    assert submitted.accepted_on == today
    assert submitted.review_due_on == domain.review_deadline(today)
    assert domain.days_left(submitted, today) == (submitted.review_due_on - today).days
    assert domain.days_left(submitted, submitted.review_due_on + timedelta(days=2)) == -2


def test_only_the_reviewing_units_office_accepts(users, make_user, tree, initiative_factory):
    submitted = initiative_factory(state="submitted", unit=tree.cell_a1)
    cell_office = make_user("vanphong_cb1", "secretariat", tree.cell_a1)
    for user in (cell_office, users["other"], users["leader"], users["staff"]):
        with pytest.raises(PermissionDenied):
            domain.accept(submitted, user)
    assert Initiative.objects.get(pk=submitted.pk).state == "submitted"


def test_a_province_level_application_is_accepted_by_the_province(users, make_user, tree,
                                                                  initiative_factory):
    submitted = initiative_factory(state="submitted", level="tinh",
                                   reviewing_unit=tree.province)
    with pytest.raises(PermissionDenied):
        domain.accept(submitted, users["secretariat"])
    domain.accept(submitted, make_user("vanphong_tinh", "secretariat", tree.province))
    assert submitted.state == "accepted"


def test_return_needs_a_reason_and_lets_the_authors_edit_again(users, writer,
                                                               initiative_factory):
    submitted = initiative_factory(state="submitted")
    with pytest.raises(TransitionError):
        domain.return_for_completion(submitted, users["secretariat"], "  ")
    domain.return_for_completion(submitted, users["secretariat"], "Bổ sung số liệu hiệu quả.")
    assert submitted.state == "returned"
    assert domain.edit_refusal(submitted) is None
    assert INITIATIVE_WORKFLOW.history(submitted).get().reason == "Bổ sung số liệu hiệu quả."
    domain.submit(writer, submitted)
    assert submitted.state == "submitted"


def test_accept_twice_is_refused(users, initiative_factory):
    submitted = initiative_factory(state="submitted")
    domain.accept(submitted, users["secretariat"])
    with pytest.raises(TransitionError):
        domain.accept(submitted, users["secretariat"])


def test_author_proposes_a_recognised_initiative_to_the_province(writer, people, tree,
                                                                 initiative_factory):
    recognised = initiative_factory(state="recognised", confidential="Bí mật",
                                    authors=[(people["a1"], Decimal(70)),
                                             (people["a2"], Decimal(30))])
    proposal = domain.propose_to_next_level(recognised, writer)
    assert proposal.previous == recognised
    assert (proposal.level, proposal.state, proposal.reviewing_unit) == ("tinh", "draft",
                                                                         tree.province)
    assert (proposal.title, proposal.confidential) == (recognised.title, "Bí mật")
    assert [(a.person_id, a.share) for a in proposal.authors.all()] == [
        (people["a1"].pk, Decimal(70)), (people["a2"].pk, Decimal(30))]
    assert "tran thi binh" in Initiative.objects.get(pk=proposal.pk).search_text
    with pytest.raises(ValidationError) as exc:
        domain.propose_to_next_level(recognised, writer)
    assert "đã được đề nghị" in exc.value.messages[0]


def test_the_reviewing_office_proposes_straight_as_submitted(users, initiative_factory):
    recognised = initiative_factory(state="recognised")
    proposal = domain.propose_to_next_level(recognised, users["secretariat"])
    assert proposal.state == "submitted" and proposal.submitted_at is not None
    assert INITIATIVE_WORKFLOW.history(proposal).get().to_state == "submitted"


@pytest.mark.parametrize(("state", "level"), [("accepted", "co_so"), ("refused", "co_so"),
                                              ("recognised", "toan_quoc")])
def test_only_recognised_initiatives_below_the_top_are_proposed(writer, initiative_factory,
                                                               state, level):
    initiative = initiative_factory(state=state, level=level)
    with pytest.raises(ValidationError):
        domain.propose_to_next_level(initiative, writer)


def test_another_unit_cannot_propose(users, initiative_factory):
    with pytest.raises(PermissionDenied):
        domain.propose_to_next_level(initiative_factory(state="recognised"), users["other"])


# Review findings ------------------------------------------------------------------------------

@pytest.fixture
def office_author(users, people):
    """The ward's office user who is also a staff member (person a3 of ward A)."""
    people["a3"].user = users["secretariat"]
    people["a3"].save(update_fields=["user"])
    return users["secretariat"]


def test_the_office_cannot_accept_or_return_its_own_application(office_author, people, tree,
                                                                 fields):
    own = domain.create_application(
        office_author, tree.ward_a,
        {"title": "Sổ tay điện tử của văn phòng", "field": fields["hanh_chinh"], "level": "co_so",
         "year": 2026, "first_applied_on": timezone.localdate(), "problem": "Khó tra cứu.",
         "solution": "Lập sổ tay điện tử.", "novelty": "Lần đầu.", "benefits": "Nhanh hơn."},
        [(people["a3"], 100)])
    domain.submit(office_author, own)
    with pytest.raises(PermissionDenied) as exc:
        domain.accept(own, office_author)
    assert "Bạn là tác giả của sáng kiến này" in str(exc.value)
    with pytest.raises(PermissionDenied):
        domain.return_for_completion(own, office_author, "Tự trả lại để sửa.")
    assert Initiative.objects.get(pk=own.pk).state == "submitted"


def test_a_co_author_in_the_office_cannot_accept(office_author, people, initiative_factory,
                                                 make_user, tree):
    item = initiative_factory(state="submitted", authors=[(people["a1"], Decimal(50)),
                                                          (people["a3"], Decimal(50))])
    with pytest.raises(PermissionDenied):
        domain.accept(item, office_author)
    colleague = make_user("vanphong_a2", "secretariat", tree.ward_a)
    domain.accept(item, colleague)
    assert item.state == "accepted"


def test_the_office_that_entered_a_paper_application_for_staff_receives_it(users,
                                                                          initiative_factory):
    entered = initiative_factory(state="submitted", created_by=users["secretariat"])
    domain.accept(entered, users["secretariat"])
    assert entered.state == "accepted"


def test_the_office_proposal_checks_the_authors_again(users, people, initiative_factory):
    recognised = initiative_factory(state="recognised", authors=[(people["a1"], Decimal(60)),
                                                                 (people["a2"], Decimal(40))])
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    with pytest.raises(ValidationError) as exc:
        domain.propose_to_next_level(recognised, users["secretariat"])
    assert "không còn đang công tác" in " ".join(exc.value.messages)
    assert not Initiative.objects.filter(previous=recognised).exists()


def test_accepted_on_30_november_is_due_on_the_last_day_of_february(users, initiative_factory,
                                                                     monkeypatch):
    from datetime import date

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2027, 11, 30))
    submitted = initiative_factory(state="submitted")
    domain.accept(submitted, users["secretariat"])
    submitted.refresh_from_db()
    assert (submitted.accepted_on, submitted.review_due_on) == (date(2027, 11, 30),
                                                                date(2028, 2, 29))
    assert domain.days_left(submitted, date(2028, 2, 29)) == 0
    assert domain.days_left(submitted, date(2028, 3, 1)) == -1


def test_a_proposal_is_not_warned_as_a_copy_of_its_own_original(writer, indexed):
    """The next-level application repeats its recognised original on purpose; any other
    near copy still shows."""
    recognised = indexed(state="recognised", title="Số hóa hồ sơ một cửa tại phường")
    twin = indexed(state="recognised", title="Số hóa hồ sơ một cửa tại phường")
    proposal = domain.propose_to_next_level(recognised, writer)
    found = [pair[0].pk for pair in domain.similar_to(proposal)]
    assert recognised.pk not in found
    assert twin.pk in found
