"""The criteria frameworks: the list (active version first, older versions as history) and
one version (its criteria tree, the recognition rule in words, the bands, the unit kinds).

Every logged-in user reads them (they are rules, not scoped data). Superusers change
them through ``scorecards.domain``: "Tạo phiên bản mới" after a confirmation, edit a
criterion or add an item to a group of a version no scorecard uses yet — a frozen
version answers with the domain's refusal, the user's input kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from thidua.scorecards import domain, queries, rules
from thidua.scorecards.forms_frameworks import CriterionForm, ItemForm
from thidua.scorecards.models import Criterion, Framework

SUPERUSERS_ONLY = "Chỉ quản trị hệ thống mới sửa được bộ tiêu chí."
EVERY = {1: "Hằng tháng", 3: "Hằng quý", 6: "6 tháng một lần", 12: "Mỗi năm một lần"}


def _framework(pk: int) -> Framework:
    return get_object_or_404(Framework.objects.select_related("previous", "created_by"), pk=pk)


def _detail_url(framework: Framework) -> str:
    return reverse("scorecards:framework", args=[framework.pk])


def _crumbs(framework: Framework | None = None, *tail):
    crumbs = [("Bộ tiêu chí", reverse("scorecards:frameworks") if framework else None)]
    if framework is not None:
        crumbs.append((f"{framework.name} — phiên bản {framework.version}",
                       _detail_url(framework) if tail else None))
    return [*crumbs, *tail]


def _require_superuser(user) -> None:
    if not user.is_superuser:
        raise PermissionDenied(SUPERUSERS_ONLY)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def frameworks(request):
    return render(request, "scorecards/framework_list.html", {
        "groups": queries.frameworks_list(), "every": EVERY,
        "breadcrumbs": _crumbs(),
    })


@login_required
def framework(request, pk):
    framework = _framework(pk)
    tree = queries.criteria_tree(framework)
    rule = framework.rule or {}
    per_group = rule.get("min_per_group")
    groups = []
    for group, items in tree:
        floor = group.min_points if group.min_points is not None else per_group
        items_total = sum((i.max_points for i in items), start=rules.ZERO)
        groups.append({
            "group": group, "items": items,
            "floor": rules.fmt(Decimal(str(floor))) if floor is not None else "",
            "own_floor": group.min_points is not None,
            "mismatch": rules.fmt(items_total) if items and items_total != group.max_points
            else "",
        })
    versions = list(Framework.objects.filter(code=framework.code).order_by("-version"))
    refusal = domain.edit_refusal(framework)
    return render(request, "scorecards/framework_detail.html", {
        "framework": framework, "groups": groups,
        "total": rules.fmt(sum((g.max_points for g, _items in tree), start=rules.ZERO)),
        "rule_text": queries.rule_text(framework),
        "bands": [(code.upper(), label, rules.fmt(Decimal(str(floor))))
                  for code, label, floor in framework.bands],
        "kinds": list(framework.unit_kinds.order_by("name")),
        "due": framework.registration_due,
        "every": EVERY.get(framework.evaluation_every,
                           f"{framework.evaluation_every} tháng một lần"),
        "versions": versions, "refusal": refusal,
        "can_edit": request.user.is_superuser and refusal is None,
        "superuser": request.user.is_superuser,
        "breadcrumbs": _crumbs(framework),
    })


@login_required
@require_http_methods(["GET", "POST"])
def framework_new_version(request, pk):
    """Copy this version as the next one, which becomes the active version (confirmed)."""
    _require_superuser(request.user)
    framework = _framework(pk)
    if request.method == "POST":
        try:
            made = domain.new_version(framework, request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect(_detail_url(framework))
        messages.success(request, f"Đã tạo phiên bản {made.version} của “{made.name}”; phiên bản "
                                  "này đang áp dụng và sửa được. Các phiếu đã chấm giữ phiên bản "
                                  "cũ.")
        return redirect(_detail_url(made))
    latest = Framework.objects.filter(code=framework.code).aggregate(v=Max("version"))["v"]
    active = Framework.objects.filter(code=framework.code, is_active=True).first()
    return render(request, "scorecards/framework_confirm.html", {
        "framework": framework, "next_version": (latest or 0) + 1, "active": active,
        "cards": framework.scorecards.count(),
        "breadcrumbs": _crumbs(framework, ("Tạo phiên bản mới", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk, criterion_pk):
    """A criterion's title, points (and a group's minimum) and guidance."""
    _require_superuser(request.user)
    framework = _framework(pk)
    criterion = get_object_or_404(Criterion.objects.filter(framework=framework)
                                  .select_related("parent"), pk=criterion_pk)
    group = criterion.parent_id is None
    initial = {"title": criterion.title, "max_points": criterion.max_points,
               "min_points": criterion.min_points, "guidance": criterion.guidance}
    form = CriterionForm(request.POST or None, initial=initial, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_criterion(framework, request.user, form.changes(), criterion)
        except ValidationError as exc:
            criterion.refresh_from_db()
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Đã lưu tiêu chí {criterion.code}.")
            return redirect(_detail_url(framework) + f"#tieu-chi-{criterion.pk}")
    return render(request, "scorecards/framework_criterion.html", {
        "framework": framework, "criterion": criterion, "form": form, "group": group,
        "refusal": domain.edit_refusal(framework),
        "title": f"Sửa tiêu chí {criterion.code}",
        "cancel_url": _detail_url(framework),
        "breadcrumbs": _crumbs(framework, (f"Sửa tiêu chí {criterion.code}", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk, group_pk):
    """A new item at the end of a group."""
    _require_superuser(request.user)
    framework = _framework(pk)
    group = get_object_or_404(Criterion.objects.filter(framework=framework, parent__isnull=True),
                              pk=group_pk)
    last = group.items.aggregate(order=Max("order"))["order"] or 0
    form = ItemForm(request.POST or None, framework=framework,
                    initial={"code": f"{group.code}.{last + 1}"})
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        data.update(parent=group, order=last + 1)
        try:
            item = domain.save_criterion(framework, request.user, data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Đã thêm tiêu chí {item.code} vào nhóm {group.code}. Kiểm "
                                      "tra lại điểm tối đa của nhóm nếu cần.")
            return redirect(_detail_url(framework) + f"#tieu-chi-{item.pk}")
    return render(request, "scorecards/framework_criterion.html", {
        "framework": framework, "criterion": group, "form": form, "group": False,
        "refusal": domain.edit_refusal(framework),
        "title": f"Thêm tiêu chí vào nhóm {group.code}",
        "cancel_url": _detail_url(framework),
        "breadcrumbs": _crumbs(framework, (f"Thêm tiêu chí vào nhóm {group.code}", None)),
    })


urlpatterns = [
    path("khung/", frameworks, name="frameworks"),
    path("khung/<int:pk>/", framework, name="framework"),
    path("khung/<int:pk>/phien-ban-moi/", framework_new_version, name="framework_new_version"),
    path("khung/<int:pk>/tieu-chi/<int:criterion_pk>/sua/", criterion_edit,
         name="criterion_edit"),
    path("khung/<int:pk>/tieu-chi/<int:group_pk>/them/", item_add, name="item_add"),
]
