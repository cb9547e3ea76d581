from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import render

from thidua.core import scoping
from thidua.core.models import TransitionLog
from thidua.core.roles import AUDIT_ROLES, READ_ROLES


@login_required
def home(request):
    from thidua.org.models import Person, RoleAssignment, Unit

    assignments = (
        RoleAssignment.objects.filter(user=request.user, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    context = {"assignments": assignments, "person": getattr(request.user, "person", None)}
    if scoping.roles_of(request.user) & READ_ROLES:
        context["unit_count"] = scoping.scope(Unit.objects.filter(is_active=True), request.user).count()
        context["person_count"] = scoping.scope(
            Person.objects.filter(status="dang_cong_tac"), request.user
        ).count()
    return render(request, "core/home.html", context)


@login_required
def audit_trail(request, app_label, model_name, pk):
    """Every recorded change of one record, for admins and observers of its unit."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if getattr(model, "scope_path", None) is None:
        raise Http404
    obj = scoping.get_scoped_or_404(model, request.user, AUDIT_ROLES, pk=pk)
    content_type = ContentType.objects.get_for_model(model)
    entries = (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp")
    )
    transitions = TransitionLog.objects.for_object(obj).select_related("actor")
    return render(request, "core/audit.html", {
        "object": obj,
        "model_label": model._meta.verbose_name,
        "entries": entries,
        "transitions": transitions,
        "breadcrumbs": [(str(obj), None), ("Nhật ký thay đổi", None)],
    })


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)
