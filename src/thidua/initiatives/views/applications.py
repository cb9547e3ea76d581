"""Application pages: my initiatives, the form (authors, attachments, duplicate check), the
application page, the reviewing office's inbox with its export, and the workflow actions
(each irreversible one behind a confirmation page).

Who reads an application: the users whose READ roles cover its unit (the reviewing office
is an ancestor), its writer and its authors. Anyone else gets 404, as for a missing id.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.core import scoping, xlsx
from thidua.core.roles import ALL_ROLES, MANAGE_ROLES, READ_ROLES
from thidua.core.text import fold
from thidua.initiatives import domain
from thidua.initiatives.forms import (
    ApplicationForm,
    AttachmentForm,
    InboxFilterForm,
    ReasonForm,
    author_formset,
    authors_initial,
)
from thidua.initiatives.models import (
    INITIATIVE_WORKFLOW,
    SECRETARIAT,
    AgendaItem,
    Attachment,
    Author,
    Initiative,
)
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit
from thidua.org.queries import search_people

PER_PAGE = 50
OPEN = ("submitted", "accepted", "in_review")
RUNNING = ("accepted", "in_review")
LOOKUP_SHOWN = 20


# Reading ---------------------------------------------------------------------------------

def readable(user):
    """Applications ``user`` may read: in a subtree his READ roles cover, or his own (as
    writer or author)."""
    if not user.is_authenticated:
        return Initiative.objects.none()
    own = Initiative.objects.filter(Q(created_by=user) | Q(authors__person__user=user))
    return Initiative.objects.filter(scoping.subtree_q(user, READ_ROLES, field="unit__path")
                                     | Q(pk__in=own.values("pk")))


def _initiative(request, pk) -> Initiative:
    try:
        return (readable(request.user)
                .select_related("unit", "reviewing_unit", "field", "created_by", "previous")
                .get(pk=pk))
    except Initiative.DoesNotExist as exc:
        raise Http404("Không tìm thấy.") from exc


def _crumbs(*tail):
    return [("Sáng kiến của tôi", reverse("initiatives:mine")), *tail]


def _detail_crumbs(initiative, *tail):
    return _crumbs((initiative.title, reverse("initiatives:detail", args=[initiative.pk])), *tail)


def _apply_errors(form, exc: ValidationError, formset=None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            if name == "authors" and formset is not None:
                formset._non_form_errors = formset.error_class(errors)
            else:
                form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _deadline(item, today):
    """Days left before the review deadline (and overdue days) for the badges."""
    item.days_left = domain.days_left(item, today)
    item.overdue_days = -item.days_left if item.days_left is not None else None
    return item


def _similar_rows(pairs):
    return [{"initiative": item, "percent": round(score * 100)} for item, score in pairs]


# My initiatives --------------------------------------------------------------------------

@login_required
@require_GET
def mine(request):
    user = request.user
    rows = (Initiative.objects.filter(Q(created_by=user) | Q(authors__person__user=user))
            .distinct().select_related("field", "unit").order_by("-updated_at", "pk"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page:
        _deadline(item, today)
    return render(request, "initiatives/application_list.html", {
        "page_obj": page, "items": page.object_list, "today": today,
        "may_write": domain.person_of(user) is not None,
        "office_units": domain.office_units_for(user),
        "reviews": bool(scoping.covered_paths(user, SECRETARIAT)),
        "breadcrumbs": [("Sáng kiến của tôi", None)],
    })


# The form --------------------------------------------------------------------------------

def _new_unit(request) -> Unit:
    unit_pk = request.GET.get("don_vi") or request.POST.get("don_vi")
    if unit_pk:
        try:
            return scoping.get_scoped_or_404(Unit, request.user, MANAGE_ROLES, pk=int(unit_pk))
        except ValueError as exc:
            raise Http404("Không tìm thấy.") from exc
    person = domain.person_of(request.user)
    if person is None:
        raise PermissionDenied("Tài khoản của bạn chưa gắn với hồ sơ cán bộ nên chưa lập được "
                               "đơn; văn phòng đơn vị có thể lập đơn thay.")
    return person.unit


def _form_page(request, initiative: Initiative | None):
    user = request.user
    unit = initiative.unit if initiative else _new_unit(request)
    province = domain.province_of(unit)
    similar, checked = None, False
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        formset = author_formset(request.POST, province_path=province)
        if request.POST.get("action") == "check":
            # The duplicate check reads what is typed, saved or not.
            checked = True
            text = " ".join(request.POST.get(n, "") for n in ("problem", "solution", "novelty",
                                                              "benefits"))
            from thidua.initiatives import search

            similar = _similar_rows(search.similar(
                request.POST.get("title", ""), text, province_path=province,
                exclude_id=initiative.pk if initiative else None))
        elif form.is_valid() & formset.is_valid():
            try:
                if initiative is None:
                    initiative = domain.create_application(user, unit, form.values(),
                                                           formset.lines)
                else:
                    domain.update_application(user, initiative, form.values(), formset.lines)
            except ValidationError as exc:
                _apply_errors(form, exc, formset)
            else:
                messages.success(request, "Đã lưu nháp đơn sáng kiến. Các sáng kiến tương tự "
                                          "(nếu có) được liệt kê bên dưới.")
                return redirect("initiatives:edit", pk=initiative.pk)
    elif initiative is not None:
        form = ApplicationForm(initial=ApplicationForm.initial_of(initiative))
        formset = author_formset(province_path=province, initial=authors_initial(initiative))
        similar = _similar_rows(domain.similar_to(initiative))
        checked = True
    else:
        own = domain.person_of(user)
        form = ApplicationForm(initial={"year": timezone.localdate().year, "level": "co_so"})
        formset = author_formset(province_path=province, initial=[
            {"who": own.staff_code, "share": "100"}] if own and own.unit_id == unit.pk else [])
    attachments = list(initiative.attachments.all()) if initiative else []
    title = "Sửa đơn sáng kiến" if initiative else "Đơn đề nghị công nhận sáng kiến"
    return render(request, "initiatives/application_form.html", {
        "form": form, "formset": formset, "initiative": initiative, "unit": unit,
        "title": title, "similar": similar, "checked": checked,
        "attachments": attachments, "attachment_form": AttachmentForm(),
        "max_mb": domain.attachment_max_bytes() // (1024 * 1024),
        "attachment_help": domain.ATTACHMENT_HELP,
        "breadcrumbs": (_detail_crumbs(initiative, ("Sửa đơn", None)) if initiative
                        else _crumbs(("Đơn mới", None))),
    })


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    initiative = _initiative(request, pk)
    if not domain.may_edit(request.user, initiative):
        raise PermissionDenied("Chỉ người lập đơn hoặc văn phòng của đơn vị mới được sửa đơn.")
    refusal = domain.edit_refusal(initiative)
    if refusal:
        messages.error(request, refusal)
        return redirect("initiatives:detail", pk=initiative.pk)
    return _form_page(request, initiative)


@login_required
@require_GET
def people_lookup(request):
    """Find a staff code by name in the user's province (to fill an author's row)."""
    user = request.user
    person = domain.person_of(user)
    paths = scoping.covered_paths(user, ALL_ROLES)
    if paths is scoping.EVERYTHING:
        provinces = None
    else:
        provinces = {p[:Unit.steplen] for p in paths}
        if person is not None:
            provinces.add(domain.province_of(person.unit))
        if not provinces:
            raise PermissionDenied("Tài khoản của bạn chưa gắn với đơn vị nào.")
    query = (request.GET.get("q") or "").strip()
    found = []
    if fold(query):
        people = Person.objects.filter(status=PersonStatus.ACTIVE).select_related("unit")
        if provinces is not None:
            people = people.filter(scoping.path_filter(sorted(provinces), "unit__path"))
        found = list(search_people(people, query).order_by("name_folded", "pk")[:LOOKUP_SHOWN + 1])
    readable_paths = scoping.covered_paths(user, READ_ROLES)
    own_ward = (domain.reviewing_unit_for(person.unit, "co_so").path if person else None)
    for p in found:
        # Names of units outside the reader's scope are not shown.
        p.unit_shown = (readable_paths is scoping.EVERYTHING
                        or any(p.unit.path.startswith(r) for r in readable_paths)
                        or (own_ward is not None and p.unit.path.startswith(own_ward)))
    return render(request, "initiatives/application_people.html", {
        "query": query, "found": found[:LOOKUP_SHOWN], "more": len(found) > LOOKUP_SHOWN,
        "breadcrumbs": _crumbs(("Tìm mã cán bộ", None)),
    })


# Attachments -----------------------------------------------------------------------------

@login_required
@require_POST
def attachment_add(request, pk):
    initiative = _initiative(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn một tệp để đính kèm.")
    else:
        try:
            domain.add_attachment(request.user, initiative, form.cleaned_data["file"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã đính kèm tệp.")
    return redirect("initiatives:edit", pk=initiative.pk)


def _attachment(request, pk, *, council_reads: bool = False) -> Attachment:
    """The attachment of an application ``request.user`` reads (404 otherwise); with
    ``council_reads`` also one on the agenda of a council he sits on (members judge it)."""
    attachment = (Attachment.objects.filter(pk=pk).select_related("initiative").first())
    if attachment is None:
        raise Http404("Không tìm thấy.")
    user = request.user
    if readable(user).filter(pk=attachment.initiative_id).exists():
        return attachment
    if council_reads and AgendaItem.objects.filter(
            initiative_id=attachment.initiative_id,
            session__council__members__user=user).exists():
        return attachment
    raise Http404("Không tìm thấy.")


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = _attachment(request, pk, council_reads=True)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp không còn trên máy chủ.") from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name,
                        content_type="application/octet-stream")


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request, pk):
    attachment = _attachment(request, pk)
    initiative = attachment.initiative
    if request.method == "POST":
        try:
            domain.delete_attachment(request.user, attachment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Đã xóa tệp “{attachment.name}”.")
        return redirect("initiatives:edit", pk=initiative.pk)
    try:
        domain.require_editable(request.user, initiative)
    except ValidationError as exc:
        return _refused(request, initiative, exc)
    return _confirm(request, initiative, heading=f"Xóa tệp “{attachment.name}”?",
                    text="Tệp bị xóa khỏi đơn và khỏi máy chủ, không khôi phục được.",
                    button="Xóa tệp", danger=True,
                    cancel=reverse("initiatives:edit", args=[initiative.pk]))


# The application page --------------------------------------------------------------------

@login_required
@require_GET
def detail(request, pk):
    initiative = _initiative(request, pk)
    user = request.user
    authors = list(initiative.authors.select_related("person"))
    is_author = any(a.person.user_id == user.pk for a in authors)
    show_confidential = (domain.is_owner(user, initiative) or is_author
                         or scoping.covers(user, initiative.unit.path, READ_ROLES))
    available = {t.name for t in INITIATIVE_WORKFLOW.available(initiative, user)}
    reviews = domain.reviews(user, initiative) and not is_author
    return render(request, "initiatives/application_detail.html", {
        "initiative": initiative, "authors": authors,
        "attachments": list(initiative.attachments.all()),
        "history": [{"at": log.at, "actor": log.actor, "reason": log.reason,
                     "action": (INITIATIVE_WORKFLOW.transitions[log.transition].label
                                if log.transition in INITIATIVE_WORKFLOW.transitions
                                else log.transition),
                     "to": INITIATIVE_WORKFLOW.label(log.to_state)}
                    for log in INITIATIVE_WORKFLOW.history(initiative).order_by("at", "pk")],
        "deadline": _deadline(initiative, timezone.localdate()),
        "show_confidential": show_confidential,
        "may_edit": domain.may_edit(user, initiative) and domain.edit_refusal(initiative) is None,
        "may_submit": "submit" in available and domain.may_edit(user, initiative),
        "may_accept": reviews and "accept" in available,
        "may_return": reviews and "return" in available,
        "may_propose": domain.proposal_refusal(user, initiative) is None,
        "proposals": list(initiative.proposals.only("pk", "title", "level", "state")),
        "similar": (_similar_rows(domain.similar_to(initiative))
                    if initiative.state in ("submitted", "accepted", "in_review") else None),
        "breadcrumbs": _detail_crumbs(initiative)[:-1] + [(initiative.title, None)],
    })


# Workflow actions ------------------------------------------------------------------------

def _confirm(request, initiative, *, heading, text, button, danger=False, cancel=None,
             reason_form=None, similar=None, status=200):
    return render(request, "initiatives/application_confirm.html", {
        "initiative": initiative, "heading": heading, "text": text, "button": button,
        "danger": danger, "reason_form": reason_form, "similar": similar,
        "cancel": cancel or reverse("initiatives:detail", args=[initiative.pk]),
        "breadcrumbs": _detail_crumbs(initiative, (button, None)),
    }, status=status)


def _refused(request, initiative, exc):
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    return redirect("initiatives:detail", pk=initiative.pk)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, pk):
    initiative = _initiative(request, pk)
    if not domain.may_edit(request.user, initiative):
        raise PermissionDenied("Chỉ người lập đơn hoặc văn phòng của đơn vị mới được nộp đơn.")
    if request.method == "POST":
        try:
            result = domain.submit(request.user, initiative)
        except ValidationError as exc:
            return _refused(request, initiative, exc)
        found = len(result.similar)
        messages.success(request, f"Đã nộp đơn tới {initiative.reviewing_unit.name}."
                         + (f" Có {found} sáng kiến tương tự, hội đồng sẽ xem xét tính mới."
                            if found else ""))
        return redirect("initiatives:detail", pk=initiative.pk)
    return _confirm(
        request, initiative, heading=f"Nộp đơn “{initiative.title}”?",
        text=(f"Đơn được gửi tới {initiative.reviewing_unit.name} để tiếp nhận. Sau khi nộp, "
              "đơn không sửa được nữa trừ khi được trả lại để bổ sung."),
        button="Nộp đơn", similar=_similar_rows(domain.similar_to(initiative)))


@login_required
@require_http_methods(["GET", "POST"])
def accept(request, pk):
    initiative = _initiative(request, pk)
    if not domain.reviews(request.user, initiative):
        raise PermissionDenied("Chỉ văn phòng của đơn vị xét công nhận mới tiếp nhận đơn.")
    if domain.is_author(request.user, initiative):
        raise PermissionDenied("Bạn là tác giả của sáng kiến này nên không được tự tiếp nhận đơn.")
    if request.method == "POST":
        try:
            domain.accept(initiative, request.user)
        except ValidationError as exc:
            return _refused(request, initiative, exc)
        messages.success(request, "Đã tiếp nhận đơn. Hội đồng phải xét trước ngày "
                                  f"{initiative.review_due_on:%d/%m/%Y}.")
        return redirect("initiatives:detail", pk=initiative.pk)
    due = domain.review_deadline(timezone.localdate())
    return _confirm(request, initiative, heading=f"Tiếp nhận đơn “{initiative.title}”?",
                    text=("Tiếp nhận bắt đầu thời hạn 3 tháng để hội đồng xét công nhận "
                          f"(đến ngày {due:%d/%m/%Y}, Nghị định 13/2012/NĐ-CP Điều 8). "
                          "Thao tác không hoàn tác được."),
                    button="Tiếp nhận", similar=_similar_rows(domain.similar_to(initiative)))


@login_required
@require_http_methods(["GET", "POST"])
def return_(request, pk):
    initiative = _initiative(request, pk)
    if not domain.reviews(request.user, initiative):
        raise PermissionDenied("Chỉ văn phòng của đơn vị xét công nhận mới trả lại đơn.")
    if domain.is_author(request.user, initiative):
        raise PermissionDenied("Bạn là tác giả của sáng kiến này nên không được tự trả lại đơn.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.return_for_completion(initiative, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            return _refused(request, initiative, exc)
        messages.success(request, "Đã trả lại đơn để tác giả bổ sung.")
        return redirect("initiatives:detail", pk=initiative.pk)
    return _confirm(request, initiative, heading=f"Trả lại đơn “{initiative.title}”?",
                    text="Tác giả nhận lại đơn, bổ sung theo lý do dưới đây rồi nộp lại.",
                    button="Trả lại để bổ sung", danger=True, reason_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, pk):
    initiative = _initiative(request, pk)
    refusal = domain.proposal_refusal(request.user, initiative)
    if refusal and request.method == "GET":
        messages.error(request, refusal)
        return redirect("initiatives:detail", pk=initiative.pk)
    if request.method == "POST":
        try:
            proposal = domain.propose_to_next_level(initiative, request.user)
        except ValidationError as exc:
            return _refused(request, initiative, exc)
        messages.success(request, f"Đã lập đơn đề nghị công nhận "
                                  f"{proposal.get_level_display().lower()}.")
        return redirect("initiatives:detail", pk=proposal.pk)
    by_office = domain.reviews(request.user, initiative)
    return _confirm(request, initiative, heading="Đề nghị cấp trên công nhận sáng kiến?",
                    text=("Một đơn mới ở cấp trên được lập với cùng nội dung và tác giả"
                          + (" và nộp ngay tới đơn vị xét công nhận cấp trên." if by_office else
                             "; bạn có thể bổ sung rồi nộp.")),
                    button="Đề nghị cấp trên công nhận")


# The reviewing office's inbox ------------------------------------------------------------

def _reviewing_units(user):
    """Units whose applications the user's office roles review: the subtrees' roots and
    the reviewing units inside them that have applications (one query each)."""
    paths = scoping.covered_paths(user, SECRETARIAT)
    if paths is not scoping.EVERYTHING and not paths:
        raise PermissionDenied("Chỉ văn phòng, cán bộ thi đua mới tiếp nhận đơn sáng kiến.")
    condition = scoping.subtree_q(user, SECRETARIAT, field="path")
    used = Initiative.objects.order_by().values("reviewing_unit")
    roots = Q(path__in=paths) if paths is not scoping.EVERYTHING else Q(depth=1)
    return list(Unit.objects.filter(condition).filter(roots | Q(pk__in=used))
                .order_by("path").only("pk", "name", "path"))


def inbox_rows(unit, form, today):
    """The inbox's filtered applications of ``unit`` (the page and its export)."""
    rows = (Initiative.objects.filter(reviewing_unit=unit)
            .select_related("unit", "field").order_by("review_due_on", "submitted_at", "pk"))
    data = form.cleaned_data if form.is_valid() else {}
    state = data.get("trang_thai") or ""
    if state == "overdue":
        rows = rows.filter(state__in=RUNNING, review_due_on__lt=today)
    elif state == "all":
        rows = rows.exclude(state="draft")
    elif state:
        rows = rows.filter(state=state)
    else:
        rows = rows.filter(state__in=OPEN)
    if data.get("nam"):
        rows = rows.filter(year=data["nam"])
    if data.get("cap"):
        rows = rows.filter(level=data["cap"])
    if data.get("linh_vuc"):
        rows = rows.filter(field=data["linh_vuc"])
    for word in fold(data.get("q") or "").split():
        rows = rows.filter(search_text__contains=word)
    return rows.prefetch_related(Prefetch("authors", Author.objects.select_related("person")))


def _inbox(request):
    units = _reviewing_units(request.user)
    unit_pk = request.GET.get("don_vi")
    if unit_pk:
        unit = next((u for u in units if str(u.pk) == unit_pk), None)
        if unit is None:
            raise Http404("Không tìm thấy.")
    else:
        unit = units[0] if units else None
        if unit is None:
            raise Http404("Không tìm thấy.")
    years = list(Initiative.objects.filter(reviewing_unit=unit).order_by("-year")
                 .values_list("year", flat=True).distinct())
    form = InboxFilterForm(request.GET or None, years=years)
    today = timezone.localdate()
    return units, unit, form, today, inbox_rows(unit, form, today)


@login_required
@require_GET
def inbox(request):
    units, unit, form, today, rows = _inbox(request)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for item in page:
        _deadline(item, today)
    counts = {row["state"]: row["n"] for row in Initiative.objects.filter(reviewing_unit=unit)
              .order_by().values("state").annotate(n=Count("pk"))}
    overdue = Initiative.objects.filter(reviewing_unit=unit, state__in=RUNNING,
                                        review_due_on__lt=today).count()
    return render(request, "initiatives/application_inbox.html", {
        "units": units, "unit": unit, "form": form, "page_obj": page,
        "items": page.object_list, "today": today, "counts": counts, "overdue": overdue,
        "export_query": request.GET.urlencode(),
        "breadcrumbs": [("Tiếp nhận đơn sáng kiến", None)],
    })


INBOX_COLUMNS = [
    xlsx.Column("Tên sáng kiến", 50, wrap=True), xlsx.Column("Tác giả (tỷ lệ)", 36, wrap=True),
    xlsx.Column("Đơn vị chủ quản", 30), xlsx.Column("Lĩnh vực", 24), xlsx.Column("Cấp", 16),
    xlsx.Column("Năm", 8, xlsx.INTEGER), xlsx.Column("Trạng thái", 22),
    xlsx.Column("Ngày nộp", 14, xlsx.DATETIME), xlsx.Column("Ngày tiếp nhận", 14, xlsx.DATE),
    xlsx.Column("Hạn xét", 12, xlsx.DATE), xlsx.Column("Quá hạn", 10),
    xlsx.Column("Ngày quyết định", 14, xlsx.DATE), xlsx.Column("Số quyết định", 18),
]


@login_required
@require_GET
def inbox_export(request):
    units, unit, form, today, rows = _inbox(request)

    def lines():
        for item in rows:
            late = (item.state in RUNNING and item.review_due_on is not None
                    and item.review_due_on < today)
            yield [item.title, "; ".join(f"{a.person.full_name} ({a.share.normalize():f}%)"
                                         for a in item.authors.all()),
                   item.unit.name, item.field.name, item.get_level_display(), item.year,
                   item.get_state_display(), item.submitted_at, item.accepted_on,
                   item.review_due_on, "Quá hạn" if late else "", item.decided_on,
                   item.certificate_number]

    filters = xlsx.form_filters(form)
    workbook = xlsx.list_workbook(f"Đơn sáng kiến — {unit.name}", INBOX_COLUMNS, lines(),
                                  filters_text=xlsx.filters_line(filters),
                                  context=[f"Ngày xuất: {today:%d/%m/%Y}"],
                                  sheet_title="Đơn sáng kiến")
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(f"don sang kien {unit.code}"))


urlpatterns = [
    path("", mine, name="mine"),
    path("don-moi/", new, name="new"),
    path("tim-can-bo/", people_lookup, name="people_lookup"),
    path("tiep-nhan/", inbox, name="inbox"),
    path("tiep-nhan/xuat-excel/", inbox_export, name="inbox_export"),
    path("don/<int:pk>/", detail, name="detail"),
    path("don/<int:pk>/sua/", edit, name="edit"),
    path("don/<int:pk>/nop/", submit, name="submit"),
    path("don/<int:pk>/tiep-nhan/", accept, name="accept"),
    path("don/<int:pk>/tra-lai/", return_, name="return"),
    path("don/<int:pk>/de-nghi-cap-tren/", propose, name="propose"),
    path("don/<int:pk>/tep/", attachment_add, name="attachment_add"),
    path("tep/<int:pk>/", attachment_download, name="attachment_download"),
    path("tep/<int:pk>/xoa/", attachment_delete, name="attachment_delete"),
]
