"""Screens of the facts a movement is measured on: practices, exemplars, unit
reports and hand-entered values.

Every object comes through the scoping helper: another unit's record answers
404 like a missing id; pages that change something fetch with the roles that
may change it, so an observer gets 404 there while reading everything else.
Pages without an object (the practice list, the reports owed) answer 403 to
users holding no reading role anywhere.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.views.decorators.http import require_http_methods, require_POST

from thidua.core import http, scoping, xlsx
from thidua.core.roles import READ_ROLES
from thidua.movements import domain, export, facts, reminders
from thidua.movements.forms_facts import (
    BoardFilterForm,
    ExemplarForm,
    ManualValueForm,
    PracticeFilterForm,
    PracticeForm,
    RecogniseForm,
    ReportFilterForm,
    ReportForm,
)
from thidua.movements.models import (
    Exemplar,
    ManualValue,
    Milestone,
    Movement,
    Practice,
    Target,
    UnitReport,
)
from thidua.movements.queries import visible_movements
from thidua.org.models import Unit

AUTOMATIC_TARGET = "Chỉ tiêu này được tính tự động, không nhập tay."


# Shared helpers ------------------------------------------------------------------------

def _require_role(user, roles) -> None:
    """Pages without an object: 403 for a user holding none of ``roles`` anywhere."""
    if not scoping.roles_of(user) & set(roles):
        raise PermissionDenied("Bạn không có quyền xem trang này.")


def _movement_or_404(request, pk) -> Movement:
    movements = visible_movements(request.user).select_related("issuing_unit", "scope_unit")
    return get_object_or_404(movements, pk=pk)


def _overseen_movement_or_404(request, pk) -> Movement:
    """A movement whose every unit's facts the user reads (its issuing unit's readers)."""
    movement = _movement_or_404(request, pk)
    if not facts.oversees(request.user, movement):
        raise Http404("Không tìm thấy.")
    return movement


def _managed_movement_or_404(request, pk) -> Movement:
    movement = _movement_or_404(request, pk)
    if not facts.manages(request.user, movement):
        raise Http404("Không tìm thấy.")
    return movement


def movement_url(movement: Movement) -> str | None:
    """The movement's own page (another screen module), when it exists."""
    try:
        return reverse("movements:detail", args=[movement.pk])
    except NoReverseMatch:
        return None


def _crumbs(movement: Movement | None, *trail) -> list[tuple[str, str | None]]:
    crumbs = [("Phong trào thi đua", reverse("movements:list"))]
    if movement is not None:
        crumbs.append((movement.document_number, movement_url(movement)))
    return [*crumbs, *trail]


def _page(request, queryset, per_page: int = 30):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _download(field_file):
    """Serve a stored file as an attachment — only ever after a scoped fetch."""
    if not field_file:
        raise Http404("Không có tệp.")
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp không còn trên máy chủ.") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePosixPath(field_file.name).name)




def _form_errors(form, exc: ValidationError | PermissionDenied) -> None:
    """A rule refused the change: show its message above the form."""
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        form.add_error(None, text)


def _form_page(request, form, *, title, submit, cancel_url, breadcrumbs, template, **extra):
    return render(request, f"movements/{template}", {
        "form": form, "title": title, "submit": submit, "cancel_url": cancel_url,
        "breadcrumbs": breadcrumbs, **extra,
    })


# Practices -----------------------------------------------------------------------------

def practices_shown(request, movement_pk=None):
    """The practice list's movement (404 outside the user's view; without one, 403 for a
    user reading nothing), filter form, filters and practices — for the page and its export."""
    movement = _movement_or_404(request, movement_pk) if movement_pk else None
    if movement is None:
        _require_role(request.user, READ_ROLES)
    practices = scoping.scope(Practice.objects.select_related("unit", "movement"),
                              request.user, READ_ROLES)
    if movement is not None:
        practices = practices.filter(movement=movement)
    form = PracticeFilterForm(request.GET or None, user=request.user)
    chosen = form.filters()
    practices = facts.filter_practices(practices, **chosen).order_by("-started_on", "pk")
    return movement, form, chosen, practices


@login_required
def practice_list(request, movement_pk=None):
    """Practices of a movement, or of every unit the user reads, with filters and search."""
    movement, form, chosen, practices = practices_shown(request, movement_pk)
    if movement is None:
        can_register = bool(scoping.roles_of(request.user) & domain.REGISTER_ROLES)
    else:
        can_register = (movement.state == "launched"
                        and _entry_units(request.user, movement).exists())
    title = "Mô hình, cách làm hay"
    return render(request, "movements/practice_list.html", {
        "movement": movement, "form": form, "page_obj": _page(request, practices),
        "filtered": any(chosen.values()) or bool(form.errors), "can_register": can_register,
        "title": title,
        "breadcrumbs": _crumbs(movement, (title, None)),
    })


@login_required
def practice_export(request, movement_pk=None):
    movement, form, _chosen, practices = practices_shown(request, movement_pk)
    pairs = xlsx.form_filters(form, labels={"q": "Tìm", "unit": "Đơn vị (gồm cấp dưới)"})
    workbook = export.practices_workbook(practices, movement, xlsx.filters_line(pairs))
    stem = f"mo-hinh-{movement.document_number}" if movement else "mo-hinh-cach-lam-hay"
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(stem))


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request, movement_pk=None):
    movement = _movement_or_404(request, movement_pk) if movement_pk else None
    if movement is None:
        _require_role(request.user, domain.REGISTER_ROLES)
    else:
        try:
            facts.require_launched(movement)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("movements:movement_practices", movement.pk)
    form = PracticeForm(request.POST or None, request.FILES or None, user=request.user,
                        movement=movement)
    if not form.fields["unit"].queryset.exists():
        if movement is not None:
            raise Http404("Không tìm thấy.")
        raise PermissionDenied("Bạn không phụ trách đơn vị nào đang hoạt động.")
    if request.method == "POST" and not http.upload_refused(request, form, "evidence") \
            and form.is_valid():
        data = form.cleaned_data
        try:
            practice = facts.register_practice(
                request.user, unit=data["unit"], movement=data["movement"], name=data["name"],
                field=data["field"], description=data["description"],
                started_on=data["started_on"], evidence=data["evidence"])
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Đã đăng ký mô hình “{practice.name}” của "
                                      f"{practice.unit.name}.")
            return redirect("movements:practice_detail", practice.pk)
    back = (reverse("movements:movement_practices", args=[movement.pk]) if movement
            else reverse("movements:practice_list"))
    return _form_page(
        request, form, title="Đăng ký mô hình, cách làm hay", submit="Đăng ký mô hình",
        cancel_url=back, template="practice_form.html",
        breadcrumbs=_crumbs(movement, ("Mô hình, cách làm hay", back), ("Đăng ký", None)))


@login_required
def practice_detail(request, pk):
    practice = get_object_or_404(
        scoping.scope(Practice.objects.select_related("unit", "movement__issuing_unit",
                                                      "created_by"), request.user, READ_ROLES),
        pk=pk)
    return render(request, "movements/practice_detail.html", {
        "practice": practice,
        "can_recognise": facts.recognise_refusal(request.user, practice) is None,
        "breadcrumbs": _crumbs(practice.movement, ("Mô hình, cách làm hay", _practices_url(
            practice)), (practice.name, None)),
    })


def _practices_url(practice: Practice) -> str:
    if practice.movement_id:
        return reverse("movements:movement_practices", args=[practice.movement_id])
    return reverse("movements:practice_list")


@login_required
def practice_evidence(request, pk):
    practice = get_object_or_404(scoping.scope(Practice, request.user, READ_ROLES), pk=pk)
    return _download(practice.evidence)


@login_required
@require_http_methods(["GET", "POST"])
def practice_recognise(request, pk):
    """Confirm, then recognise a practice as effective — the movement's secretariat only."""
    practice = get_object_or_404(
        scoping.scope(Practice.objects.select_related("unit", "movement__issuing_unit"),
                      request.user, READ_ROLES), pk=pk)
    refusal = facts.recognise_refusal(request.user, practice)
    if refusal:
        messages.error(request, refusal)
        return redirect("movements:practice_detail", practice.pk)
    form = RecogniseForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        replicate = form.cleaned_data["replicate"]
        try:
            facts.recognise(request.user, practice, on=form.cleaned_data["recognised_on"],
                            replicate=replicate)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            extra = ", chọn để nhân rộng" if replicate else ""
            messages.success(request, f"Đã công nhận mô hình “{practice.name}” là mô hình hiệu "
                                      f"quả{extra}.")
            return redirect("movements:practice_detail", practice.pk)
    return render(request, "movements/practice_recognise.html", {
        "practice": practice, "form": form,
        "breadcrumbs": _crumbs(practice.movement, (practice.name, reverse(
            "movements:practice_detail", args=[practice.pk])), ("Công nhận", None)),
    })


# Exemplars -----------------------------------------------------------------------------

def exemplars_shown(request, movement_pk):
    """The movement (404 outside the user's view) and its exemplars in the user's subtrees."""
    movement = _movement_or_404(request, movement_pk)
    exemplars = scoping.scope(
        Exemplar.objects.filter(movement=movement).select_related("unit", "person"),
        request.user, READ_ROLES).order_by("-marked_on", "pk")
    return movement, exemplars


@login_required
def exemplar_list(request, movement_pk):
    movement, exemplars = exemplars_shown(request, movement_pk)
    title = "Điển hình tiên tiến"
    return render(request, "movements/exemplar_list.html", {
        "movement": movement, "page_obj": _page(request, exemplars, 50), "title": title,
        "can_mark": facts.manages(request.user, movement) and movement.state == "launched",
        "breadcrumbs": _crumbs(movement, (title, None)),
    })


@login_required
def exemplar_export(request, movement_pk):
    movement, exemplars = exemplars_shown(request, movement_pk)
    return xlsx.xlsx_response(export.exemplars_workbook(movement, exemplars),
                              xlsx.dated_filename(f"dien-hinh-{movement.document_number}"))


@login_required
@require_http_methods(["GET", "POST"])
def exemplar_create(request, movement_pk):
    movement = _managed_movement_or_404(request, movement_pk)
    back = reverse("movements:exemplar_list", args=[movement.pk])
    try:
        facts.require_launched(movement)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(back)
    form = ExemplarForm(request.POST or None, user=request.user, movement=movement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exemplar = facts.mark_exemplar(request.user, movement, unit=data["unit"],
                                           person=data["person"], citation=data["citation"],
                                           marked_on=data["marked_on"])
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Đã ghi nhận {exemplar} là điển hình tiên tiến.")
            return redirect(back)
    return _form_page(
        request, form, title="Ghi nhận điển hình tiên tiến", submit="Ghi nhận",
        cancel_url=back, template="exemplar_form.html", movement=movement,
        breadcrumbs=_crumbs(movement, ("Điển hình tiên tiến", back), ("Ghi nhận", None)))


# Unit reports --------------------------------------------------------------------------

def _with_status(reports, user, today):
    """Status and the submit permission of each report of a page (no query per row)."""
    for report in reports:
        report.status = facts.report_status(report, today)
        report.days_late = facts.days_late(report, today)
        report.can_submit = (report.milestone.movement.state == "launched"
                             and scoping.covers(user, report.unit.path, domain.REGISTER_ROLES))
    return reports


def reports_owed(request):
    """The filter form, its filters and the reports "Báo cáo phải nộp" lists (403 for a
    user reading nothing) — for the page and its export."""
    _require_role(request.user, READ_ROLES)
    form = ReportFilterForm(request.GET or None)
    chosen = form.filters()
    reports = scoping.scope(
        UnitReport.objects.filter(milestone__movement__state="launched")
        .select_related("milestone__movement", "unit"), request.user, READ_ROLES)
    if chosen["status"] == form.SUBMITTED:
        reports = reports.filter(submitted_at__isnull=False)
    elif chosen["status"] != form.ALL:
        reports = reports.filter(submitted_at__isnull=True)
    if chosen["milestone"]:
        reports = reports.filter(milestone_id=chosen["milestone"])
    return form, chosen, reports.order_by("milestone__due_on", "unit__path", "pk")


@login_required
def report_owed(request):
    """"Báo cáo phải nộp": the reports the user's units owe for launched movements."""
    form, _chosen, reports = reports_owed(request)
    page = _page(request, reports, 50)
    _with_status(page.object_list, request.user, timezone.localdate())
    title = "Báo cáo phải nộp"
    return render(request, "movements/report_owed.html", {
        "form": form, "page_obj": page, "title": title,
        "breadcrumbs": _crumbs(None, (title, None)),
    })


@login_required
def report_owed_export(request):
    form, chosen, reports = reports_owed(request)
    pairs = xlsx.form_filters(form, always=["status"], skip=["moc"])
    if chosen["milestone"]:
        milestone = Milestone.objects.filter(
            pk=chosen["milestone"], movement__in=visible_movements(request.user)).first()
        pairs.append(("Mốc", milestone.title if milestone else "không tìm thấy"))
    workbook = export.reports_owed_workbook(reports, timezone.localdate(),
                                            xlsx.filters_line(pairs))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename("bao-cao-phai-nop"))


def _report_queryset():
    return UnitReport.objects.select_related("milestone__movement", "unit", "submitted_by")


@login_required
def report_detail(request, pk):
    report = get_object_or_404(scoping.scope(_report_queryset(), request.user, READ_ROLES), pk=pk)
    _with_status([report], request.user, timezone.localdate())
    movement = report.milestone.movement
    return render(request, "movements/report_detail.html", {
        "report": report, "movement": movement,
        "breadcrumbs": _crumbs(movement, ("Báo cáo phải nộp", reverse("movements:report_owed")),
                               (f"{report.milestone.title} — {report.unit.name}", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request, pk):
    report = get_object_or_404(scoping.scope(_report_queryset(), request.user,
                                             domain.REGISTER_ROLES), pk=pk)
    milestone, movement = report.milestone, report.milestone.movement
    detail = reverse("movements:report_detail", args=[report.pk])
    try:
        facts.require_launched(movement)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(detail)
    form = ReportForm(request.POST or None, request.FILES or None, report=report)
    if request.method == "POST" and not http.upload_refused(request, form, "file") and form.is_valid():
        try:
            domain.submit_report(request.user, report, text=form.cleaned_data["text"],
                                 file=form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _submitted_message(report))
            return redirect(detail)
    return _form_page(
        request, form, title=f"Nộp báo cáo: {milestone.title}", submit="Nộp báo cáo",
        cancel_url=detail, template="report_form.html", report=report,
        today=timezone.localdate(),
        breadcrumbs=_crumbs(movement, ("Báo cáo phải nộp", reverse("movements:report_owed")),
                            ("Nộp báo cáo", None)))


def _submitted_message(report: UnitReport) -> str:
    due = report.milestone.due_on
    when = ("đúng hạn" if report.on_time
            else f"muộn {facts.days_late(report, timezone.localdate())} ngày so với hạn "
                 f"{due:%d/%m/%Y}")
    return f"Đã nộp báo cáo “{report.milestone.title}” của {report.unit.name} ({when})."


@login_required
def report_file(request, pk):
    report = get_object_or_404(scoping.scope(UnitReport, request.user, READ_ROLES), pk=pk)
    return _download(report.file)


@login_required
def report_milestones(request, movement_pk):
    """The milestones of a movement that ask for reports, with how many came in.

    The counts cover the whole scope: only readers of the issuing unit, whose
    subtree holds the scope, reach this page.
    """
    movement = _overseen_movement_or_404(request, movement_pk)
    submitted = Q(reports__submitted_at__isnull=False)
    milestones = movement.milestones.filter(requires_report=True).annotate(
        total=Count("reports"), submitted=Count("reports", filter=submitted),
        on_time=Count("reports", filter=submitted & Q(
            reports__submitted_at__date__lte=F("due_on"))),
    ).order_by("due_on", "pk")
    milestones = list(milestones)
    for milestone in milestones:
        milestone.missing = milestone.total - milestone.submitted
    title = "Báo cáo sơ kết, tổng kết"
    return render(request, "movements/report_milestones.html", {
        "movement": movement, "milestones": milestones, "today": timezone.localdate(),
        "title": title, "breadcrumbs": _crumbs(movement, (title, None)),
    })


def board_reports(request, movement_pk, milestone_pk, today):
    """The milestone board's movement and milestone (404 unless the user reads the whole
    movement), the milestone's reports in the user's subtrees, the filter form and the
    reports it shows — for the page and its export."""
    movement = _overseen_movement_or_404(request, movement_pk)
    milestone = get_object_or_404(movement.milestones.filter(requires_report=True),
                                  pk=milestone_pk)
    reports = scoping.scope(UnitReport.objects.filter(milestone=milestone), request.user,
                            READ_ROLES)
    form = BoardFilterForm(request.GET or None)
    shown = (reports.filter(facts.status_q(form.chosen(), milestone, today))
             .select_related("unit", "submitted_by").order_by("unit__path", "pk"))
    return movement, milestone, reports, form, shown


@login_required
def report_board(request, movement_pk, milestone_pk):
    """Every unit's report for one milestone: not in, on time, late; overdue first to see."""
    today = timezone.localdate()
    movement, milestone, reports, form, shown = board_reports(request, movement_pk,
                                                              milestone_pk, today)
    counts = facts.report_counts(reports, milestone)
    page = _page(request, shown, 100)
    for report in page.object_list:
        report.milestone = milestone
        report.milestone.movement = movement
    _with_status(page.object_list, request.user, today)
    back = reverse("movements:report_milestones", args=[movement.pk])
    return render(request, "movements/report_board.html", {
        "movement": movement, "milestone": milestone, "counts": counts, "form": form,
        "page_obj": page, "today": today, "overdue": today > milestone.due_on,
        "can_remind": (facts.manages(request.user, movement) and movement.state == "launched"
                       and counts["pending"] > 0),
        "breadcrumbs": _crumbs(movement, ("Báo cáo sơ kết, tổng kết", back),
                               (milestone.title, None)),
    })


@login_required
def report_board_export(request, movement_pk, milestone_pk):
    today = timezone.localdate()
    movement, milestone, _reports, form, shown = board_reports(request, movement_pk,
                                                               milestone_pk, today)
    workbook = export.report_board_workbook(movement, milestone, shown, today,
                                            xlsx.filters_line(xlsx.form_filters(form)))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(
        f"bao-cao-{movement.document_number}-{milestone.title}"))


@login_required
@require_POST
def report_remind(request, movement_pk, milestone_pk):
    """Remind now the units of one milestone that have not sent their report."""
    movement = _managed_movement_or_404(request, movement_pk)
    milestone = get_object_or_404(movement.milestones.filter(requires_report=True),
                                  pk=milestone_pk)
    board = reverse("movements:report_board", args=[movement.pk, milestone.pk])
    if movement.state != "launched":
        messages.error(request, "Phong trào không còn triển khai: không gửi nhắc nhở.")
        return redirect(board)
    result = reminders.remind_milestone(milestone, timezone.localdate())
    if result.sent:
        messages.success(request, f"Đã gửi nhắc nhở tới {result.sent} người phụ trách của "
                                  f"{result.units} đơn vị chưa nộp báo cáo.")
    elif result.users:
        messages.info(request, "Hôm nay các đơn vị này đã được nhắc; không gửi lại.")
    else:
        messages.warning(request, "Các đơn vị chưa nộp chưa có lãnh đạo hoặc văn phòng được "
                                  "phân quyền trực tiếp, nên chưa có ai để nhắc.")
    return redirect(board)


# Manual values -------------------------------------------------------------------------

def _target_or_404(request, pk) -> Target:
    targets = Target.objects.filter(movement__in=visible_movements(request.user))
    return get_object_or_404(targets.select_related("movement__issuing_unit",
                                                    "movement__scope_unit"), pk=pk)


def _entry_units(user, movement: Movement):
    """Units of the movement's scope for which ``user`` may enter values."""
    units = Unit.objects.filter(is_active=True, path__startswith=movement.scope_unit.path)
    return scoping.scope(units, user, domain.REGISTER_ROLES).order_by("path")


@login_required
def manual_targets(request, movement_pk):
    """The targets of a movement measured by values the units enter."""
    movement = _movement_or_404(request, movement_pk)
    readable = scoping.subtree_q(request.user, READ_ROLES, field="manual_values__unit__path")
    targets = movement.targets.filter(indicator="manual").annotate(
        value_count=Count("manual_values", filter=readable)).order_by("order", "pk")
    title = "Số liệu đơn vị nhập"
    return render(request, "movements/manual_targets.html", {
        "movement": movement, "targets": targets, "title": title,
        "can_enter": movement.state == "launched"
        and _entry_units(request.user, movement).exists(),
        "breadcrumbs": _crumbs(movement, (title, None)),
    })


def manual_values_shown(request, target_pk):
    """The target (404 outside the user's movements) and the values entered for it in the
    user's subtrees — for the page and its export."""
    target = _target_or_404(request, target_pk)
    values = scoping.scope(
        ManualValue.objects.filter(target=target).select_related("unit", "entered_by"),
        request.user, READ_ROLES).order_by("-measured_on", "unit__path", "pk")
    return target, values


@login_required
def manual_list(request, target_pk):
    target, values = manual_values_shown(request, target_pk)
    movement = target.movement
    return render(request, "movements/manual_list.html", {
        "target": target, "movement": movement, "page_obj": _page(request, values, 50),
        "automatic": target.indicator != "manual", "automatic_message": AUTOMATIC_TARGET,
        "can_enter": (target.indicator == "manual" and movement.state == "launched"
                      and _entry_units(request.user, movement).exists()),
        "breadcrumbs": _crumbs(movement, ("Số liệu đơn vị nhập", reverse(
            "movements:manual_targets", args=[movement.pk])), (target.wording[:60], None)),
    })


@login_required
def manual_export(request, target_pk):
    target, values = manual_values_shown(request, target_pk)
    return xlsx.xlsx_response(
        export.manual_values_workbook(target, values),
        xlsx.dated_filename(f"so-lieu-{target.movement.document_number}-chi-tieu-{target.pk}"))


def _entry_blocked(target: Target) -> str | None:
    """Why no value can be entered for ``target`` now."""
    if target.indicator != "manual":
        return AUTOMATIC_TARGET
    try:
        facts.require_launched(target.movement)
    except ValidationError as exc:
        return exc.messages[0]
    return None


@login_required
@require_http_methods(["GET", "POST"])
def manual_create(request, target_pk):
    target = _target_or_404(request, target_pk)
    movement = target.movement
    units = _entry_units(request.user, movement)
    if not units.exists():
        raise Http404("Không tìm thấy.")
    back = reverse("movements:manual_list", args=[target.pk])
    blocked = _entry_blocked(target)
    form = None if blocked else ManualValueForm(request.POST or None, request.FILES or None,
                                                units=units, target=target)
    if form is not None and request.method == "POST" \
            and not http.upload_refused(request, form, "evidence") and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        if not data.get("evidence"):
            data.pop("evidence", None)  # keep the evidence already on file
        try:
            value = domain.enter_manual_value(request.user, target, unit, **data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Đã ghi số liệu {number_format(value.value)} của "
                                      f"{unit.name} ngày {value.measured_on:%d/%m/%Y}.")
            return redirect(back)
    return _form_page(
        request, form, title=f"Nhập số liệu: {target.wording[:80]}", submit="Ghi số liệu",
        cancel_url=back, template="manual_form.html", target=target, blocked=blocked,
        breadcrumbs=_crumbs(movement, ("Số liệu đơn vị nhập", back), ("Nhập số liệu", None)))


@login_required
def manual_evidence(request, pk):
    value = get_object_or_404(scoping.scope(ManualValue, request.user, READ_ROLES), pk=pk)
    return _download(value.evidence)


urlpatterns = [
    path("mo-hinh/", practice_list, name="practice_list"),
    path("mo-hinh/dang-ky/", practice_create, name="practice_create"),
    path("mo-hinh/xuat-excel/", practice_export, name="practice_export"),
    path("mo-hinh/<int:pk>/", practice_detail, name="practice_detail"),
    path("mo-hinh/<int:pk>/minh-chung/", practice_evidence, name="practice_evidence"),
    path("mo-hinh/<int:pk>/cong-nhan/", practice_recognise, name="practice_recognise"),
    path("<int:movement_pk>/mo-hinh/", practice_list, name="movement_practices"),
    path("<int:movement_pk>/mo-hinh/dang-ky/", practice_create, name="movement_practice_create"),
    path("<int:movement_pk>/mo-hinh/xuat-excel/", practice_export,
         name="movement_practices_export"),
    path("<int:movement_pk>/dien-hinh/", exemplar_list, name="exemplar_list"),
    path("<int:movement_pk>/dien-hinh/ghi-nhan/", exemplar_create, name="exemplar_create"),
    path("<int:movement_pk>/dien-hinh/xuat-excel/", exemplar_export, name="exemplar_export"),
    path("bao-cao/", report_owed, name="report_owed"),
    path("bao-cao/xuat-excel/", report_owed_export, name="report_owed_export"),
    path("bao-cao/<int:pk>/", report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/nop/", report_submit, name="report_submit"),
    path("bao-cao/<int:pk>/tep/", report_file, name="report_file"),
    path("<int:movement_pk>/bao-cao/", report_milestones, name="report_milestones"),
    path("<int:movement_pk>/bao-cao/<int:milestone_pk>/", report_board, name="report_board"),
    path("<int:movement_pk>/bao-cao/<int:milestone_pk>/nhac/", report_remind,
         name="report_remind"),
    path("<int:movement_pk>/bao-cao/<int:milestone_pk>/xuat-excel/", report_board_export,
         name="report_board_export"),
    path("<int:movement_pk>/so-lieu/", manual_targets, name="manual_targets"),
    path("chi-tieu/<int:target_pk>/so-lieu/", manual_list, name="manual_list"),
    path("chi-tieu/<int:target_pk>/so-lieu/nhap/", manual_create, name="manual_create"),
    path("chi-tieu/<int:target_pk>/so-lieu/xuat-excel/", manual_export, name="manual_export"),
    path("so-lieu/<int:pk>/minh-chung/", manual_evidence, name="manual_evidence"),
]
