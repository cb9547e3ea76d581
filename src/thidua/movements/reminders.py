"""Reminders: the units that have not acted before (or after) a milestone's deadline.

For each launched movement, each milestone due within the next ``days`` days or
overdue by at most ``overdue_days`` days, the units that still owe something
are found in one query — for a registration deadline, the participating units
of the scope without a submitted or accepted unit registration; for a
milestone that asks for reports, the units whose ``UnitReport`` is not in —
and the users holding a leader or secretariat role directly on those units are
notified (in the app and by e-mail) through ``core.notifications.notify``.

The notification key names the milestone and the day, so running the command
twice the same day sends nothing new, while the next day reminds again. Each
milestone costs the same few queries whatever the number of units: one
notification per user and milestone, pointing to the page that lists what his
units owe, rather than one per unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from thidua.core.notifications import notify
from thidua.core.roles import Role
from thidua.movements.models import Milestone, MilestoneKind, Registration, UnitReport
from thidua.org.models import Unit

#: Who answers for a unit's deadlines: the roles held directly on the unit.
REMIND_ROLES = (Role.LEADER, Role.SECRETARIAT)
DEFAULT_DAYS = 7
DEFAULT_OVERDUE_DAYS = 30
ACTED_STATES = ("submitted", "accepted")


@dataclass
class MilestoneReminder:
    """What one milestone's reminder did: for the command's summary and the board."""

    milestone: Milestone
    units: int = 0
    users: int = 0
    sent: int = 0

    @property
    def movement(self):
        return self.milestone.movement


def due_milestones(today: date, days: int = DEFAULT_DAYS,
                   overdue_days: int = DEFAULT_OVERDUE_DAYS) -> QuerySet[Milestone]:
    """Milestones of launched movements in the reminding window that units must act on."""
    return (Milestone.objects
            .filter(movement__state="launched",
                    due_on__gte=today - timedelta(days=overdue_days),
                    due_on__lte=today + timedelta(days=days))
            .filter(Q(kind=MilestoneKind.REGISTRATION) | Q(requires_report=True))
            .select_related("movement__scope_unit")
            .prefetch_related("actor_kinds", "movement__participant_kinds")
            .order_by("movement__issued_on", "movement_id", "due_on", "pk"))


def acting_kinds(milestone: Milestone) -> list[int]:
    """The unit kinds that must act: the milestone's own, else the movement's participants
    (empty: every unit of the scope, as for the expected reports at launch)."""
    kinds = [kind.pk for kind in milestone.actor_kinds.all()]
    return kinds or [kind.pk for kind in milestone.movement.participant_kinds.all()]


def unregistered_units(milestone: Milestone) -> QuerySet[Unit]:
    """Acting units of the scope with no submitted or accepted unit registration."""
    movement = milestone.movement
    units = Unit.objects.filter(path__startswith=movement.scope_unit.path, is_active=True)
    kinds = acting_kinds(milestone)
    if kinds:
        units = units.filter(kind_id__in=kinds)
    acted = Registration.objects.filter(movement_id=movement.pk, unit=OuterRef("pk"),
                                        person__isnull=True, state__in=ACTED_STATES)
    return units.filter(~Exists(acted))


def units_without_report(milestone: Milestone) -> QuerySet[Unit]:
    """Active units whose expected report for ``milestone`` has not come in."""
    missing = UnitReport.objects.filter(milestone_id=milestone.pk, submitted_at__isnull=True)
    return Unit.objects.filter(is_active=True, pk__in=missing.values("unit_id"))


def lagging_units(milestone: Milestone) -> QuerySet[Unit]:
    if milestone.kind == MilestoneKind.REGISTRATION:
        return unregistered_units(milestone)
    return units_without_report(milestone)


def responsible_users(units: QuerySet[Unit]):
    """Active users holding a leader or secretariat role directly on one of ``units``."""
    return (get_user_model().objects
            .filter(is_active=True, role_assignments__role__in=REMIND_ROLES,
                    role_assignments__unit__in=units)
            .distinct().order_by("pk"))


def _when(milestone: Milestone, today: date) -> str:
    days = (milestone.due_on - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hôm nay là hạn cuối"
    return f"đã quá hạn {-days} ngày"


def _link(milestone: Milestone) -> str:
    """Where the reminded user acts: the reports he owes, or the movement's page."""
    if milestone.kind != MilestoneKind.REGISTRATION:
        return f"{reverse('movements:report_owed')}?moc={milestone.pk}"
    for name in ("movements:registration_start", "movements:detail"):
        try:
            return reverse(name, args=[milestone.movement_id])
        except NoReverseMatch:
            continue
    return reverse("movements:list")


def message(milestone: Milestone, today: date) -> tuple[str, str]:
    """Title and body of the reminder, the same for every user of the milestone."""
    movement = milestone.movement
    overdue = today > milestone.due_on
    if milestone.kind == MilestoneKind.REGISTRATION:
        action, what = "gửi đăng ký thi đua", "đăng ký thi đua"
    else:
        action, what = "nộp báo cáo", f"nộp báo cáo “{milestone.title}”"
    title = f"{'Quá hạn' if overdue else 'Sắp đến hạn'} {what} — {movement.document_number}"
    body = (f"Phong trào “{movement.title}” ({movement.document_number}): mốc "
            f"“{milestone.title}” có hạn {milestone.due_on:%d/%m/%Y} ({_when(milestone, today)}). "
            f"Đơn vị do đồng chí phụ trách chưa {action}. Đề nghị đồng chí chỉ đạo thực hiện.")
    return title[:300], body


def remind_milestone(milestone: Milestone, today: date) -> MilestoneReminder:
    """Notify the people answering for the units that have not acted on ``milestone``."""
    result = MilestoneReminder(milestone)
    units = lagging_units(milestone)
    result.units = units.count()
    if not result.units:
        return result
    users = list(responsible_users(units))
    result.users = len(users)
    title, body = message(milestone, today)
    url = _link(milestone)  # notify() puts the site's full address in the e-mail
    result.sent = notify(users, key=f"nhac-han:{milestone.pk}:{today.isoformat()}",
                         title=title, body=body, url=url)
    return result


def remind(today: date | None = None, days: int = DEFAULT_DAYS,
           overdue_days: int = DEFAULT_OVERDUE_DAYS) -> list[MilestoneReminder]:
    """Remind for every milestone in the window; return what each one did."""
    today = today or timezone.localdate()
    return [remind_milestone(milestone, today)
            for milestone in due_milestones(today, days, overdue_days)]


def summary(results: list[MilestoneReminder], today: date, days: int = DEFAULT_DAYS,
            overdue_days: int = DEFAULT_OVERDUE_DAYS) -> list[str]:
    """The command's report, in Vietnamese, one line per milestone then the totals."""
    start, end = today - timedelta(days=overdue_days), today + timedelta(days=days)
    lines = [f"Nhắc hạn ngày {today:%d/%m/%Y}: các mốc có hạn từ {start:%d/%m/%Y} "
             f"đến {end:%d/%m/%Y}."]
    if not results:
        return [*lines, "Không có mốc nào cần nhắc."]
    for item in results:
        milestone = item.milestone
        state = (f"{item.units} đơn vị chưa thực hiện, {item.users} người phụ trách, "
                 f"{item.sent} thông báo mới" if item.units else "mọi đơn vị đã thực hiện")
        lines.append(f"- {milestone.movement.document_number} · {milestone.title} "
                     f"(hạn {milestone.due_on:%d/%m/%Y}, {_when(milestone, today)}): {state}.")
    lines.append(f"Tổng cộng: {len(results)} mốc, {sum(r.units for r in results)} đơn vị chưa "
                 f"thực hiện, {sum(r.sent for r in results)} thông báo mới.")
    return lines
