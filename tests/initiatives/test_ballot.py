"""Ballots: who scores, what a valid score is, once per member and item, none after the close."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from thidua.initiatives import councils
from thidua.initiatives.models import AgendaItem, Ballot, CouncilMember

pytestmark = pytest.mark.django_db

GOOD = {"novelty": "25,5", "effectiveness": "35", "replicability": 20}


def test_a_member_scores_each_criterion_and_votes(council_board):
    item = council_board.on_agenda()
    ballot = councils.cast_ballot(council_board.users["m1"], item, GOOD, True, " Rất thiết thực ")
    assert ballot.scores == {"novelty": "25.5", "effectiveness": "35", "replicability": "20"}
    assert ballot.total == Decimal("80.5") and ballot.vote_yes and ballot.comment == "Rất thiết thực"


def test_a_zero_written_with_a_minus_sign_is_kept_as_zero(council_board):
    item = council_board.on_agenda()
    ballot = councils.cast_ballot(council_board.users["m1"], item,
                                  {**GOOD, "novelty": "-0", "replicability": "-0,0"}, False)
    assert ballot.scores["novelty"] == "0" and ballot.scores["replicability"] == "0"
    assert ballot.total == Decimal(35)


@pytest.mark.parametrize(("scores", "field", "message"), [
    ({**GOOD, "novelty": "31"}, "novelty", "Điểm tiêu chí “Tính mới” phải từ 0 đến 30; đã ghi 31."),
    ({**GOOD, "effectiveness": "-1"}, "effectiveness",
     "Điểm tiêu chí “Hiệu quả” phải từ 0 đến 40; đã ghi -1."),
    ({**GOOD, "novelty": "hai mươi"}, "novelty",
     "Điểm “hai mươi” của tiêu chí “Tính mới” không phải là số."),
    ({**GOOD, "novelty": "NaN"}, "novelty", "Điểm “NaN” của tiêu chí “Tính mới” không phải là số."),
    ({**GOOD, "replicability": "12,25"}, "replicability",
     "Điểm tiêu chí “Khả năng nhân rộng” chỉ được chấm số nguyên hoặc nửa điểm (ví dụ 12 "
     "hoặc 12,5); đã ghi 12,25."),
    ({**GOOD, "replicability": ""}, "replicability", "Chưa chấm tiêu chí “Khả năng nhân rộng”."),
    ({**GOOD, "beauty": "5"}, "beauty", "Tiêu chí “beauty” không có trong quy tắc của hội đồng."),
])
def test_bad_scores_are_refused_naming_the_criterion(council_board, scores, field, message):
    item = council_board.on_agenda()
    with pytest.raises(ValidationError) as caught:
        councils.cast_ballot(council_board.users["m1"], item, scores, True)
    assert caught.value.message_dict[field] == [message]
    assert not Ballot.objects.exists()


def test_a_vote_is_required(council_board):
    with pytest.raises(ValidationError) as caught:
        councils.cast_ballot(council_board.users["m1"], council_board.on_agenda(), GOOD, None)
    assert caught.value.message_dict["vote_yes"] == [
        "Chưa chọn đồng ý hay không đồng ý công nhận."]


def test_a_member_cannot_score_twice(council_board):
    item = council_board.on_agenda()
    councils.cast_ballot(council_board.users["m1"], item, GOOD, True)
    with pytest.raises(ValidationError) as caught:
        councils.cast_ballot(council_board.users["m1"], item, {**GOOD, "novelty": 0}, False)
    assert caught.value.messages[0].startswith("Bạn đã chấm sáng kiến này.")
    ballot = Ballot.objects.get()
    assert ballot.total == Decimal("80.5") and ballot.vote_yes


def test_the_database_keeps_one_ballot_per_member_and_item(council_board):
    item = council_board.on_agenda()
    member = CouncilMember.objects.get(user=council_board.users["m1"])
    Ballot.objects.create(item=item, member=member, scores={}, total=0, vote_yes=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(item=item, member=member, scores={}, total=1, vote_yes=True)


def test_a_member_changes_his_own_ballot_until_the_close(council_board):
    item = council_board.on_agenda()
    m1 = council_board.users["m1"]
    with pytest.raises(ValidationError) as caught:
        councils.change_ballot(m1, item, GOOD, True)
    assert caught.value.messages == ["Bạn chưa chấm sáng kiến này."]
    councils.cast_ballot(m1, item, GOOD, True)
    councils.change_ballot(m1, item, {**GOOD, "novelty": "10"}, False, "Chưa mới")
    ballot = Ballot.objects.get()
    assert ballot.total == Decimal(65) and not ballot.vote_yes and ballot.comment == "Chưa mới"
    assert Ballot.objects.count() == 1
    councils.close_session(council_board.session, council_board.users["chair"])
    with pytest.raises(ValidationError) as caught:
        councils.change_ballot(m1, item, GOOD, True)
    assert caught.value.messages == [councils.CLOSED]
    assert Ballot.objects.get().total == Decimal(65)


def test_no_ballot_after_the_close(council_board):
    item = council_board.on_agenda()
    council_board.score(item, "m1")
    councils.close_session(council_board.session, council_board.users["secretary"])
    with pytest.raises(ValidationError) as caught:
        councils.cast_ballot(council_board.users["m2"], item, GOOD, True)
    assert caught.value.messages == [
        "Phiên họp đã kết thúc: không thể thay đổi phiếu chấm hay danh sách sáng kiến."]
    assert Ballot.objects.count() == 1


def test_no_ballot_on_an_item_taken_off_the_agenda_meanwhile(council_board):
    """The member's page was loaded before the chair took the application off the agenda:
    the ballot is refused with the reason, and no ballot is left pointing at nothing."""
    item = council_board.on_agenda()
    stale = AgendaItem.objects.get(pk=item.pk)
    councils.unschedule(council_board.users["chair"], item, "Hồ sơ thiếu tài liệu")
    for action in (councils.cast_ballot, councils.change_ballot):
        with pytest.raises(ValidationError) as caught:
            action(council_board.users["m1"], stale, GOOD, True)
        assert caught.value.messages == [councils.TAKEN_OFF]
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("who", ["secretariat", "admin", "other", "norole"])
def test_a_non_member_cannot_score(council_board, users, who):
    with pytest.raises(PermissionDenied):
        councils.cast_ballot(users[who], council_board.on_agenda(), GOOD, True)
    assert not Ballot.objects.exists()


def test_a_member_of_another_council_cannot_score(council_board, tree, make_user):
    from thidua.initiatives.models import Council

    other = Council.objects.create(unit=tree.ward_b, level="co_so", year=2026, name="Xã B")
    outsider = make_user("hd_xa_b", "council", tree.ward_b)
    CouncilMember.objects.create(council=other, user=outsider, role="chair")
    with pytest.raises(PermissionDenied):
        councils.cast_ballot(outsider, council_board.on_agenda(), GOOD, True)


# At the same moment (PostgreSQL: the test SQLite is in memory, one connection) ----------------
def _run_together(*jobs):
    """Run each job in its own thread and connection, started together; the exceptions."""
    import threading

    from django.db import connection

    barrier, errors = threading.Barrier(len(jobs)), []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def _postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the test SQLite is in memory)")


@pytest.mark.django_db(transaction=True)
def test_a_ballot_sent_twice_at_once_is_kept_once(council_board):
    _postgres_only()
    item = council_board.on_agenda()
    m1 = council_board.users["m1"]
    errors = _run_together(*[lambda: councils.cast_ballot(m1, item, GOOD, True)] * 4)
    assert Ballot.objects.filter(item=item).count() == 1
    assert len(errors) == 3
    assert all(isinstance(e, ValidationError) and e.messages[0] == councils.ALREADY_SCORED
               for e in errors)


@pytest.mark.django_db(transaction=True)
def test_a_ballot_and_the_close_at_once_never_pass_each_other(council_board):
    """Either the ballot is counted in the result, or it is refused as after the close."""
    from django.utils import timezone

    _postgres_only()
    chair = council_board.users["chair"]
    for _ in range(3):
        session = councils.create_session(chair, council_board.council, timezone.localdate())
        item = councils.schedule(chair, session, council_board.accepted())
        councils.cast_ballot(chair, item, GOOD, True)
        errors = _run_together(
            lambda item=item: councils.cast_ballot(council_board.users["m1"], item, GOOD, True),
            lambda session=session: councils.close_session(session, chair))
        item.refresh_from_db()
        ballots = Ballot.objects.filter(item=item).count()
        assert item.yes_votes + item.no_votes == ballots
        assert len(errors) == (0 if ballots == 2 else 1)
        assert all(e.messages == [councils.CLOSED] for e in errors)


@pytest.mark.django_db(transaction=True)
def test_a_rule_change_and_a_ballot_at_once_never_mix(council_board, users):
    """The office changes the rule while a member scores: the ballot must be checked
    against the rule the council has when it is kept, never the one it had before."""
    import threading

    from django.db import connection, transaction

    from thidua.initiatives.policy import CouncilRule, Criterion

    _postgres_only()
    item = council_board.on_agenda()
    new_rule = CouncilRule(criteria=(Criterion("quality", "Chất lượng", 100),))
    changed, release, scored, errors = (threading.Event(), threading.Event(),
                                        threading.Event(), [])

    def change_rule():
        try:
            with transaction.atomic():
                councils.set_rule(users["secretariat"], council_board.council, new_rule)
                changed.set()
                release.wait(10)
        finally:
            connection.close()

    def score():
        try:
            changed.wait(10)
            councils.cast_ballot(council_board.users["m1"], item, GOOD, True)
        except ValidationError as exc:
            errors.append(exc)
        finally:
            scored.set()
            connection.close()

    threads = [threading.Thread(target=change_rule), threading.Thread(target=score)]
    for thread in threads:
        thread.start()
    scored.wait(1.5)  # a ballot that does not wait for the rule's change ends here
    release.set()
    for thread in threads:
        thread.join(30)
    council_board.council.refresh_from_db()
    codes = {c.code for c in councils.rule_of(council_board.council).criteria}
    assert codes == {"quality"}
    for ballot in Ballot.objects.all():
        assert set(ballot.scores) == codes
    assert len(errors) == 1 and "quality" in errors[0].message_dict
