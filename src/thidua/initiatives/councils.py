"""Initiative councils: members, the scoring rule, sessions, ballots, the close and minutes.

Who may do what (every function takes the acting user and checks it):

- The office of the council's unit (admin or secretariat role covering it, ``MANAGERS``)
  creates the council (one per unit, level and year), edits its rule, adds and removes
  members and opens sessions.
- The chair and the secretary (``CouncilMember`` rows, whatever roles the accounts hold
  elsewhere) open sessions, put accepted applications on a session's agenda or take them
  off (with a reason) and close the session.
- Every member scores each criterion of the rule (0 to the criterion's maximum, whole or
  half points) and votes yes or no on each item, once: a second ballot for the same item
  is refused (“Bạn đã chấm sáng kiến này”, and a database constraint backs it). Until the
  session closes a member may *change* his own ballot (``change_ballot``): the row is
  replaced, so there is still one ballot per member and item. After the close nothing
  changes.

The workflow's council transitions (schedule, unschedule, recognise, refuse) carry no
role: membership is what gives authority here, so no role holder can apply them
directly. This module checks the member's office itself and then applies the *same*
transitions through ``_BY_COUNCIL`` — a copy of those four transitions whose actor check
is the caller's (see :class:`_CouncilSteps`) — so the state change is still checked and
logged under the acting user (the close decides the whole agenda at once: ``_decide``).

Closing a session (:func:`close_session`) computes each item's result with
:func:`item_result` over the ballots cast and the number of the council's members (absent
members count: their missing yes vote counts against), refuses while an item has no
ballot at all, recognises or refuses each application (written reasons from the unmet
conditions), numbers the certificates and keeps the rule and the minutes data on the
session — all in one transaction.

Certificate numbers: the council's own sequence per council (that is per unit, level and
year), written with the year, level and unit code (``01/2026/GCN-HĐSKCS-PAB``,
``02/2026/GCN-HĐSKCS-PAB``…) so no two councils write the same number; not the unit's
document register (``documents.numbering``): the register hands a number out only with
the document that bears it, and closing a session makes no document. The close
serialises on the council's row, so two closes of its sessions cannot take the same
number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Max, Q, Value, When
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import clean_text
from thidua.core.workflow import TransitionError, Workflow
from thidua.initiatives.models import (
    INITIATIVE_WORKFLOW,
    AgendaItem,
    Ballot,
    Council,
    CouncilMember,
    Initiative,
    Level,
    MemberRole,
    Session,
)
from thidua.initiatives.policy import DEFAULT_RULE, CouncilRule, Criterion
from thidua.org.models import Person, RoleAssignment

#: Who manages the councils of a unit (create, rule, members, sessions).
MANAGERS = MANAGE_ROLES
#: Members who run a session: the agenda and the close.
OFFICERS = (MemberRole.CHAIR, MemberRole.SECRETARY)
CERTIFICATE_SUFFIX = "GCN-HĐSK"
MAX_CRITERIA = 10
MAX_POINTS = 1000
#: The most points a rule may give in all: a ballot's total and an item's mean are kept
#: with six digits (``Ballot.total``, ``AgendaItem.mean_score``: at most 9999.99).
MAX_TOTAL = 1000
ALREADY_SCORED = "Bạn đã chấm sáng kiến này. Muốn sửa, hãy dùng nút “Sửa phiếu chấm”."
CLOSED = "Phiên họp đã kết thúc: không thể thay đổi phiếu chấm hay danh sách sáng kiến."
NOT_MANAGER = ("Chỉ văn phòng, cán bộ thi đua hoặc quản trị của đơn vị mới được thiết lập "
               "hội đồng sáng kiến.")
NOT_OFFICER = "Chỉ chủ tịch hoặc thư ký hội đồng mới được thực hiện thao tác này."
NOT_MEMBER = "Bạn không phải thành viên của hội đồng này."
TAKEN_OFF = "Sáng kiến này vừa được rút khỏi phiên họp: không chấm được nữa."


# Numbers in Vietnamese ------------------------------------------------------------------------
def fmt(value: Decimal | int | None) -> str:
    """``46.50`` → ``46,5``; ``50`` → ``50``."""
    if value is None:
        return "—"
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def share_words(share: Decimal) -> str:
    """``0.5`` → ``một nửa``; ``0.6667`` → ``66,67%``."""
    if share == Decimal("0.5"):
        return "một nửa"
    return f"{fmt((share * 100).quantize(Decimal('0.01')))}%"


# The rule of the result ----------------------------------------------------------------------
@dataclass(frozen=True)
class ItemResult:
    mean: Decimal  # the mean total, cut (never rounded up) to two decimals
    yes_votes: int
    no_votes: int
    members_count: int
    passed: bool
    reasons: tuple[str, ...]  # the unmet conditions, in Vietnamese

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons) + "." if self.reasons else ""


def item_result(ballots: Sequence[tuple[Decimal, bool]], members_count: int,
                rule: CouncilRule) -> ItemResult:
    """The council's result for one application from its ballots ``(total, vote_yes)``.

    Source: DOMAIN.md §4 (council scoring is set by each province; default: recognised
    when the mean score is ≥ 50 and more than half of the members vote yes), with the
    figures of ``rule`` (``policy.CouncilRule``: ``pass_mean``, ``yes_share_over``).
    The mean is over the ballots cast; the yes share is over ``members_count``, every
    member of the council, so a member who did not vote counts as not agreeing. The mean
    is compared exactly (sum ≥ pass_mean × ballots) and shown cut to two decimals, so a
    mean shown as 50 never fails the 50 mark and one that fails never shows as 50.
    """
    if not ballots:
        raise ValueError("item_result needs at least one ballot")
    if members_count < len(ballots):
        raise ValueError("more ballots than members")
    count = len(ballots)
    total = sum((Decimal(t) for t, _ in ballots), Decimal(0))
    mean = (total / count).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    yes = sum(1 for _, vote in ballots if vote)
    mean_ok = total >= rule.pass_mean * count
    votes_ok = yes > rule.yes_share_over * members_count
    reasons = []
    if not mean_ok:
        reasons.append(f"Điểm trung bình {fmt(mean)} thấp hơn mức {fmt(rule.pass_mean)}")
    if not votes_ok:
        reasons.append(f"{yes}/{members_count} thành viên đồng ý, chưa quá "
                       f"{share_words(rule.yes_share_over)} số thành viên hội đồng")
    return ItemResult(mean=mean, yes_votes=yes, no_votes=count - yes,
                      members_count=members_count, passed=mean_ok and votes_ok,
                      reasons=tuple(reasons))


def rule_of(council: Council) -> CouncilRule:
    return CouncilRule.from_dict(council.rule)


# Authority -----------------------------------------------------------------------------------
def may_manage(user, council_or_unit) -> bool:
    unit = getattr(council_or_unit, "unit", council_or_unit)
    return scoping.covers(user, unit.path, MANAGERS)


def require_manager(user, council_or_unit) -> None:
    if not may_manage(user, council_or_unit):
        raise PermissionDenied(NOT_MANAGER)


def membership(user, council: Council) -> CouncilMember | None:
    if user is None or not user.is_authenticated:
        return None
    return CouncilMember.objects.filter(council=council, user=user).first()


def is_officer(member: CouncilMember | None) -> bool:
    return member is not None and member.role in OFFICERS


def require_officer(user, council: Council) -> CouncilMember:
    member = membership(user, council)
    if not is_officer(member):
        raise PermissionDenied(NOT_OFFICER)
    return member


def visible_councils(user):
    """Councils the user may open: those of units he manages and those he sits on."""
    if user is None or not user.is_authenticated:
        return Council.objects.none()
    return Council.objects.filter(
        Q(pk__in=scoping.scope(Council.objects.all(), user, MANAGERS).values("pk"))
        | Q(members__user=user)).distinct()


# The council's own way of applying the workflow --------------------------------------------
class _CouncilSteps(Workflow):
    """The council transitions of ``INITIATIVE_WORKFLOW`` (same states, sources, targets,
    labels and reasons); the actor's authority — his office on the council — is checked
    by this module before every call, so the role check is not repeated here."""

    def _actor_may(self, transition, obj, user) -> bool:
        return user is not None and user.is_authenticated


_BY_COUNCIL = _CouncilSteps(
    states=INITIATIVE_WORKFLOW.states, initial=INITIATIVE_WORKFLOW.initial,
    transitions=[INITIATIVE_WORKFLOW.transitions[name]
                 for name in ("schedule", "unschedule", "recognise", "refuse")])


# Councils ------------------------------------------------------------------------------------
def default_name(unit, level: str, year: int) -> str:
    return f"Hội đồng sáng kiến {Level(level).label.lower()} năm {year} — {unit.name}"


def create_council(user, unit, level: str, year: int, *, name: str = "",
                   decision_number: str = "") -> Council:
    require_manager(user, unit)
    errors = {}
    if level not in Level.values:
        errors["level"] = f"Cấp “{level}” không có trong danh mục."
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not this_year - 5 <= year <= this_year + 1:
        errors["year"] = f"Năm phải từ {this_year - 5} đến {this_year + 1}."
    name = clean_text(name) or (default_name(unit, level, year) if not errors else "")
    if len(name) > 300:
        errors["name"] = "Tên hội đồng dài quá 300 ký tự."
    decision_number = clean_text(decision_number)
    if len(decision_number) > 60:
        errors["decision_number"] = "Số quyết định thành lập dài quá 60 ký tự."
    if errors:
        raise ValidationError(errors)
    if Council.objects.filter(unit=unit, level=level, year=year).exists():
        raise ValidationError({"level": f"Đơn vị đã có hội đồng sáng kiến "
                                        f"{Level(level).label.lower()} năm {year}."})
    try:
        with transaction.atomic():
            return Council.objects.create(unit=unit, level=level, year=year, name=name,
                                          decision_number=decision_number,
                                          rule=DEFAULT_RULE.to_dict())
    except IntegrityError as exc:  # created at the same moment by someone else
        raise ValidationError({"level": f"Đơn vị đã có hội đồng sáng kiến "
                                        f"{Level(level).label.lower()} năm {year}."}) from exc


def rule_locked_reason(council: Council) -> str:
    """Why the rule can no longer change ("" when it can)."""
    if council.sessions.filter(is_closed=True).exists():
        return ("Hội đồng đã có phiên họp kết thúc theo quy tắc này: không thể sửa quy tắc "
                "chấm điểm nữa.")
    if Ballot.objects.filter(item__session__council=council).exists():
        return ("Thành viên đã chấm điểm theo quy tắc này: không thể sửa quy tắc chấm điểm "
                "khi đã có phiếu chấm.")
    return ""


CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def check_rule(criteria: Iterable[Mapping], pass_mean, yes_share_over) -> CouncilRule:
    """A valid rule from raw values, or ValidationError naming the row and field."""
    errors: dict[str, list[str]] = {}

    def err(key, message):
        errors.setdefault(key, []).append(message)

    rows = []
    seen = set()
    for index, raw in enumerate(criteria, start=1):
        code = str(raw.get("code") or "").strip()
        name = clean_text(str(raw.get("name") or ""))
        points = raw.get("max_points")
        if not code and not name and points in (None, ""):
            continue  # an empty row of the form
        where = f"Tiêu chí dòng {index}"
        if not CODE.match(code):
            err("criteria", f"{where}: mã “{code}” chỉ gồm chữ thường không dấu, số và “_”, "
                            "bắt đầu bằng chữ.")
        elif code in seen:
            err("criteria", f"{where}: mã “{code}” bị trùng.")
        seen.add(code)
        if not name:
            err("criteria", f"{where}: chưa ghi tên tiêu chí.")
        elif len(name) > 200:
            err("criteria", f"{where}: tên tiêu chí dài quá 200 ký tự.")
        try:
            value = int(str(points).strip())
        except (TypeError, ValueError):
            err("criteria", f"{where}: điểm tối đa “{points if points is not None else ''}” "
                            "phải là số nguyên.")
            continue
        if not 1 <= value <= MAX_POINTS:
            err("criteria", f"{where}: điểm tối đa phải từ 1 đến {MAX_POINTS}.")
            continue
        rows.append(Criterion(code, name, value))
    if not rows and "criteria" not in errors:
        err("criteria", "Quy tắc cần ít nhất một tiêu chí chấm điểm.")
    if len(rows) > MAX_CRITERIA:
        err("criteria", f"Quy tắc có tối đa {MAX_CRITERIA} tiêu chí.")
    max_total = sum(c.max_points for c in rows)
    if max_total > MAX_TOTAL:
        err("criteria", f"Tổng điểm tối đa của các tiêu chí là {max_total}, không được quá "
                        f"{MAX_TOTAL}.")
    mean = _decimal(pass_mean)
    if mean is None:
        err("pass_mean", f"Điểm trung bình tối thiểu “{pass_mean}” không phải là số.")
    elif mean < 0 or (rows and mean > max_total):
        err("pass_mean", f"Điểm trung bình tối thiểu phải từ 0 đến tổng điểm tối đa "
                         f"({max_total}).")
    share = _decimal(yes_share_over)
    if share is None:
        err("yes_share_over", f"Tỷ lệ phiếu đồng ý “{yes_share_over}” không phải là số.")
    elif not 0 <= share < 100:
        err("yes_share_over", "Tỷ lệ phiếu đồng ý phải từ 0 đến dưới 100 (%).")
    if errors:
        raise ValidationError(errors)
    return CouncilRule(criteria=tuple(rows), pass_mean=mean, yes_share_over=share / 100)


def _decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def set_rule(user, council: Council, rule: CouncilRule) -> None:
    require_manager(user, council)
    with transaction.atomic():
        council = Council.objects.select_for_update().get(pk=council.pk)
        locked = rule_locked_reason(council)
        if locked:
            raise ValidationError(locked)
        council.rule = rule.to_dict()
        council.save(update_fields=["rule"])


# Members -------------------------------------------------------------------------------------
def candidate_users(council: Council):
    """Accounts that may sit on the council: holding a role in the unit's subtree or
    attached to a person of the subtree; active accounts only."""
    path = council.unit.path
    with_role = RoleAssignment.objects.filter(unit__path__startswith=path).values("user_id")
    with_person = Person.objects.filter(unit__path__startswith=path,
                                        user__isnull=False).values("user_id")
    return get_user_model().objects.filter(is_active=True).filter(
        Q(pk__in=with_role) | Q(pk__in=with_person))


#: Chair first, then the secretary, then the members (in the order they were added).
ROLE_ORDER = Case(When(role=MemberRole.CHAIR, then=Value(0)),
                  When(role=MemberRole.SECRETARY, then=Value(1)), default=Value(2),
                  output_field=IntegerField())


def members_of(council: Council):
    return council.members.select_related("user").order_by(ROLE_ORDER, "pk")


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def add_member(user, council: Council, account, role: str, title: str = "") -> CouncilMember:
    require_manager(user, council)
    errors = {}
    if role not in MemberRole.values:
        errors["role"] = f"Vai trò “{role}” không có trong danh mục."
    title = clean_text(title)
    if len(title) > 200:
        errors["title"] = "Chức vụ dài quá 200 ký tự."
    if account is None or not candidate_users(council).filter(pk=account.pk).exists():
        errors["username"] = ("Tài khoản này không thuộc đơn vị của hội đồng (cần có vai trò "
                              "hoặc hồ sơ cán bộ trong đơn vị hoặc đơn vị trực thuộc).")
    if errors:
        raise ValidationError(errors)
    if council.members.filter(user=account).exists():
        raise ValidationError({"username": f"{display_name(account)} đã là thành viên hội "
                                           "đồng."})
    if role in OFFICERS and council.members.filter(role=role).exists():
        raise ValidationError({"role": f"Hội đồng đã có {MemberRole(role).label.lower()}."})
    try:
        with transaction.atomic():
            return CouncilMember.objects.create(council=council, user=account, role=role,
                                                title=title)
    except IntegrityError as exc:
        raise ValidationError({"role": "Hội đồng vừa được người khác thay đổi thành viên; "
                                       "hãy tải lại trang."}) from exc


def remove_member(user, member: CouncilMember) -> None:
    require_manager(user, member.council)
    with transaction.atomic():
        # The council's row, as a ballot takes it (``_locked_rule``): a ballot being cast
        # now is seen, and the member who cast it stays.
        Council.objects.select_for_update().filter(pk=member.council_id).first()
        if member.ballots.exists():
            raise ValidationError(f"{display_name(member.user)} đã chấm phiếu: không thể rút "
                                  "khỏi hội đồng (phiếu chấm được giữ trong biên bản).")
        member.delete()


# Sessions ------------------------------------------------------------------------------------
def may_open_session(user, council: Council) -> bool:
    return may_manage(user, council) or is_officer(membership(user, council))


def create_session(user, council: Council, held_on, place: str = "") -> Session:
    if not may_open_session(user, council):
        raise PermissionDenied(NOT_OFFICER)
    place = clean_text(place)
    errors = {}
    if held_on is None:
        errors["held_on"] = "Chưa ghi ngày họp."
    elif held_on.year not in (council.year, council.year + 1):
        errors["held_on"] = (f"Ngày họp phải thuộc năm {council.year} (hoặc đầu năm "
                             f"{council.year + 1}) của hội đồng.")
    if len(place) > 200:
        errors["place"] = "Địa điểm dài quá 200 ký tự."
    if errors:
        raise ValidationError(errors)
    return Session.objects.create(council=council, held_on=held_on, place=place)


def _open_session(session: Session) -> None:
    """Refuse a change to a closed session. Called inside the caller's transaction, it
    locks the session's row (PostgreSQL): a ballot and the close never pass each other —
    the ballot waits for the close and is refused, or the close waits and counts it."""
    closed = (Session.objects.select_for_update().filter(pk=session.pk)
              .values_list("is_closed", flat=True).first())
    if closed is None or closed:
        raise ValidationError(CLOSED)


def schedule_refusal(session: Session, initiative: Initiative) -> str:
    """Why ``initiative`` cannot go on ``session``'s agenda ("" when it can)."""
    council = session.council
    if initiative.state != "accepted":
        return (f"Chỉ đưa vào phiên họp được sáng kiến đã được tiếp nhận; “{initiative.title}” "
                f"đang ở trạng thái “{INITIATIVE_WORKFLOW.label(initiative.state)}”.")
    if initiative.reviewing_unit_id != council.unit_id:
        return f"Sáng kiến “{initiative.title}” không do đơn vị của hội đồng này xét công nhận."
    if initiative.level != council.level:
        return (f"Sáng kiến “{initiative.title}” đề nghị công nhận "
                f"{Level(initiative.level).label.lower()}, hội đồng xét "
                f"{Level(council.level).label.lower()}.")
    return ""


def schedulable(session: Session):
    """The applications the session may take: accepted, for this council's unit and level."""
    council = session.council
    return Initiative.objects.filter(state="accepted", reviewing_unit_id=council.unit_id,
                                     level=council.level).order_by("accepted_on", "pk")


def schedule(user, session: Session, initiative: Initiative) -> AgendaItem:
    require_officer(user, session.council)
    with transaction.atomic():
        _open_session(session)
        refusal = schedule_refusal(session, initiative)
        if refusal:
            raise ValidationError(refusal)
        _BY_COUNCIL.apply(initiative, "schedule", user)
        last = session.items.aggregate(last=Max("order"))["last"] or 0
        return AgendaItem.objects.create(session=session, initiative=initiative, order=last + 1)


def unschedule(user, item: AgendaItem, reason: str) -> None:
    """Take an application off an open session's agenda (its ballots go with it); the
    application goes back to waiting for a council, the reason in its history."""
    session = item.session
    require_officer(user, session.council)
    with transaction.atomic():
        _open_session(session)
        _BY_COUNCIL.apply(item.initiative, "unschedule", user, reason=reason)
        with _secret():
            Ballot.objects.filter(item=item).delete()
        item.delete()


# Ballots -------------------------------------------------------------------------------------
HALF = Decimal("0.5")


def _secret():
    """Around a ballot's writes: they are kept out of the audit trail (auditlog). The
    unit's auditors read any record's trail (``/nhat-ky/…``), and a ballot's scores, vote
    and comment are secret until the close; the minutes keep every ballot as counted."""
    return disable_auditlog()


def check_scores(rule: CouncilRule, raw: Mapping[str, object]) -> tuple[dict[str, str], Decimal]:
    """The scores as ``{code: "12.5"}`` and their total, or ValidationError keyed by code."""
    errors = {}
    scores = {}
    total = Decimal(0)
    known = {c.code for c in rule.criteria}
    for code in raw:
        if code not in known:
            errors[str(code)] = f"Tiêu chí “{code}” không có trong quy tắc của hội đồng."
    for criterion in rule.criteria:
        value = raw.get(criterion.code)
        text = "" if value is None else str(value).strip()
        if not text:
            errors[criterion.code] = f"Chưa chấm tiêu chí “{criterion.name}”."
            continue
        number = _decimal(text)
        if number is None:
            errors[criterion.code] = (f"Điểm “{text}” của tiêu chí “{criterion.name}” không "
                                      "phải là số.")
        elif number < 0 or number > criterion.max_points:
            errors[criterion.code] = (f"Điểm tiêu chí “{criterion.name}” phải từ 0 đến "
                                      f"{criterion.max_points}; đã ghi {fmt(number)}.")
        elif (number / HALF) != (number / HALF).to_integral():
            errors[criterion.code] = (f"Điểm tiêu chí “{criterion.name}” chỉ được chấm số "
                                      f"nguyên hoặc nửa điểm (ví dụ 12 hoặc 12,5); đã ghi "
                                      f"{fmt(number)}.")
        else:
            number = number.quantize(Decimal("0.1")) + 0  # + 0: "-0" is 0
            scores[criterion.code] = f"{number.normalize():f}"
            total += number
    if errors:
        raise ValidationError(errors)
    return scores, total


def _locked_rule(council: Council) -> CouncilRule:
    """The council's rule, read with its row locked (PostgreSQL) in the caller's
    transaction: a ballot and a change of the rule (``set_rule``, which refuses once a
    ballot exists) never pass each other, so every ballot is checked against the rule the
    close will count it with. Lock order everywhere: the council, then the session."""
    data = (Council.objects.select_for_update().filter(pk=council.pk)
            .values_list("rule", flat=True).first())
    return CouncilRule.from_dict(data)


def _open_item(item: AgendaItem) -> None:
    """``_open_session`` for the item's session, then the item must still be on the
    agenda (the chair may have taken it off since the member's page was loaded)."""
    _open_session(item.session)
    if not AgendaItem.objects.filter(pk=item.pk).exists():
        raise ValidationError(TAKEN_OFF)


def _ballot_member(user, item: AgendaItem) -> CouncilMember:
    member = membership(user, item.session.council)
    if member is None:
        raise PermissionDenied(NOT_MEMBER)
    return member


def _vote(vote_yes) -> bool:
    if vote_yes not in (True, False):
        raise ValidationError({"vote_yes": "Chưa chọn đồng ý hay không đồng ý công nhận."})
    return vote_yes


def _comment(comment: str) -> str:
    comment = clean_text(comment or "")
    if len(comment) > 2000:
        raise ValidationError({"comment": "Ý kiến dài quá 2000 ký tự."})
    return comment


def cast_ballot(user, item: AgendaItem, scores: Mapping[str, object], vote_yes,
                comment: str = "") -> Ballot:
    """The member's ballot on ``item``; refused when he already has one."""
    member = _ballot_member(user, item)
    with transaction.atomic():
        rule = _locked_rule(item.session.council)
        _open_item(item)
        if Ballot.objects.filter(item=item, member=member).exists():
            raise ValidationError(ALREADY_SCORED)
        cleaned, total = check_scores(rule, scores)
        vote = _vote(vote_yes)
        comment = _comment(comment)
        try:
            with transaction.atomic(), _secret():
                return Ballot.objects.create(item=item, member=member, scores=cleaned,
                                             total=total, vote_yes=vote, comment=comment)
        except IntegrityError as exc:  # the same member's other tab, at the same moment
            raise ValidationError(ALREADY_SCORED) from exc


def change_ballot(user, item: AgendaItem, scores: Mapping[str, object], vote_yes,
                  comment: str = "") -> Ballot:
    """Replace the member's own ballot while the session is open."""
    member = _ballot_member(user, item)
    with transaction.atomic():
        rule = _locked_rule(item.session.council)
        _open_item(item)
        ballot = Ballot.objects.select_for_update().filter(item=item, member=member).first()
        if ballot is None:
            raise ValidationError("Bạn chưa chấm sáng kiến này.")
        cleaned, total = check_scores(rule, scores)
        ballot.scores, ballot.total = cleaned, total
        ballot.vote_yes = _vote(vote_yes)
        ballot.comment = _comment(comment)
        with _secret():
            ballot.save(update_fields=["scores", "total", "vote_yes", "comment"])
        return ballot


# Closing -------------------------------------------------------------------------------------
def may_close(user, session: Session) -> bool:
    return not session.is_closed and is_officer(membership(user, session.council))


def close_refusal(session: Session) -> str:
    """Why the session cannot close now ("" when it can)."""
    if session.is_closed:
        return "Phiên họp đã kết thúc."
    return _agenda_refusal(session)


def _agenda_refusal(session: Session) -> str:
    """An empty agenda, or items no member scored, keep the session open."""
    items = list(session.items.select_related("initiative").order_by("order", "pk"))
    scored = set(Ballot.objects.filter(item__session=session).values_list("item_id", flat=True))
    return _blank_refusal(items, scored)


def _blank_refusal(items: Sequence[AgendaItem], scored: set[int]) -> str:
    if not items:
        return "Phiên họp chưa có sáng kiến nào trong chương trình."
    blank = [i.initiative.title for i in items if i.pk not in scored]
    if blank:
        return ("Chưa có thành viên nào chấm các sáng kiến: " + "; ".join(
            f"“{t}”" for t in blank) + ". Hãy chấm, hoặc rút sáng kiến khỏi phiên họp.")
    return ""


#: The level's mark in a certificate number (cơ sở, tỉnh/bộ/ngành, toàn quốc).
LEVEL_MARKS = {Level.GRASSROOTS: "CS", Level.PROVINCE: "T", Level.NATIONAL: "TQ"}
CERTIFICATE_MAX = 60  # Initiative.certificate_number


def certificate_reference(number: int, council: Council) -> str:
    """``01/2026/GCN-HĐSKCS-PAB``: the council's own sequence, its year, level and unit
    code, so two councils (two levels of one unit, two units, two years) never write the
    same number; a very long unit code is cut to fit the field."""
    head = (f"{number:02d}/{council.year}/{CERTIFICATE_SUFFIX}"
            f"{LEVEL_MARKS.get(council.level, '')}-")
    return head + council.unit.code[:CERTIFICATE_MAX - len(head)]


def _decide(steps: list[tuple[Initiative, str, str]], user) -> None:
    """Apply the council's ``recognise``/``refuse`` steps ``(initiative, transition,
    reason)`` as ``_BY_COUNCIL.apply`` does one at a time — each state checked (under a
    row lock), the state and the decision's fields written, the transition logged under
    ``user`` — with a fixed number of queries for the whole agenda. The caller holds the
    transaction; any refusal undoes the close."""
    from thidua.core.models import TransitionLog

    states = dict(Initiative.objects.select_for_update().filter(
        pk__in=[initiative.pk for initiative, _, _ in steps]).values_list("pk", "state"))
    logs = []
    content_type = ContentType.objects.get_for_model(Initiative)
    for initiative, name, reason in steps:
        initiative.state = states.get(initiative.pk, "")
        refusal = _BY_COUNCIL.refusal(initiative, name, user)
        transition = _BY_COUNCIL.transitions[name]
        reason = clean_text(reason)
        if refusal or (transition.reason_required and not reason):
            raise TransitionError(refusal or f"Cần ghi rõ lý do khi “{transition.label.lower()}”.")
        logs.append(TransitionLog(content_type=content_type, object_id=initiative.pk,
                                  transition=name, from_state=initiative.state,
                                  to_state=transition.target, actor=user, reason=reason))
        initiative.state = transition.target
    Initiative.objects.bulk_update(
        [initiative for initiative, _, _ in steps],
        ["state", "decided_on", "certificate_number", "certificate_date", "refusal_reasons"],
        batch_size=500)
    TransitionLog.objects.bulk_create(logs, batch_size=500)


def close_session(session: Session, user) -> Session:
    """Close the session: each item's result, recognition or refusal, minutes — one
    transaction. Refused while an item has no ballot."""
    council = session.council
    require_officer(user, council)
    today = timezone.localdate()
    with transaction.atomic():
        now = timezone.now()
        # The council's row (PostgreSQL) and the compare-and-set on the session (SQLite's
        # write lock) come first: a second close waits, then finds the session closed,
        # and two sessions of one council never count the same certificate numbers.
        rule = _locked_rule(council)
        if not Session.objects.filter(pk=session.pk, is_closed=False).update(
                is_closed=True, closed_at=now, closed_by=user):
            raise ValidationError("Phiên họp đã kết thúc.")
        members = list(members_of(council))
        items = list(session.items.select_related("initiative").order_by("order", "pk"))
        ballots: dict[int, list[Ballot]] = {}
        for ballot in Ballot.objects.filter(item__session=session).order_by("member__pk"):
            ballots.setdefault(ballot.item_id, []).append(ballot)
        refusal = _blank_refusal(items, set(ballots))
        if refusal:
            raise ValidationError(refusal)
        issued = AgendaItem.objects.filter(session__council=council, passed=True).count()
        decided_on = min(session.held_on, today)
        present = sorted({b.member_id for rows in ballots.values() for b in rows})
        minutes_items, steps = [], []
        for item in items:
            rows = ballots[item.pk]
            result = item_result([(b.total, b.vote_yes) for b in rows], len(members), rule)
            item.mean_score, item.yes_votes, item.no_votes = (
                result.mean, result.yes_votes, result.no_votes)
            item.members_count, item.passed = result.members_count, result.passed
            initiative = item.initiative
            certificate = ""
            initiative.decided_on = decided_on
            if result.passed:
                issued += 1
                certificate = certificate_reference(issued, council)
                initiative.certificate_number, initiative.certificate_date = (
                    certificate, decided_on)
                initiative.refusal_reasons = ""
                steps.append((initiative, "recognise", ""))
            else:
                initiative.refusal_reasons = result.reasons_text
                steps.append((initiative, "refuse", result.reasons_text))
            minutes_items.append({
                "item": item.pk, "initiative": initiative.pk, "title": initiative.title,
                "ballots": [{"member": b.member_id, "scores": b.scores, "total": str(b.total),
                             "vote_yes": b.vote_yes, "comment": b.comment} for b in rows],
                "mean": str(result.mean), "yes_votes": result.yes_votes,
                "no_votes": result.no_votes, "members_count": result.members_count,
                "passed": result.passed, "reasons": result.reasons_text,
                "certificate_number": certificate,
            })
        AgendaItem.objects.bulk_update(items, ["mean_score", "yes_votes", "no_votes",
                                               "members_count", "passed"], batch_size=500)
        _decide(steps, user)
        session.rule = rule.to_dict()
        session.minutes = {
            "closed_at": now.isoformat(), "closed_by": display_name(user),
            "decided_on": decided_on.isoformat(),
            "members": [{"id": m.pk, "name": display_name(m.user), "role": m.role,
                         "role_label": m.get_role_display(), "title": m.title,
                         "present": m.pk in present} for m in members],
            "present": present,
            "items": minutes_items,
        }
        Session.objects.filter(pk=session.pk).update(rule=session.rule, minutes=session.minutes)
    session.is_closed, session.closed_at, session.closed_by = True, now, user
    return session
