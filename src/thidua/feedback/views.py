"""Staff screens: a unit's desks, a desk's officials, the printable QR sheet, the
month's results.

Units and desks are reached through the scoping helper with the reading
roles (another unit's id answers 404); changes go through
:mod:`thidua.feedback.domain`, which lets only admins and the secretariat act.
"""

from __future__ import annotations

from datetime import date

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
from django.views.decorators.http import require_http_methods, require_POST

from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.feedback import domain, results
from thidua.feedback.forms import AssignForm, DeskForm
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
        return date(year, month, 1)
    except (TypeError, ValueError) as exc:
        raise Http404("Không tìm thấy.") from exc


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
    rows = results.month_results(unit, month)
    return render(request, "feedback/results.html", {
        "unit": unit, "month": month, "rows": rows,
        "month_key": f"{month.year:04d}-{month.month:02d}",
        "breadcrumbs": _crumbs(unit, (f"Kết quả tháng {month.month:02d}/{month.year}", None))})
