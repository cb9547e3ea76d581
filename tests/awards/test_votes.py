"""The council's vote: who votes, once, lower forms, the secret ballot, closing (counts,
outcome, minutes) and reopening."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from thidua.awards import rounds
from thidua.awards.models import (
    AwardRound,
    CouncilOutcome,
    Nomination,
    Vote,
    VoteReceipt,
)
from thidua.core.workflow import TransitionError

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def council(tree, make_user):
    return [make_user(f"hoidong_{i}", "council", tree.ward_a, first_name=f"Thành viên {i}")
            for i in range(1, 4)]


@pytest.fixture
def nominated(tree, users, people, catalogue, grade, make_person):
    """Ward A's open round: a1 (HTXS) for LĐTT and Giấy khen, and 6 more LĐTT so that one
    CSTĐCS fits the quota; a1 for CSTĐCS too."""
    round_ = rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a)
    extra = [make_person(f"Cán bộ {i}", tree.ward_a) for i in range(6)]
    for person in [people["a1"], *extra]:
        grade(person, YEAR, "htxs")
        rounds.nominate(users["secretariat"], round_, catalogue["ldtt"], person=person)
    cstdcs = rounds.nominate(users["secretariat"], round_, catalogue["cstdcs"],
                             person=people["a1"], achievement="Sáng kiến cải cách hành chính")
    giay_khen = rounds.nominate(users["secretariat"], round_, catalogue["giay_khen"],
                                person=people["a2"], achievement="Dân vận khéo",
                                justification="Mô hình được Đảng ủy công nhận")
    return round_, cstdcs, giay_khen


@pytest.fixture
def voting(nominated, users, council):
    round_ = nominated[0]
    rounds.start_voting(users["secretariat"], round_)
    return nominated


def test_start_voting_needs_nominations_and_a_council(tree, users, make_user, catalogue):
    round_ = rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a)
    with pytest.raises(ValidationError) as exc:
        rounds.start_voting(users["secretariat"], round_)
    assert "Danh sách đề nghị đang trống" in exc.value.messages[0]


def test_start_voting_without_council_members_is_refused(nominated, users):
    with pytest.raises(ValidationError) as exc:
        rounds.start_voting(users["secretariat"], nominated[0])
    assert "chưa có thành viên Hội đồng" in exc.value.messages[0]


def test_council_members_are_the_council_role_on_the_unit_or_above(voting, council, tree,
                                                                     make_user):
    above = make_user("hoidong_tinh", "council", tree.province)
    make_user("hoidong_b", "council", tree.ward_b)
    make_user("hoidong_cell", "council", tree.cell_a1)
    members = rounds.council_members(voting[0])
    assert set(members) == {*council, above}


def test_a_member_votes_once_per_nomination(voting, council, users):
    _round, cstdcs, _gk = voting
    rounds.cast_vote(council[0], cstdcs, "agree")
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], cstdcs, "disagree")
    assert "Bạn đã biểu quyết cho đề nghị này" in exc.value.messages[0]
    assert Vote.objects.filter(nomination=cstdcs).count() == 1
    # The database says the same, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(nomination=cstdcs, voter=council[0], choice="agree")


@pytest.mark.parametrize("who", ["secretariat", "leader", "other", "admin"])
def test_only_council_members_vote(who, voting, users):
    with pytest.raises(PermissionDenied):
        rounds.cast_vote(users[who], voting[1], "agree")


def test_votes_only_while_voting(nominated, council, users):
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], nominated[1], "agree")
    assert "Không thể biểu quyết" in exc.value.messages[0]


def test_lower_needs_a_lower_type_of_the_same_subject(voting, council, catalogue):
    _round, cstdcs, giay_khen = voting
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], cstdcs, "lower")
    assert "lower_to" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], cstdcs, "lower", catalogue["tt_ldtt"])
    assert "không phải hình thức thấp hơn" in exc.value.message_dict["lower_to"][0]
    with pytest.raises(ValidationError):
        rounds.cast_vote(council[0], giay_khen, "lower", catalogue["cstdcs"])
    rounds.cast_vote(council[0], cstdcs, "lower", catalogue["ldtt"])
    assert Vote.objects.get(nomination=cstdcs).lower_to == catalogue["ldtt"]


def test_a_lower_vote_names_a_form_the_granting_unit_may_grant(voting, council, catalogue,
                                                                tree):
    round_, cstdcs, _gk = voting
    AwardRound.objects.filter(pk=round_.pk).update(granting_unit=tree.province)
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], cstdcs, "lower", catalogue["ldtt"])
    assert "không có thẩm quyền tặng “Lao động tiên tiến”" in exc.value.message_dict[
        "lower_to"][0]
    assert not Vote.objects.exists()


def test_is_lower(catalogue):
    c = catalogue
    assert rounds.is_lower(c["ldtt"], c["cstdcs"])
    assert rounds.is_lower(c["giay_khen"], c["bang_khen_tinh"])
    assert rounds.is_lower(c["cstdcs"], c["cstd_tinh"])
    assert not rounds.is_lower(c["cstdcs"], c["ldtt"])
    assert not rounds.is_lower(c["tt_ldtt"], c["cstdcs"])  # another subject
    assert not rounds.is_lower(c["ldtt"], c["ldtt"])


# Secret ballot ---------------------------------------------------------------------------------
def test_secret_ballot_keeps_no_link_between_a_member_and_his_choice(voting, council):
    _round, _cstdcs, giay_khen = voting
    giay_khen.award_type.secret_ballot = True
    giay_khen.award_type.save()
    rounds.cast_vote(council[0], giay_khen, "disagree")
    first_ids = set(Vote.objects.filter(nomination=giay_khen).values_list("pk", flat=True))
    rounds.cast_vote(council[1], giay_khen, "agree")
    votes = list(Vote.objects.filter(nomination=giay_khen))
    assert sorted(v.choice for v in votes) == ["agree", "disagree"]
    assert all(v.voter_id is None for v in votes)
    # The earlier ballot was re-inserted: neither ids nor order follow the voting order.
    assert not first_ids & {v.pk for v in votes}
    assert set(VoteReceipt.objects.filter(nomination=giay_khen)
               .values_list("voter_id", flat=True)) == {council[0].pk, council[1].pk}
    # No column of a receipt says how, no column of a vote says who.
    assert {f.name for f in VoteReceipt._meta.concrete_fields} == {
        "id", "nomination", "voter", "voted_at"}
    assert not Vote.objects.filter(nomination=giay_khen, voter__isnull=False).exists()
    # Nor does the audit trail: votes are not registered with auditlog.
    from auditlog.registry import auditlog

    assert not auditlog.contains(Vote)
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], giay_khen, "agree")
    assert "Bạn đã biểu quyết" in exc.value.messages[0]
    assert rounds.voted_by(council[0], giay_khen.round) == {giay_khen.pk}


def test_changing_the_secret_ballot_flag_mid_vote_gives_no_second_vote(voting, council):
    """The catalogue's flag may change while a council votes: a member who voted openly
    cannot vote again secretly, nor the other way round; once a nomination has secret
    ballots it stays secret."""
    _round, cstdcs, giay_khen = voting
    rounds.cast_vote(council[0], cstdcs, "agree")  # open ballot
    cstdcs.award_type.secret_ballot = True
    cstdcs.award_type.save()
    cstdcs.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[0], cstdcs, "disagree")
    assert "Bạn đã biểu quyết" in exc.value.messages[0]
    assert Vote.objects.filter(nomination=cstdcs).count() == 1

    giay_khen.award_type.secret_ballot = True
    giay_khen.award_type.save()
    giay_khen.refresh_from_db()
    rounds.cast_vote(council[1], giay_khen, "disagree")  # secret ballot
    giay_khen.award_type.secret_ballot = False
    giay_khen.award_type.save()
    giay_khen.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(council[1], giay_khen, "agree")
    assert "Bạn đã biểu quyết" in exc.value.messages[0]
    rounds.cast_vote(council[2], giay_khen, "agree")  # still secret: no voter on any ballot
    assert not Vote.objects.filter(nomination=giay_khen, voter__isnull=False).exists()
    assert Vote.objects.filter(nomination=giay_khen).count() == 2


# Closing ---------------------------------------------------------------------------------------
def test_council_outcome_rule():
    assert rounds.council_outcome(2, 1, 0) == CouncilOutcome.AGREE
    assert rounds.council_outcome(1, 1, 0) == CouncilOutcome.DISAGREE  # half is not more
    assert rounds.council_outcome(1, 1, 1) == CouncilOutcome.LOWER
    assert rounds.council_outcome(1, 2, 0) == CouncilOutcome.DISAGREE
    assert rounds.council_outcome(0, 0, 0) == CouncilOutcome.DISAGREE
    assert rounds.council_outcome(2, 1, 0, majority=Decimal("0.7")) == CouncilOutcome.DISAGREE


def test_close_voting_counts_decides_and_writes_the_minutes(voting, council, users, catalogue):
    round_, cstdcs, giay_khen = voting
    rounds.cast_vote(council[0], cstdcs, "agree")
    rounds.cast_vote(council[1], cstdcs, "lower", catalogue["ldtt"])
    rounds.cast_vote(council[2], cstdcs, "disagree")
    rounds.cast_vote(council[0], giay_khen, "agree")
    rounds.cast_vote(council[1], giay_khen, "agree")
    with pytest.raises(TransitionError):
        rounds.close_voting(council[0], round_)
    rounds.close_voting(users["secretariat"], round_)
    round_.refresh_from_db()
    assert round_.state == "voted"
    cstdcs.refresh_from_db()
    giay_khen.refresh_from_db()
    assert (cstdcs.votes_agree, cstdcs.votes_disagree, cstdcs.votes_lower) == (1, 1, 1)
    assert cstdcs.council_outcome == CouncilOutcome.LOWER
    assert cstdcs.council_lower_to == catalogue["ldtt"]
    assert giay_khen.council_outcome == CouncilOutcome.AGREE
    # Nobody voted on the LĐTT nominations: not agreed.
    assert Nomination.objects.filter(round=round_, award_type=catalogue["ldtt"],
                                     council_outcome=CouncilOutcome.DISAGREE).count() == 7
    minutes = round_.minutes
    assert (minutes["present"], minutes["total"]) == (3, 3)
    assert "quá nửa" in minutes["rule"]
    row = next(r for r in minutes["nominations"] if r["id"] == cstdcs.pk)
    assert (row["agree"], row["disagree"], row["lower"], row["lower_to"]) == (
        1, 1, 1, "Lao động tiên tiến")
    with pytest.raises(ValidationError):
        rounds.cast_vote(council[2], giay_khen, "agree")


def test_close_voting_without_any_vote_is_refused(voting, users):
    with pytest.raises(ValidationError) as exc:
        rounds.close_voting(users["secretariat"], voting[0])
    assert "Chưa có thành viên Hội đồng nào biểu quyết" in exc.value.messages[0]


def test_reopen_needs_a_reason_and_drops_the_votes(voting, council, users):
    round_, cstdcs, _gk = voting
    rounds.cast_vote(council[0], cstdcs, "agree")
    rounds.close_voting(users["secretariat"], round_)
    with pytest.raises(TransitionError):
        rounds.reopen(users["secretariat"], round_, "")
    rounds.reopen(users["secretariat"], round_, "Bổ sung hồ sơ của một cán bộ")
    round_ = AwardRound.objects.get(pk=round_.pk)
    cstdcs.refresh_from_db()
    assert round_.state == "open" and round_.minutes == {}
    assert not Vote.objects.exists() and cstdcs.council_outcome == ""
