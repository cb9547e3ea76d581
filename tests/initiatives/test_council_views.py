"""Council screens: scope (404), the office's and the members' pages, secrecy of the scores
before the close, the forms with their refusals, the minutes and their export, query counts."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import as_user
from thidua.initiatives import councils
from thidua.initiatives.models import (
    AgendaItem,
    Ballot,
    Council,
    CouncilMember,
    Initiative,
    Session,
)

pytestmark = pytest.mark.django_db

BALLOT = {"diem_novelty": "27,5", "diem_effectiveness": "33", "diem_replicability": "21",
          "vote": "yes", "comment": "Ý kiến riêng của thành viên"}


def url(name, *args):
    return reverse(f"initiatives:{name}", args=args)


@pytest.fixture
def closed(council_board):
    """A second, closed session with one recognised item, beside the open one."""
    session = Session.objects.create(council=council_board.council,
                                     held_on=date(council_board.council.year, 1, 2))
    initiative = council_board.accepted(title="Sáng kiến đã xét")
    councils.schedule(council_board.users["chair"], session, initiative)
    item = AgendaItem.objects.get(session=session)
    for key in ("chair", "secretary", "m1"):
        council_board.score(item, key, (30, 40, 30), comment=f"Nhận xét của {key}")
    councils.close_session(session, council_board.users["secretary"])
    return Session.objects.get(pk=session.pk)


def every_page(council_board, closed, tree):
    item = council_board.on_agenda()
    member = council_board.council.members.get(user=council_board.users["m3"])
    s, c = council_board.session.pk, council_board.council.pk
    return {
        ("get", "council_list", (tree.ward_a.pk,)),
        ("post", "council_list", (tree.ward_a.pk,)),
        ("get", "council", (c,)),
        ("get", "council_rule", (c,)),
        ("post", "council_rule", (c,)),
        ("post", "council_member_add", (c,)),
        ("get", "council_member_remove", (c, member.pk)),
        ("post", "council_member_remove", (c, member.pk)),
        ("post", "session_add", (c,)),
        ("get", "session", (s,)),
        ("post", "session_schedule", (s,)),
        ("get", "session_close", (s,)),
        ("post", "session_close", (s,)),
        ("get", "session_minutes", (closed.pk,)),
        ("get", "session_minutes_xlsx", (closed.pk,)),
        ("get", "session_item", (item.pk,)),
        ("post", "session_ballot", (item.pk,)),
        ("get", "session_unschedule", (item.pk,)),
        ("post", "session_unschedule", (item.pk,)),
    }


@pytest.mark.parametrize("who", ["other", "norole", "staff"])
def test_another_units_user_or_a_non_member_gets_404_everywhere(client, users, tree,
                                                                council_board, closed, who):
    client = as_user(client, users[who])
    pages = every_page(council_board, closed, tree)
    for method, name, args in sorted(pages):
        response = getattr(client, method)(url(name, *args), {"reason": "x", **BALLOT})
        assert response.status_code == 404, (method, name)
    assert Ballot.objects.count() == 3 and CouncilMember.objects.count() == 5
    assert not Session.objects.get(pk=council_board.session.pk).is_closed


def test_a_member_of_another_council_gets_404(client, tree, make_user, council_board, closed):
    other = Council.objects.create(unit=tree.ward_b, level="co_so", year=2026, name="Xã B")
    outsider = make_user("hd_b", "council", tree.ward_b)
    CouncilMember.objects.create(council=other, user=outsider, role="chair")
    client = as_user(client, outsider)
    for method, name, args in sorted(every_page(council_board, closed, tree)):
        assert getattr(client, method)(url(name, *args), BALLOT).status_code == 404, name
    assert client.get(url("council", other.pk)).status_code == 200


def test_a_plain_member_reads_but_does_not_manage(client, tree, council_board):
    client = as_user(client, council_board.users["m1"])
    c = council_board.council.pk
    assert client.get(url("council_list", tree.ward_a.pk)).status_code == 404
    body = client.get(url("council", c)).content.decode()
    assert "Thành viên chair" in body and "Tính mới" in body
    assert url("council_member_add", c) not in body and url("council_rule", c) not in body
    assert client.get(url("council_rule", c)).status_code == 403
    assert client.post(url("council_member_add", c), {"username": "lanhdao_a",
                                                      "role": "member"}).status_code == 403
    assert client.post(url("session_add", c), {"held_on": "01/12/2026"}).status_code == 403
    assert council_board.council.sessions.count() == 1
    assert client.get(url("session_close", council_board.session.pk)).status_code == 403
    assert council_board.council.members.count() == 5


# The office's pages ----------------------------------------------------------------------------
def test_the_office_creates_a_council_and_adds_members(client, users, tree):
    client = as_user(client, users["secretariat"])
    page = client.get(url("council_list", tree.ward_a.pk))
    assert page.status_code == 200 and "Lập hội đồng mới" in page.content.decode()
    response = client.post(url("council_list", tree.ward_a.pk),
                           {"level": "co_so", "year": "2026", "name": "",
                            "decision_number": "12/QĐ-UBND"})
    council = Council.objects.get()
    assert response.status_code == 302 and response.url == url("council", council.pk)
    again = client.post(url("council_list", tree.ward_a.pk), {"level": "co_so", "year": "2026"})
    assert "Đơn vị đã có hội đồng sáng kiến cấp cơ sở năm 2026." in again.content.decode()
    response = client.post(url("council_member_add", council.pk),
                           {"username": "lanhdao_a", "role": "chair", "title": "Phó Bí thư"})
    assert response.status_code == 302
    assert council.members.get().user == users["leader"]
    response = client.post(url("council_member_add", council.pk),
                           {"username": "vanphong_b", "role": "member"}, follow=True)
    assert "không thuộc đơn vị của hội đồng" in response.content.decode()
    response = client.post(url("council_member_add", council.pk),
                           {"username": "giamsat_a", "role": "chair"}, follow=True)
    assert "Hội đồng đã có chủ tịch hội đồng." in response.content.decode()
    assert council.members.count() == 1


def test_the_office_edits_the_rule_until_a_session_closes(client, users, council_board, closed):
    council = council_board.council
    Session.objects.filter(pk=closed.pk).update(is_closed=False)
    Ballot.objects.all().delete()
    client = as_user(client, users["secretariat"])
    form = client.get(url("council_rule", council.pk)).content.decode()
    assert 'value="novelty"' in form and 'value="50"' in form
    data = {"code_1": "moi", "name_1": "Tính mới", "max_1": "40",
            "code_2": "hieu_qua", "name_2": "Hiệu quả", "max_2": "x",
            "pass_mean": "50", "yes_share_over": "50"}
    bad = client.post(url("council_rule", council.pk), data)
    assert "Tiêu chí dòng 2: điểm tối đa “x” phải là số nguyên." in bad.content.decode()
    response = client.post(url("council_rule", council.pk), {**data, "max_2": "60"})
    assert response.status_code == 302
    council.refresh_from_db()
    assert [c.max_points for c in councils.rule_of(council).criteria] == [40, 60]
    Session.objects.filter(pk=closed.pk).update(is_closed=True)
    locked = client.post(url("council_rule", council.pk), {**data, "max_2": "50"})
    assert "không thể sửa quy tắc chấm điểm nữa" in locked.content.decode()
    council.refresh_from_db()
    assert [c.max_points for c in councils.rule_of(council).criteria] == [40, 60]


def test_removing_a_member_asks_for_a_confirmation(client, users, council_board):
    member = council_board.council.members.get(user=council_board.users["m3"])
    client = as_user(client, users["secretariat"])
    council_page = client.get(url("council", council_board.council.pk)).content.decode()
    remove = url("council_member_remove", council_board.council.pk, member.pk)
    assert f'href="{remove}"' in council_page
    page = client.get(remove)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Rút Thành viên m3 (ủy viên) khỏi" in body and "quá một nửa số thành viên" in body
    assert "1 phiên họp đang diễn ra" in body
    assert CouncilMember.objects.filter(pk=member.pk).exists()  # GET changes nothing
    assert as_user(client, council_board.users["chair"]).get(remove).status_code == 403
    client = as_user(client, users["secretariat"])
    assert client.post(remove).status_code == 302
    assert not CouncilMember.objects.filter(pk=member.pk).exists()


def test_sessions_are_created_from_the_council_page(client, council_board):
    client = as_user(client, council_board.users["secretary"])
    year = council_board.council.year
    response = client.post(url("session_add", council_board.council.pk),
                           {"held_on": f"15/12/{year}", "place": "Phòng họp số 2"})
    session = Session.objects.get(held_on=date(year, 12, 15))
    assert response.url == url("session", session.pk)
    response = client.post(url("session_add", council_board.council.pk), {"held_on": "32/12"},
                           follow=True)
    assert "Ghi ngày theo dạng dd/mm/yyyy." in response.content.decode()


# The agenda ------------------------------------------------------------------------------------
def test_the_chair_schedules_from_the_session_page(client, council_board, initiative_factory, tree):
    waiting = council_board.accepted(title="Chờ hội đồng xét")
    client = as_user(client, council_board.users["chair"])
    session = council_board.session
    page = client.get(url("session", session.pk)).content.decode()
    assert "Chờ hội đồng xét" in page and "Đưa vào" in page
    response = client.post(url("session_schedule", session.pk), {"initiative": waiting.pk},
                           follow=True)
    assert "Đã đưa “Chờ hội đồng xét” vào phiên họp." in response.content.decode()
    assert Initiative.objects.get(pk=waiting.pk).state == "in_review"
    # another ward's application is not even named
    foreign = initiative_factory(state="accepted", title="Của xã Bình Minh", unit=tree.cell_b1,
                                 reviewing_unit=tree.ward_b)
    response = client.post(url("session_schedule", session.pk), {"initiative": foreign.pk},
                           follow=True)
    body = response.content.decode()
    assert "Không tìm thấy sáng kiến này" in body and "Của xã Bình Minh" not in body
    not_yet = initiative_factory(state="submitted", title="Mới nộp")
    response = client.post(url("session_schedule", session.pk), {"initiative": not_yet.pk},
                           follow=True)
    assert "đang ở trạng thái “Đã nộp”" in response.content.decode()
    # a draft is its author's alone: an officer trying ids does not learn its title
    draft = initiative_factory(state="draft", title="Bản nháp riêng")
    response = client.post(url("session_schedule", session.pk), {"initiative": draft.pk},
                           follow=True)
    body = response.content.decode()
    assert "Không tìm thấy sáng kiến này" in body and "Bản nháp riêng" not in body
    assert session.items.count() == 1


def test_a_plain_member_does_not_see_the_schedule_form(client, council_board):
    council_board.accepted()
    client = as_user(client, council_board.users["m1"])
    body = client.get(url("session", council_board.session.pk)).content.decode()
    assert url("session_schedule", council_board.session.pk) not in body
    response = client.post(url("session_schedule", council_board.session.pk),
                           {"initiative": Initiative.objects.get().pk})
    assert response.status_code == 403


def test_unschedule_asks_a_reason_on_a_confirmation_page(client, council_board):
    item = council_board.on_agenda(title="Sẽ rút")
    client = as_user(client, council_board.users["chair"])
    page = client.get(url("session_unschedule", item.pk)).content.decode()
    assert "Rút “Sẽ rút” khỏi phiên họp" in page
    empty = client.post(url("session_unschedule", item.pk), {"reason": ""})
    assert "Cần ghi rõ lý do." in empty.content.decode()
    assert AgendaItem.objects.exists()
    response = client.post(url("session_unschedule", item.pk), {"reason": "Thiếu minh chứng"})
    assert response.url == url("session", council_board.session.pk)
    assert not AgendaItem.objects.exists()
    assert Initiative.objects.get(pk=item.initiative_id).state == "accepted"


# Ballots through the page ----------------------------------------------------------------------
def test_a_member_scores_on_the_item_page(client, council_board):
    item = council_board.on_agenda()
    Initiative.objects.filter(pk=item.initiative_id).update(confidential="Công thức bí mật X")
    client = as_user(client, council_board.users["m1"])
    page = client.get(url("session_item", item.pk)).content.decode()
    assert "Công thức bí mật X" in page and "Chỉ hội đồng xem" in page
    assert "Tính mới (tối đa 30)" in page
    response = client.post(url("session_ballot", item.pk), BALLOT)
    assert response.url == url("session_item", item.pk)
    ballot = Ballot.objects.get()
    assert ballot.total == 81.5 and ballot.vote_yes
    page = client.get(url("session_item", item.pk)).content.decode()
    assert "27,5/30" in page and "Sửa phiếu chấm" in page
    # the same form sent again (a second tab, a double click) is refused
    again = client.post(url("session_ballot", item.pk), {**BALLOT, "diem_novelty": "1"})
    assert "Bạn đã chấm sáng kiến này" in again.content.decode()
    assert Ballot.objects.get().total == 81.5
    # changing it on purpose
    client.post(url("session_ballot", item.pk), {**BALLOT, "sua": "1", "vote": "no"})
    ballot = Ballot.objects.get()
    assert not ballot.vote_yes and Ballot.objects.count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("diem_novelty", "35", "Điểm tiêu chí “Tính mới” phải từ 0 đến 30; đã ghi 35."),
    ("diem_effectiveness", "-2", "Điểm tiêu chí “Hiệu quả” phải từ 0 đến 40; đã ghi -2."),
    ("diem_replicability", "mười", "Điểm “mười” của tiêu chí “Khả năng nhân rộng” không phải là số."),
    ("vote", "", "Chưa chọn đồng ý hay không đồng ý công nhận."),
])
def test_bad_ballots_are_refused_on_the_page(client, council_board, field, value, message):
    item = council_board.on_agenda()
    client = as_user(client, council_board.users["m2"])
    response = client.post(url("session_ballot", item.pk), {**BALLOT, field: value})
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert "Ý kiến riêng của thành viên" in body  # the input is kept
    assert not Ballot.objects.exists()


def test_no_ballot_after_the_close_through_the_page(client, council_board, closed):
    item = AgendaItem.objects.get(session=closed)
    client = as_user(client, council_board.users["m2"])
    page = client.get(url("session_item", item.pk)).content.decode()
    assert "Ghi phiếu chấm" not in page and "Bạn không chấm sáng kiến này" in page
    response = client.post(url("session_ballot", item.pk), BALLOT)
    assert "Phiên họp đã kết thúc" in response.content.decode()
    assert Ballot.objects.count() == 3


def test_members_reach_the_attachments_from_the_item_page(client, council_board):
    from thidua.initiatives.models import Attachment

    item = council_board.on_agenda()
    attachment = Attachment.objects.create(initiative=item.initiative, name="thuyet-minh.pdf",
                                           file="initiatives/2026/thuyet-minh.pdf", size=10)
    page = as_user(client, council_board.users["m1"]).get(url("session_item", item.pk))
    assert url("attachment_download", attachment.pk) in page.content.decode()


def test_an_edit_link_after_the_close_still_shows_my_ballot(client, council_board, closed):
    item = AgendaItem.objects.get(session=closed)
    client = as_user(client, council_board.users["m1"])
    page = client.get(url("session_item", item.pk) + "?sua=1").content.decode()
    assert "Bạn không chấm sáng kiến này" not in page
    assert "Nhận xét của m1" in page and "Sửa phiếu chấm" not in page


def test_the_office_reads_an_item_but_does_not_score(client, users, council_board):
    item = council_board.on_agenda()
    client = as_user(client, users["secretariat"])
    page = client.get(url("session_item", item.pk)).content.decode()
    assert "Chỉ thành viên hội đồng chấm điểm" in page
    assert client.post(url("session_ballot", item.pk), BALLOT).status_code == 404


# Secrecy ---------------------------------------------------------------------------------------
def test_scores_stay_hidden_from_other_members_until_the_close(client, users, council_board):
    item = council_board.on_agenda(title="Đang chấm")
    councils.cast_ballot(council_board.users["m1"], item,
                         {"novelty": "27.5", "effectiveness": "33", "replicability": "21"},
                         True, "NHẬN XÉT KÍN CỦA A")
    secret = ("27,5", "81,5", "NHẬN XÉT KÍN CỦA A")
    s, c = council_board.session.pk, council_board.council.pk
    pages = [url("council", c), url("session", s), url("session_item", item.pk),
             url("council_mine"), url("session_close", s)]
    for reader in (council_board.users["m2"], council_board.users["chair"], users["secretariat"]):
        client = as_user(client, reader)
        for page in pages:
            response = client.get(page)
            if response.status_code == 403:  # the close page is the officers'
                continue
            body = response.content.decode()
            assert response.status_code == 200
            assert not any(text in body for text in secret), (reader, page)
        assert client.get(url("session_minutes", s)).status_code == 404
        assert client.get(url("session_minutes_xlsx", s)).status_code == 404
    client = as_user(client, council_board.users["m2"])
    assert "1/5 đã chấm" in client.get(url("session", s)).content.decode()
    # after the close the minutes show every ballot
    council_board.score(item, "m2", (20, 30, 20), yes=False)
    councils.close_session(council_board.session, council_board.users["chair"])
    minutes = client.get(url("session_minutes", s)).content.decode()
    assert all(text in minutes for text in ("27,5", "81,5", "NHẬN XÉT KÍN CỦA A"))
    assert "Không đồng ý" in minutes and "vắng, không chấm" in minutes


def test_the_audit_trail_does_not_record_the_scores_before_the_close(client, users,
                                                                      council_board):
    """The unit's auditors (admin, observer) read any record's audit trail: a ballot's
    scores, vote and comment must not be written there while the session is open."""
    item = council_board.on_agenda(title="Đang chấm")
    ballot = councils.cast_ballot(council_board.users["m1"], item,
                                  {"novelty": "27.5", "effectiveness": "33",
                                   "replicability": "21"}, True, "NHẬN XÉT KÍN CỦA A")
    councils.change_ballot(council_board.users["m1"], item,
                           {"novelty": "26.5", "effectiveness": "33", "replicability": "21"},
                           False, "NHẬN XÉT KÍN ĐÃ SỬA")
    secret = ("27.5", "27,5", "26.5", "26,5", "NHẬN XÉT KÍN")
    for reader in (users["admin"], users["observer"]):
        response = as_user(client, reader).get(
            reverse("audit_trail", args=["initiatives", "ballot", ballot.pk]))
        body = response.content.decode()
        assert not any(text in body for text in secret), reader
    other = councils.cast_ballot(council_board.users["m2"], item,
                                 {"novelty": "1.5", "effectiveness": "2", "replicability": "3"},
                                 True, "BÍ MẬT CỦA B")
    councils.unschedule(council_board.users["chair"], item, "Hồ sơ thiếu tài liệu")
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    logged = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Ballot))
    assert not logged.filter(object_pk__in=[str(ballot.pk), str(other.pk)]).exists()


def test_the_audit_page_of_a_ballot_does_not_show_its_total(client, users, council_board):
    item = council_board.on_agenda()
    ballot = councils.cast_ballot(council_board.users["m1"], item,
                                  {"novelty": "27.5", "effectiveness": "33",
                                   "replicability": "21"}, True)
    response = as_user(client, users["observer"]).get(
        reverse("audit_trail", args=["initiatives", "ballot", ballot.pk]))
    assert response.status_code == 404 or "81.5" not in response.content.decode()


# Closing through the pages ---------------------------------------------------------------------
def test_close_goes_through_a_confirmation(client, council_board):
    item = council_board.on_agenda(title="Đủ điểm")
    for key in ("chair", "secretary", "m1"):
        council_board.score(item, key, (30, 40, 30))
    client = as_user(client, council_board.users["secretary"])
    s = council_board.session.pk
    page = client.get(url("session_close", s)).content.decode()
    assert "Kết thúc phiên họp ngày" in page and "3/5 đã chấm" in page
    assert not Session.objects.get(pk=s).is_closed  # GET changes nothing
    response = client.post(url("session_close", s))
    assert response.url == url("session_minutes", s)
    minutes = client.get(url("session_minutes", s)).content.decode()
    assert "Được công nhận" in minutes
    assert f"01/{council_board.council.year}/GCN-HĐSKCS-PAB" in minutes
    assert client.get(url("session_close", s)).url == url("session_minutes", s)


def test_close_with_an_unscored_item_is_refused_on_the_page(client, council_board):
    council_board.on_agenda(title="Chưa ai chấm")
    client = as_user(client, council_board.users["chair"])
    s = council_board.session.pk
    page = client.get(url("session_close", s)).content.decode()
    assert "Chưa có thành viên nào chấm các sáng kiến: “Chưa ai chấm”" in page
    response = client.post(url("session_close", s), follow=True)
    assert "Chưa có thành viên nào chấm" in response.content.decode()
    assert not Session.objects.get(pk=s).is_closed


def test_the_minutes_export(client, council_board, closed):
    client = as_user(client, council_board.users["m3"])
    response = client.get(url("session_minutes_xlsx", closed.pk))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r and r[0] == "STT"))
    lines = rows[header + 1:]
    assert len(lines) == 5  # one line per member, absent ones included
    first = lines[0]
    assert first[1] == "Sáng kiến đã xét" and first[4:7] == [30, 40, 30] and first[7] == 100
    assert first[8] == "Đồng ý" and first[9] == "Nhận xét của chair"
    assert first[11] == "3/5" and first[12] == "Được công nhận"
    assert first[13] == f"01/{council_board.council.year}/GCN-HĐSKCS-PAB"
    assert lines[-1][8] == "Vắng" and lines[-1][7] is None


# My councils -----------------------------------------------------------------------------------
def test_my_councils_lists_what_i_still_have_to_score(client, council_board, closed):
    first = council_board.on_agenda(title="Đã chấm rồi")
    council_board.on_agenda(title="Còn phải chấm")
    council_board.score(first, "m1")
    client = as_user(client, council_board.users["m1"])
    body = client.get(url("council_mine")).content.decode()
    assert "Bạn còn 1 sáng kiến cần chấm." in body
    assert "Còn phải chấm" in body and "Đã chấm rồi" not in body
    assert url("session_minutes", closed.pk) in body


# Query counts ----------------------------------------------------------------------------------
def grow(council_board, n):
    for _ in range(n):
        item = council_board.on_agenda()
        for key in ("chair", "m1"):
            council_board.score(item, key)


@pytest.mark.parametrize("name", ["session", "council", "council_mine", "session_close"])
def test_pages_take_a_fixed_number_of_queries(client, council_board, django_assert_max_num_queries,
                                              name):
    grow(council_board, 2)
    client = as_user(client, council_board.users["chair"])
    args = {"session": (council_board.session.pk,), "council": (council_board.council.pk,),
            "council_mine": (), "session_close": (council_board.session.pk,)}[name]
    limits = {"session": 11, "council": 7, "council_mine": 7, "session_close": 10}
    with django_assert_max_num_queries(limits[name]):
        assert client.get(url(name, *args)).status_code == 200
    grow(council_board, 8)
    with django_assert_max_num_queries(limits[name]):
        assert client.get(url(name, *args)).status_code == 200


def test_minutes_and_list_pages_take_a_fixed_number_of_queries(
        client, users, tree, council_board, django_assert_max_num_queries):
    grow(council_board, 6)
    councils.close_session(council_board.session, council_board.users["chair"])
    client = as_user(client, council_board.users["m2"])
    with django_assert_max_num_queries(5):
        assert client.get(url("session_minutes", council_board.session.pk)).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url("session_minutes_xlsx",
                              council_board.session.pk)).status_code == 200
    item = AgendaItem.objects.first()
    with django_assert_max_num_queries(9):
        assert client.get(url("session_item", item.pk)).status_code == 200
    client = as_user(client, users["secretariat"])
    with django_assert_max_num_queries(6):
        assert client.get(url("council_list", tree.ward_a.pk)).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url("council_index")).status_code == 200
    with django_assert_max_num_queries(9):  # the office's page adds the member candidates
        assert client.get(url("council", council_board.council.pk)).status_code == 200


def test_user_text_is_escaped_on_every_page(client, council_board):
    item = council_board.on_agenda(title="<script>alert(1)</script>")
    council_board.score(item, "m1", comment="<b>đậm</b>")
    client = as_user(client, council_board.users["chair"])
    pages = [url("session", council_board.session.pk), url("session_item", item.pk),
             url("council_mine"), url("session_close", council_board.session.pk),
             url("session_minutes", council_board.session.pk)]
    bodies = []
    for page in pages:
        if page == pages[-1]:
            councils.close_session(council_board.session, council_board.users["chair"])
        response = client.get(page)
        assert response.status_code == 200, page
        bodies.append(response.content.decode())
    for page, body in zip(pages, bodies, strict=True):
        assert "<script>alert(1)</script>" not in body and "<b>đậm</b>" not in body, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, page
    assert "&lt;b&gt;đậm&lt;/b&gt;" in bodies[-1]


def test_the_index_lists_only_councils_in_reach(client, users, council_board):
    name = council_board.council.name
    for who, sees in (("secretariat", True), ("other", False), ("norole", False),
                      ("leader", False)):
        body = as_user(client, users[who]).get(url("council_index")).content.decode()
        assert (name in body) is sees, who
    body = as_user(client, council_board.users["m2"]).get(url("council_index"))
    assert name in body.content.decode()
    body = as_user(client, users["other"]).get(url("council_mine")).content.decode()
    assert name not in body and "Bạn chưa là thành viên hội đồng sáng kiến nào." in body
