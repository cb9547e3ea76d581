from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
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


#: Fields that say nothing to a reader of the audit trail.
TECHNICAL_FIELDS = {"id", "created_at", "updated_at", "path", "depth", "numchild", "name_folded",
                    "password", "last_login"}
#: auditlog's textual values in the words a Vietnamese reader expects.
VALUE_WORDS = {"None": "(trống)", "": "(trống)", "True": "Có", "False": "Không"}


def change_rows(entry, model) -> list[tuple[str, str, str]]:
    """(field label, before, after) of one log entry, in Vietnamese, technical fields left out."""
    display = entry.changes_display_dict
    rows = []
    for name, raw in entry.changes_dict.items():
        if name in TECHNICAL_FIELDS:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not hasattr(field, "verbose_name"):  # reverse relations: shown on their own records
            continue
        label = str(field.verbose_name)
        values = display.get(label, raw)
        if not isinstance(values, list | tuple) or len(values) < 2:
            values = (raw, "") if not isinstance(raw, list | tuple) else raw
        before, after = (VALUE_WORDS.get(str(v), str(v)) for v in values[:2])
        rows.append((label[:1].upper() + label[1:], before, after))
    return rows


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
    transitions = list(TransitionLog.objects.for_object(obj).select_related("actor"))
    workflow = getattr(model, "workflow", None)
    for transition in transitions:
        transition.from_label = workflow.label(transition.from_state) if workflow else transition.from_state
        transition.to_label = workflow.label(transition.to_state) if workflow else transition.to_state
    entries = list(entries)
    for entry in entries:
        entry.rows = change_rows(entry, model)
    return render(request, "core/audit.html", {
        "object": obj,
        "model_label": model._meta.verbose_name,
        "entries": entries,
        "transitions": transitions,
        "breadcrumbs": [(str(obj), None), ("Nhật ký thay đổi", None)],
    })


def csrf_failure(request, reason=""):
    """A form sent after the session expired, or from another site: say it in Vietnamese."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)
