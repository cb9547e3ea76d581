"""Adding and editing units and people one at a time, and merging units.

Every object is fetched through the scoping helper with the MANAGE roles, so
an observer or another unit's user gets 404 and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.org import domain
from thidua.org.forms import MergeForm, PersonForm, UnitForm
from thidua.org.models import Person, Unit

STALE_MESSAGE = ("Hồ sơ vừa được người khác sửa sau khi bạn mở trang. Thay đổi của bạn chưa được "
                 "ghi; hãy xem bản mới nhất bên dưới và sửa lại.")


def _form_page(request, form, *, title, submit, cancel_url, breadcrumbs, intro="",
               version=""):
    return render(request, "org/form.html", {
        "form": form, "title": title, "submit": submit, "cancel_url": cancel_url,
        "breadcrumbs": breadcrumbs, "intro": intro, "version": version,
    })


def _managed_unit(request, pk):
    """An active unit the user manages; a merged unit is history and is not edited."""
    return scoping.get_scoped_or_404(Unit.objects.filter(is_active=True).select_related("kind"),
                                     request.user, MANAGE_ROLES, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request, unit_pk):
    unit = _managed_unit(request, unit_pk)
    form = PersonForm(request.POST or None, user=request.user, initial={"unit_code": unit.code})
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, f"Đã thêm cán bộ {person.full_name}.")
        return redirect("org:person_detail", person.pk)
    return _form_page(request, form, title=f"Thêm cán bộ — {unit.name}", submit="Thêm cán bộ",
                      cancel_url=reverse("org:unit_detail", args=[unit.pk]),
                      breadcrumbs=[(unit.display_name, reverse("org:unit_detail", args=[unit.pk])),
                                   ("Thêm cán bộ", None)])


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = scoping.get_scoped_or_404(
        Person.objects.select_related("unit", "party_cell"), request.user, MANAGE_ROLES, pk=pk)
    version = person.updated_at.isoformat()
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = Person.objects.select_for_update().get(pk=person.pk)
            if current.updated_at.isoformat() != request.POST.get("version"):
                messages.error(request, STALE_MESSAGE)
                return redirect("org:person_edit", person.pk)
            form.save()
        messages.success(request, f"Đã lưu hồ sơ {person.full_name}.")
        return redirect("org:person_detail", person.pk)
    return _form_page(request, form, title=f"Sửa hồ sơ — {person.full_name}", submit="Lưu",
                      cancel_url=reverse("org:person_detail", args=[person.pk]),
                      breadcrumbs=[(person.full_name, reverse("org:person_detail", args=[person.pk])),
                                   ("Sửa hồ sơ", None)],
                      version=request.POST.get("version", version))


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, parent_pk):
    parent = _managed_unit(request, parent_pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = domain.create_unit(request.user, parent=parent, **form.cleaned_data)
        messages.success(request, f"Đã thêm đơn vị {unit.name}.")
        return redirect("org:unit_detail", unit.pk)
    return _form_page(request, form, title=f"Thêm đơn vị trực thuộc {parent.name}",
                      submit="Thêm đơn vị", cancel_url=reverse("org:unit_detail", args=[parent.pk]),
                      breadcrumbs=[(parent.display_name, reverse("org:unit_detail", args=[parent.pk])),
                                   ("Thêm đơn vị", None)])


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _managed_unit(request, pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Đã lưu đơn vị {unit.name}.")
        return redirect("org:unit_detail", unit.pk)
    return _form_page(request, form, title=f"Sửa đơn vị — {unit.name}", submit="Lưu",
                      cancel_url=reverse("org:unit_detail", args=[unit.pk]),
                      breadcrumbs=[(unit.display_name, reverse("org:unit_detail", args=[unit.pk])),
                                   ("Sửa", None)])


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request, pk):
    unit = _managed_unit(request, pk)
    form = MergeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            domain.merge_units(request.user, unit, form.cleaned_data["target_code"],
                               form.cleaned_data["merged_on"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"Đã sáp nhập {unit.name} vào "
                                      f"{form.cleaned_data['target_code'].name}.")
            return redirect("org:unit_detail", unit.pk)
    return _form_page(
        request, form, title=f"Sáp nhập {unit.name}", submit="Sáp nhập",
        cancel_url=reverse("org:unit_detail", args=[unit.pk]),
        intro="Sáp nhập không xóa đơn vị: mọi hồ sơ, quyết định, kết quả đã ghi nhận với đơn vị "
              "này vẫn còn nguyên và vẫn xem được. Cán bộ đang công tác, đảng viên sinh hoạt và "
              "đơn vị trực thuộc chuyển sang đơn vị tiếp nhận; các phân quyền trên đơn vị này "
              f"({unit.role_assignments.count()} tài khoản) hết hiệu lực — hãy giao lại quyền "
              "trên đơn vị tiếp nhận nếu cần.",
        breadcrumbs=[(unit.display_name, reverse("org:unit_detail", args=[unit.pk])),
                     ("Sáp nhập", None)])
