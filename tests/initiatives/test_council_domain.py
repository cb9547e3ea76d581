"""Councils: creation, the rule, members, sessions and the agenda (domain functions)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from thidua.core.models import TransitionLog
from thidua.initiatives import councils
from thidua.initiatives.models import AgendaItem, Council, CouncilMember, Initiative
from thidua.initiatives.policy import DEFAULT_RULE

pytestmark = pytest.mark.django_db


# Creating a council ------------------------------------------------------------------------------
def test_the_office_creates_one_council_per_unit_level_and_year(users, tree):
    council = councils.create_council(users["secretariat"], tree.ward_a, "co_so", 2026)
    assert council.name == "Hội đồng sáng kiến cấp cơ sở năm 2026 — Đảng bộ phường An Bình"
    assert councils.rule_of(council) == DEFAULT_RULE
    with pytest.raises(ValidationError) as caught:
        councils.create_council(users["admin"], tree.ward_a, "co_so", 2026, name="Khác")
    assert caught.value.message_dict["level"] == [
        "Đơn vị đã có hội đồng sáng kiến cấp cơ sở năm 2026."]
    # another level of the same year is another council
    councils.create_council(users["admin"], tree.ward_a, "tinh", 2026)
    assert Council.objects.count() == 2


def test_the_database_also_refuses_a_second_council(tree):
    Council.objects.create(unit=tree.ward_a, level="co_so", year=2026, name="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.create(unit=tree.ward_a, level="co_so", year=2026, name="B")


@pytest.mark.parametrize("who", ["leader", "staff", "other", "norole"])
def test_only_the_office_of_the_unit_creates_councils(users, tree, who):
    with pytest.raises(PermissionDenied):
        councils.create_council(users[who], tree.ward_a, "co_so", 2026)


def test_bad_level_or_year_is_refused(users, tree):
    with pytest.raises(ValidationError) as caught:
        councils.create_council(users["secretariat"], tree.ward_a, "huyen", 1990)
    assert "Cấp “huyen” không có trong danh mục." in caught.value.message_dict["level"]
    assert caught.value.message_dict["year"][0].startswith("Năm phải từ")


# The rule ----------------------------------------------------------------------------------------
def new_rule():
    return councils.check_rule([{"code": "moi", "name": "Tính mới", "max_points": 50},
                                {"code": "hieu_qua", "name": "Hiệu quả", "max_points": 50}],
                               "60", "50")


def test_the_rule_changes_while_nothing_was_scored(council_board, users):
    councils.set_rule(users["secretariat"], council_board.council, new_rule())
    council_board.council.refresh_from_db()
    assert [c.code for c in councils.rule_of(council_board.council).criteria] == ["moi",
                                                                                   "hieu_qua"]
    with pytest.raises(PermissionDenied):
        councils.set_rule(council_board.users["chair"], council_board.council, new_rule())


def test_the_rule_is_locked_after_a_closed_session(council_board, users):
    item = council_board.on_agenda()
    for key in council_board.users:
        council_board.score(item, key)
    councils.close_session(council_board.session, council_board.users["secretary"])
    with pytest.raises(ValidationError) as caught:
        councils.set_rule(users["secretariat"], council_board.council, new_rule())
    assert "phiên họp kết thúc" in caught.value.messages[0]
    council_board.council.refresh_from_db()
    assert councils.rule_of(council_board.council) == DEFAULT_RULE


def test_the_rule_is_locked_once_a_member_scored(council_board, users):
    council_board.score(council_board.on_agenda(), "m1")
    with pytest.raises(ValidationError) as caught:
        councils.set_rule(users["secretariat"], council_board.council, new_rule())
    assert "đã có phiếu chấm" in caught.value.messages[0]


# Members -----------------------------------------------------------------------------------------
def test_members_are_accounts_of_the_subtree(council_board, users, people, make_user):
    council = council_board.council
    # a person of the ward with an account but no role
    plain = make_user("nguoi_phuong")
    people["a2"].user = plain
    people["a2"].save()
    member = councils.add_member(users["secretariat"], council, plain, "member", "Chuyên viên")
    assert member.title == "Chuyên viên"
    # a role holder of the ward (the leader) may sit too
    councils.add_member(users["secretariat"], council, users["leader"], "member")
    # ward B's secretary and an account without role or person may not
    for outsider in (users["other"], users["norole"]):
        with pytest.raises(ValidationError) as caught:
            councils.add_member(users["secretariat"], council, outsider, "member")
        assert "không thuộc đơn vị của hội đồng" in caught.value.message_dict["username"][0]


def test_one_chair_one_secretary_and_each_account_once(council_board, users):
    council = council_board.council
    with pytest.raises(ValidationError) as caught:
        councils.add_member(users["secretariat"], council, users["leader"], "chair")
    assert caught.value.message_dict["role"] == ["Hội đồng đã có chủ tịch hội đồng."]
    with pytest.raises(ValidationError) as caught:
        councils.add_member(users["secretariat"], council, users["leader"], "secretary")
    assert caught.value.message_dict["role"] == ["Hội đồng đã có thư ký hội đồng."]
    with pytest.raises(ValidationError) as caught:
        councils.add_member(users["secretariat"], council, council_board.users["m1"], "member")
    assert "đã là thành viên hội đồng" in caught.value.message_dict["username"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(council=council, user=users["leader"], role="chair")


def test_only_the_office_changes_members(council_board, users):
    with pytest.raises(PermissionDenied):
        councils.add_member(council_board.users["chair"], council_board.council,
                            users["leader"], "member")
    member = council_board.council.members.get(user=council_board.users["m3"])
    with pytest.raises(PermissionDenied):
        councils.remove_member(users["other"], member)
    councils.remove_member(users["secretariat"], member)
    assert council_board.council.members.count() == 4


def test_a_member_who_scored_stays(council_board, users):
    council_board.score(council_board.on_agenda(), "m1")
    member = council_board.council.members.get(user=council_board.users["m1"])
    with pytest.raises(ValidationError) as caught:
        councils.remove_member(users["secretariat"], member)
    assert "đã chấm phiếu" in caught.value.messages[0]


@pytest.mark.django_db(transaction=True)
def test_a_member_scoring_while_the_office_removes_him_stays(council_board, users):
    """The office removes a member at the moment he scores: the removal must wait for the
    ballot and then be refused, never remove him and make his ballot fail."""
    import threading

    from django.db import connection

    from thidua.initiatives.models import Ballot

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the test SQLite is in memory)")
    item = council_board.on_agenda()
    member = council_board.council.members.get(user=council_board.users["m3"])
    member_pk = member.pk
    scoring, release, errors = threading.Event(), threading.Event(), []

    def score():
        try:
            with transaction.atomic():
                council_board.score(item, "m3")
                scoring.set()
                release.wait(10)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            scoring.set()
            connection.close()

    def remove():
        try:
            scoring.wait(10)
            councils.remove_member(users["secretariat"], member)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=score), threading.Thread(target=remove)]
    for thread in threads:
        thread.start()
    threads[1].join(1.5)  # a removal that does not wait for the ballot ends here
    release.set()
    for thread in threads:
        thread.join(30)
    assert CouncilMember.objects.filter(pk=member_pk).exists()
    assert Ballot.objects.filter(member_id=member_pk).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "đã chấm phiếu" in errors[0].messages[0]


# Sessions and the agenda -------------------------------------------------------------------------
def test_sessions_are_opened_by_the_office_or_the_officers(council_board, users):
    council = council_board.council
    year = council.year
    councils.create_session(users["secretariat"], council, date(year, 11, 30), "Phòng họp")
    councils.create_session(council_board.users["secretary"], council, date(year + 1, 1, 5))
    with pytest.raises(PermissionDenied):
        councils.create_session(council_board.users["m1"], council, date(year, 12, 2))
    with pytest.raises(ValidationError) as caught:
        councils.create_session(users["secretariat"], council, date(year - 2, 1, 1))
    assert f"Ngày họp phải thuộc năm {year}" in caught.value.message_dict["held_on"][0]


def test_the_chair_schedules_an_accepted_application(council_board):
    initiative = council_board.accepted()
    item = councils.schedule(council_board.users["chair"], council_board.session, initiative)
    initiative.refresh_from_db()
    assert initiative.state == "in_review" and item.order == 1
    log = TransitionLog.objects.for_object(initiative).get()
    assert log.transition == "schedule" and log.actor == council_board.users["chair"]
    second = councils.schedule(council_board.users["secretary"], council_board.session,
                               council_board.accepted())
    assert second.order == 2


def test_a_plain_member_or_the_office_does_not_schedule(council_board, users):
    initiative = council_board.accepted()
    for who in (council_board.users["m1"], users["secretariat"]):
        with pytest.raises(PermissionDenied):
            councils.schedule(who, council_board.session, initiative)
    assert Initiative.objects.get(pk=initiative.pk).state == "accepted"


@pytest.mark.parametrize(("extra", "message"), [
    ({"state": "submitted"}, "Chỉ đưa vào phiên họp được sáng kiến đã được tiếp nhận; "
                             "“Sáng kiến thử nghiệm số 1” đang ở trạng thái “Đã nộp”."),
    ({"state": "recognised"}, "đang ở trạng thái “Được công nhận”"),
    ({"level": "tinh"}, "đề nghị công nhận cấp tỉnh, bộ, ngành, hội đồng xét cấp cơ sở"),
    ({"reviewing": "ward_b"}, "không do đơn vị của hội đồng này xét công nhận"),
])
def test_scheduling_the_wrong_application_is_refused(council_board, initiative_factory, tree,
                                                     extra, message):
    values = {"state": "accepted", **extra}
    if values.pop("reviewing", None):
        values.update(unit=tree.cell_b1, reviewing_unit=tree.ward_b)
    initiative = initiative_factory(**values)
    with pytest.raises(ValidationError) as caught:
        councils.schedule(council_board.users["chair"], council_board.session, initiative)
    assert message in caught.value.messages[0]
    assert not AgendaItem.objects.exists()
    assert Initiative.objects.get(pk=initiative.pk).state == values["state"]


def test_no_scheduling_on_a_closed_session(council_board):
    item = council_board.on_agenda()
    council_board.score(item, "m1")
    councils.close_session(council_board.session, council_board.users["chair"])
    initiative = council_board.accepted()
    with pytest.raises(ValidationError) as caught:
        councils.schedule(council_board.users["chair"], council_board.session, initiative)
    assert caught.value.messages == [councils.CLOSED]


def test_unscheduling_needs_a_reason_and_drops_the_ballots(council_board):
    initiative = council_board.accepted()
    chair = council_board.users["chair"]
    item = councils.schedule(chair, council_board.session, initiative)
    council_board.score(item, "m1")
    with pytest.raises(ValidationError) as caught:
        councils.unschedule(chair, item, "  ")
    assert "Cần ghi rõ lý do" in caught.value.messages[0]
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    with pytest.raises(PermissionDenied):
        councils.unschedule(council_board.users["m1"], item, "Không muốn")
    councils.unschedule(chair, item, "Hồ sơ thiếu minh chứng hiệu quả")
    initiative.refresh_from_db()
    assert initiative.state == "accepted" and not AgendaItem.objects.exists()
    assert TransitionLog.objects.for_object(initiative).filter(
        transition="unschedule", reason="Hồ sơ thiếu minh chứng hiệu quả").exists()
    # and it may be scheduled again
    councils.schedule(chair, council_board.session, initiative)
