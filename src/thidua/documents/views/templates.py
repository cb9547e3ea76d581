"""The templates of documents (mẫu văn bản): which frame each kind uses, and replacing it.

Every kind of document (``forms.DOCUMENT_KINDS``) in each format (``DocFormat``)
uses the built-in frame unless an admin uploaded a replacement. Templates are
system-wide: the page is for admins (any ADMIN role, or a superuser); only a
superuser or an ADMIN of a root unit may replace or revert one, others get
403. An upload is checked by its content — a Word package whose placeholders
are complete and known and which renders a sample — and refused with the
reason (naming the placeholder) before anything is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.roles import Role
from thidua.core.text import fold
from thidua.documents import formats
from thidua.documents import render as docs
from thidua.documents.forms import DOCUMENT_KINDS, TEMPLATE_MAX_BYTES, TemplateUploadForm
from thidua.documents.models import DocFormat, TemplateFile
from thidua.documents.views.movement import download
from thidua.org.models import Unit

ADMIN_ROLES = frozenset({Role.ADMIN})
FORMAT_SHORT = {DocFormat.STATE: "Hành chính", DocFormat.PARTY: "Đảng"}


def may_view(user) -> bool:
    return user.is_superuser or Role.ADMIN in scoping.roles_of(user)


def may_change(user) -> bool:
    """Templates serve every unit: a superuser or an ADMIN of a root unit changes them."""
    paths = scoping.covered_paths(user, ADMIN_ROLES)
    if paths is scoping.EVERYTHING:
        return True
    return any(len(p) == Unit.steplen for p in paths)


def _require_view(user) -> None:
    if not may_view(user):
        raise PermissionDenied("Chỉ quản trị hệ thống xem được mẫu văn bản.")


def _require_change(user) -> None:
    if not may_change(user):
        raise PermissionDenied("Chỉ quản trị hệ thống cấp tỉnh được thay mẫu văn bản.")


def _kind_format(kind: str, doc_format: str) -> tuple[str, str]:
    if kind not in DOCUMENT_KINDS or doc_format not in DocFormat.values:
        raise Http404("Không tìm thấy.")
    return kind, doc_format


def _active(kind: str, doc_format: str) -> TemplateFile | None:
    return (TemplateFile.objects.filter(kind=kind, doc_format=doc_format, is_active=True)
            .select_related("uploaded_by").first())


def _who(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _list_url() -> str:
    return reverse("documents:templates")


def _crumbs(*tail):
    return [("Mẫu văn bản", _list_url() if tail else None), *tail]


@login_required
@require_http_methods(["GET"])
def template_list(request):
    user = request.user
    _require_view(user)
    active = {(t.kind, t.doc_format): t for t in
              TemplateFile.objects.filter(is_active=True).select_related("uploaded_by")}
    rows = []
    for kind, label in DOCUMENT_KINDS.items():
        for doc_format in DocFormat:
            replaced = active.get((kind, doc_format.value))
            rows.append({
                "kind": kind, "label": label, "format": doc_format.value,
                "format_label": FORMAT_SHORT[doc_format], "replaced": replaced,
                "uploaded_by": _who(replaced.uploaded_by) if replaced else "",
            })
    return render(request, "documents/template_list.html", {
        "rows": rows, "formats": [(f.value, f.label) for f in DocFormat],
        "placeholders": _placeholders(), "may_change": may_change(user),
        "breadcrumbs": _crumbs(),
    })


def _placeholders() -> list[dict]:
    return [{"key": key, "text": text, "required": key in formats.REQUIRED,
             "written": "{{p noi_dung }}" if key == "noi_dung"
             else "{%p for n in noi_nhan %} … {{ n }} … {%p endfor %}" if key == "noi_nhan"
             else "{{ " + key + " }}"}
            for key, text in formats.PLACEHOLDERS.items()]


@login_required
@require_http_methods(["GET"])
def builtin_download(request, doc_format):
    _require_view(request.user)
    if doc_format not in DocFormat.values:
        raise Http404("Không tìm thấy.")
    return download(docs.builtin_frame(doc_format),
                    f"Mẫu có sẵn - {DocFormat(doc_format).label}", "docx")


@login_required
@require_http_methods(["GET"])
def current_download(request, kind, doc_format):
    """The template in use for (kind, format): the uploaded one, else the built-in frame."""
    _require_view(request.user)
    kind, doc_format = _kind_format(kind, doc_format)
    data, _name = docs.template_bytes(kind, doc_format)
    return download(data, f"Mẫu {DOCUMENT_KINDS[kind]} - {FORMAT_SHORT[doc_format]}", "docx")


@login_required
@require_http_methods(["GET", "POST"])
def template_upload(request, kind, doc_format):
    user = request.user
    _require_change(user)
    kind, doc_format = _kind_format(kind, doc_format)
    form = TemplateUploadForm(request.POST or None, request.FILES or None,
                              doc_format=doc_format)
    refused = getattr(request, "upload_refused", None)
    if refused:  # bigger than the server takes: the file never arrived
        form.is_valid()
        form.errors["file"] = form.error_class([refused])
    elif request.method == "POST" and form.is_valid():
        original = form.cleaned_data["file"].name.rsplit("/", 1)[-1][:-5]
        stored = f"{kind}-{doc_format}-{slugify(fold(original))[:60] or 'mau'}.docx"
        with transaction.atomic():
            TemplateFile.objects.filter(kind=kind, doc_format=doc_format,
                                        is_active=True).update(is_active=False)
            TemplateFile.objects.create(kind=kind, doc_format=doc_format, uploaded_by=user,
                                        file=ContentFile(form.data_bytes, name=stored))
        messages.success(request, f"Đã thay mẫu {DOCUMENT_KINDS[kind]} "
                                  f"({FORMAT_SHORT[doc_format].lower()}). Các văn bản tạo từ "
                                  "bây giờ dùng mẫu mới.")
        return redirect(_list_url())
    return render(request, "documents/template_upload.html", {
        "form": form, "kind": kind, "kind_label": DOCUMENT_KINDS[kind],
        "format": doc_format, "format_label": DocFormat(doc_format).label,
        "replaced": _active(kind, doc_format), "placeholders": _placeholders(),
        "max_mb": TEMPLATE_MAX_BYTES // 1048576,
        "breadcrumbs": _crumbs((f"Thay mẫu {DOCUMENT_KINDS[kind]}", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def template_revert(request, kind, doc_format):
    """Go back to the built-in frame (after a confirmation); the uploaded file is kept."""
    user = request.user
    _require_change(user)
    kind, doc_format = _kind_format(kind, doc_format)
    replaced = _active(kind, doc_format)
    if replaced is None:
        messages.info(request, f"Mẫu {DOCUMENT_KINDS[kind]} ({FORMAT_SHORT[doc_format].lower()}) "
                               "đang là mẫu có sẵn.")
        return redirect(_list_url())
    if request.method == "POST":
        TemplateFile.objects.filter(pk=replaced.pk).update(is_active=False)
        messages.success(request, f"Đã dùng lại mẫu có sẵn cho {DOCUMENT_KINDS[kind]} "
                                  f"({FORMAT_SHORT[doc_format].lower()}).")
        return redirect(_list_url())
    return render(request, "documents/template_revert.html", {
        "kind_label": DOCUMENT_KINDS[kind], "format_label": DocFormat(doc_format).label,
        "replaced": replaced, "uploaded_by": _who(replaced.uploaded_by),
        "breadcrumbs": _crumbs((f"Dùng lại mẫu có sẵn cho {DOCUMENT_KINDS[kind]}", None)),
    })


urlpatterns = [
    path("mau-van-ban/", template_list, name="templates"),
    path("mau-van-ban/co-san/<str:doc_format>.docx", builtin_download, name="template_builtin"),
    path("mau-van-ban/<str:kind>/<str:doc_format>/dang-dung.docx", current_download,
         name="template_current"),
    path("mau-van-ban/<str:kind>/<str:doc_format>/thay-mau/", template_upload,
         name="template_upload"),
    path("mau-van-ban/<str:kind>/<str:doc_format>/dung-mau-co-san/", template_revert,
         name="template_revert"),
]
