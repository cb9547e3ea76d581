"""Award rounds (đợt xét khen thưởng): every write of a round's life, with the acting user.

A round is one unit's year (or a movement's review) proposed to a granting unit — the
unit itself or an ancestor whose kind may grant (``AwardType.granted_by``). The life of a
round follows :data:`~thidua.awards.models.ROUND_WORKFLOW`:

open (the secretariat nominates) → voting (the unit's TĐKT council votes per nomination)
→ voted (counts, outcome and minutes written) → signed (the leader signs the proposal
letter, numbered from the unit's register) → appraised (the granting unit's secretariat
accepts, returns or lowers each nomination) → decided (the granting unit's leader signs
the decision: the awards are created, with the reward money).

Rules of law and of the province are one function each, naming their source:
:func:`achievement_conflict` (one form for one achievement), :func:`council_outcome`
(the council's majority), :func:`reward_amount`; the quota's rounding is eligibility's
(``eligibility.quota_limit``), applied here to the round's nominations.

Secret ballot: for an award type with ``secret_ballot`` the vote is stored without its
voter and a ``VoteReceipt`` records only that the member voted; the nomination's votes
are re-inserted in a random order at each new vote, so neither a column nor the order of
the rows links a member to his choice (``Vote`` must never be registered with auditlog).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.awards.models import (
    LEADERS,
    OFFICE,
    ROUND_WORKFLOW,
    SIGNED_DECISION,
    AppraisalOutcome,
    Award,
    AwardLevel,
    AwardRound,
    AwardSource,
    AwardType,
    BaseSalary,
    CouncilOutcome,
    Decision,
    Kind,
    Nomination,
    Subject,
    Vote,
    VoteChoice,
    VoteReceipt,
)
from thidua.core import scoping
from thidua.core.roles import Role
from thidua.core.text import clean_text, fold
from thidua.org.models import Person, RoleAssignment, Unit

#: Who votes in the unit's TĐKT council.
COUNCIL = frozenset({Role.COUNCIL})
#: The order of levels, lowest first (a "lower" form is lower in level, then in coefficient).
LEVEL_RANK = {AwardLevel.GRASSROOTS: 0, AwardLevel.PROVINCE: 1, AwardLevel.STATE: 2}
#: Council outcomes that go on to the proposal letter.
PROPOSED = (CouncilOutcome.AGREE, CouncilOutcome.LOWER)
#: Appraisal outcomes that become awards.
GRANTED = (AppraisalOutcome.ACCEPTED, AppraisalOutcome.LOWERED)

#: The council's majority (province default of the council's working rules).
COUNCIL_MAJORITY = Decimal("0.5")
COUNCIL_RULE_SOURCE = ("Quy chế hoạt động của Hội đồng Thi đua – Khen thưởng (mặc định của "
                       "tỉnh): đồng ý khi quá nửa số thành viên biểu quyết đồng ý")

#: The titles that require another title of the same year (Luật TĐKT 2022 Điều 21, 26–28):
#: holding both in one round is expected, not a second award for one achievement.
TITLE_LADDER = {"cstdcs": "ldtt", "cstd_tinh": "cstdcs", "cstd_toan_quoc": "cstd_tinh",
                "tt_ldxs": "tt_ldtt"}


def _today() -> date:
    return timezone.localdate()


def _require(user, unit, roles, message: str) -> None:
    if not scoping.covers(user, unit.path, roles):
        raise PermissionDenied(message)


def _fresh(nomination: Nomination) -> AwardRound:
    """The nomination's round as it is now (a page's copy may be stale)."""
    nomination.round = AwardRound.objects.select_related("unit", "granting_unit").get(
        pk=nomination.round_id)
    return nomination.round


def _state(round_: AwardRound, *states: str, doing: str) -> None:
    if round_.state not in states:
        raise ValidationError(f"Không thể {doing} khi đợt xét đang ở trạng thái "
                              f"“{ROUND_WORKFLOW.label(round_.state)}”.")


# The authority table -------------------------------------------------------------------------
def grantable_types(unit) -> list[AwardType]:
    """The active titles and forms ``unit``'s kind may grant (one query)."""
    return list(AwardType.objects.filter(is_active=True, granted_by=unit.kind_id)
                .select_related("quota_base").order_by("subject", "order", "name"))


def granting_options(unit) -> list[Unit]:
    """The unit and its ancestors whose kind may grant something, nearest first."""
    paths = scoping.ancestor_paths([unit.path])
    kinds = set(AwardType.objects.filter(is_active=True).values_list("granted_by", flat=True))
    rows = Unit.objects.filter(path__in=paths, is_active=True, kind_id__in=kinds)
    return sorted(rows, key=lambda u: -len(u.path))


def beyond_authority(round_: AwardRound, award_type: AwardType) -> str:
    """Why the round's granting unit may not grant ``award_type`` (a lower form chosen by
    the council or the appraisal), or ""."""
    if award_type.is_active and award_type.granted_by.filter(
            pk=round_.granting_unit.kind_id).exists():
        return ""
    return f"{round_.granting_unit.name} không có thẩm quyền tặng “{award_type.name}”."


# Opening -------------------------------------------------------------------------------------
def movements_for(unit):
    """The movements whose review a round of ``unit`` may be: their scope is the unit or
    above it."""
    from thidua.movements.models import Movement

    return (Movement.objects.filter(scope_unit__path__in=scoping.ancestor_paths([unit.path]))
            .order_by("-pk"))


def open_round(user, unit, year: int, *, granting_unit, movement=None, name: str = "",
               objections_until: date | None = None) -> AwardRound:
    """Open a round of ``unit`` for ``year``, proposed to ``granting_unit``."""
    _require(user, unit, OFFICE, "Bạn không có quyền mở đợt xét khen thưởng của đơn vị này.")
    errors = {}
    if not (1990 <= int(year) <= _today().year + 1):
        errors["year"] = f"Năm {year} không hợp lệ."
    if granting_unit is None or not unit.path.startswith(granting_unit.path):
        errors["granting_unit"] = "Cấp quyết định phải là chính đơn vị hoặc một đơn vị cấp trên."
    elif not grantable_types(granting_unit):
        errors["granting_unit"] = (f"{granting_unit.name} ({granting_unit.kind.name}) không có "
                                   "thẩm quyền tặng danh hiệu, hình thức nào trong danh mục.")
    if movement is not None and not unit.path.startswith(movement.scope_unit.path):
        errors["movement"] = "Phong trào không thuộc phạm vi của đơn vị."
    if errors:
        raise ValidationError(errors)
    name = clean_text(name) or (f"Xét khen thưởng năm {year} — {unit.name}" if movement is None
                                else f"Xét khen thưởng tổng kết “{movement.title}” — {unit.name}")
    return AwardRound.objects.create(unit=unit, year=year, movement=movement, name=name[:300],
                                     granting_unit=granting_unit, created_by=user,
                                     objections_until=objections_until)


# Candidates ------------------------------------------------------------------------------------
def evaluate(round_: AwardRound):
    """The candidates page data: eligibility for the round's unit and year, restricted to
    what the granting unit may grant."""
    from thidua.awards import eligibility

    return eligibility.evaluate(round_.unit, round_.year,
                                award_types=grantable_types(round_.granting_unit))


# Rules ----------------------------------------------------------------------------------------
def _words(text: str) -> str:
    """The achievement's words: case, accents, punctuation and spacing aside."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text or "")).split())


def _same_achievement(a: str, b: str) -> bool:
    return _words(a) == _words(b)


def prerequisites(award_type: AwardType) -> set[str]:
    """The titles ``award_type`` requires in the same year: the catalogue's parameters
    (``requires``, ``base``, ``title``) and the law's ladder (:data:`TITLE_LADDER`)."""
    params = award_type.params or {}
    found = {params.get(k) for k in ("requires", "base", "title")}
    found.add(TITLE_LADDER.get(award_type.code))
    return {code for code in found if isinstance(code, str) and code}


def achievement_conflict(new_type: AwardType, achievement: str,
                         held: list[tuple[AwardType, str]]) -> str:
    """Why ``new_type`` for ``achievement`` cannot join what the subject already holds in
    the round (``held``: (award type, achievement) pairs), or "".

    Source: Luật Thi đua, khen thưởng 2022 Điều 6 — một hình thức cho một thành tích
    ("không tặng nhiều hình thức khen thưởng cho một thành tích đạt được"):
    - the same title or form twice: refused;
    - two forms (hình thức) for the same achievement (same text, case and accents
      aside): refused — Giấy khen and Bằng khen cấp tỉnh for one achievement;
    - two titles (danh hiệu) of one level in one year: refused, unless one requires the
      other (CSTĐCS requires LĐTT, Tập thể LĐXS requires Tập thể LĐTT: both are held).
    A title and a form reward different things (the year, an achievement): allowed.
    """
    for other, other_achievement in held:
        if other.pk == new_type.pk:
            return f"Đã có đề nghị “{other.name}” cho đối tượng này trong đợt xét."
        if new_type.kind == Kind.FORM and other.kind == Kind.FORM \
                and _same_achievement(achievement, other_achievement):
            return (f"Một thành tích chỉ được đề nghị một hình thức khen thưởng: thành tích này "
                    f"đã được đề nghị “{other.name}” (Luật Thi đua, khen thưởng 2022, Điều 6).")
        if new_type.kind == Kind.TITLE and other.kind == Kind.TITLE \
                and new_type.level == other.level \
                and other.code not in prerequisites(new_type) \
                and new_type.code not in prerequisites(other):
            return (f"Mỗi năm chỉ xét một danh hiệu cùng cấp: đối tượng này đã được đề nghị "
                    f"“{other.name}” (Luật Thi đua, khen thưởng 2022, Điều 6).")
    return ""


def held_elsewhere(round_: AwardRound, person, unit) -> list[tuple[AwardType, str, str]]:
    """What the subject holds in ``round_``'s year outside the round: (award type,
    achievement, where) for its awards not revoked and its proposals still alive in the
    year's other rounds (not refused by the council, not returned, not left out of a
    decision)."""
    subject = {"person": person} if person is not None else {"person": None, "unit": unit}
    found = []
    for a in (Award.objects.filter(year=round_.year, revoked=False, **subject)
              .exclude(nomination__round=round_).select_related("award_type")):
        found.append((a.award_type, a.achievement, f"đã được tặng “{a.award_type.name}” năm "
                                                   f"{a.year}"))
    alive = (Nomination.objects.filter(round__year=round_.year, award__isnull=True, **subject)
             .exclude(round=round_).exclude(round__state="decided")
             .exclude(council_outcome=CouncilOutcome.DISAGREE)
             .exclude(appraisal=AppraisalOutcome.RETURNED)
             .select_related("round", "award_type", "council_lower_to", "appraised_to"))
    for n in alive:
        kind = final_type(n)
        found.append((kind, n.achievement,
                      f"đang được đề nghị “{kind.name}” trong đợt “{n.round.name}”"))
    return found


def year_conflict(new_type: AwardType, achievement: str,
                  elsewhere: list[tuple[AwardType, str, str]]) -> str:
    """Why ``new_type`` cannot be proposed given what the subject holds in the year's other
    rounds (:func:`held_elsewhere`), or "".

    Source: Luật Thi đua, khen thưởng 2022 Điều 6 (one form for one achievement) and the
    titles being yearly (Điều 24–28: a title is granted once for a year): a title of the
    year (or another title of its level off the ladder) held or proposed elsewhere is
    refused; a form for the same achievement too; a form for another achievement (a
    movement's review) is allowed.
    """
    for other, other_achievement, where in elsewhere:
        if new_type.kind == Kind.TITLE and other.kind == Kind.TITLE and (
                other.pk == new_type.pk or (
                    new_type.level == other.level
                    and other.code not in prerequisites(new_type)
                    and new_type.code not in prerequisites(other))):
            return (f"Đối tượng này {where}: mỗi năm chỉ xét một danh hiệu cùng cấp (Luật Thi "
                    "đua, khen thưởng 2022, Điều 6).")
        if new_type.kind == Kind.FORM and other.kind == Kind.FORM \
                and _same_achievement(achievement, other_achievement):
            return (f"Một thành tích chỉ được đề nghị một hình thức khen thưởng: đối tượng này "
                    f"{where} cho thành tích này (Luật Thi đua, khen thưởng 2022, Điều 6).")
    return ""


def is_lower(lower: AwardType, than: AwardType) -> bool:
    """Whether ``lower`` is a lower title/form than ``than`` for the same subject: a lower
    level, or the same level with a smaller reward coefficient."""
    if lower.pk == than.pk or lower.subject != than.subject:
        return False
    return (LEVEL_RANK.get(lower.level, 0), lower.coefficient) < \
        (LEVEL_RANK.get(than.level, 0), than.coefficient)


def council_outcome(agree: int, disagree: int, lower: int, *,
                    majority: Decimal = COUNCIL_MAJORITY) -> str:
    """The council's outcome for one nomination from its votes.

    Source: the working rules of the unit's Hội đồng Thi đua – Khen thưởng (Nghị định
    152/2025/NĐ-CP leaves them to each council; province default ``majority`` = 0.5):
    agreed when more than ``majority`` of the members who voted agree; else a lower form
    when those who agree or ask for a lower form together pass it and someone asked
    for it; else not agreed.
    """
    voted = agree + disagree + lower
    if voted == 0:
        return CouncilOutcome.DISAGREE
    if agree > majority * voted:
        return CouncilOutcome.AGREE
    if lower and agree + lower > majority * voted:
        return CouncilOutcome.LOWER
    return CouncilOutcome.DISAGREE


# Nominating ------------------------------------------------------------------------------------
@dataclass
class QuotaState:
    limit: int
    used: int
    base_count: int
    message: str


def quota_state(round_: AwardRound, award_type: AwardType) -> QuotaState | None:
    """The award type's quota in the round: the base is its quota base's nominations in the
    round plus the base awards of the year already decided in the unit's subtree."""
    if award_type.quota_share is None or award_type.quota_base_id is None:
        return None
    base = award_type.quota_base
    base_count = Nomination.objects.filter(round=round_, award_type=base).count()
    base_count += (Award.objects.filter(award_type=base, year=round_.year, revoked=False,
                                        unit__path__startswith=round_.unit.path)
                   .exclude(nomination__round=round_).count())
    # The same year's awards of the type outside the round count as used, as the base's do.
    used = Nomination.objects.filter(round=round_, award_type=award_type).count()
    used += (Award.objects.filter(award_type=award_type, year=round_.year, revoked=False,
                                  unit__path__startswith=round_.unit.path)
             .exclude(nomination__round=round_).count())
    from thidua.awards.eligibility import quota_limit

    limit = quota_limit(base_count, award_type.quota_share,
                        int((award_type.params or {}).get("quota_minimum", 0)))
    share = (award_type.quota_share * 100).normalize()
    short = award_type.short_name or award_type.name
    base_short = base.short_name or base.name
    message = (f"Vượt chỉ tiêu: {short} tối đa {limit} người ({share:f}% của {base_count} "
               f"{base_short})")
    return QuotaState(limit, used, base_count, message)


def _subject_check(round_: AwardRound, award_type: AwardType, person, unit):
    errors = {}
    if award_type.subject == Subject.PERSON:
        if person is None:
            errors["person"] = f"“{award_type.name}” là danh hiệu, hình thức cho cá nhân: hãy chọn cá nhân."
        elif not person.unit.path.startswith(round_.unit.path):
            errors["person"] = "Cá nhân không thuộc đơn vị của đợt xét."
    else:
        if person is not None:
            errors["person"] = f"“{award_type.name}” là danh hiệu, hình thức cho tập thể."
        if unit is None:
            errors["unit"] = "Hãy chọn tập thể được đề nghị."
        elif not unit.path.startswith(round_.unit.path):
            errors["unit"] = "Tập thể không thuộc đơn vị của đợt xét."
    if errors:
        raise ValidationError(errors)


def nominate(user, round_: AwardRound, award_type: AwardType, *, person: Person | None = None,
             unit: Unit | None = None, achievement: str = "", justification: str = "",
             candidate=None) -> Nomination:
    """Nominate a person (or a collective) for ``award_type`` in an open round.

    A subject who does not qualify is refused with the unmet conditions, except for a
    manual-criteria form, which needs a justification instead. ``candidate`` is the
    eligibility answer when it is already known (from the candidates page); otherwise
    it is computed for this subject.
    """
    _require(user, round_.unit, OFFICE, "Bạn không có quyền lập danh sách đề nghị của đơn vị này.")
    _state(round_, "open", doing="thêm đề nghị")
    achievement, justification = clean_text(achievement), clean_text(justification)
    if person is not None:
        unit = person.unit
    _subject_check(round_, award_type, person, unit)
    if not award_type.is_active:
        raise ValidationError({"award_type": f"“{award_type.name}” không còn dùng trong danh mục."})
    if not award_type.granted_by.filter(pk=round_.granting_unit.kind_id).exists():
        raise ValidationError({"award_type": (
            f"{round_.granting_unit.name} không có thẩm quyền tặng “{award_type.name}”.")})
    subject_name = person.full_name if person else unit.name
    if candidate is None:
        from thidua.awards import eligibility

        candidate = eligibility.check(award_type, person=person,
                                      unit=None if person else unit, year=round_.year)
    if award_type.is_manual:
        if not justification:
            raise ValidationError({"justification": (
                f"“{award_type.name}” xét theo tiêu chí do đơn vị quy định: cần ghi lý do "
                "đề nghị (thành tích đáp ứng tiêu chí nào).")})
        if candidate.blocked:
            raise ValidationError(f"{subject_name} chưa được xét khen thưởng: {candidate.blocked}.")
    elif not candidate.eligible:
        unmet = [*([candidate.blocked] if candidate.blocked else []), *candidate.missing]
        raise ValidationError(
            f"{subject_name} chưa đủ điều kiện “{award_type.name}”: "
            + ("; ".join(unmet) or "chưa đáp ứng tiêu chí") + ".")
    with transaction.atomic():
        # Lock the round: two nominations at once cannot both pass the quota, and the
        # state is read again (the page's copy may predate "Trình Hội đồng xét").
        locked = AwardRound.objects.select_for_update().filter(pk=round_.pk).first()
        _state(locked, "open", doing="thêm đề nghị")
        held = Nomination.objects.filter(round=round_).select_related("award_type")
        held = held.filter(person=person) if person else held.filter(person=None, unit=unit)
        conflict = achievement_conflict(award_type, achievement,
                                        [(n.award_type, n.achievement) for n in held])
        conflict = conflict or year_conflict(award_type, achievement,
                                             held_elsewhere(round_, person, unit))
        if conflict:
            raise ValidationError({"award_type": conflict})
        quota = quota_state(round_, award_type)
        if quota is not None and quota.used + 1 > quota.limit:
            raise ValidationError(quota.message + ".")
        order = Nomination.objects.filter(round=round_).count() + 1
        try:
            with transaction.atomic():
                return Nomination.objects.create(
                    round=round_, award_type=award_type, person=person, unit=unit,
                    achievement=achievement, justification=justification,
                    eligibility=candidate.as_json(), order=order, created_by=user)
        except IntegrityError as exc:
            raise ValidationError(f"Đã có đề nghị “{award_type.name}” cho {subject_name} "
                                  "trong đợt xét.") from exc


def remove_nomination(user, nomination: Nomination) -> None:
    round_ = _fresh(nomination)
    _require(user, round_.unit, OFFICE, "Bạn không có quyền sửa danh sách đề nghị của đơn vị này.")
    _state(round_, "open", doing="bỏ đề nghị")
    nomination.delete()


# Council ---------------------------------------------------------------------------------------
def council_members(round_: AwardRound) -> list:
    """The users holding the council role on the round's unit or above (one query)."""
    paths = scoping.ancestor_paths([round_.unit.path])
    ids = RoleAssignment.objects.filter(role=Role.COUNCIL, unit__path__in=paths,
                                        unit__is_active=True).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True)
                .order_by("first_name", "username"))


def is_member(user, round_: AwardRound) -> bool:
    return (user is not None and user.is_authenticated and not user.is_superuser
            and scoping.covers(user, round_.unit.path, COUNCIL))


def start_voting(user, round_: AwardRound):
    if not round_.nominations.exists():
        raise ValidationError("Danh sách đề nghị đang trống: chưa có gì để trình Hội đồng.")
    if not council_members(round_):
        raise ValidationError("Đơn vị chưa có thành viên Hội đồng Thi đua – Khen thưởng "
                              "(người có vai trò “Thành viên hội đồng”).")
    # The list may have lost base nominations since a quota was checked (a removal).
    over = []
    for award_type in AwardType.objects.filter(
            nominations__round=round_, quota_share__isnull=False,
            quota_base__isnull=False).select_related("quota_base").distinct():
        quota = quota_state(round_, award_type)
        if quota.used > quota.limit:
            over.append(quota.message)
    if over and ROUND_WORKFLOW.refusal(round_, "start_voting", user) is None:
        raise ValidationError("; ".join(over) + ". Hãy bớt đề nghị trước khi trình Hội đồng.")
    return ROUND_WORKFLOW.apply(round_, "start_voting", user)


def has_voted(user, nomination: Nomination) -> bool:
    if nomination.award_type.secret_ballot:
        return VoteReceipt.objects.filter(nomination=nomination, voter=user).exists()
    return Vote.objects.filter(nomination=nomination, voter=user).exists()


def cast_vote(user, nomination: Nomination, choice: str, lower_to: AwardType | None = None):
    """One council member's vote on one nomination (once)."""
    round_ = _fresh(nomination)
    if not is_member(user, round_):
        raise PermissionDenied("Chỉ thành viên Hội đồng Thi đua – Khen thưởng của đơn vị "
                               "mới được biểu quyết.")
    _state(round_, "voting", doing="biểu quyết")
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": "Hãy chọn đồng ý, không đồng ý hoặc hình thức thấp hơn."})
    if choice == VoteChoice.LOWER:
        if lower_to is None:
            raise ValidationError({"lower_to": "Hãy chọn hình thức thấp hơn đề nghị."})
        if not is_lower(lower_to, nomination.award_type):
            raise ValidationError({"lower_to": (
                f"“{lower_to.name}” không phải hình thức thấp hơn “{nomination.award_type.name}” "
                "cho cùng đối tượng.")})
        if beyond_authority(round_, lower_to):
            raise ValidationError({"lower_to": beyond_authority(round_, lower_to)})
    else:
        lower_to = None
    already = ValidationError("Bạn đã biểu quyết cho đề nghị này; mỗi thành viên chỉ biểu "
                              "quyết một lần.")
    try:
        with transaction.atomic():
            # Serialise with the close of the vote: no ballot lands after the count.
            locked = AwardRound.objects.select_for_update().filter(pk=round_.pk)
            if not locked.filter(state="voting").exists():
                raise ValidationError("Hội đồng vừa kết thúc biểu quyết; phiếu của bạn chưa "
                                      "được ghi.")
            # Whatever the catalogue's flag says now (it may change mid-vote): one vote per
            # member across both tables, and a nomination with secret ballots stays secret.
            receipts = VoteReceipt.objects.filter(nomination=nomination)
            if receipts.filter(voter=user).exists() or Vote.objects.filter(
                    nomination=nomination, voter=user).exists():
                raise already
            if nomination.award_type.secret_ballot or receipts.exists():
                VoteReceipt.objects.create(nomination=nomination, voter=user)
                _secret_vote(nomination, choice, lower_to)
            else:
                Vote.objects.create(nomination=nomination, voter=user, choice=choice,
                                    lower_to=lower_to)
    except IntegrityError as exc:
        raise already from exc


def voted_by(user, round_: AwardRound) -> set[int]:
    """The nominations of the round ``user`` has voted on (open votes and receipts)."""
    return (set(Vote.objects.filter(nomination__round=round_, voter=user)
                .values_list("nomination_id", flat=True))
            | set(VoteReceipt.objects.filter(nomination__round=round_, voter=user)
                  .values_list("nomination_id", flat=True)))


def _secret_vote(nomination, choice, lower_to) -> None:
    """Add an anonymous vote and re-insert the nomination's anonymous votes in a random
    order: the rows' ids and order say nothing about who voted when."""
    ballots = list(Vote.objects.filter(nomination=nomination, voter=None)
                   .values_list("choice", "lower_to_id"))
    ballots.append((choice, lower_to.pk if lower_to else None))
    random.SystemRandom().shuffle(ballots)
    Vote.objects.filter(nomination=nomination, voter=None).delete()
    Vote.objects.bulk_create([Vote(nomination=nomination, choice=c, lower_to_id=t)
                              for c, t in ballots])


def _voters(round_: AwardRound) -> set[int]:
    open_ = Vote.objects.filter(nomination__round=round_, voter__isnull=False)
    return (set(open_.values_list("voter_id", flat=True))
            | set(VoteReceipt.objects.filter(nomination__round=round_)
                  .values_list("voter_id", flat=True)))


def close_voting(user, round_: AwardRound, *, majority: Decimal = COUNCIL_MAJORITY):
    """End the vote: the counts, the outcome of each nomination and the minutes."""
    voters = _voters(round_)
    if not voters and ROUND_WORKFLOW.refusal(round_, "close_voting", user) is None:
        raise ValidationError("Chưa có thành viên Hội đồng nào biểu quyết.")
    with transaction.atomic():
        log = ROUND_WORKFLOW.apply(round_, "close_voting", user)
        counts: dict[int, Counter] = {}
        lowers: dict[int, Counter] = {}
        for nomination_id, choice, lower_id in Vote.objects.filter(
                nomination__round=round_).values_list("nomination_id", "choice", "lower_to_id"):
            counts.setdefault(nomination_id, Counter())[choice] += 1
            if choice == VoteChoice.LOWER and lower_id:
                lowers.setdefault(nomination_id, Counter())[lower_id] += 1
        nominations = list(round_.nominations.select_related("award_type", "person", "unit"))
        lower_types = AwardType.objects.in_bulk({t for c in lowers.values() for t in c})
        rows = []
        for n in nominations:
            c = counts.get(n.pk, Counter())
            n.votes_agree, n.votes_disagree, n.votes_lower = (
                c[VoteChoice.AGREE], c[VoteChoice.DISAGREE], c[VoteChoice.LOWER])
            n.council_outcome = council_outcome(n.votes_agree, n.votes_disagree,
                                                n.votes_lower, majority=majority)
            n.council_lower_to = None
            if n.council_outcome == CouncilOutcome.LOWER:
                # The lower form most asked for (the highest of them on a tie).
                best = sorted(lowers[n.pk].items(), key=lambda kv: (
                    -kv[1], -LEVEL_RANK.get(lower_types[kv[0]].level, 0),
                    -lower_types[kv[0]].coefficient))
                n.council_lower_to = lower_types[best[0][0]]
            rows.append({
                "id": n.pk, "subject": n.subject_name, "unit": n.unit.name,
                "award_type": n.award_type.name, "secret_ballot": n.award_type.secret_ballot,
                "agree": n.votes_agree, "disagree": n.votes_disagree, "lower": n.votes_lower,
                "outcome": n.council_outcome, "outcome_label": n.get_council_outcome_display(),
                "lower_to": n.council_lower_to.name if n.council_lower_to else "",
            })
        Nomination.objects.bulk_update(nominations, ["votes_agree", "votes_disagree",
                                                     "votes_lower", "council_outcome",
                                                     "council_lower_to"])
        members = council_members(round_)
        round_.minutes = {
            "closed_at": timezone.localtime(log.at).isoformat(timespec="minutes")
            if getattr(log, "at", None) else timezone.localtime().isoformat(timespec="minutes"),
            "closed_by": user.get_full_name() or user.get_username(),
            "members": [{"id": m.pk, "name": m.get_full_name() or m.get_username(),
                         "present": m.pk in voters} for m in members],
            "present": sum(1 for m in members if m.pk in voters),
            "total": len(members),
            "majority": str(majority),
            "rule": COUNCIL_RULE_SOURCE,
            "nominations": rows,
        }
        round_.save(update_fields=["minutes"])
    return log


def reopen(user, round_: AwardRound, reason: str):
    """Back to the list: the votes and the council's outcomes are dropped."""
    with transaction.atomic():
        log = ROUND_WORKFLOW.apply(round_, "reopen", user, reason=reason)
        Vote.objects.filter(nomination__round=round_).delete()
        VoteReceipt.objects.filter(nomination__round=round_).delete()
        round_.nominations.update(council_outcome="", council_lower_to=None, votes_agree=0,
                                  votes_disagree=0, votes_lower=0)
        round_.minutes = {}
        round_.save(update_fields=["minutes"])
    return log


# Proposal letter ---------------------------------------------------------------------------------
def proposed(round_: AwardRound):
    """The nominations the council agreed to (or lowered): the proposal's list."""
    return (round_.nominations.filter(council_outcome__in=PROPOSED)
            .select_related("award_type", "council_lower_to", "appraised_to", "person",
                            "unit", "person__unit"))


def council_type(nomination: Nomination) -> AwardType:
    """What the council proposes: the nomination's type, or the lower one it chose."""
    if nomination.council_outcome == CouncilOutcome.LOWER and nomination.council_lower_to_id:
        return nomination.council_lower_to
    return nomination.award_type


def final_type(nomination: Nomination) -> AwardType:
    """What is granted after appraisal."""
    if nomination.appraisal == AppraisalOutcome.LOWERED and nomination.appraised_to_id:
        return nomination.appraised_to
    return council_type(nomination)


def sign_proposal(user, round_: AwardRound, *, proposal_date: date,
                  proposal_number: str = ""):
    """The leader signs the proposal letter: its number comes from the unit's register of
    "TTr" (unless written by hand), with the date and the signer."""
    if not proposed(round_).exists() and ROUND_WORKFLOW.refusal(round_, "sign", user) is None:
        raise ValidationError("Hội đồng không đồng ý đề nghị nào: không có danh sách để trình.")
    if proposal_date is None:
        raise ValidationError({"proposal_date": "Hãy ghi ngày tờ trình."})
    from thidua.documents import numbering

    if not clean_text(proposal_number) and numbering.year_problem(proposal_date):
        raise ValidationError({"proposal_date": numbering.year_problem(proposal_date)})

    with transaction.atomic():
        log = ROUND_WORKFLOW.apply(round_, "sign", user)
        number = clean_text(proposal_number)
        if not number:
            number = numbering.issue_number(
                round_.unit, "TTr", user, year=proposal_date.year,
                subject=f"Đề nghị khen thưởng — {round_.name}").reference
        round_.proposal_number, round_.proposal_date, round_.signed_by = (
            number[:60], proposal_date, user)
        round_.save(update_fields=["proposal_number", "proposal_date", "signed_by"])
    return log


# Appraisal ---------------------------------------------------------------------------------------
def _granting(user, round_: AwardRound, roles, message: str) -> None:
    _require(user, round_.granting_unit, roles, message)


def appraise(user, nomination: Nomination, outcome: str, *, reason: str = "",
             lower_to: AwardType | None = None) -> Nomination:
    """The granting unit's secretariat: accept, return with reasons, or lower the form."""
    round_ = _fresh(nomination)
    _granting(user, round_, OFFICE, "Chỉ văn phòng của cấp quyết định mới thẩm định đề nghị.")
    _state(round_, "signed", doing="thẩm định")
    if nomination.council_outcome not in PROPOSED:
        raise ValidationError("Đề nghị này không có trong tờ trình (Hội đồng không đồng ý).")
    reason = clean_text(reason)
    if outcome not in AppraisalOutcome.values:
        raise ValidationError({"appraisal": "Hãy chọn kết quả thẩm định."})
    if outcome == AppraisalOutcome.RETURNED and not reason:
        raise ValidationError({"appraisal_reason": "Trả lại đề nghị cần ghi rõ lý do."})
    if outcome == AppraisalOutcome.LOWERED:
        proposed_type = council_type(nomination)
        if lower_to is None:
            raise ValidationError({"appraised_to": "Hãy chọn hình thức thấp hơn."})
        if not is_lower(lower_to, proposed_type):
            raise ValidationError({"appraised_to": (
                f"“{lower_to.name}” không phải hình thức thấp hơn “{proposed_type.name}”.")})
        if beyond_authority(round_, lower_to):
            raise ValidationError({"appraised_to": beyond_authority(round_, lower_to)})
    else:
        lower_to = None
    if outcome in GRANTED:
        granting = lower_to or council_type(nomination)
        subject = ({"person": nomination.person_id} if nomination.person_id
                   else {"person": None, "unit": nomination.unit_id})
        for other in (proposed(round_).filter(appraisal__in=GRANTED, **subject)
                      .exclude(pk=nomination.pk)):
            if final_type(other).pk == granting.pk:
                raise ValidationError(
                    f"{nomination.subject_name} đã được chấp nhận “{granting.name}” ở một đề "
                    "nghị khác của tờ trình; một danh hiệu, hình thức chỉ được khen một lần: "
                    "hãy trả lại đề nghị này hoặc đề nghị kia.")
    nomination.appraisal, nomination.appraisal_reason, nomination.appraised_to = (
        outcome, reason, lower_to)
    nomination.save(update_fields=["appraisal", "appraisal_reason", "appraised_to"])
    return nomination


def _appraisal_guard(round_: AwardRound) -> str:
    missing = proposed(round_).filter(appraisal="").count()
    if missing:
        return f"Còn {missing} đề nghị chưa có kết quả thẩm định."
    return ""


def finish_appraisal(user, round_: AwardRound):
    _granting(user, round_, OFFICE, "Chỉ văn phòng của cấp quyết định mới thẩm định đề nghị.")
    if round_.state == "signed":
        problem = _appraisal_guard(round_)
        if problem:
            raise ValidationError(problem)
    return ROUND_WORKFLOW.apply(round_, "appraise", user)


# Decision ----------------------------------------------------------------------------------------


def base_salary_on(day: date) -> BaseSalary | None:
    return BaseSalary.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


#: Reward money is rounded up to this many đồng (hàng chục nghìn đồng).
REWARD_ROUNDING = Decimal(10_000)


def reward_amount(coefficient: Decimal, base: Decimal) -> Decimal:
    """Reward money = coefficient × the base salary in force on the decision's date,
    rounded UP to the ten thousand đồng.

    Source: Nghị định 91/2017/NĐ-CP Điều 68 khoản 2, kept by Nghị định 98/2023/NĐ-CP:
    "tiền thưởng sau khi nhân với hệ số mức lương cơ sở được làm tròn số lên hàng chục
    nghìn đồng tiền Việt Nam" (0.3 × 2 340 000 = 702 000 → 710 000 đồng).
    """
    exact = Decimal(coefficient) * Decimal(base)
    return (exact / REWARD_ROUNDING).to_integral_value(rounding=ROUND_CEILING) * REWARD_ROUNDING


def draft_decision(user, round_: AwardRound, *, day: date, signer: str, signer_title: str = "",
                   number: str = "") -> Decision:
    """Prepare (or change) the round's unsigned decision."""
    _granting(user, round_, LEADERS, "Chỉ lãnh đạo của cấp quyết định mới ban hành quyết định.")
    _state(round_, "appraised", doing="lập quyết định")
    signer, signer_title, number = clean_text(signer), clean_text(signer_title), clean_text(number)
    errors = {}
    if day is None:
        errors["date"] = "Hãy ghi ngày quyết định."
    if not signer:
        errors["signer"] = "Hãy ghi họ tên người ký."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the round: a double-submitted first draft makes one decision, not two.
        locked = AwardRound.objects.select_for_update().filter(pk=round_.pk).first()
        _state(locked, "appraised", doing="lập quyết định")
        decision = round_.decisions.first()
        if decision is not None:
            return update_decision(user, decision, day=day, signer=signer,
                                   signer_title=signer_title, number=number)
        return Decision.objects.create(round=round_, granting_unit=round_.granting_unit,
                                       number=number[:60], date=day, signer=signer,
                                       signer_title=signer_title, created_by=user)


def update_decision(user, decision: Decision, **fields) -> Decision:
    """Change an unsigned decision; a signed one is never edited (refused)."""
    _require(user, decision.granting_unit, LEADERS,
             "Chỉ lãnh đạo của cấp quyết định mới sửa quyết định.")
    if decision.is_signed:
        raise ValidationError(SIGNED_DECISION)
    mapping = {"day": "date", "signer": "signer", "signer_title": "signer_title",
               "number": "number"}
    values = {mapping[key]: clean_text(value)[:200] if isinstance(value, str) else value
              for key, value in fields.items()}
    if "number" in values:
        values["number"] = values["number"][:60]
    with transaction.atomic():
        # The row locked while unsigned: a signature landing meanwhile waits, then this
        # change is refused (the model's save refuses a signed row too).
        if not Decision.objects.select_for_update().filter(pk=decision.pk,
                                                           is_signed=False).exists():
            raise ValidationError(SIGNED_DECISION)
        for field, value in values.items():
            setattr(decision, field, value)
        decision.save()
    return decision


def sign_decision(user, decision: Decision):
    """Sign the decision: its number (from the granting unit's "QĐ" register unless written
    by hand), the awards with their money, the round decided."""
    round_ = decision.round
    _granting(user, round_, LEADERS, "Chỉ lãnh đạo của cấp quyết định mới ký quyết định.")
    if decision.is_signed:
        raise ValidationError(SIGNED_DECISION)
    _state(round_, "appraised", doing="ký quyết định")
    granted = list(proposed(round_).filter(appraisal__in=GRANTED))
    if not granted:
        raise ValidationError("Không có đề nghị nào được chấp nhận sau thẩm định.")
    base = base_salary_on(decision.date)
    if base is None:
        raise ValidationError(f"Chưa có mức lương cơ sở áp dụng tại ngày "
                              f"{decision.date:%d/%m/%Y}: hãy cập nhật trong danh mục.")
    from thidua.documents import numbering

    if not decision.number and numbering.year_problem(decision.date):
        raise ValidationError(numbering.year_problem(decision.date))
    with transaction.atomic():
        if not Decision.objects.filter(pk=decision.pk, is_signed=False).update(
                is_signed=True, signed_at=timezone.now(), base_salary=base.amount):
            raise ValidationError(SIGNED_DECISION)
        log = ROUND_WORKFLOW.apply(round_, "decide", user)
        if not decision.number:
            decision.number = numbering.issue_number(
                round_.granting_unit, "QĐ", user, year=decision.date.year,
                subject=f"Khen thưởng — {round_.name}").reference[:60]
            Decision.objects.filter(pk=decision.pk).update(number=decision.number)
        decision.is_signed, decision.base_salary = True, base.amount
        Award.objects.bulk_create([
            Award(award_type=final_type(n), person=n.person, unit=n.unit, year=round_.year,
                  decision=decision, nomination=n, achievement=n.achievement,
                  amount=reward_amount(final_type(n).coefficient, base.amount),
                  source=AwardSource.SYSTEM)
            for n in granted])
    return log


def decision_of(round_: AwardRound) -> Decision | None:
    return round_.decisions.first()


# Revocation --------------------------------------------------------------------------------------
def revoke(award: Award, user, reason: str, decision_text: str) -> Award:
    """Revoke an award (false declarations, a violation found later): the granting unit's
    leader or admin, with the reason and the revoking decision (Luật TĐKT 2022 Điều 94)."""
    granting = award.decision.granting_unit if award.decision_id else award.unit
    _require(user, granting, LEADERS, "Chỉ lãnh đạo của cấp đã quyết định khen thưởng mới "
                                      "được thu hồi.")
    reason, decision_text = clean_text(reason), clean_text(decision_text)
    errors = {}
    if award.revoked:
        raise ValidationError("Khen thưởng này đã bị thu hồi.")
    if not reason:
        errors["reason"] = "Cần ghi rõ lý do thu hồi."
    if not decision_text:
        errors["decision_text"] = "Cần ghi số, ngày của quyết định thu hồi."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked and saved (not a bare update): the audit trail records who revoked.
        row = Award.objects.select_for_update().filter(pk=award.pk, revoked=False).first()
        if row is None:
            raise ValidationError("Khen thưởng này đã bị thu hồi.")
        row.revoked, row.revoked_on = True, _today()
        row.revocation_reason, row.revocation_decision = reason, decision_text[:200]
        row.save(update_fields=["revoked", "revoked_on", "revocation_reason",
                                "revocation_decision"])
    award.refresh_from_db()
    return award


__all__ = ["achievement_conflict", "appraise", "cast_vote", "close_voting", "council_members",
           "council_outcome", "draft_decision", "evaluate", "finish_appraisal",
           "granting_options", "is_lower", "nominate", "open_round", "quota_state",
           "remove_nomination", "reopen", "revoke", "sign_decision", "sign_proposal",
           "start_voting", "update_decision"]
