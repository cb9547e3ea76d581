"""The round screens: every page and action, another unit's user (404), confirmations,
query counts of the list and candidates pages."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.awards.test_decisions import (  # noqa: F401 (fixtures)
    DAY,
    appraised,
    signed,
    voted,
)
from tests.awards.test_votes import council, nominated, voting  # noqa: F401 (fixtures)
from tests.conftest import as_user
from thidua.awards import rounds
from thidua.awards.models import Award, AwardRound, Decision, Nomination, Vote, VoteReceipt

pytestmark = pytest.mark.django_db
YEAR = 2026


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def round_a(tree, users, catalogue):
    return rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a)


@pytest.fixture
def decided(appraised, users):  # noqa: F811
    round_ = appraised[0]
    round_.refresh_from_db()
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang")
    rounds.sign_decision(users["leader"], decision)
    round_.refresh_from_db()
    return round_


# Another unit's user gets 404 everywhere ------------------------------------------------------------
PAGES = ["round", "round_candidates", "nomination_new", "round_vote", "round_results",
         "round_sign", "proposal_docx", "minutes_docx", "round_appraisal", "decision",
         "decision_sign", "decision_docx", "certificates_docx"]
ACTIONS = [("round_transition", ("start_voting",)), ("round_transition", ("close_voting",)),
           ("round_transition", ("reopen",)), ("round_transition", ("appraise",)),
           ("nominate_candidate", ()), ("nomination_new", ()), ("round_vote", ()),
           ("round_sign", ()), ("round_appraisal", ()), ("decision", ()),
           ("decision_sign", ())]


@pytest.mark.parametrize("name", PAGES)
def test_pages_of_another_units_round_answer_404(name, decided, client, users):
    response = as_user(client, users["other"]).get(url(name, decided.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "extra"), ACTIONS)
def test_actions_on_another_units_round_answer_404(name, extra, decided, client, users):
    response = as_user(client, users["other"]).post(url(name, decided.pk, *extra),
                                                    {"reason": "x", "confirm": "on"})
    assert response.status_code == 404


def test_remove_and_revoke_of_another_unit_answer_404(decided, client, users):
    nomination = decided.nominations.first()
    as_user(client, users["other"])
    assert client.post(url("nomination_remove", decided.pk, nomination.pk)).status_code == 404
    award = Award.objects.first()
    assert client.get(url("award_revoke", award.pk)).status_code == 404
    assert client.post(url("award_revoke", award.pk), {"reason": "x", "decision_text": "y",
                                                       "confirm": "on"}).status_code == 404
    assert not Award.objects.filter(revoked=True).exists()


def test_a_nomination_of_another_round_is_404(round_a, decided, client, users):
    nomination = decided.nominations.first()
    response = as_user(client, users["secretariat"]).post(
        url("nomination_remove", round_a.pk, nomination.pk))
    assert response.status_code == 404


# List and opening -----------------------------------------------------------------------------
def test_round_list_is_scoped_and_its_queries_do_not_grow(client, users, tree, catalogue,
                                                          django_assert_max_num_queries):
    rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a)
    rounds.open_round(users["other"], tree.ward_b, YEAR, granting_unit=tree.ward_b)
    as_user(client, users["secretariat"])
    with django_assert_max_num_queries(8):
        response = client.get(url("rounds"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đảng bộ phường An Bình" in page and "Đảng bộ xã Bình Minh" not in page
    for year in (2024, 2025):
        rounds.open_round(users["secretariat"], tree.ward_a, year, granting_unit=tree.ward_a)
    with django_assert_max_num_queries(8):
        response = client.get(url("rounds"))
    assert response.content.decode().count("/khen-thuong/dot-xet/") >= 3
    assert as_user(client, users["norole"]).get(url("rounds")).status_code == 403


def test_open_a_round_through_the_form(client, users, tree, catalogue):
    as_user(client, users["secretariat"])
    page = client.get(url("round_new"))
    assert page.status_code == 200 and "Cấp quyết định" in page.content.decode()
    response = client.post(url("round_new"), {"don-vi": tree.ward_a.pk, "year": YEAR,
                                              "granting_unit": tree.ward_a.pk})
    round_ = AwardRound.objects.get()
    assert response.status_code == 302 and response.url == url("round", round_.pk)
    assert round_.created_by == users["secretariat"]
    assert as_user(client, users["staff"]).get(url("round_new")).status_code == 403


def test_round_page_shows_state_steps_and_timeline(decided, client, users):
    page = as_user(client, users["secretariat"]).get(url("round", decided.pk)).content.decode()
    assert "Đã có quyết định khen thưởng" in page
    assert "Trình Hội đồng xét" in page and "Ký tờ trình" in page and "Kết thúc biểu quyết" in page
    assert "Tờ trình (Word)" in page and "Quyết định (Word)" in page


# Candidates and nominations ---------------------------------------------------------------------
def test_candidates_page_lists_checks_and_nominates(round_a, client, users, people, grade,
                                                    catalogue, tree, make_person,
                                                    django_assert_max_num_queries):
    grade(people["a1"], YEAR, "htt")
    grade(people["a2"], YEAR, "ht")
    as_user(client, users["secretariat"])
    with django_assert_max_num_queries(24) as few:  # 4 of them: the round's CSTĐCS quota
        response = client.get(url("round_candidates", round_a.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn An" in page and "✓" in page and "✗" in page
    assert "Gần đủ điều kiện" in page
    for i in range(15):
        grade(make_person(f"Người thêm {i}", tree.cell_a2), YEAR, "htxs")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("round_candidates", round_a.pk)).status_code == 200

    response = client.post(url("nominate_candidate", round_a.pk),
                           {"award_type": "ldtt", "person": people["a1"].pk})
    assert response.status_code == 302
    assert Nomination.objects.get().person == people["a1"]
    response = client.post(url("nominate_candidate", round_a.pk),
                           {"award_type": "ldtt", "person": people["a2"].pk})
    assert "chưa đủ điều kiện" in flashed(response)
    assert Nomination.objects.count() == 1
    # Someone outside the round is not found.
    response = client.post(url("nominate_candidate", round_a.pk),
                           {"award_type": "ldtt", "person": people["b1"].pk})
    assert response.status_code == 404


def test_candidates_page_is_for_the_office(round_a, client, users, make_user, tree):
    member = make_user("hd", "council", tree.ward_a)
    assert as_user(client, member).get(url("round_candidates", round_a.pk)).status_code == 403
    assert as_user(client, member).get(url("round", round_a.pk)).status_code == 200


def test_manual_nomination_form_requires_a_justification(round_a, client, users, people,
                                                         catalogue):
    as_user(client, users["secretariat"])
    form = {"award_type": catalogue["giay_khen"].pk, "person": people["a2"].pk,
            "achievement": "Dân vận khéo"}
    response = client.post(url("nomination_new", round_a.pk), form)
    assert response.status_code == 400
    assert "cần ghi lý do đề nghị" in response.content.decode()
    response = client.post(url("nomination_new", round_a.pk),
                           {**form, "justification": "Mô hình được công nhận"})
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    response = client.post(url("nomination_remove", round_a.pk, nomination.pk))
    assert response.status_code == 302 and not Nomination.objects.exists()


def test_refused_nomination_shows_the_unmet_conditions(round_a, client, users, people,
                                                       catalogue):
    response = as_user(client, users["secretariat"]).post(
        url("nomination_new", round_a.pk),
        {"award_type": catalogue["ldtt"].pk, "person": people["a2"].pk})
    assert response.status_code == 400
    assert "Trần Thị Bình chưa đủ điều kiện “Lao động tiên tiến”" in response.content.decode()


# Council ------------------------------------------------------------------------------------------
def test_member_votes_through_the_page_with_the_secret_ballot_notice(voting, council, client):  # noqa: F811
    round_, cstdcs, giay_khen = voting
    giay_khen.award_type.secret_ballot = True
    giay_khen.award_type.save()
    as_user(client, council[0])
    page = client.get(url("round_vote", round_.pk)).content.decode()
    assert "phiếu kín" in page and "không lưu bạn đã chọn gì" in page
    response = client.post(url("round_vote", round_.pk),
                           {"nomination": giay_khen.pk, f"n{giay_khen.pk}-choice": "agree"})
    assert response.status_code == 302
    assert VoteReceipt.objects.filter(voter=council[0]).exists()
    assert Vote.objects.get(nomination=giay_khen).voter is None
    response = client.post(url("round_vote", round_.pk),
                           {"nomination": giay_khen.pk, f"n{giay_khen.pk}-choice": "agree"})
    assert response.status_code == 400 and "chỉ biểu quyết một lần" in response.content.decode()
    response = client.post(url("round_vote", round_.pk),
                           {"nomination": cstdcs.pk, f"n{cstdcs.pk}-choice": "lower"})
    assert response.status_code == 400 and "Hãy chọn hình thức thấp hơn" in response.content.decode()


def test_vote_page_is_for_members_only(voting, client, users):  # noqa: F811
    response = as_user(client, users["secretariat"]).get(url("round_vote", voting[0].pk))
    assert response.status_code == 403


def test_office_starts_and_closes_the_vote(nominated, council, client, users):  # noqa: F811
    round_, cstdcs, _gk = nominated
    as_user(client, users["secretariat"])
    client.post(url("round_transition", round_.pk, "start_voting"))
    assert AwardRound.objects.get(pk=round_.pk).state == "voting"
    rounds.cast_vote(council[0], cstdcs, "agree")
    client.post(url("round_transition", round_.pk, "close_voting"))
    assert AwardRound.objects.get(pk=round_.pk).state == "voted"
    page = client.get(url("round_results", round_.pk)).content.decode()
    assert "1/3 thành viên" in page and "Đồng ý đề nghị" in page
    response = client.get(url("minutes_docx", round_.pk))
    assert response.status_code == 200 and response.content[:2] == b"PK"


# Sign, appraise, decide -------------------------------------------------------------------------
def test_sign_needs_the_confirmation(voted, client, users):  # noqa: F811
    round_ = voted[0]
    as_user(client, users["leader"])
    page = client.get(url("round_sign", round_.pk)).content.decode()
    assert "Điều sẽ xảy ra khi ký" in page and "Nguyễn Văn An" in page
    response = client.post(url("round_sign", round_.pk), {"proposal_date": DAY.isoformat()})
    assert response.status_code == 400
    assert AwardRound.objects.get(pk=round_.pk).state == "voted"
    response = client.post(url("round_sign", round_.pk),
                           {"proposal_date": DAY.isoformat(), "confirm": "on"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == "signed" and round_.proposal_number
    response = client.get(url("proposal_docx", round_.pk))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert as_user(client, users["secretariat"]).get(url("round_sign", round_.pk)).status_code == 403


def test_appraisal_page(signed, client, users, catalogue):  # noqa: F811
    round_, cstdcs, giay_khen, ldtt = signed
    as_user(client, users["secretariat"])
    assert "Thẩm định hồ sơ" in client.get(url("round_appraisal", round_.pk)).content.decode()
    response = client.post(url("round_appraisal", round_.pk),
                           {"nomination": ldtt.pk, f"n{ldtt.pk}-appraisal": "returned"})
    assert response.status_code == 400 and "cần ghi rõ lý do" in response.content.decode()
    for n in (cstdcs, giay_khen, ldtt):
        client.post(url("round_appraisal", round_.pk),
                    {"nomination": n.pk, f"n{n.pk}-appraisal": "accepted"})
    # Finishing the appraisal cannot be undone: it asks for a confirmation.
    response = client.post(url("round_transition", round_.pk, "appraise"))
    assert "xác nhận" in flashed(response)
    assert AwardRound.objects.get(pk=round_.pk).state == "signed"
    client.post(url("round_transition", round_.pk, "appraise"), {"confirm": "on"})
    assert AwardRound.objects.get(pk=round_.pk).state == "appraised"


def test_decision_draft_sign_with_confirmation_then_locked(appraised, client, users):  # noqa: F811
    round_ = appraised[0]
    as_user(client, users["leader"])
    response = client.post(url("decision", round_.pk),
                           {"date": DAY.isoformat(), "signer": "Hoàng Văn Quang",
                            "signer_title": "Bí thư Đảng ủy"})
    assert response.status_code == 302
    page = client.get(url("decision_sign", round_.pk)).content.decode()
    assert "Điều sẽ xảy ra khi ký" in page
    response = client.post(url("decision_sign", round_.pk), {})
    assert response.status_code == 400 and not Decision.objects.get().is_signed
    response = client.post(url("decision_sign", round_.pk), {"confirm": "on"})
    assert response.status_code == 302
    assert Decision.objects.get().is_signed and Award.objects.count() == 2
    response = client.post(url("decision", round_.pk),
                           {"date": "2026-11-21", "signer": "Người khác"})
    assert "không sửa được" in flashed(response)
    assert Decision.objects.get().signer == "Hoàng Văn Quang"
    for name in ("decision_docx", "certificates_docx"):
        response = client.get(url(name, round_.pk))
        assert response.status_code == 200 and response.content[:2] == b"PK"
    page = client.get(url("decision", round_.pk)).content.decode()
    assert "710.000" in page or "710000" in page


def test_revoke_page_asks_for_confirmation(decided, client, users):
    award = Award.objects.first()
    as_user(client, users["leader"])
    assert "Điều sẽ xảy ra" in client.get(url("award_revoke", award.pk)).content.decode()
    response = client.post(url("award_revoke", award.pk),
                           {"reason": "Kê khai sai", "decision_text": "05-QĐ/ĐU"})
    assert response.status_code == 400 and not Award.objects.get(pk=award.pk).revoked
    response = client.post(url("award_revoke", award.pk),
                           {"reason": "Kê khai sai", "decision_text": "05-QĐ/ĐU", "confirm": "on"})
    assert response.status_code == 302 and Award.objects.get(pk=award.pk).revoked
    assert as_user(client, users["secretariat"]).get(url("award_revoke", award.pk)).status_code == 403


def test_candidates_page_filters_by_award_type(round_a, client, users, people, grade):
    grade(people["a1"], YEAR, "htt")
    as_user(client, users["secretariat"])
    page = client.get(url("round_candidates", round_a.pk) + "?loai=tt_ldtt").content.decode()
    section = page.split('id="du-dieu-kien"')[1].split('id="gan-du"')[0]
    assert "Nguyễn Văn An" not in section
    page = client.get(url("round_candidates", round_a.pk) + "?loai=ldtt").content.decode()
    assert "Nguyễn Văn An" in page.split('id="du-dieu-kien"')[1].split('id="gan-du"')[0]
    assert "Lao động tiên tiến (1)" in page


def test_candidates_page_quota_counts_the_rounds_nominations_not_the_eligible(
        round_a, client, users, tree, make_person, grade, catalogue):
    """“đã đề nghị” is what the round proposed (what the quota refuses on), not how many
    qualify."""
    team = [make_person(f"Cán bộ số {i:02d}", tree.ward_a) for i in range(7)]
    for person in team:
        grade(person, YEAR, "htxs")
    rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=team[0])
    as_user(client, users["secretariat"])
    page = client.get(url("round_candidates", round_a.pk)).content.decode()
    quotas = page.split('id="cac-chi-tieu"')[1].split("</ul>")[0]
    assert "đã đề nghị <strong>0</strong>" in quotas and "(đủ điều kiện 7)" in quotas
    assert "tối đa 0 trên 1 LĐTT" in quotas


def test_signed_decision_page_shows_the_base_salary_the_money_was_computed_with(
        decided, client, users):
    """An admin correcting the base salary table afterwards does not change what the signed
    decision says it applied."""
    from decimal import Decimal

    from thidua.awards.models import BaseSalary

    base = BaseSalary.objects.order_by("-effective_from").first()
    base.amount = Decimal(9_990_000)
    base.save()
    as_user(client, users["leader"])
    page = client.get(url("decision", decided.pk)).content.decode()
    assert "2.340.000" in page and "9.990.000" not in page


def test_round_pages_queries_do_not_grow_with_the_nominations(decided, client, users, tree,
                                                             make_person, catalogue,
                                                             django_assert_max_num_queries):
    def load(pages):
        counts = {}
        for who, name in pages:
            as_user(client, users[who])
            with django_assert_max_num_queries(60) as q:
                assert client.get(url(name, decided.pk)).status_code == 200
            counts[name] = len(q.captured_queries)
        return counts

    pages = [("leader", "round"), ("leader", "decision"), ("secretariat", "round_appraisal"),
             ("leader", "round_sign"), ("secretariat", "round_results")]
    before = load(pages)
    decision = Decision.objects.get()
    for i in range(6):
        person = make_person(f"Người thêm {i}", tree.cell_a1)
        n = Nomination.objects.create(round=decided, award_type=catalogue["giay_khen"],
                                      person=person, unit=person.unit, order=10 + i,
                                      council_outcome="agree", appraisal="accepted",
                                      achievement=f"Thành tích {i}")
        Award.objects.create(award_type=catalogue["giay_khen"], person=person, unit=person.unit,
                             year=YEAR, decision=decision, nomination=n)
    assert load(pages) == before


@pytest.mark.parametrize("who", ["staff", "norole"])
@pytest.mark.parametrize("name", ["round", "round_results", "round_vote", "decision",
                                  "minutes_docx", "decision_docx"])
def test_staff_of_the_unit_do_not_reach_round_pages(who, name, decided, client, users):
    assert as_user(client, users[who]).get(url(name, decided.pk)).status_code == 404


def test_a_council_member_of_another_unit_neither_sees_nor_votes(voting, client, tree,  # noqa: F811
                                                                  make_user):
    outsider = make_user("hoidong_b", "council", tree.ward_b)
    round_, cstdcs, _gk = voting
    as_user(client, outsider)
    assert client.get(url("round_vote", round_.pk)).status_code == 404
    response = client.post(url("round_vote", round_.pk),
                           {"nomination": cstdcs.pk, f"n{cstdcs.pk}-choice": "agree"})
    assert response.status_code == 404 and not Vote.objects.exists()
