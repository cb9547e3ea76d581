"""The scoring policy screens: the policies an admin governs, editing one, adding one.

Who sees what: a superuser every policy, the default one (no unit) included;
an admin (role ``admin`` on a unit) the policies of the units in his
subtrees. Another unit's policy, or the default one for a plain admin,
answers 404 like a missing id; users holding no admin role anywhere get 403
on the list and the "new policy" page. Saving goes through
``domain.save_policy``, which checks authority and the figures again and
regrades the sheets of the months not yet closed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.roles import Role
from thidua.kpi import domain
from thidua.kpi.forms_policy import (
    DECREE,
    NewPolicyForm,
    PolicyForm,
    criterion_formset,
    initial_of,
)
from thidua.kpi.models import ScoringPolicy
from thidua.kpi.policy import DEFAULT_POLICY, Grade, YearMethod
from thidua.kpi.scoring import fmt
from thidua.org.models import Unit

ADMIN = {Role.ADMIN}
TITLE = "Chính sách chấm điểm"


def _require_admin(user) -> None:
    """Pages without an object: 403 for a user who administers nothing."""
    if Role.ADMIN not in scoping.roles_of(user):
        raise PermissionDenied("Chỉ quản trị hệ thống của đơn vị mới xem được chính sách "
                               "chấm điểm.")


def administered(user):
    """The policies ``user`` may edit: every one for a superuser (the default included),
    else those of units inside his admin subtrees (``scope`` leaves the default out)."""
    rows = ScoringPolicy.objects.select_related("unit", "updated_by")
    return scoping.scope(rows, user, ADMIN).order_by(F("unit__path").asc(nulls_first=True))


def _crumbs(*trail):
    return [("Đánh giá KPI", reverse("kpi:mine")), (TITLE, reverse("kpi:policies")), *trail]


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def summary(policy) -> dict:
    """The figures a list row shows, formatted the Vietnamese way."""
    return {
        "points": f"{fmt(policy.general_points)} + {fmt(policy.task_points)}",
        "criteria": len(policy.general_criteria),
        "bands": (f"{Grade.SHORT[Grade.HTXS]} ≥ {fmt(policy.htxs_min)}, "
                  f"{Grade.SHORT[Grade.HTT]} ≥ {fmt(policy.htt_min)}, "
                  f"{Grade.SHORT[Grade.HT]} ≥ {fmt(policy.ht_min)}"),
        "cap": f"{fmt(policy.htxs_cap_pct)}%",
        "deductions": f"{fmt(policy.error_deduction_pct)}% / {fmt(policy.late_deduction_pct)}%",
        "year": dict(YearMethod.CHOICES).get(policy.year_method, policy.year_method),
    }


@login_required
def policy_list(request):
    _require_admin(request.user)
    rows = [(row, summary(row.policy)) for row in administered(request.user)]
    return render(request, "kpi/policy_list.html", {
        "rows": rows, "title": TITLE, "decree": DECREE,
        "can_add": True, "breadcrumbs": [_crumbs()[0], (TITLE, None)],
    })


def _save(request, form, formset, row: ScoringPolicy, *, unit_field: str | None = None):
    """Save through the domain; on refusal the reasons go on the form (input kept)."""
    try:
        regraded = domain.save_policy(row, request.user, form.rules(formset.criteria()),
                                      form.cleaned_data["name"])
    except ValidationError as exc:
        for text in exc.messages:
            form.add_error(None, text)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    except IntegrityError:  # another admin added this unit's policy a moment ago
        form.add_error(unit_field, "Đơn vị vừa có chính sách do người khác thêm: hãy sửa "
                                   "chính sách đó.")
    else:
        messages.success(request, (
            f"Đã lưu chính sách “{row.name}”. Đã tính lại điểm và xếp loại của "
            f"{_count(regraded)} phiếu đánh giá thuộc các tháng chưa khóa sổ; các tháng đã "
            "khóa sổ giữ nguyên chính sách khi khóa."))
        return redirect("kpi:policy_edit", row.pk)
    return None


def _form_page(request, *, form, formset, row, title, submit):
    reach = None
    if row is not None and row.unit_id:
        reach = Unit.objects.filter(path__startswith=row.unit.path, is_active=True).count()
    inner = []
    if row is not None:
        below = ScoringPolicy.objects.filter(unit__isnull=False).select_related("unit")
        if row.unit_id:
            below = below.filter(unit__path__startswith=row.unit.path).exclude(pk=row.pk)
        inner = [(p.unit, p.name) for p in below.order_by("unit__path")[:20]]
    return render(request, "kpi/policy_form.html", {
        "form": form, "formset": formset, "row": row, "title": title, "submit": submit,
        "reach": reach, "inner": inner, "decree": DECREE,
        "marked_errors": (any(name != "__all__" for name in form.errors)
                          or any(f.errors for f in formset.forms)),
        "default_criteria": DEFAULT_POLICY.general_criteria,
        "cancel_url": reverse("kpi:policies"),
        "breadcrumbs": _crumbs((title, None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request, pk):
    row = get_object_or_404(administered(request.user), pk=pk)
    current = row.policy
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, policy=current)
    formset = criterion_formset(data, policy=current)
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        done = _save(request, form, formset, row)
        if done is not None:
            return done
    return _form_page(request, form=form, formset=formset, row=row, title=row.name,
                      submit="Lưu chính sách")


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request):
    _require_admin(request.user)
    default = ScoringPolicy.objects.filter(unit__isnull=True).first()
    base = default.policy if default is not None else DEFAULT_POLICY
    data = request.POST if request.method == "POST" else None
    form = NewPolicyForm(data, user=request.user, policy=base,
                         initial={**initial_of(base), "name": "", "unit_code": ""})
    formset = criterion_formset(data, policy=base)
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        row = ScoringPolicy(unit=form.cleaned_data["unit_code"])
        done = _save(request, form, formset, row, unit_field="unit_code")
        if done is not None:
            return done
    return _form_page(request, form=form, formset=formset, row=None,
                      title="Thêm chính sách chấm điểm cho đơn vị", submit="Thêm chính sách")


urlpatterns = [
    path("chinh-sach/", policy_list, name="policies"),
    path("chinh-sach/them/", policy_new, name="policy_new"),
    path("chinh-sach/<int:pk>/", policy_edit, name="policy_edit"),
]
