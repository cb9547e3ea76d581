"""The templates page: which template each kind uses, upload (checked), revert.

Templates are system-wide: an ADMIN anywhere sees the page; only a superuser or an
ADMIN of a root unit replaces or reverts a template.
"""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from tests.conftest import as_user  # noqa: F401 (shared helper)
from tests.documents.test_render import texts, without
from thidua.documents.formats import frame_template
from thidua.documents.forms import DOCUMENT_KINDS
from thidua.documents.models import TemplateFile

pytestmark = pytest.mark.django_db
MARK = "Mẫu riêng của Tỉnh ủy"


def url(name, *args):
    return reverse(f"documents:{name}", args=args)




@pytest.fixture
def root_admin(make_user, tree):
    return make_user("admin_tinh", "admin", tree.province)


def docx_with_mark(doc_format="party") -> bytes:
    document = Document(io.BytesIO(frame_template(doc_format)))
    document.add_paragraph(MARK)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name="mau-ke-hoach.docx", kind="ke_hoach", doc_format="party"):
    return client.post(url("template_upload", kind, doc_format),
                       {"file": SimpleUploadedFile(name, data)})


def all_addresses():
    return [url("templates"), url("template_builtin", "state"),
            url("template_current", "ke_hoach", "party"),
            url("template_upload", "ke_hoach", "party"),
            url("template_revert", "ke_hoach", "party")]


# Who may -------------------------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_the_login_page(client):
    for address in all_addresses():
        for method in (client.get, client.post):
            response = method(address)
            assert response.status_code == 302 and response["Location"].startswith(
                reverse("login")), address


def test_users_without_the_admin_role_get_403(client, users, media):
    """A page without an object: 403 for the other ward's user and every non-admin (the
    project's rule for such pages; there is no unit whose existence could leak)."""
    for name in ("other", "secretariat", "leader", "observer", "staff", "norole"):
        c = as_user(client, users[name])
        for address in all_addresses():
            assert c.get(address).status_code == 403, (name, address)
        assert upload(c, docx_with_mark()).status_code == 403, name
        assert c.post(url("template_revert", "ke_hoach", "party")).status_code == 403
    assert not TemplateFile.objects.exists()


def test_a_ward_admin_sees_the_templates_but_may_not_change_them(client, users, media):
    c = as_user(client, users["admin"])
    response = c.get(url("templates"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ quản trị hệ thống cấp tỉnh được thay mẫu" in page
    assert url("template_upload", "ke_hoach", "party") not in page
    assert c.get(url("template_builtin", "party")).status_code == 200
    assert c.get(url("template_upload", "ke_hoach", "party")).status_code == 403
    assert upload(c, docx_with_mark()).status_code == 403
    assert not TemplateFile.objects.exists()


def test_unknown_kinds_and_formats_are_404(client, root_admin):
    c = as_user(client, root_admin)
    assert c.get(url("template_upload", "khong_co", "party")).status_code == 404
    assert c.get(url("template_current", "ke_hoach", "khac")).status_code == 404
    assert c.get(url("template_builtin", "khac")).status_code == 404


# The page --------------------------------------------------------------------------------------------
def test_the_page_lists_every_kind_and_format_and_the_placeholders(client, root_admin, media):
    TemplateFile.objects.create(kind="quyet_dinh", doc_format="state", uploaded_by=root_admin,
                                file=SimpleUploadedFile("qd.docx", docx_with_mark("state")))
    response = as_user(client, root_admin).get(url("templates"))
    rows = response.context["rows"]
    assert len(rows) == len(DOCUMENT_KINDS) * 2
    assert {r["label"] for r in rows} >= {"Kế hoạch", "Báo cáo", "Tờ trình", "Quyết định"}
    replaced = [(r["kind"], r["format"], r["uploaded_by"]) for r in rows if r["replaced"]]
    assert replaced == [("quyet_dinh", "state", "admin_tinh")]
    page = response.content.decode()
    assert "{{ so_ky_hieu }}" in page and "{{p noi_dung }}" in page and "Bắt buộc" in page
    assert url("template_revert", "quyet_dinh", "state") in page
    assert url("template_revert", "ke_hoach", "party") not in page


def test_the_page_queries_do_not_grow_with_the_uploads(client, root_admin, media,
                                                       django_assert_max_num_queries):
    c = as_user(client, root_admin)
    c.get(url("templates"))

    def count():
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as seen:
            assert c.get(url("templates")).status_code == 200
        return len(seen)

    before = count()
    for kind in DOCUMENT_KINDS:
        TemplateFile.objects.create(kind=kind, doc_format="party", uploaded_by=root_admin,
                                    file=SimpleUploadedFile("m.docx", docx_with_mark()))
    assert count() == before


def test_the_builtin_and_current_templates_download_as_word(client, root_admin, media):
    c = as_user(client, root_admin)
    builtin = c.get(url("template_builtin", "party"))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts(builtin.content)
    assert "filename*=UTF-8''" in builtin["Content-Disposition"]
    assert MARK not in texts(c.get(url("template_current", "ke_hoach", "party")).content)
    assert upload(c, docx_with_mark()).status_code == 302
    assert MARK in texts(c.get(url("template_current", "ke_hoach", "party")).content)
    assert MARK not in texts(c.get(url("template_current", "bao_cao", "party")).content)


# Upload --------------------------------------------------------------------------------------------
def test_a_file_that_is_not_a_docx_is_refused(client, root_admin, media):
    c = as_user(client, root_admin)
    response = upload(c, b"%PDF-1.4 not a template", name="mau.pdf")
    assert "Chỉ nhận tệp Word dạng .docx" in response.context["form"].errors["file"][0]
    response = upload(c, b"plain text pretending", name="mau.docx")
    assert "không phải tệp Word (.docx) hợp lệ" in response.context["form"].errors["file"][0]
    assert not TemplateFile.objects.exists()
    assert not list(media.rglob("*.docx"))


def test_a_template_too_big_is_refused_before_it_is_read(client, root_admin, media,
                                                          monkeypatch):
    from thidua.documents import forms

    monkeypatch.setattr(forms, "TEMPLATE_MAX_BYTES", 1024)
    response = upload(as_user(client, root_admin), docx_with_mark())
    assert "Tệp quá lớn" in response.context["form"].errors["file"][0]
    assert not TemplateFile.objects.exists()


def test_a_template_bigger_than_the_server_takes_is_named_too_big(client, root_admin, media,
                                                                  settings):
    """Past the upload limit the file never reaches the form: say so, not "choose a file"."""
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(as_user(client, root_admin), b"PK" + b"x" * (1024 * 1024 + 4096))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp tải lên quá lớn: tối đa 0 MB."]
    assert not TemplateFile.objects.exists()


def test_a_template_reaching_pythons_internals_is_refused(client, root_admin, media):
    from tests.documents.test_render import replaced

    walk = "{{ cap_tren.__class__.__mro__[1].__subclasses__() }}"
    response = upload(as_user(client, root_admin), replaced("{{ nguoi_ky }}", walk, "party"))
    assert "“.__class__”, là thuộc tính không được phép" in \
        response.context["form"].errors["file"][0]
    assert not TemplateFile.objects.exists()


def test_the_uploaded_name_cannot_leave_the_templates_folder(client, root_admin, media):
    upload(as_user(client, root_admin), docx_with_mark(), name="../../../etc/passwd.docx")
    stored = TemplateFile.objects.get().file.name
    assert stored.startswith("document-templates/ke_hoach/") and ".." not in stored
    assert all(media in path.parents for path in media.rglob("*.docx"))


def test_a_post_without_the_csrf_token_is_refused(root_admin, media):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(root_admin)
    assert upload(c, docx_with_mark()).status_code == 403
    assert not TemplateFile.objects.exists()


def test_a_template_missing_a_placeholder_is_refused_naming_it(client, root_admin, media):
    response = upload(as_user(client, root_admin), without("{{ so_ky_hieu }}"), name="thieu.docx")
    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert "Mẫu “thieu.docx” thiếu trường bắt buộc: {{ so_ky_hieu }}" in error
    assert "{{ so_ky_hieu }}" in response.content.decode()
    assert not TemplateFile.objects.exists()
    assert not list(media.rglob("*.docx"))


def test_a_template_with_an_unknown_placeholder_is_refused(client, root_admin, media):
    response = upload(as_user(client, root_admin),
                      without("{{ nguoi_ky }}", "{{ ten_nguoi_ky }}"))
    assert "{{ ten_nguoi_ky }}" in response.context["form"].errors["file"][0]
    assert not TemplateFile.objects.exists()


def test_a_good_template_is_used_by_the_plan_then_reverted(client, root_admin, launched, media):
    c = as_user(client, root_admin)
    response = upload(c, docx_with_mark(), name="Mẫu kế hoạch tỉnh.docx")
    assert response.status_code == 302 and response["Location"] == url("templates")
    active = TemplateFile.objects.get(is_active=True)
    assert (active.kind, active.doc_format, active.uploaded_by) == ("ke_hoach", "party",
                                                                   root_admin)
    assert active.file.name.startswith("document-templates/ke_hoach/ke_hoach-party-mau-ke-hoach")
    plan = c.get(url("plan_docx", launched.pk))
    assert MARK in texts(plan.content) and "Số 167-KH/ĐU" in texts(plan.content)

    # A second upload replaces the first; one active template per kind and format.
    assert upload(c, docx_with_mark()).status_code == 302
    assert TemplateFile.objects.filter(is_active=True).count() == 1
    assert TemplateFile.objects.count() == 2

    confirm = c.get(url("template_revert", "ke_hoach", "party"))
    assert confirm.status_code == 200 and "Dùng lại mẫu có sẵn" in confirm.content.decode()
    assert TemplateFile.objects.filter(is_active=True).count() == 1  # nothing done on GET
    response = c.post(url("template_revert", "ke_hoach", "party"))
    assert response.status_code == 302
    assert not TemplateFile.objects.filter(is_active=True).exists()
    assert MARK not in texts(c.get(url("plan_docx", launched.pk)).content)


def test_a_superuser_may_change_templates(client, media, db):
    boss = get_user_model().objects.create_superuser("quantri", password="x-Test-12345")
    c = as_user(client, boss)
    assert upload(c, docx_with_mark("state"), kind="quyet_dinh",
                  doc_format="state").status_code == 302
    assert TemplateFile.objects.filter(kind="quyet_dinh", is_active=True).exists()


def with_relationship(data: bytes, kind: str, target: str) -> bytes:
    """``data`` with one more relationship of the document to an outside ``target``."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/{kind}" Target="{target}" '
                    f'TargetMode="External"/></Relationships>').encode())
            package.writestr(info, content)
    return buffer.getvalue()


def test_a_template_that_would_load_something_from_outside_is_refused(client, root_admin,
                                                                      media):
    """Word fetches an attached template or a linked picture when a document is opened:
    every document made from such a template would call that address."""
    c = as_user(client, root_admin)
    linked = with_relationship(docx_with_mark(), "attachedTemplate", r"\\may-la\chia-se\m.dotx")
    response = upload(c, linked)
    assert "lấy nội dung từ địa chỉ bên ngoài" in response.context["form"].errors["file"][0]
    assert not TemplateFile.objects.exists()
    link = with_relationship(docx_with_mark(), "hyperlink", "https://thiduakhenthuong.vn/")
    assert upload(c, link).status_code == 302  # a link the reader may click is fine
