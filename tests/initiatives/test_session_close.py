"""Closing a session: results, recognition or refusal with reasons, certificates, minutes."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from thidua.core.models import TransitionLog
from thidua.initiatives import councils
from thidua.initiatives.models import AgendaItem, Initiative, Session

pytestmark = pytest.mark.django_db


def test_close_recognises_and_refuses_with_reasons(council_board):
    good = council_board.on_agenda(title="Một cửa số")
    weak = council_board.on_agenda(title="Sổ tay điện tử")
    for key in ("chair", "secretary", "m1"):
        council_board.score(good, key, (25, 30, 20), yes=True)  # 75
    council_board.score(good, "m2", (20, 20, 20), yes=False)  # 60
    # weak: mean 46,5, two of five agree (two absent members count against)
    council_board.score(weak, "chair", (15, 20, 12), yes=True)   # 47
    council_board.score(weak, "m1", (15, 20, 11), yes=True)      # 46
    secretary = council_board.users["secretary"]
    councils.close_session(council_board.session, secretary)

    good.refresh_from_db()
    assert (good.mean_score, good.yes_votes, good.no_votes, good.members_count, good.passed) == (
        Decimal("71.25"), 3, 1, 5, True)
    weak.refresh_from_db()
    assert (weak.mean_score, weak.yes_votes, weak.no_votes, weak.passed) == (
        Decimal("46.50"), 2, 0, False)

    recognised = Initiative.objects.get(pk=good.initiative_id)
    assert recognised.state == "recognised"
    assert recognised.certificate_number == (
        f"01/{council_board.council.year}/GCN-HĐSKCS-PAB")
    assert recognised.decided_on == recognised.certificate_date == timezone.localdate()
    refused = Initiative.objects.get(pk=weak.initiative_id)
    reasons = ("Điểm trung bình 46,5 thấp hơn mức 50; 2/5 thành viên đồng ý, chưa quá một nửa "
               "số thành viên hội đồng.")
    assert refused.state == "refused" and refused.refusal_reasons == reasons
    assert refused.certificate_number == ""
    log = TransitionLog.objects.for_object(refused).get(transition="refuse")
    assert log.reason == reasons and log.actor == secretary
    assert TransitionLog.objects.for_object(recognised).get(transition="recognise").actor == secretary

    session = Session.objects.get(pk=council_board.session.pk)
    assert session.is_closed and session.closed_by == secretary
    assert session.rule == council_board.council.rule
    minutes = session.minutes
    assert [m["present"] for m in minutes["members"]] == [True, True, True, True, False]
    by_title = {i["title"]: i for i in minutes["items"]}
    assert by_title["Một cửa số"]["passed"] and by_title["Một cửa số"]["mean"] == "71.25"
    assert len(by_title["Một cửa số"]["ballots"]) == 4
    assert by_title["Sổ tay điện tử"]["reasons"] == reasons


def test_certificate_numbers_continue_across_sessions(council_board):
    first = council_board.on_agenda()
    council_board.score(first, "chair", (30, 40, 30))
    for key in ("secretary", "m1"):
        council_board.score(first, key, (30, 40, 30))
    councils.close_session(council_board.session, council_board.users["chair"])
    later = councils.create_session(council_board.users["chair"], council_board.council,
                                    timezone.localdate())
    initiative = council_board.accepted()
    item = councils.schedule(council_board.users["chair"], later, initiative)
    for key in ("chair", "secretary", "m1"):
        council_board.score(item, key, (30, 40, 30))
    councils.close_session(later, council_board.users["chair"])
    assert Initiative.objects.get(pk=initiative.pk).certificate_number == (
        f"02/{council_board.council.year}/GCN-HĐSKCS-PAB")


def test_a_session_held_later_than_today_is_decided_today(council_board):
    Session.objects.filter(pk=council_board.session.pk).update(
        held_on=timezone.localdate() + timedelta(days=3))
    session = Session.objects.get(pk=council_board.session.pk)
    item = council_board.on_agenda()
    council_board.score(item, "m1")
    councils.close_session(session, council_board.users["chair"])
    assert Initiative.objects.get(pk=item.initiative_id).decided_on == timezone.localdate()


def test_an_item_nobody_scored_keeps_the_session_open(council_board):
    scored = council_board.on_agenda()
    council_board.on_agenda(title="Chưa ai chấm")
    council_board.score(scored, "m1")
    with pytest.raises(ValidationError) as caught:
        councils.close_session(council_board.session, council_board.users["chair"])
    assert caught.value.messages == [
        "Chưa có thành viên nào chấm các sáng kiến: “Chưa ai chấm”. Hãy chấm, hoặc rút sáng kiến "
        "khỏi phiên họp."]
    session = Session.objects.get(pk=council_board.session.pk)
    assert not session.is_closed and session.minutes == {}
    assert not Initiative.objects.filter(state__in=["recognised", "refused"]).exists()


def test_an_empty_agenda_is_not_closed(council_board):
    with pytest.raises(ValidationError) as caught:
        councils.close_session(council_board.session, council_board.users["chair"])
    assert caught.value.messages == ["Phiên họp chưa có sáng kiến nào trong chương trình."]


@pytest.mark.parametrize("who", ["m1"])
def test_only_the_chair_or_secretary_closes(council_board, users, who):
    item = council_board.on_agenda()
    council_board.score(item, "m1")
    for account in (council_board.users[who], users["secretariat"], users["other"]):
        with pytest.raises(PermissionDenied):
            councils.close_session(council_board.session, account)
    assert not Session.objects.get(pk=council_board.session.pk).is_closed


def test_closing_twice_is_refused(council_board):
    item = council_board.on_agenda()
    council_board.score(item, "m1")
    councils.close_session(council_board.session, council_board.users["chair"])
    stale = Session.objects.get(pk=council_board.session.pk)
    stale.is_closed = False  # a page loaded before the first close
    with pytest.raises(ValidationError) as caught:
        councils.close_session(stale, council_board.users["secretary"])
    assert caught.value.messages == ["Phiên họp đã kết thúc."]
    assert TransitionLog.objects.filter(transition="recognise").count() == 0
    assert TransitionLog.objects.filter(transition="refuse").count() == 1


def test_a_failure_half_way_leaves_nothing_changed(council_board):
    first = council_board.on_agenda()
    second = council_board.on_agenda()
    for item in (first, second):
        for key in ("chair", "secretary", "m1"):
            council_board.score(item, key, (30, 40, 30))
    # the results and the decisions are written, then the log of the transitions fails
    with mock.patch.object(TransitionLog.objects, "bulk_create",
                           side_effect=RuntimeError("mất kết nối")), \
            pytest.raises(RuntimeError):
        councils.close_session(council_board.session, council_board.users["chair"])
    assert not Session.objects.get(pk=council_board.session.pk).is_closed
    assert set(Initiative.objects.values_list("state", flat=True)) == {"in_review"}
    assert not AgendaItem.objects.filter(passed__isnull=False).exists()
    assert not TransitionLog.objects.filter(transition="recognise").exists()


def _recognise_one(council, chair, accepted, *others):
    """Open a session of ``council``, put ``accepted`` on it, have ``chair`` and ``others``
    score it full marks and close: the certificate number given."""
    session = councils.create_session(chair, council, timezone.localdate())
    item = councils.schedule(chair, session, accepted)
    codes = [c.code for c in councils.rule_of(council).criteria]
    for member in (chair, *others):
        councils.cast_ballot(member, item, dict(zip(codes, (30, 40, 30), strict=True)), True)
    councils.close_session(session, chair)
    return Initiative.objects.get(pk=accepted.pk).certificate_number


def test_certificate_numbers_never_repeat_across_councils(council_board, tree, make_user,
                                                          initiative_factory):
    """Each council numbers its own certificates from 01: the number written on the
    certificate must still tell them apart — the same unit's councils of two levels in one
    year, or two units' councils."""
    from thidua.initiatives.models import Council, CouncilMember

    year = council_board.council.year
    numbers = [_recognise_one(council_board.council, council_board.users["chair"],
                              council_board.accepted(), council_board.users["m1"],
                              council_board.users["m2"])]
    for unit, level in ((tree.ward_a, "tinh"), (tree.ward_b, "co_so")):
        council = Council.objects.create(unit=unit, level=level, year=year, name=f"HĐ {level}")
        chair = make_user(f"chu_tich_{unit.code}_{level}", "council", unit)
        CouncilMember.objects.create(council=council, user=chair, role="chair")
        accepted = initiative_factory(state="accepted", unit=unit, reviewing_unit=unit,
                                      level=level, accepted_on=timezone.localdate())
        numbers.append(_recognise_one(council, chair, accepted))
    assert numbers[0] == f"01/{year}/GCN-HĐSKCS-PAB"
    assert len(set(numbers)) == 3, numbers


@pytest.mark.django_db(transaction=True)
def test_two_sessions_of_one_council_closing_at_once_take_different_numbers(council_board):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the test SQLite is in memory)")
    chair = council_board.users["chair"]
    codes = [c.code for c in councils.rule_of(council_board.council).criteria]
    sessions = []
    for _ in range(3):
        session = councils.create_session(chair, council_board.council, timezone.localdate())
        for _ in range(2):
            item = councils.schedule(chair, session, council_board.accepted())
            councils.cast_ballot(chair, item, dict(zip(codes, (30, 40, 30), strict=True)), True)
            councils.cast_ballot(council_board.users["m1"], item,
                                 dict(zip(codes, (30, 40, 30), strict=True)), True)
            councils.cast_ballot(council_board.users["m2"], item,
                                 dict(zip(codes, (30, 40, 30), strict=True)), True)
        sessions.append(session)
    barrier, errors = threading.Barrier(len(sessions)), []

    def close(session):
        try:
            barrier.wait()
            councils.close_session(session, chair)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    numbers = sorted(Initiative.objects.filter(state="recognised")
                     .values_list("certificate_number", flat=True))
    year = council_board.council.year
    assert numbers == [f"{n:02d}/{year}/GCN-HĐSKCS-PAB" for n in range(1, 7)]


def test_the_close_takes_the_same_number_of_queries_for_any_agenda(council_board):
    """The close is a batch: its queries must not grow with the number of applications
    (some recognised, some refused)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chair = council_board.users["chair"]
    counts = []
    for size in (2, 8):
        session = councils.create_session(chair, council_board.council, timezone.localdate())
        for index in range(size):
            item = councils.schedule(chair, session, council_board.accepted())
            for key in ("chair", "secretary", "m1"):
                council_board.score(item, key, (30, 40, 30) if index % 2 else (10, 10, 10))
        session = Session.objects.select_related("council__unit").get(pk=session.pk)
        with CaptureQueriesContext(connection) as queries:
            councils.close_session(session, chair)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert Initiative.objects.filter(state="recognised").count() == 1 + 4
    assert Initiative.objects.filter(state="refused").count() == 1 + 4


def test_an_application_moved_meanwhile_stops_the_close(council_board):
    """Each decision is still a checked transition: an application no longer under review
    (changed behind the council's back) stops the whole close."""
    from thidua.core.workflow import TransitionError

    first, second = council_board.on_agenda(), council_board.on_agenda(title="Đã bị đổi")
    for item in (first, second):
        for key in ("chair", "secretary", "m1"):
            council_board.score(item, key, (30, 40, 30))
    Initiative.objects.filter(pk=second.initiative_id).update(state="accepted")
    with pytest.raises(TransitionError):
        councils.close_session(council_board.session, council_board.users["chair"])
    assert not Session.objects.get(pk=council_board.session.pk).is_closed
    assert Initiative.objects.get(pk=first.initiative_id).state == "in_review"
    assert not TransitionLog.objects.filter(transition__in=["recognise", "refuse"]).exists()
