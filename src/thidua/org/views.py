"""Screens of the organisation: tree, unit page, people list and page, roles.

Views stay thin: parse the request, reach data only through the scoping
helper, call org.queries / org.domain, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from thidua.core import scoping, xlsx
from thidua.core.roles import AUDIT_ROLES, GRANT_ROLES, MANAGE_ROLES, READ_ROLES
from thidua.core.text import fold
from thidua.documents.numbering import ISSUERS
from thidua.org import domain, queries
from thidua.org.choices import PersonStatus
from thidua.org.excel.export import people_response
from thidua.org.forms import GrantRoleForm, PeopleFilterForm
from thidua.org.models import Person, RoleAssignment, Unit

PAGE_SIZE = 50
SEARCH_LIMIT = 100


def _require_any(user, roles):
    if not scoping.roles_of(user) & set(roles):
        raise PermissionDenied


def _scope_roots(user):
    """The top units of the user's scope (depth 1 units for a superuser)."""
    paths = scoping.covered_paths(user, READ_ROLES)
    roots = Unit.objects.filter(depth=1) if paths is scoping.EVERYTHING else Unit.objects.filter(path__in=paths)
    return roots.filter(is_active=True).select_related("kind").order_by("path")


def _ancestors_in_scope(user, unit):
    """The unit's ancestors that the user may see, top first (for breadcrumbs)."""
    steplen = Unit.steplen
    prefixes = [unit.path[:i] for i in range(steplen, len(unit.path), steplen)]
    if not prefixes:
        return []
    return list(scoping.scope(Unit.objects.filter(path__in=prefixes), user).order_by("path"))


def _unit_breadcrumbs(user, unit, *tail):
    crumbs = [("Đơn vị", _url("org:unit_tree"))]
    crumbs += [(a.display_name, _url("org:unit_detail", a.pk)) for a in _ancestors_in_scope(user, unit)]
    crumbs.append((unit.display_name, _url("org:unit_detail", unit.pk)))
    return crumbs + list(tail)


def _url(name, *args):
    return reverse(name, args=args)


# Tree ----------------------------------------------------------------------------
@login_required
def unit_tree(request):
    _require_any(request.user, READ_ROLES)
    text = request.GET.get("q", "").strip()
    context = {"q": text, "breadcrumbs": [("Đơn vị", None)]}
    if text:
        found = list(
            queries.search_units(scoping.scope(Unit.objects.all(), request.user), text)
            .select_related("kind").order_by("path")[: SEARCH_LIMIT + 1]
        )
        context["results"] = _with_ancestor_names(request.user, found[:SEARCH_LIMIT])
        context["more"] = len(found) > SEARCH_LIMIT
    else:
        context["roots"] = _roots_with_children(request.user)
    return render(request, "org/unit_tree.html", context)


def _roots_with_children(user):
    """The scope roots, each with its direct children loaded (two queries in all)."""
    roots = list(_scope_roots(user))
    if not roots:
        return roots
    children = (
        Unit.objects.filter(scoping.path_filter([r.path for r in roots], "path"), is_active=True)
        .exclude(path__in=[r.path for r in roots])
        .filter(depth__in={r.depth + 1 for r in roots})
        .select_related("kind").order_by("path")
    )
    by_root = {r.path: r for r in roots}
    for root in roots:
        root.kids, root.kids_loaded = [], True
    for child in children:
        parent = by_root.get(child.path[: -Unit.steplen])
        if parent is not None:
            parent.kids.append(child)
    return roots


def _with_ancestor_names(user, units):
    """Pair each unit with the names of its visible ancestors, in one query."""
    steplen = Unit.steplen
    prefixes = {u.path[:i] for u in units for i in range(steplen, len(u.path), steplen)}
    names = dict(
        scoping.scope(Unit.objects.filter(path__in=prefixes), user).values_list("path", "name")
    ) if prefixes else {}
    return [
        (unit, [names[p] for p in (unit.path[:i] for i in range(steplen, len(unit.path), steplen))
                if p in names])
        for unit in units
    ]


@login_required
def unit_children(request, pk):
    """The children of a unit as a fragment, for expanding the tree in place."""
    unit = scoping.get_scoped_or_404(Unit.objects.all(), request.user, READ_ROLES, pk=pk)
    children = Unit.objects.get_children(unit).filter(is_active=True).select_related("kind")
    return render(request, "org/_tree_nodes.html", {"nodes": children})


# Unit page -------------------------------------------------------------------------
@login_required
def unit_detail(request, pk):
    user = request.user
    unit = scoping.get_scoped_or_404(
        Unit.objects.select_related("kind", "merged_into"), user, READ_ROLES, pk=pk
    )
    active_people = Person.objects.filter(status=PersonStatus.ACTIVE)
    children = list(Unit.objects.get_children(unit).select_related("kind").order_by("-is_active", "path"))
    people_by_child = queries.subtree_counts(unit, active_people)
    units_by_child = queries.subtree_counts(unit, Unit.objects.filter(is_active=True), field="path")
    members_by_child = queries.subtree_counts(
        unit, Person.objects.filter(is_party_member=True), field="party_cell__path")
    for child in children:
        child.people_count = people_by_child.get(child.path, 0)
        child.member_count = members_by_child.get(child.path, 0)
        child.unit_count = units_by_child.get(child.path, 1 if child.is_active else 0)
    summary = queries.in_subtree(active_people, unit).aggregate(
        total=Count("pk"),
        party=Count("pk", filter=Q(is_party_member=True)),
        women=Count("pk", filter=Q(gender="nu")),
        leaders=Count("pk", filter=Q(is_leader=True)),
        here=Count("pk", filter=Q(unit=unit)),
    )
    direct_people = list(active_people.filter(unit=unit).order_by("name_folded")[:20])
    successor = unit.merged_into
    return render(request, "org/unit_detail.html", {
        "unit": unit,
        "successor": successor if successor and scoping.covers(user, successor.path) else None,
        "children": children,
        "summary": summary,
        "direct_people": direct_people,
        "can_audit": scoping.covers(user, unit.path, AUDIT_ROLES),
        "can_manage": scoping.covers(user, unit.path, MANAGE_ROLES),
        "kpi_month": f"{timezone.localdate():%Y-%m}",
        "can_award_docs": scoping.covers(user, unit.path, ISSUERS),
        "breadcrumbs": _unit_breadcrumbs(user, unit),
    })


# People --------------------------------------------------------------------------
def _unit_choices(user, selected=None):
    """Units offered in the people filter: the scope roots and two levels below."""
    roots = list(_scope_roots(user))
    if not roots:
        return []
    base = min(r.depth for r in roots)
    condition = scoping.path_filter([r.path for r in roots], "path")
    units = list(Unit.objects.filter(condition, is_active=True, depth__lte=base + 2)
                 .order_by("path").only("pk", "name", "depth", "path")[:400])
    if selected is not None and all(u.pk != selected.pk for u in units):
        units.append(selected)
    return [("", "Tất cả đơn vị trong phạm vi")] + [
        (u.pk, "\u2003" * (u.depth - base) + u.name) for u in units
    ]


def _filtered_people(request):
    _require_any(request.user, READ_ROLES)
    scoped_units = scoping.scope(Unit.objects.all(), request.user)
    form = PeopleFilterForm(request.GET or None, unit_choices=scoped_units)
    filters = form.filters()
    people = queries.filter_people(scoping.scope(Person.objects.all(), request.user), **filters)
    return form, filters, people


@login_required
def person_list(request):
    form, filters, people = _filtered_people(request)
    form.fields["unit"].choices = _unit_choices(request.user, filters["unit"])
    people = people.select_related("unit").order_by("name_folded", "pk")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "org/person_list.html", {
        "form": form,
        "page_obj": page,
        "filtered": any(v for v in filters.values()) or bool(request.GET.get("status")),
        "breadcrumbs": [("Cán bộ", None)],
    })


@login_required
def person_export(request):
    _form, _filters, people = _filtered_people(request)
    return people_response(people.order_by("unit__path", "name_folded", "pk"), user=request.user)


@login_required
def person_detail(request, pk):
    user = request.user
    person = get_object_or_404(
        scoping.scope_or_own(Person.objects.all(), user, READ_ROLES, owner_field="user")
        .select_related("unit", "unit__kind", "party_cell", "user"),
        pk=pk,
    )
    can_read = scoping.covers(user, person.unit.path, READ_ROLES)
    cell = person.party_cell
    context = {
        "person": person,
        # The party cell may belong to another subtree than the work unit.
        "party_cell": cell if cell is not None and scoping.covers(user, cell.path) else None,
        "discipline": person.discipline_records.all() if can_read else None,
        "can_audit": scoping.covers(user, person.unit.path, AUDIT_ROLES),
        "can_manage": scoping.covers(user, person.unit.path, MANAGE_ROLES),
        "can_grant": scoping.covers(user, person.unit.path, GRANT_ROLES),
        "breadcrumbs": (
            _unit_breadcrumbs(user, person.unit, (person.full_name, None)) if can_read
            else [(person.full_name, None)]
        ),
    }
    return render(request, "org/person_detail.html", context)


# Roles -----------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def role_list(request):
    user = request.user
    _require_any(user, GRANT_ROLES)
    form = GrantRoleForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = domain.grant_role(user, grantee=form.cleaned_data["username"],
                                           role=form.cleaned_data["role"],
                                           unit=form.cleaned_data["unit_code"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"Đã giao vai trò “{assignment.get_role_display()}” tại "
                                      f"{assignment.unit.name} cho {assignment.user.get_username()}.")
            return redirect("org:role_list")
    text, assignments = roles_shown(request)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "org/role_list.html", {
        "form": form, "page_obj": page, "q": text, "breadcrumbs": [("Phân quyền", None)],
    })


def roles_shown(request) -> tuple[str, QuerySet]:
    """The role list as the page shows it (search applied): the page and its export."""
    assignments = scoping.scope(RoleAssignment.objects.all(), request.user,
                                GRANT_ROLES).select_related("user", "unit", "granted_by")
    text = request.GET.get("q", "").strip()
    if text:
        assignments = assignments.filter(
            Q(user__username__icontains=text) | Q(unit__name_folded__contains=fold(text)))
    return text, assignments.order_by("unit__path", "user__username", "role")


ROLE_COLUMNS = [
    xlsx.Column("Tài khoản", 18), xlsx.Column("Vai trò", 16), xlsx.Column("Mã đơn vị", 14),
    xlsx.Column("Đơn vị (gồm cấp dưới)", 40), xlsx.Column("Người giao", 18),
    xlsx.Column("Ngày giao", 18, xlsx.DATETIME),
]


@login_required
def role_export(request):
    """The role list to .xlsx, with the page's search."""
    _require_any(request.user, GRANT_ROLES)
    text, assignments = roles_shown(request)
    rows = ((a.user.get_username(), a.get_role_display(), a.unit.code, a.unit.name,
             a.granted_by.get_username() if a.granted_by_id else "", a.granted_at)
            for a in assignments.iterator(chunk_size=2000))
    workbook = xlsx.list_workbook(
        "Danh sách phân quyền", ROLE_COLUMNS, rows,
        filters_text=xlsx.filters_line([("Tìm", text)] if text else []))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename("phan-quyen"))


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke(request, pk):
    assignment = scoping.get_scoped_or_404(
        RoleAssignment.objects.select_related("user", "unit"), request.user, GRANT_ROLES, pk=pk)
    if request.method == "POST":
        try:
            domain.revoke_role(request.user, assignment)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Đã thu hồi vai trò “{assignment.get_role_display()}” của "
                                      f"{assignment.user.get_username()} tại {assignment.unit.name}.")
        return redirect("org:role_list")
    return render(request, "org/role_revoke.html", {
        "assignment": assignment,
        "breadcrumbs": [("Phân quyền", _url("org:role_list")), ("Thu hồi vai trò", None)],
    })
