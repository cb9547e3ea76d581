"""Staff screens: a unit's desks, a desk's officials, the printable QR sheet, the
month's results of a unit's desks, and the results over a unit's subtree for a
month or a range of months (with its .xlsx export). Comments of citizens are
shown only to the leaders, office and admins over the rated unit.

Units and desks are reached through the scoping helper with the reading
roles (another unit's id answers 404); changes go through
:mod:`thidua.feedback.domain`, which lets only admins and the secretariat act.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl.utils import get_column_letter

from thidua.core import scoping, xlsx
from thidua.core.roles import READ_ROLES
from thidua.feedback import domain, results
from thidua.feedback.forms import YEAR_MAX, YEAR_MIN, AssignForm, DeskForm, MonthRangeForm
from thidua.feedback.models import DEFAULT_REASONS, DeskOfficial, ServiceDesk
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit

UNITS_PAGE_SIZE = 50


def _unit(request, unit_pk: int) -> Unit:
    return scoping.get_scoped_or_404(Unit.objects.all(), request.user, READ_ROLES, pk=unit_pk)


def _desk(request, pk: int) -> ServiceDesk:
    return scoping.get_scoped_or_404(ServiceDesk.objects.select_related("unit"), request.user,
                                     READ_ROLES, pk=pk)


def _crumbs(unit: Unit, *tail):
    return [("Đánh giá hài lòng", reverse("feedback:index")), (unit.name, reverse("feedback:desks", args=[unit.pk])),
            *tail]


def _parse_month(text: str | None) -> date:
    if not text:
        today = timezone.localdate()
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        value = date(year, month, 1)
    except (TypeError, ValueError) as exc:
        raise Http404("Không tìm thấy.") from exc
    if not YEAR_MIN <= year <= YEAR_MAX:  # beyond them the month's bounds overflow
        raise Http404("Không tìm thấy.")
    return value


@login_required
def index(request):
    """The units in the user's scope with how many desks each has (paginated)."""
    units = (scoping.scope(Unit.objects.filter(is_active=True), request.user, READ_ROLES)
             .select_related("kind").annotate(desk_count=Count("service_desks"))
             .order_by("path"))
    page = Paginator(units, UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/index.html", {
        "page_obj": page, "units": page.object_list,
        "breadcrumbs": [("Đánh giá hài lòng", None)]})


@login_required
def desks(request, unit_pk: int):
    unit = _unit(request, unit_pk)
    rows = list(ServiceDesk.objects.filter(unit=unit).order_by("name"))
    return render(request, "feedback/desks.html", {
        "unit": unit, "desks": rows, "may_manage": domain.may_manage(request.user, unit),
        "breadcrumbs": _crumbs(unit)})


def _desk_form(request, unit: Unit, desk: ServiceDesk):
    if request.method == "POST":
        form = DeskForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                domain.save_desk(desk, request.user, name=data["name"], scale=data["scale"],
                                 reasons=data["reasons"], is_active=data["is_active"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"Đã lưu quầy “{desk.name}”.")
                return redirect("feedback:desk", desk.pk)
    else:
        form = DeskForm(initial={
            "name": desk.name, "scale": desk.scale, "is_active": desk.is_active,
            "reasons": "\n".join(desk.reasons or DEFAULT_REASONS)})
    title = "Sửa quầy" if desk.pk else "Thêm quầy tiếp nhận"
    return render(request, "feedback/desk_form.html", {
        "unit": unit, "desk": desk, "form": form, "title": title,
        "breadcrumbs": _crumbs(unit, (title, None))})


@login_required
@require_http_methods(["GET", "POST"])
def desk_create(request, unit_pk: int):
    unit = _unit(request, unit_pk)
    if not domain.may_manage(request.user, unit):
        raise PermissionDenied(domain.NOT_A_MANAGER)
    return _desk_form(request, unit, ServiceDesk(unit=unit))


@login_required
@require_http_methods(["GET", "POST"])
def desk_edit(request, pk: int):
    desk = _desk(request, pk)
    if not domain.may_manage(request.user, desk.unit):
        raise PermissionDenied(domain.NOT_A_MANAGER)
    return _desk_form(request, desk.unit, desk)


def _people(unit: Unit):
    return (Person.objects.filter(unit__path__startswith=unit.path, status=PersonStatus.ACTIVE)
            .order_by("full_name"))


@login_required
@require_http_methods(["GET", "POST"])
def desk_detail(request, pk: int):
    """The desk with its officials; POST assigns one (managers only)."""
    desk = _desk(request, pk)
    manager = domain.may_manage(request.user, desk.unit)
    form = AssignForm(request.POST or None, people=_people(desk.unit))
    if request.method == "POST":
        if not manager:
            raise PermissionDenied(domain.NOT_A_MANAGER)
        if form.is_valid():
            try:
                official = domain.assign_official(desk, request.user, form.cleaned_data["person"])
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, f"Đã phân công {official.person.full_name} tại quầy.")
                return redirect("feedback:desk", desk.pk)
    officials = list(desk.officials.select_related("person").order_by("person__full_name"))
    return render(request, "feedback/desk_detail.html", {
        "desk": desk, "unit": desk.unit, "officials": officials, "form": form,
        "may_manage": manager, "public_url": _public_url(request, desk.token),
        "breadcrumbs": _crumbs(desk.unit, (desk.name, None))})


@login_required
@require_POST
def official_toggle(request, pk: int):
    official = scoping.get_scoped_or_404(
        DeskOfficial.objects.select_related("desk__unit", "person"), request.user, READ_ROLES,
        pk=pk)
    try:
        domain.set_official_active(official, request.user, not official.is_active)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        state = "trở lại làm việc tại" if official.is_active else "thôi làm việc tại"
        messages.success(request, f"{official.person.full_name} {state} quầy.")
    return redirect("feedback:desk", official.desk_id)


def _public_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("feedback:rate", args=[token]))


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=5, title="Mã QR đánh giá"))  # noqa: S308 (segno's own markup, the URL is ours)


@login_required
def desk_qr(request, pk: int):
    """A printable sheet: the desk's code, then one card per official at work."""
    desk = _desk(request, pk)
    cards = [{"title": desk.name, "subtitle": desk.unit.name, "url": _public_url(request, desk.token),
              "person": None}]
    for official in (desk.officials.filter(is_active=True).select_related("person")
                     .order_by("person__full_name")):
        cards.append({"title": official.person.full_name, "subtitle": desk.name,
                      "url": _public_url(request, official.token), "person": official.person})
    for card in cards:
        card["svg"] = _qr_svg(card["url"])
    return render(request, "feedback/desk_qr.html", {"desk": desk, "cards": cards})


@login_required
def month_results(request, unit_pk: int):
    unit = _unit(request, unit_pk)
    month = _parse_month(request.GET.get("thang"))
    show_comments = scoping.covers(request.user, unit.path, results.COMMENT_ROLES)
    rows = results.month_results(unit, month, comments=show_comments)
    return render(request, "feedback/results.html", {
        "unit": unit, "month": month, "rows": rows, "show_comments": show_comments,
        "month_key": f"{month.year:04d}-{month.month:02d}",
        "breadcrumbs": _crumbs(unit, (f"Kết quả tháng {month.month:02d}/{month.year}", None))})


# Results over a subtree ---------------------------------------------------------------------
def _subtree(request, unit_pk: int, *, comment_limit):
    unit = _unit(request, unit_pk)
    today = timezone.localdate().replace(day=1)
    form = MonthRangeForm(request.GET or None, default=today)
    if form.is_bound and not form.is_valid():
        return unit, form, None
    first, last = (form.cleaned_data["first"], form.cleaned_data["last"]) if form.is_bound \
        else (today, today)
    found = results.subtree_results(unit, first, last, request.user,
                                    comment_limit=comment_limit)
    return unit, form, found


def _month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


@login_required
@require_GET
def subtree_results(request, unit_pk: int):
    """Every desk under a unit: per child unit, per official, reasons and comments."""
    unit, form, found = _subtree(request, unit_pk, comment_limit=results.COMMENTS_SHOWN)
    context = {"unit": unit, "form": form, "found": found,
               "breadcrumbs": _crumbs(unit, ("Kết quả tổng hợp", None))}
    if found is not None:
        context.update({
            "first_key": _month_key(found.first), "last_key": _month_key(found.last),
            "reasons": found.total.reason_rows(),
            "export_url": reverse("feedback:subtree_export", args=[unit.pk]) + "?"
            + urlencode({"tu": _month_key(found.first), "den": _month_key(found.last)})})
    else:
        context.update({"first_key": request.GET.get("tu", ""),
                        "last_key": request.GET.get("den", "")})
    return render(request, "feedback/subtree.html", context)


def _rate_fraction(tally: results.Tally):
    return None if not tally.count else tally.satisfied / tally.count


def _reasons_text(tally: results.Tally) -> str:
    return "; ".join(f"{reason}: {n}" for reason, n in tally.reason_rows())


OFFICIAL_COLUMNS = [
    xlsx.Column("Đơn vị của cán bộ", 32), xlsx.Column("Cán bộ", 26), xlsx.Column("Quầy", 30),
    xlsx.Column("Lượt đánh giá", 12, xlsx.INTEGER), xlsx.Column("Hài lòng", 10, xlsx.INTEGER),
    xlsx.Column("Tỷ lệ hài lòng", 12, xlsx.PERCENT),
    xlsx.Column("Lý do chưa hài lòng", 50, wrap=True),
]
BRANCH_COLUMNS = [xlsx.Column("Đơn vị", 40), xlsx.Column("Lượt đánh giá", 12, xlsx.INTEGER),
                  xlsx.Column("Hài lòng", 10, xlsx.INTEGER),
                  xlsx.Column("Tỷ lệ hài lòng", 12, xlsx.PERCENT)]
REASON_COLUMNS = [xlsx.Column("Lý do chưa hài lòng", 40), xlsx.Column("Số lượt", 10, xlsx.INTEGER)]
COMMENT_COLUMNS = [xlsx.Column("Thời gian", 16, xlsx.DATETIME), xlsx.Column("Đơn vị", 30),
                   xlsx.Column("Quầy", 26), xlsx.Column("Cán bộ", 24),
                   xlsx.Column("Mức độ", 16), xlsx.Column("Góp ý", 60, wrap=True)]


def _append_sheet(workbook, title: str, columns, rows) -> None:
    sheet = workbook.create_sheet(xlsx.unique_sheet_title(title, workbook.sheetnames))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([xlsx.text_cell(sheet, title)])
    sheet.append([])
    sheet.append([xlsx.text_cell(sheet, column.header) for column in columns])
    for row in rows:
        sheet.append([xlsx.typed_cell(sheet, column, value)
                      for column, value in zip(columns, row, strict=True)])


@login_required
@require_GET
def subtree_export(request, unit_pk: int):
    """The results page as .xlsx: officials, child units, reasons, comments (when readable)."""
    unit, form, found = _subtree(request, unit_pk, comment_limit=None)
    if found is None:
        raise Http404("Không tìm thấy.")
    filters = [("Từ tháng", f"{found.first:%m/%Y}"), ("Đến tháng", f"{found.last:%m/%Y}")]
    workbook = xlsx.list_workbook(
        f"Kết quả đánh giá mức độ hài lòng — {unit.name}", OFFICIAL_COLUMNS,
        ([row.official.person.unit.name, row.official.person.full_name, row.official.desk.name,
          row.tally.count, row.tally.satisfied, _rate_fraction(row.tally),
          _reasons_text(row.tally)] for row in found.officials),
        context=[f"Thời gian: {found.period}",
                 f"Toàn đơn vị: {found.total.count} lượt đánh giá, {found.total.satisfied} "
                 f"hài lòng ({found.total.rate_text})"],
        filters_text=xlsx.filters_line(filters), sheet_title="Từng cán bộ")
    _append_sheet(workbook, "Đơn vị trực thuộc", BRANCH_COLUMNS, [
        ((child.name if child else f"{unit.name} (các quầy của đơn vị)"), tally.count,
         tally.satisfied, _rate_fraction(tally)) for child, tally in found.branches])
    _append_sheet(workbook, "Lý do chưa hài lòng", REASON_COLUMNS, found.total.reason_rows())
    if found.comments is not None:
        _append_sheet(workbook, "Góp ý", COMMENT_COLUMNS, [
            (c.moment, c.unit_name, c.desk_name, c.official_name, c.level, c.comment)
            for c in found.comments])
    stem = f"danh gia hai long {unit.code} {_month_key(found.first)} {_month_key(found.last)}"
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(stem))
