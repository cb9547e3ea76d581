"""Public disclosure: everyone inside the round's unit reads its page (not only the office),
others get 404; the secretariat sets the objection deadline; the decision shows once made."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import as_user
from thidua.awards.disclosure import visible_rounds_for_disclosure
from thidua.awards.models import Award, AwardRound, Decision, Nomination

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


@pytest.fixture
def make_round(tree):
    def make(unit, state="voted", **extra):
        return AwardRound.objects.create(unit=unit, year=2026, state=state,
                                         name=f"Xét khen thưởng năm 2026 — {unit.name}",
                                         granting_unit=unit, **extra)
    return make


@pytest.fixture
def ward_round(make_round, tree, people, catalogue):
    award_round = make_round(tree.ward_a)
    Nomination.objects.create(round=award_round, award_type=catalogue["cstdcs"],
                              person=people["a1"], unit=people["a1"].unit, order=1,
                              achievement="Sáng kiến số hóa hồ sơ một cửa",
                              council_outcome="lower", council_lower_to=catalogue["ldtt"])
    Nomination.objects.create(round=award_round, award_type=catalogue["ldtt"],
                              person=people["a2"], unit=people["a2"].unit, order=2,
                              achievement="<script>alert(1)</script>", council_outcome="agree")
    Nomination.objects.create(round=award_round, award_type=catalogue["ldtt"],
                              person=people["a3"], unit=people["a3"].unit, order=3,
                              council_outcome="disagree")
    Nomination.objects.create(round=award_round, award_type=catalogue["tt_ldtt"],
                              unit=tree.cell_a1, order=4, council_outcome="agree")
    return award_round


@pytest.fixture
def plain_member(make_user, people):
    """A user without any role whose person works in cell A1."""
    user = make_user("nguoi_dan_a1")
    person = people["a1"]
    person.user = user
    person.save()
    return user


def test_the_helper_widens_scoping_to_the_units_members(users, tree, make_round, plain_member,
                                                         make_user, people):
    ward_a, cell_a1, cell_a2 = (make_round(tree.ward_a), make_round(tree.cell_a1),
                                make_round(tree.cell_a2))
    ward_b = make_round(tree.ward_b)
    province = make_round(tree.province)
    draft = make_round(tree.ward_a, state="open")
    voting = make_round(tree.ward_a, state="voting")

    def seen(user):
        return set(visible_rounds_for_disclosure(user).values_list("pk", flat=True))

    # Works in cell A1: the rounds of cell A1, of ward A and of the province; not cell A2.
    assert seen(plain_member) == {ward_a.pk, cell_a1.pk, province.pk}
    # A staff role on cell A1 counts like working there.
    assert seen(users["staff"]) == {ward_a.pk, cell_a1.pk, province.pk}
    # Ward A's office: its own and its ancestors' (member) and every round below (READ).
    assert seen(users["secretariat"]) == {ward_a.pk, cell_a1.pk, cell_a2.pk, province.pk}
    assert seen(users["other"]) == {ward_b.pk, province.pk}
    assert seen(users["norole"]) == set()
    assert draft.pk not in seen(make_user("sieu", is_superuser=True))
    assert voting.pk not in seen(users["secretariat"])
    # A role on a merged (inactive) unit grants nothing.
    tree.cell_a1.is_active = False
    tree.cell_a1.save()
    people["a1"].refresh_from_db()
    assert seen(users["staff"]) == set()


def test_a_plain_member_reads_the_page(client, ward_round, plain_member, people, tree,
                                       catalogue):
    response = as_user(client, plain_member).get(url("disclosure_detail", ward_round.pk))
    assert response.status_code == 200
    rows = [(n.subject_name, form.code) for n, form in response.context["rows"]]
    assert rows == [(people["a1"].full_name, "ldtt"), (people["a2"].full_name, "ldtt"),
                    (tree.cell_a1.name, "tt_ldtt")]  # the lowered form; no disagreed one
    html = response.content.decode()
    assert "Sáng kiến số hóa hồ sơ một cửa" in html and people["a3"].full_name not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Chưa đặt hạn tiếp nhận ý kiến" in html and response.context["form"] is None
    index = as_user(client, plain_member).get(url("disclosure_index"))
    assert [r.pk for r in index.context["rounds"]] == [ward_round.pk]


def test_another_units_user_gets_404(client, ward_round, users, make_round, tree):
    for user in ("other", "norole"):
        c = as_user(client, users[user])
        assert c.get(url("disclosure_detail", ward_round.pk)).status_code == 404
        assert c.post(url("disclosure_deadline", ward_round.pk),
                      {"objections_until": "30/12/2030"}).status_code == 404
        assert c.get(url("disclosure_index")).context["rounds"] == []
    # A round still being drafted is not disclosed, even to its own office.
    draft = make_round(tree.ward_a, state="open")
    assert as_user(client, users["secretariat"]).get(
        url("disclosure_detail", draft.pk)).status_code == 404
    ward_round.refresh_from_db()
    assert ward_round.objections_until is None


def test_the_secretariat_sets_the_deadline(client, ward_round, users, plain_member):
    c = as_user(client, users["secretariat"])
    assert c.get(url("disclosure_detail", ward_round.pk)).context["form"] is not None
    later = TODAY + datetime.timedelta(days=10)
    response = c.post(url("disclosure_deadline", ward_round.pk),
                      {"objections_until": later.strftime("%d/%m/%Y")}, follow=True)
    assert f"đến hết ngày {later:%d/%m/%Y}" in response.content.decode()
    ward_round.refresh_from_db()
    assert ward_round.objections_until == later
    html = as_user(client, plain_member).get(url("disclosure_detail", ward_round.pk)
                                             ).content.decode()
    assert f"đến hết ngày <strong>{later:%d/%m/%Y}</strong>" in html
    past = TODAY - datetime.timedelta(days=1)
    c = as_user(client, users["secretariat"])
    response = c.post(url("disclosure_deadline", ward_round.pk),
                      {"objections_until": past.strftime("%d/%m/%Y")})
    assert "không được trước hôm nay" in response.content.decode()
    # Members and leaders read but do not set it.
    for user in (plain_member, users["leader"], users["staff"]):
        assert as_user(client, user).post(url("disclosure_deadline", ward_round.pk), {
            "objections_until": later.strftime("%d/%m/%Y")}).status_code == 403
    assert as_user(client, users["secretariat"]).get(
        url("disclosure_deadline", ward_round.pk)).status_code == 405


def test_the_decision_and_its_awardees_show_once_decided(client, ward_round, tree, people,
                                                         catalogue, plain_member):
    ward_round.state = "decided"
    ward_round.save()
    decision = Decision.objects.create(round=ward_round, granting_unit=tree.ward_a,
                                       number="31/QĐ-ĐU", date=datetime.date(2026, 12, 1),
                                       signer="Lê Văn Tám", signer_title="Bí thư",
                                       is_signed=True)
    Decision.objects.create(round=ward_round, granting_unit=tree.ward_a, number="nháp",
                            date=datetime.date(2026, 12, 2), signer="x")  # not signed
    Award.objects.create(award_type=catalogue["ldtt"], person=people["a1"],
                         unit=people["a1"].unit, year=2026, decision=decision)
    Award.objects.create(award_type=catalogue["ldtt"], person=people["a2"],
                         unit=people["a2"].unit, year=2026, decision=decision, revoked=True,
                         revocation_reason="Kê khai không trung thực")
    response = as_user(client, plain_member).get(url("disclosure_detail", ward_round.pk))
    html = response.content.decode()
    assert "Quyết định số 31/QĐ-ĐU ngày 01/12/2026" in html and "nháp" not in html
    assert f"{people['a1'].full_name} ({people['a1'].unit.name}) — Lao động tiên tiến" in html
    assert "Kê khai không trung thực" in html


def test_the_page_reads_in_a_fixed_number_of_queries(client, ward_round, plain_member, tree,
                                                     make_person, catalogue,
                                                     django_assert_max_num_queries):
    ward_round.state = "decided"
    ward_round.save()
    decision = Decision.objects.create(round=ward_round, granting_unit=tree.ward_a,
                                       number="31/QĐ-ĐU", date=datetime.date(2026, 12, 1),
                                       signer="Lê Văn Tám", is_signed=True)
    for i in range(20):
        person = make_person(f"Người thứ {i}", tree.cell_a2)
        nomination = Nomination.objects.create(round=ward_round, award_type=catalogue["ldtt"],
                                               person=person, unit=person.unit, order=10 + i,
                                               council_outcome="agree")
        Award.objects.create(award_type=catalogue["ldtt"], person=person, unit=person.unit,
                             year=2026, decision=decision, nomination=nomination)
    c = as_user(client, plain_member)
    with django_assert_max_num_queries(9):
        response = c.get(url("disclosure_detail", ward_round.pk))
    assert len(response.context["rows"]) == 23
