"""The header details of a unit's documents (thể thức văn bản của đơn vị).

The format (state or Party), the parent body, the issuing body's name, the
symbol used in references, the place of the date line and the signer. Until
the unit saves its own, documents use defaults made from the unit
(``issuers.profile_for``); the form opens with those. An ADMIN or SECRETARIAT
of the unit edits them; the unit of another subtree answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES, READ_ROLES
from thidua.documents import numbering
from thidua.documents.forms import IssuerProfileForm
from thidua.documents.issuers import profile_for
from thidua.documents.render import date_line
from thidua.org.models import Unit


def scoped_unit(user, unit_pk: int, roles=READ_ROLES) -> Unit:
    """An active unit the user's ``roles`` reach, else 404 like a missing id."""
    return scoping.get_scoped_or_404(Unit.objects.select_related("kind"), user, roles,
                                     pk=unit_pk, is_active=True)


def unit_crumbs(unit: Unit, *tail):
    return [("Đơn vị", reverse("org:unit_tree")),
            (unit.name, reverse("org:unit_detail", args=[unit.pk])), *tail]


@login_required
@require_http_methods(["GET", "POST"])
def issuer_profile(request, unit_pk):
    user = request.user
    unit = scoped_unit(user, unit_pk)
    if not scoping.covers(user, unit.path, MANAGE_ROLES):
        raise PermissionDenied("Chỉ quản trị hoặc văn phòng của đơn vị sửa được thể thức văn bản.")
    profile = profile_for(unit)
    saved = profile.pk is not None
    form = IssuerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:  # saved by someone else meanwhile
            messages.error(request, "Thể thức văn bản của đơn vị vừa được người khác lưu; "
                                    "hãy xem lại rồi lưu lần nữa.")
        else:
            messages.success(request, f"Đã lưu thể thức văn bản của {unit.name}.")
        return redirect(reverse("documents:issuer", args=[unit.pk]))
    shown = form.instance if form.is_bound else profile
    return render(request, "documents/issuer_form.html", {
        "unit": unit, "form": form, "saved": saved,
        "example_reference": _example(shown),
        "example_date": date_line(shown.place or "…", timezone.localdate()),
        "breadcrumbs": unit_crumbs(unit, ("Thể thức văn bản", None)),
    })


def _example(profile) -> str:
    prefix = "Số " if profile.doc_format == "party" else "Số: "
    return prefix + numbering.reference(5, "KH", profile.symbol or "…",
                                        profile.doc_format or "state")


urlpatterns = [
    path("don-vi/<int:unit_pk>/the-thuc/", issuer_profile, name="issuer"),
]
