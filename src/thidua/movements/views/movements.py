"""Movement screens: list, create/edit, the plan's page, launch, close and reopen, and the
plan's parts (contents, milestones, targets, attachments).

Reading goes through ``queries.visible_movements`` (another unit's movement answers 404,
like a missing one); every change needs a MANAGE role on the issuing unit
(``domain.require_manager``, 403 for a reader such as an observer) and a movement that is
not closed (``domain.require_editable``, refused with its message).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from thidua.core import scoping, xlsx
from thidua.core.roles import MANAGE_ROLES, READ_ROLES
from thidua.core.text import fold
from thidua.movements import domain, export, indicators
from thidua.movements.forms import (
    AttachmentForm,
    ContentForm,
    MilestoneForm,
    MovementFilterForm,
    MovementForm,
    ReasonForm,
    TargetForm,
    add_domain_errors,
)
from thidua.movements.models import (
    Attachment,
    Commitment,
    ManualValue,
    Movement,
    Registration,
    UnitReport,
)
from thidua.movements.queries import (
    search_movements,
    visible_movements,
    with_registration_counts,
)
from thidua.org.choices import StaffCategory
from thidua.org.models import Unit, UnitKind

PAGE_SIZE = 30


def _detail_url(movement) -> str:
    return reverse("movements:detail", args=[movement.pk])


def _breadcrumbs(movement=None, *tail):
    crumbs = [("Phong trào thi đua", reverse("movements:list"))]
    if movement is not None:
        crumbs.append((movement.document_number, _detail_url(movement)))
    return crumbs + list(tail)


def history_rows(workflow, obj) -> list[dict]:
    """The workflow log of ``obj`` in words: when, who, what, from which state to which, why."""
    return [{
        "at": log.at,
        "actor": (log.actor.get_full_name() or log.actor.get_username()) if log.actor else "—",
        "label": workflow.transitions[log.transition].label
        if log.transition in workflow.transitions else log.transition,
        "from": workflow.label(log.from_state),
        "to": workflow.label(log.to_state),
        "reason": log.reason,
    } for log in workflow.history(obj)]


def visible_or_404(user, pk) -> Movement:
    """The movement if the user may read it; 404 otherwise, like a missing id."""
    return get_object_or_404(
        visible_movements(user).select_related("issuing_unit", "scope_unit"), pk=pk)


def reads_in_scope(user, movement) -> bool:
    """Whether the user reads some unit of the movement's scope (the registration board)."""
    paths = scoping.covered_paths(user, READ_ROLES)
    if paths is scoping.EVERYTHING:
        return True
    scope_path = movement.scope_unit.path
    return any(p.startswith(scope_path) or scope_path.startswith(p) for p in paths)


def movement_manager(editable=True):
    """Decorator of the views that change a movement.

    Fetches the movement among those the user sees (404 otherwise), demands a MANAGE role
    on its issuing unit (403 for a mere reader), and — when ``editable`` — refuses a
    closed movement with the domain's message, back on the movement's page.
    """
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            movement = visible_or_404(request.user, pk)
            domain.require_manager(request.user, movement)
            if editable:
                try:
                    domain.require_editable(movement)
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
                    return redirect(_detail_url(movement))
            return view(request, movement, *args, **kwargs)
        return wrapper
    return decorator


# List ------------------------------------------------------------------------------------
def filtered_movements(request):
    """The list's filter form, its filters and the movements it shows (page and export)."""
    form = MovementFilterForm(request.GET or None)
    filters = form.filters()
    movements = visible_movements(request.user)
    if filters["state"]:
        movements = movements.filter(state=filters["state"])
    if filters["q"]:
        movements = search_movements(movements, filters["q"])
    movements = with_registration_counts(
        movements.select_related("issuing_unit", "scope_unit")).order_by("-issued_on", "-pk")
    return form, filters, movements


@login_required
def movement_list(request):
    form, filters, movements = filtered_movements(request)
    page = Paginator(movements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "movements/movement_list.html", {
        "page_obj": page, "form": form,
        "filtered": bool(filters["q"] or filters["state"]),
        "can_create": bool(scoping.roles_of(request.user) & MANAGE_ROLES),
        "breadcrumbs": [("Phong trào thi đua", None)],
    })


@login_required
def movement_list_export(request):
    """The list as the page shows it (filters applied, every page) in Excel."""
    form, _filters, movements = filtered_movements(request)
    workbook = export.movements_workbook(
        movements, xlsx.filters_line(xlsx.form_filters(form, labels={"q": "Tìm"})))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename("phong-trao-thi-dua"))


# Create and edit ----------------------------------------------------------------------------
def _save_movement(request, form) -> Movement | None:
    """Save the form's movement as the domain demands; ``None`` when refused (errors on the
    form). The unique document constraint can still trip on a concurrent save."""
    movement = form.save(commit=False)
    domain.require_manager(request.user, movement)
    try:
        with transaction.atomic():
            movement.save()
            form.save_m2m()
    except IntegrityError:
        form.add_error("number", "Văn bản số này của đơn vị ban hành vừa được người khác nhập.")
        return None
    return movement


def _default_issuer_code(user) -> str:
    """Pre-fill the issuer when the user manages exactly one subtree."""
    paths = scoping.covered_paths(user, MANAGE_ROLES)
    if paths is scoping.EVERYTHING or len(paths) != 1:
        return ""
    return Unit.objects.filter(path=paths[0]).values_list("code", flat=True).first() or ""


@login_required
@require_http_methods(["GET", "POST"])
def movement_create(request):
    if not scoping.roles_of(request.user) & MANAGE_ROLES:
        raise PermissionDenied
    form = MovementForm(request.POST or None, user=request.user,
                        initial={"issuing_unit_code": _default_issuer_code(request.user)})
    if request.method == "POST" and form.is_valid():
        movement = _save_movement(request, form)
        if movement is not None:
            messages.success(request, f"Đã tạo phong trào “{movement.title}” (dự thảo). Hãy thêm "
                                      "nội dung, mốc thời gian và chỉ tiêu rồi phát động.")
            return redirect(_detail_url(movement))
    return render(request, "movements/movement_form.html", {
        "form": form, "title": "Tạo phong trào thi đua", "submit": "Tạo phong trào",
        "cancel_url": reverse("movements:list"),
        "breadcrumbs": _breadcrumbs(None, ("Tạo phong trào", None)),
    })


@movement_manager()
@require_http_methods(["GET", "POST"])
def movement_edit(request, movement):
    form = MovementForm(request.POST or None, instance=movement, user=request.user)
    if request.method == "POST" and form.is_valid() and _save_movement(request, form):
        messages.success(request, "Đã lưu thông tin phong trào.")
        return redirect(_detail_url(movement))
    return render(request, "movements/movement_form.html", {
        "form": form, "title": f"Sửa phong trào — {movement.document_number}", "submit": "Lưu",
        "cancel_url": _detail_url(movement),
        "breadcrumbs": _breadcrumbs(movement, ("Sửa", None)),
    })


# The plan's page ----------------------------------------------------------------------------
def _describe_targets(targets, kinds_by_code, milestones_by_pk):
    """Attach what the plan's target table shows: the measure and its parameters in words."""
    for target in targets:
        try:
            indicator = indicators.get(target.indicator)
        except KeyError:
            target.measure_label, target.unit_label, target.param_notes = target.indicator, "", []
            continue
        params = target.params or {}
        notes = []
        if params.get("unit_kinds"):
            notes.append("Đơn vị: " + ", ".join(kinds_by_code.get(c, c) for c in params["unit_kinds"]))
        if params.get("staff_categories"):
            labels = dict(StaffCategory.choices)
            notes.append("Đối tượng: " + ", ".join(labels.get(c, c) for c in params["staff_categories"]))
        if target.indicator == "units_registered":
            notes.append("chỉ tính đăng ký đã chấp nhận" if params.get("accepted_only", True)
                         else "tính cả đăng ký đã gửi")
        if int(params.get("min_count", 1)) > 1:
            notes.append(f"ít nhất {params['min_count']} mô hình")
        if params.get("recognised_only"):
            notes.append("chỉ mô hình đã được công nhận")
        if params.get("milestone"):
            notes.append(f"Mốc: {milestones_by_pk.get(params['milestone'], '—')}")
        target.measure_label = indicator.describe(params)
        target.unit_label = indicator.unit_label
        target.param_notes = notes
    return targets


@login_required
def movement_detail(request, pk):
    user = request.user
    movement = visible_or_404(user, pk)
    can_manage = scoping.covers(user, movement.issuing_unit.path, MANAGE_ROLES)
    milestones = list(movement.milestones.prefetch_related("actor_kinds"))
    kinds = list(movement.participant_kinds.all())
    kinds_by_code = dict(UnitKind.objects.values_list("code", "name"))
    targets = _describe_targets(list(movement.targets.all()), kinds_by_code,
                                {m.pk: m.title for m in milestones})
    board = movement.state != "draft" and reads_in_scope(user, movement)
    summary = None
    if board:
        summary = scoping.scope(Registration.objects.filter(movement=movement), user,
                                READ_ROLES).aggregate(
            units=Count("pk", filter=Q(person__isnull=True)),
            accepted=Count("pk", filter=Q(person__isnull=True, state="accepted")),
            submitted=Count("pk", filter=Q(person__isnull=True, state="submitted")),
            people=Count("pk", filter=Q(person__isnull=False)),
        )
    return render(request, "movements/movement_detail.html", {
        "movement": movement,
        "participant_kinds": kinds,
        "staff_category_labels": _staff_category_labels(movement.staff_categories),
        "contents": list(movement.contents.all()),
        "milestones": milestones,
        "targets": targets,
        "attachments": list(movement.attachments.select_related("uploaded_by")
                            .order_by("uploaded_at", "pk")),
        "history": history_rows(Movement.workflow, movement),
        "actions": {t.name for t in Movement.workflow.available(movement, user)},
        "can_manage": can_manage,
        "can_edit": can_manage and movement.is_editable,
        "show_board": board,
        "summary": summary,
        "registration_deadline": domain.registration_deadline(movement),
        "breadcrumbs": _breadcrumbs(None, (movement.document_number, None)),
    })


def _staff_category_labels(codes) -> list[str]:
    labels = dict(StaffCategory.choices)
    return [labels.get(code, code) for code in codes or []]


# Launch, close, reopen -------------------------------------------------------------------
def _participants(movement):
    units = Unit.objects.filter(path__startswith=movement.scope_unit.path, is_active=True)
    kinds = list(movement.participant_kinds.values_list("pk", flat=True))
    return units.filter(kind_id__in=kinds) if kinds else units


def _launch_effects(movement) -> list[str]:
    """What launching does, in the words of the confirmation page."""
    participants = _participants(movement).count()
    lines = [
        "Phong trào chuyển sang trạng thái “Đang triển khai”: mọi đơn vị trong phạm vi thấy "
        "phong trào và đăng ký thi đua được.",
        f"Phạm vi: {movement.scope_unit.name} và các đơn vị cấp dưới — {participants} đơn vị "
        "tham gia phải đăng ký.",
    ]
    for milestone in movement.milestones.filter(requires_report=True).prefetch_related("actor_kinds"):
        kinds = [k.pk for k in milestone.actor_kinds.all()]
        count = (Unit.objects.filter(path__startswith=movement.scope_unit.path, is_active=True,
                                     kind_id__in=kinds).count() if kinds else participants)
        lines.append(f"Mốc “{milestone.title}” (hạn {milestone.due_on:%d/%m/%Y}): mỗi đơn vị phải "
                     f"thực hiện có một báo cáo phải nộp — {count} báo cáo.")
    lines.append("Sau khi phát động vẫn sửa được nội dung, mốc thời gian và chỉ tiêu; đơn vị ban "
                 "hành và phạm vi thì không đổi được nữa.")
    return lines


@movement_manager(editable=False)
@require_http_methods(["GET", "POST"])
def movement_launch(request, movement):
    today = timezone.localdate()
    errors = []
    refusal = Movement.workflow.refusal(movement, "launch", request.user)
    if request.method == "POST" and not refusal:
        try:
            domain.launch(request.user, movement, today)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Đã phát động phong trào “{movement.title}”.")
            return redirect(_detail_url(movement))
    if refusal:
        errors = [refusal]
    elif not errors:
        problems = domain.past_deadlines(movement, today)
        errors = ["Chưa thể phát động vì có hạn đã qua:", *problems] if problems else []
    return render(request, "movements/movement_confirm.html", {
        "movement": movement, "title": f"Phát động phong trào “{movement.title}”?",
        "lines": [] if refusal else _launch_effects(movement), "errors": errors,
        "submit": "Phát động", "button": "btn-success", "blocked": bool(refusal),
        "cancel_url": _detail_url(movement),
        "breadcrumbs": _breadcrumbs(movement, ("Phát động", None)),
    })


@movement_manager(editable=False)
@require_http_methods(["GET", "POST"])
def movement_close(request, movement):
    refusal = Movement.workflow.refusal(movement, "close", request.user)
    errors = [refusal] if refusal else []
    if request.method == "POST" and not refusal:
        try:
            domain.close(request.user, movement)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Đã kết thúc phong trào “{movement.title}”.")
            return redirect(_detail_url(movement))
    return render(request, "movements/movement_confirm.html", {
        "movement": movement, "title": f"Kết thúc phong trào “{movement.title}”?",
        "lines": [
            "Phong trào chuyển sang trạng thái “Đã kết thúc”.",
            "Không sửa được thông tin, nội dung, mốc thời gian, chỉ tiêu và tệp đính kèm; không "
            "nhận đăng ký, báo cáo và số liệu mới.",
            "Kết quả các chỉ tiêu vẫn xem được. Khi cần, người có quyền mở lại phong trào và phải "
            "ghi lý do.",
        ] if not refusal else [],
        "errors": errors, "submit": "Kết thúc phong trào", "button": "btn-danger",
        "blocked": bool(refusal), "cancel_url": _detail_url(movement),
        "breadcrumbs": _breadcrumbs(movement, ("Kết thúc", None)),
    })


@movement_manager(editable=False)
@require_http_methods(["GET", "POST"])
def movement_reopen(request, movement):
    refusal = Movement.workflow.refusal(movement, "reopen", request.user)
    form = ReasonForm(request.POST or None)
    errors = [refusal] if refusal else []
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            domain.reopen(request.user, movement, form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Đã mở lại phong trào “{movement.title}”.")
            return redirect(_detail_url(movement))
    return render(request, "movements/movement_confirm.html", {
        "movement": movement, "title": f"Mở lại phong trào “{movement.title}”?",
        "lines": ["Phong trào trở lại trạng thái “Đang triển khai”: sửa được và nhận đăng ký, "
                  "báo cáo, số liệu như trước.",
                  "Lý do mở lại được ghi vào lịch sử của phong trào."] if not refusal else [],
        "form": form, "errors": errors, "submit": "Mở lại", "button": "btn-warning",
        "blocked": bool(refusal), "cancel_url": _detail_url(movement),
        "breadcrumbs": _breadcrumbs(movement, ("Mở lại", None)),
    })


# Parts of the plan -------------------------------------------------------------------------
def _item_page(request, movement, form, *, title, submit, intro="", multipart=False):
    return render(request, "movements/movement_item_form.html", {
        "movement": movement, "form": form, "title": title, "submit": submit, "intro": intro,
        "multipart": multipart, "cancel_url": _detail_url(movement),
        "breadcrumbs": _breadcrumbs(movement, (title, None)),
    })


def _confirm_delete(request, movement, *, title, lines):
    return render(request, "movements/movement_confirm.html", {
        "movement": movement, "title": title, "lines": lines, "errors": [],
        "submit": "Xóa", "button": "btn-danger", "cancel_url": _detail_url(movement),
        "breadcrumbs": _breadcrumbs(movement, ("Xóa", None)),
    })


def _renumber(items, item, step: int) -> None:
    """Move ``item`` one place up (-1) or down (+1) and renumber the list 1..n, so that
    repeated or missing order numbers (the default is 1) never block a move."""
    items = list(items)
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, x in enumerate(items, start=1):
        x.order = position
    type(item).objects.bulk_update(items, ["order"])


def _step(request) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@movement_manager()
@require_http_methods(["GET", "POST"])
def content_add(request, movement):
    return _content_form(request, movement, None)


@movement_manager()
@require_http_methods(["GET", "POST"])
def content_edit(request, movement, item_pk):
    return _content_form(request, movement, get_object_or_404(movement.contents, pk=item_pk))


def _content_form(request, movement, content):
    """Add (at the end of the plan's order) or edit a content."""
    form = ContentForm(request.POST or None, instance=content)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        if content is None:
            item.movement = movement
            item.order = (movement.contents.aggregate(n=Max("order"))["n"] or 0) + 1
        item.save()
        messages.success(request, "Đã lưu nội dung thi đua." if content else "Đã thêm nội dung thi đua.")
        return redirect(_detail_url(movement) + "#noi-dung")
    title = "Sửa nội dung thi đua" if content else "Thêm nội dung thi đua"
    return _item_page(request, movement, form, title=title, submit="Lưu" if content else "Thêm")


@movement_manager()
@require_http_methods(["GET", "POST"])
def content_delete(request, movement, item_pk):
    content = get_object_or_404(movement.contents, pk=item_pk)
    if request.method == "POST":
        content.delete()
        messages.success(request, f"Đã xóa nội dung “{content.title}”.")
        return redirect(_detail_url(movement) + "#noi-dung")
    used = Commitment.objects.filter(content=content).count()
    return _confirm_delete(request, movement, title=f"Xóa nội dung “{content.title}”?", lines=[
        f"{used} nội dung đăng ký của các đơn vị, cá nhân gắn với nội dung này cũng bị xóa."
        if used else "Chưa có đơn vị, cá nhân nào đăng ký theo nội dung này."])


@movement_manager()
@require_POST
def content_move(request, movement, item_pk):
    content = get_object_or_404(movement.contents, pk=item_pk)
    _renumber(movement.contents.all(), content, _step(request))
    return redirect(_detail_url(movement) + "#noi-dung")


@movement_manager()
@require_http_methods(["GET", "POST"])
def milestone_add(request, movement):
    return _milestone_form(request, movement, None)


@movement_manager()
@require_http_methods(["GET", "POST"])
def milestone_edit(request, movement, item_pk):
    return _milestone_form(request, movement, get_object_or_404(movement.milestones, pk=item_pk))


def _milestone_form(request, movement, milestone):
    """Add or edit a milestone through the domain (a report milestone added after launch
    gets its expected reports at once)."""
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        form.instance.movement = movement
        domain.save_milestone(request.user, form.save(commit=False))
        form.save_m2m()
        messages.success(request, "Đã lưu mốc thời gian." if milestone else "Đã thêm mốc thời gian.")
        return redirect(_detail_url(movement) + "#moc")
    title = "Sửa mốc thời gian" if milestone else "Thêm mốc thời gian"
    return _item_page(request, movement, form, title=title, submit="Lưu" if milestone else "Thêm")


@movement_manager()
@require_http_methods(["GET", "POST"])
def milestone_delete(request, movement, item_pk):
    milestone = get_object_or_404(movement.milestones, pk=item_pk)
    if request.method == "POST":
        milestone.delete()
        messages.success(request, f"Đã xóa mốc “{milestone.title}”.")
        return redirect(_detail_url(movement) + "#moc")
    reports = UnitReport.objects.filter(milestone=milestone).aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(submitted_at__isnull=False)))
    lines = [f"Mốc hạn {milestone.due_on:%d/%m/%Y}."]
    if reports["total"]:
        lines.append(f"{reports['total']} báo cáo phải nộp của các đơn vị theo mốc này (đã nộp "
                     f"{reports['sent']}) cũng bị xóa.")
    return _confirm_delete(request, movement, title=f"Xóa mốc “{milestone.title}”?", lines=lines)


@movement_manager()
@require_http_methods(["GET", "POST"])
def target_add(request, movement):
    return _target_form(request, movement, None)


@movement_manager()
@require_http_methods(["GET", "POST"])
def target_edit(request, movement, item_pk):
    return _target_form(request, movement, get_object_or_404(movement.targets, pk=item_pk))


def _target_form(request, movement, target):
    """Add or edit a target; ``domain.save_target`` refuses one without a computable
    denominator, and its message is shown on the form."""
    form = TargetForm(request.POST or None, instance=target, movement=movement)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_target(request.user, form.save())
        except ValidationError as exc:
            add_domain_errors(form, exc, {"params": None})
        else:
            messages.success(request, "Đã lưu chỉ tiêu.")
            return redirect(_detail_url(movement) + "#chi-tieu")
    title = "Sửa chỉ tiêu" if target else "Thêm chỉ tiêu"
    return _item_page(request, movement, form, title=title, submit="Lưu" if target else "Thêm")


@movement_manager()
@require_http_methods(["GET", "POST"])
def target_delete(request, movement, item_pk):
    target = get_object_or_404(movement.targets, pk=item_pk)
    if request.method == "POST":
        target.delete()
        messages.success(request, "Đã xóa chỉ tiêu.")
        return redirect(_detail_url(movement) + "#chi-tieu")
    lines = []
    used = Commitment.objects.filter(target=target).count()
    values = ManualValue.objects.filter(target=target).count()
    if used:
        lines.append(f"{used} nội dung đăng ký gắn với chỉ tiêu này cũng bị xóa.")
    if values:
        lines.append(f"{values} số liệu các đơn vị đã nhập cho chỉ tiêu này cũng bị xóa.")
    return _confirm_delete(request, movement, title=f"Xóa chỉ tiêu “{target.wording[:80]}”?",
                           lines=lines or ["Chỉ tiêu chưa có số liệu nhập tay hay nội dung "
                                           "đăng ký nào."])


@movement_manager()
@require_POST
def target_move(request, movement, item_pk):
    target = get_object_or_404(movement.targets, pk=item_pk)
    _renumber(movement.targets.all(), target, _step(request))
    return redirect(_detail_url(movement) + "#chi-tieu")


# Attachments -------------------------------------------------------------------------------
@movement_manager()
@require_http_methods(["GET", "POST"])
def attachment_upload(request, movement):
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        original = upload.name.rsplit("/", 1)[-1]
        stem = original[:-4] if original.lower().endswith(".pdf") else original
        # Stored under a plain ASCII name; the title keeps the Vietnamese one.
        upload.name = f"{movement.pk}-{slugify(fold(stem))[:80] or 'van-ban'}.pdf"
        Attachment.objects.create(movement=movement, file=upload, uploaded_by=request.user,
                                  title=form.cleaned_data["title"] or stem)
        messages.success(request, "Đã tải lên tệp đính kèm.")
        return redirect(_detail_url(movement) + "#tep")
    return _item_page(request, movement, form, title="Tải lên văn bản (PDF)", submit="Tải lên",
                      multipart=True,
                      intro="Bản PDF của kế hoạch đã ký (hoặc văn bản kèm theo).")


@login_required
def attachment_download(request, pk, item_pk):
    """The file through a scoped view: media files are never served by a public URL."""
    movement = visible_or_404(request.user, pk)
    attachment = get_object_or_404(movement.attachments, pk=item_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy tệp.") from exc
    return FileResponse(handle, as_attachment=True, content_type="application/pdf",
                        filename=f"{attachment.title[:120]}.pdf")


@movement_manager()
@require_http_methods(["GET", "POST"])
def attachment_delete(request, movement, item_pk):
    attachment = get_object_or_404(movement.attachments, pk=item_pk)
    if request.method == "POST":
        attachment.file.delete(save=False)
        attachment.delete()
        messages.success(request, f"Đã xóa tệp “{attachment.title}”.")
        return redirect(_detail_url(movement) + "#tep")
    return _confirm_delete(request, movement, title=f"Xóa tệp “{attachment.title}”?",
                           lines=["Tệp bị xóa hẳn khỏi hệ thống."])


urlpatterns = [
    path("", movement_list, name="list"),
    path("xuat-excel/", movement_list_export, name="list_export"),
    path("tao-moi/", movement_create, name="create"),
    path("<int:pk>/", movement_detail, name="detail"),
    path("<int:pk>/sua/", movement_edit, name="edit"),
    path("<int:pk>/phat-dong/", movement_launch, name="launch"),
    path("<int:pk>/ket-thuc/", movement_close, name="close"),
    path("<int:pk>/mo-lai/", movement_reopen, name="reopen"),
    path("<int:pk>/noi-dung/them/", content_add, name="content_add"),
    path("<int:pk>/noi-dung/<int:item_pk>/sua/", content_edit, name="content_edit"),
    path("<int:pk>/noi-dung/<int:item_pk>/xoa/", content_delete, name="content_delete"),
    path("<int:pk>/noi-dung/<int:item_pk>/chuyen/", content_move, name="content_move"),
    path("<int:pk>/moc/them/", milestone_add, name="milestone_add"),
    path("<int:pk>/moc/<int:item_pk>/sua/", milestone_edit, name="milestone_edit"),
    path("<int:pk>/moc/<int:item_pk>/xoa/", milestone_delete, name="milestone_delete"),
    path("<int:pk>/chi-tieu/them/", target_add, name="target_add"),
    path("<int:pk>/chi-tieu/<int:item_pk>/sua/", target_edit, name="target_edit"),
    path("<int:pk>/chi-tieu/<int:item_pk>/xoa/", target_delete, name="target_delete"),
    path("<int:pk>/chi-tieu/<int:item_pk>/chuyen/", target_move, name="target_move"),
    path("<int:pk>/tep/tai-len/", attachment_upload, name="attachment_upload"),
    path("<int:pk>/tep/<int:item_pk>/", attachment_download, name="attachment_download"),
    path("<int:pk>/tep/<int:item_pk>/xoa/", attachment_delete, name="attachment_delete"),
]
