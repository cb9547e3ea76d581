"""Registration screens (đăng ký thi đua).

A unit's leader or secretariat — or a person for himself — opens a registration for a
launched movement, writes commitments per content and per target, and submits it; the
secretariat above follows the registration board of its subtree, accepts or returns
(with a reason) and reminds the units that have not registered.

Registrations are reached through the scoping helper (any role covering the unit, or
the person's own); another unit's registration answers 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from thidua.core import scoping, xlsx
from thidua.core.notifications import Notice, notify, notify_many
from thidua.core.roles import ALL_ROLES, MANAGE_ROLES, READ_ROLES
from thidua.core.text import fold
from thidua.movements import domain, export
from thidua.movements.engine import REMIND_ROLES
from thidua.movements.forms import BOARD_STATUSES, BoardFilterForm, CommitmentsForm, ReviewForm
from thidua.movements.models import Registration
from thidua.movements.views.movements import history_rows, reads_in_scope, visible_or_404
from thidua.org.choices import PersonStatus, StaffCategory
from thidua.org.models import Person, RoleAssignment, Unit

PAGE_SIZE = 50
#: Units listed on the reminder confirmation page (the count covers them all).
REMIND_SHOWN = 50
STATUS_LABELS = dict(BOARD_STATUSES)
STATUS_BADGES = {"none": "text-bg-light border", "draft": "text-bg-info",
                 "submitted": "text-bg-primary", "returned": "text-bg-warning",
                 "accepted": "text-bg-success"}
#: Not registered yet, for the reminder: nothing sent, or sent back to be corrected.
NOT_SENT = Q(reg__isnull=True) | Q(reg__state__in=["draft", "returned"])


def _detail_url(registration) -> str:
    return reverse("movements:registration_detail", args=[registration.pk])


def _board_url(movement) -> str:
    return reverse("movements:registration_board", args=[movement.pk])


def _crumbs(movement, *tail):
    return [("Phong trào thi đua", reverse("movements:list")),
            (movement.document_number, reverse("movements:detail", args=[movement.pk])),
            *tail]


# Who may do what ----------------------------------------------------------------------------
def visible_registrations(user) -> QuerySet[Registration]:
    """Registrations of the units the user's roles cover, and his own as a person."""
    return scoping.scope_or_own(Registration.objects.all(), user, ALL_ROLES,
                                owner_field="person__user")


def participants(movement) -> QuerySet[Unit]:
    """Active units of the movement's scope that take part (all kinds when none is set)."""
    units = Unit.objects.filter(path__startswith=movement.scope_unit.path, is_active=True)
    kinds = list(movement.participant_kinds.values_list("pk", flat=True))
    return units.filter(kind_id__in=kinds) if kinds else units


def with_registration(units: QuerySet[Unit], movement) -> QuerySet[Unit]:
    """Join each unit to its own registration for ``movement`` (at most one: a database
    constraint), as ``reg`` — one query for the whole board."""
    return units.annotate(reg=FilteredRelation(
        "registrations",
        condition=Q(registrations__movement=movement, registrations__person__isnull=True)))


def person_option(user, movement) -> tuple[Person | None, str]:
    """The user's own person record and, when he may not register himself, why not."""
    person = Person.objects.filter(user=user).select_related("unit").first()
    if person is None:
        return None, ""
    if person.status != PersonStatus.ACTIVE:
        return person, "Hồ sơ cán bộ của bạn không ở trạng thái đang công tác."
    if not person.unit.path.startswith(movement.scope_unit.path):
        return person, "Đơn vị công tác của bạn không thuộc phạm vi của phong trào này."
    categories = movement.staff_categories or []
    if categories and person.staff_category not in categories:
        label = dict(StaffCategory.choices).get(person.staff_category, person.staff_category)
        return person, f"Phong trào không dành cho đối tượng “{label}”."
    return person, ""


def may_edit(user, registration) -> bool:
    """Commitments are written by whoever may submit, while the registration is a draft
    or returned, and the movement is not closed."""
    return (registration.movement.is_editable
            and Registration.workflow.refusal(registration, "submit", user) is None)


# Opening a registration -----------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def registration_start(request, pk):
    user = request.user
    movement = visible_or_404(user, pk)
    if request.method == "POST":
        return _start(request, movement)
    registrable = scoping.scope(participants(movement), user, domain.REGISTER_ROLES)
    own = list(with_registration(
        registrable.filter(role_assignments__user=user,
                           role_assignments__role__in=domain.REGISTER_ROLES), movement)
        .values("pk", "name", "code", "reg__pk", "reg__state", "reg__is_late")
        .distinct().order_by("path")[:PAGE_SIZE])
    for row in own:
        _decorate(row)
    person, person_refusal = person_option(user, movement)
    own_registration = (Registration.objects.filter(movement=movement, person=person).first()
                        if person is not None else None)
    deadline = domain.registration_deadline(movement)
    return render(request, "movements/registration_start.html", {
        "movement": movement, "own_units": own,
        "others": registrable.exclude(pk__in=[row["pk"] for row in own]).exists(),
        "person": person, "person_refusal": person_refusal,
        "own_registration": own_registration,
        "deadline": deadline,
        "late": bool(deadline and timezone.localdate() > deadline),
        "breadcrumbs": _crumbs(movement, ("Đăng ký thi đua", None)),
    })


def _start(request, movement):
    """Open the registration the POST asks for (a unit by id or code, or the user himself)."""
    user = request.user
    back = reverse("movements:registration_start", args=[movement.pk])
    if request.POST.get("for_self"):
        person, refusal = person_option(user, movement)
        if person is None or refusal:
            messages.error(request, refusal or "Tài khoản của bạn chưa gắn với hồ sơ cán bộ nào.")
            return redirect(back)
        unit = person.unit
    else:
        person = None
        unit = _chosen_unit(request, movement)
        if unit is None:
            return redirect(back)
    try:
        registration = domain.start_registration(user, movement, unit, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    who = person.full_name if person else unit.name
    messages.success(request, f"Đã mở bản đăng ký thi đua của {who}. Hãy ghi nội dung đăng ký "
                              "rồi bấm “Gửi đăng ký”.")
    return redirect(_detail_url(registration))


def _chosen_unit(request, movement) -> Unit | None:
    """The unit named by the POST among those the user may register; a message otherwise."""
    units = scoping.scope(participants(movement), request.user, domain.REGISTER_ROLES)
    unit_id, code = request.POST.get("unit", ""), request.POST.get("unit_code", "").strip()
    if unit_id.isdigit():
        unit = units.filter(pk=int(unit_id)).first()
    elif code:
        unit = units.filter(code__iexact=code).first()
    else:
        messages.error(request, "Hãy chọn đơn vị đăng ký.")
        return None
    if unit is None:
        messages.error(request, f"Không tìm thấy đơn vị{f' có mã “{code}”' if code else ''} trong "
                                "số các đơn vị tham gia phong trào mà bạn được đăng ký thay.")
    return unit


# One registration ------------------------------------------------------------------------------
def _registration(request, reg_pk) -> Registration:
    return get_object_or_404(
        visible_registrations(request.user).select_related(
            "movement", "movement__issuing_unit", "movement__scope_unit", "unit", "person",
            "created_by"),
        pk=reg_pk)


@login_required
@require_http_methods(["GET", "POST"])
def registration_detail(request, reg_pk):
    user = request.user
    registration = _registration(request, reg_pk)
    movement = registration.movement
    editable = may_edit(user, registration)
    contents, targets = list(movement.contents.all()), list(movement.targets.all())
    commitments = list(registration.commitments.select_related("content", "target"))
    form = CommitmentsForm(request.POST if request.method == "POST" else None,
                           contents=contents, targets=targets, commitments=commitments,
                           initial={"note": registration.note})
    if request.method == "POST":
        if not editable:
            messages.error(request, "Bản đăng ký này không sửa được nữa.")
            return redirect(_detail_url(registration))
        if form.is_valid():
            return _save_and_maybe_submit(request, registration, form)
    actions = Registration.workflow.available(registration, user)
    return render(request, "movements/registration_detail.html", {
        "registration": registration, "movement": movement, "form": form,
        "editable": editable, "commitments": commitments,
        "can_submit": any(t.name == "submit" for t in actions),
        "can_review": movement.is_editable and any(t.name in ("accept", "return") for t in actions),
        "review_form": ReviewForm(),
        "history": history_rows(Registration.workflow, registration),
        "deadline": domain.registration_deadline(movement),
        "breadcrumbs": _crumbs(movement, (f"Đăng ký của {_who(registration)}", None)),
    })


def _who(registration) -> str:
    return registration.person.full_name if registration.person_id else registration.unit.name


def _save_and_maybe_submit(request, registration, form):
    try:
        domain.save_commitments(request.user, registration, form.commitments(),
                                note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(_detail_url(registration))
    if request.POST.get("action") != "submit":
        messages.success(request, "Đã lưu bản đăng ký (chưa gửi).")
        return redirect(_detail_url(registration))
    try:
        domain.submit_registration(request.user, registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        late = " Bản đăng ký được đánh dấu “Đăng ký muộn” vì đã quá hạn." \
            if registration.is_late else ""
        messages.success(request, f"Đã gửi đăng ký thi đua của {_who(registration)}.{late}")
    return redirect(_detail_url(registration))


@login_required
@require_POST
def registration_review(request, reg_pk):
    """Accept or return (with a reason) a submitted registration; the author is notified."""
    registration = _registration(request, reg_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_detail_url(registration))
    decision = form.cleaned_data["decision"]
    refusal = Registration.workflow.refusal(registration, decision, request.user)
    if refusal:
        messages.error(request, refusal)
    else:
        try:
            domain.require_editable(registration.movement)
            log = domain.review_registration(request.user, registration, decision,
                                             form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _tell_author(request, registration, decision, log)
            done = "Đã chấp nhận" if decision == "accept" else "Đã trả lại"
            messages.success(request, f"{done} bản đăng ký của {_who(registration)}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = _detail_url(registration)
    return redirect(target)


def _tell_author(request, registration, decision, log) -> None:
    author = registration.created_by
    if author is None or author.pk == request.user.pk:
        return
    verb = "được chấp nhận" if decision == "accept" else "bị trả lại"
    notify([author], key=f"registration-{decision}:{registration.pk}:{log.pk}",
           title=f"Đăng ký thi đua của {_who(registration)} {verb}",
           body=(f"Phong trào: {registration.movement.title}."
                 + (f"\nLý do: {log.reason}" if log.reason else "")),
           url=_detail_url(registration))


# The board -------------------------------------------------------------------------------------
def _decorate(row: dict) -> dict:
    state = row.get("reg__state") or "none"
    row["status"], row["status_label"], row["badge"] = state, STATUS_LABELS[state], STATUS_BADGES[state]
    return row


def board_units(user, movement, roles=READ_ROLES) -> QuerySet[Unit]:
    """The participating units of the user's subtree (for ``roles``), with their registration."""
    return with_registration(scoping.scope(participants(movement), user, roles), movement)


def _filter_units(units, filters):
    status = filters["status"]
    if status == "none":
        units = units.filter(reg__isnull=True)
    elif status:
        units = units.filter(reg__state=status)
    if filters["late"]:
        units = units.filter(reg__is_late=True)
    if filters["q"]:
        units = units.filter(name_folded__contains=fold(filters["q"]))
    return units


def _filter_people(registrations, filters):
    if filters["status"] == "none":
        return registrations.none()
    if filters["status"]:
        registrations = registrations.filter(state=filters["status"])
    if filters["late"]:
        registrations = registrations.filter(is_late=True)
    if filters["q"]:
        registrations = registrations.filter(person__name_folded__contains=fold(filters["q"]))
    return registrations


def _board_movement(request, pk):
    """The movement of a registration board: 404 when not visible, 403 when the user
    reads no unit of its scope."""
    movement = visible_or_404(request.user, pk)
    if not reads_in_scope(request.user, movement):
        raise PermissionDenied
    return movement


def board_rows(request, movement, units=None):
    """What the board lists, for the page and its export: the filter form, whether it is
    the people tab, and the rows — the participating units of the user's subtree joined to
    their registration (``values()``), or the personal registrations. ``units``: the
    board's units when the caller has them already (``board_units``)."""
    user = request.user
    form = BoardFilterForm(request.GET or None)
    filters = form.filters()
    people_tab = request.GET.get("xem") == "ca-nhan"
    if people_tab:
        rows = _filter_people(
            scoping.scope(Registration.objects.filter(movement=movement, person__isnull=False),
                          user, READ_ROLES).select_related("person", "unit"), filters
        ).order_by("unit__path", "person__name_folded", "pk")
    else:
        units = board_units(user, movement) if units is None else units
        rows = _filter_units(units, filters).values(
            "pk", "name", "code", "kind__name", "reg__pk", "reg__state", "reg__is_late",
            "reg__submitted_at").order_by("path")
    return form, filters, people_tab, rows


@login_required
def registration_board(request, pk):
    user = request.user
    movement = _board_movement(request, pk)
    units = board_units(user, movement)
    form, filters, people_tab, rows = board_rows(request, movement, units)
    summary = units.aggregate(
        total=Count("pk"),
        **{state: Count("pk", filter=Q(reg__state=state)) for state in Registration.workflow.states},
        none=Count("pk", filter=Q(reg__isnull=True)),
        late=Count("pk", filter=Q(reg__is_late=True)),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if people_tab:
        for reg in page.object_list:
            reg.status_label, reg.badge = STATUS_LABELS[reg.state], STATUS_BADGES[reg.state]
    else:
        page.object_list = [_decorate(row) for row in page.object_list]
    return render(request, "movements/registration_board.html", {
        "movement": movement, "form": form, "page_obj": page, "people_tab": people_tab,
        "summary": summary, "statuses": [(k, v, summary.get(k, 0)) for k, v in BOARD_STATUSES],
        "filtered": any(filters.values()),
        "can_remind": movement.state == "launched" and _manages_in_scope(user, movement),
        "deadline": domain.registration_deadline(movement),
        "breadcrumbs": _crumbs(movement, ("Tình hình đăng ký", None)),
    })


@login_required
def registration_board_export(request, pk):
    """The board's tab (units or people) with its filters, every page, in Excel."""
    movement = _board_movement(request, pk)
    form, _filters, people_tab, rows = board_rows(request, movement)
    label = "Tìm cá nhân" if people_tab else "Tìm đơn vị"
    workbook = export.registrations_workbook(
        movement, rows, people=people_tab, status_labels=STATUS_LABELS,
        filters_text=xlsx.filters_line(xlsx.form_filters(form, labels={"q": label})))
    which = "ca-nhan" if people_tab else "don-vi"
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(
        f"dang-ky-thi-dua-{movement.document_number}-{which}"))


def _manages_in_scope(user, movement) -> bool:
    paths = scoping.covered_paths(user, MANAGE_ROLES)
    if paths is scoping.EVERYTHING:
        return True
    scope_path = movement.scope_unit.path
    return any(p.startswith(scope_path) or scope_path.startswith(p) for p in paths)


# Reminders ----------------------------------------------------------------------------------
def _recipients(missing: QuerySet[Unit]) -> dict[int, tuple[str, list]]:
    """Unit id → (unit name, the active users holding a leader or secretariat role directly
    on it): the people a unit's reminder goes to, in one query."""
    by_unit: dict[int, tuple[str, list]] = {}
    rows = (RoleAssignment.objects
            .filter(unit__in=missing.values("pk"), role__in=REMIND_ROLES, user__is_active=True)
            .select_related("user", "unit").order_by("unit_id", "role", "user_id"))
    for assignment in rows:
        _name, users = by_unit.setdefault(assignment.unit_id, (assignment.unit.name, []))
        if assignment.user not in users:
            users.append(assignment.user)
    return by_unit


@login_required
@require_http_methods(["GET", "POST"])
def registration_remind(request, pk):
    """Remind, after a confirmation, the units of the user's subtree that have not sent
    their registration; one notification per unit and day (a second click adds nothing)."""
    user = request.user
    movement = visible_or_404(user, pk)
    if not _manages_in_scope(user, movement):
        raise PermissionDenied
    if movement.state != "launched":
        messages.error(request, "Chỉ nhắc đăng ký khi phong trào đang triển khai.")
        return redirect(_board_url(movement))
    missing = board_units(user, movement, MANAGE_ROLES).filter(NOT_SENT)
    recipients = _recipients(missing)
    if request.method == "POST":
        sent = _send_reminders(movement, recipients)
        note = (f"Đã gửi {sent} thông báo nhắc tới lãnh đạo, văn phòng của {len(recipients)} đơn "
                "vị." if sent else "Không có thông báo mới: các đơn vị này đã được nhắc hôm nay "
                "hoặc không có ai để nhắc.")
        messages.success(request, note)
        return redirect(_board_url(movement))
    shown = list(missing.order_by("path").values("pk", "name", "code", "reg__state")[:REMIND_SHOWN])
    for row in shown:
        _decorate(row)
        row["people"] = [u.get_full_name() or u.get_username()
                         for u in recipients.get(row["pk"], ("", []))[1]]
    total = missing.count()
    return render(request, "movements/registration_remind.html", {
        "movement": movement, "units": shown, "total": total,
        "reachable": len(recipients), "unreachable": total - len(recipients),
        "breadcrumbs": _crumbs(movement, ("Tình hình đăng ký", _board_url(movement)),
                               ("Nhắc đăng ký", None)),
    })


def _send_reminders(movement, recipients) -> int:
    today = timezone.localdate()
    deadline = domain.registration_deadline(movement)
    due = f" Hạn đăng ký: {deadline:%d/%m/%Y}." if deadline else ""
    url = reverse("movements:registration_start", args=[movement.pk])
    return notify_many(
        Notice(tuple(users), key=f"remind-registration:{movement.pk}:{unit_id}:{today}",
               title=f"Nhắc đăng ký thi đua: {movement.title}",
               body=f"{unit_name} chưa gửi đăng ký thi đua theo kế hoạch số "
                    f"{movement.document_number} của {movement.issuing_unit.name}.{due}",
               url=url)
        for unit_id, (unit_name, users) in recipients.items())


urlpatterns = [
    path("<int:pk>/dang-ky/", registration_start, name="registration_start"),
    path("<int:pk>/tinh-hinh-dang-ky/", registration_board, name="registration_board"),
    path("<int:pk>/tinh-hinh-dang-ky/xuat-excel/", registration_board_export,
         name="registration_board_export"),
    path("<int:pk>/tinh-hinh-dang-ky/nhac/", registration_remind, name="registration_remind"),
    path("dang-ky/<int:reg_pk>/", registration_detail, name="registration_detail"),
    path("dang-ky/<int:reg_pk>/xet-duyet/", registration_review, name="registration_review"),
]

