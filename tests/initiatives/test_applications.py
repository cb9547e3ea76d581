"""Writing an application: the reviewing unit, content, authors, attachments, edit locks."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.initiatives import domain
from thidua.initiatives.models import Attachment, Initiative


def values(fields, **extra):
    return {"title": "Số hóa sổ theo dõi hộ nghèo", "field": fields["chuyen_doi_so"],
            "level": "co_so", "year": 2026, "first_applied_on": date(2026, 2, 1),
            "problem": "Sổ giấy khó tra cứu.", "solution": "Nhập liệu vào bảng tính dùng chung.",
            "novelty": "Lần đầu áp dụng tại phường.", "benefits": "Tra cứu trong một phút.",
            "confidential": "Mật khẩu quản trị", **extra}


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# The reviewing unit -----------------------------------------------------------------------

def test_grassroots_review_is_the_ward_of_a_cell(tree):
    assert domain.reviewing_unit_for(tree.cell_a1, "co_so") == tree.ward_a
    assert domain.reviewing_unit_for(tree.ward_b, "co_so") == tree.ward_b


def test_province_and_national_levels_are_reviewed_at_the_root(tree):
    assert domain.reviewing_unit_for(tree.cell_a1, "tinh") == tree.province
    assert domain.reviewing_unit_for(tree.cell_b1, "toan_quoc") == tree.province


def test_grassroots_kinds_are_a_setting_with_a_fallback_below_the_root(tree, settings):
    settings.INITIATIVE_GRASSROOTS_KINDS = ["chi_bo"]
    assert domain.reviewing_unit_for(tree.cell_a1, "co_so") == tree.cell_a1
    settings.INITIATIVE_GRASSROOTS_KINDS = ["doanh_nghiep"]
    assert domain.reviewing_unit_for(tree.cell_a1, "co_so") == tree.ward_a


def test_review_deadline_is_three_months_after_acceptance():
    assert domain.review_deadline(date(2026, 3, 15)) == date(2026, 6, 15)
    assert domain.review_deadline(date(2026, 11, 30)) == date(2027, 2, 28)


@pytest.mark.parametrize(("accepted", "due"), [
    (date(2027, 11, 30), date(2028, 2, 29)),  # a leap year: the last day of February
    (date(2027, 11, 29), date(2028, 2, 29)),
    (date(2026, 3, 31), date(2026, 6, 30)),  # no 31 June: the last day of the month
    (date(2026, 5, 31), date(2026, 8, 31)),
    (date(2026, 10, 31), date(2027, 1, 31)),  # across the year
    (date(2026, 12, 31), date(2027, 3, 31)),
    (date(2026, 2, 28), date(2026, 5, 28)),  # the corresponding day, not the month's end
])
def test_review_deadline_at_month_ends(accepted, due):
    """Bộ luật Dân sự 2015 Điều 148 khoản 3: a period of months ends on the corresponding
    day of the last month, or on its last day when it has no such day."""
    assert domain.review_deadline(accepted) == due


# Creating -------------------------------------------------------------------------------

def test_staff_member_writes_a_draft_with_co_authors(writer, people, tree, fields):
    initiative = domain.create_application(
        writer, tree.cell_a1, values(fields),
        [(people["a1"], "60"), (people["a2"], Decimal("40"))])
    assert initiative.state == "draft"
    assert initiative.reviewing_unit == tree.ward_a
    assert [(a.person, a.share) for a in initiative.authors.all()] == [
        (people["a1"], Decimal(60)), (people["a2"], Decimal(40))]
    stored = Initiative.objects.get(pk=initiative.pk).search_text
    assert "so hoa so theo doi ho ngheo" in stored and "tran thi binh" in stored
    assert "mat khau" not in stored  # the confidential part is never indexed


@pytest.mark.parametrize(("shares", "message"), [
    (("60", "30"), "90%, phải đúng 100%"),
    (("60", "50"), "110%, phải đúng 100%"),
    (("100", "0"), "phải lớn hơn 0"),
    (("abc", "40"), "không phải số"),
    (("33.333", "66.667"), "2 chữ số thập phân"),
])
def test_shares_must_sum_to_exactly_one_hundred(writer, people, tree, fields, shares, message):
    with pytest.raises(ValidationError) as exc:
        domain.create_application(writer, tree.cell_a1, values(fields),
                                  [(people["a1"], shares[0]), (people["a2"], shares[1])])
    assert message in messages_of(exc)
    assert not Initiative.objects.exists()


def test_an_author_outside_the_province_is_refused(writer, people, tree, fields, make_unit,
                                                   make_person):
    elsewhere = make_unit("Tỉnh ủy Khác", kind="tinh_uy", code="TK")
    stranger = make_person("Vũ Văn Xa", elsewhere)
    with pytest.raises(ValidationError) as exc:
        domain.create_application(writer, tree.cell_a1, values(fields),
                                  [(people["a1"], 50), (stranger, 50)])
    assert "tác giả ngoài tỉnh" in messages_of(exc)


def test_authors_must_be_active_listed_once_and_at_least_one(writer, people, tree, fields):
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    cases = [([], "ít nhất một tác giả"),
             ([(people["a1"], 50), (people["a2"], 50)], "không còn đang công tác"),
             ([(people["a1"], 50), (people["a1"], 50)], "hai lần"),
             ([(people["a1"], 50), ("KHONG-CO", 50)], "không tìm thấy cán bộ")]
    for lines, message in cases:
        with pytest.raises(ValidationError) as exc:
            domain.create_application(writer, tree.cell_a1, values(fields), lines)
        assert message in messages_of(exc)


def test_shares_may_be_written_with_a_decimal_comma_or_a_percent_sign(writer, people, tree,
                                                                      fields):
    initiative = domain.create_application(
        writer, tree.cell_a1, values(fields),
        [(people["a1"], "33,34 %"), (people["a2"], "33.33%"), (people["a3"], "33,33")])
    assert [a.share for a in initiative.authors.all()] == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_authors_may_be_given_by_staff_code(writer, people, tree, fields):
    initiative = domain.create_application(writer, tree.cell_a1, values(fields),
                                           [(people["a1"].staff_code, 100)])
    assert initiative.authors.get().person == people["a1"]


def test_the_writer_must_be_an_author_unless_the_office_enters_it(writer, users, people, tree,
                                                                  fields):
    with pytest.raises(ValidationError) as exc:
        domain.create_application(writer, tree.cell_a1, values(fields), [(people["a2"], 100)])
    assert "Người lập đơn phải là một trong các tác giả" in messages_of(exc)
    entered = domain.create_application(users["secretariat"], tree.cell_a2, values(fields),
                                        [(people["a2"], 100)])
    assert entered.created_by == users["secretariat"]


def test_empty_description_is_refused_naming_the_field(writer, people, tree, fields):
    with pytest.raises(ValidationError) as exc:
        domain.create_application(writer, tree.cell_a1, values(fields, solution="  "),
                                  [(people["a1"], 100)])
    assert exc.value.message_dict == {"solution": ["Chưa nhập “Nội dung giải pháp”."]}


def test_a_future_first_application_date_is_refused(writer, people, tree, fields):
    with pytest.raises(ValidationError) as exc:
        domain.create_application(writer, tree.cell_a1,
                                  values(fields, first_applied_on=date(2999, 1, 1)),
                                  [(people["a1"], 100)])
    assert "first_applied_on" in exc.value.message_dict


def test_nobody_writes_for_a_unit_not_his_own(users, people, tree, fields):
    with pytest.raises(PermissionDenied):
        domain.create_application(users["other"], tree.cell_a1, values(fields),
                                  [(people["a1"], 100)])


# Editing ----------------------------------------------------------------------------------

def test_draft_edit_changes_content_authors_and_search_text(writer, people, initiative_factory,
                                                             fields):
    initiative = initiative_factory()
    domain.update_application(writer, initiative, values(fields, title="Tên mới của sáng kiến"),
                              [(people["a1"], 70), (people["a3"], 30)])
    initiative.refresh_from_db()
    assert initiative.title == "Tên mới của sáng kiến"
    assert initiative.authors.count() == 2
    assert "ten moi cua sang kien" in initiative.search_text
    assert "dang duc dung" in initiative.search_text


@pytest.mark.parametrize(("state", "message"), [
    ("recognised", "đã được công nhận, không thể sửa"),
    ("refused", "không công nhận, không thể sửa"),
    ("submitted", "không thể sửa"),
])
def test_decided_or_submitted_applications_cannot_be_edited(writer, people, initiative_factory,
                                                            fields, state, message):
    initiative = initiative_factory(state=state)
    with pytest.raises(ValidationError) as exc:
        domain.update_application(writer, initiative, values(fields), [(people["a1"], 100)])
    assert message in messages_of(exc)
    assert Initiative.objects.get(pk=initiative.pk).title != values(fields)["title"]


def test_another_units_user_cannot_edit(users, initiative_factory, fields):
    initiative = initiative_factory()
    with pytest.raises(PermissionDenied):
        domain.update_application(users["other"], initiative, values(fields))


# Attachments ------------------------------------------------------------------------------

def docx_bytes(part="word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content"), [
    ("thuyet-minh.pdf", b"%PDF-1.7 content"),
    ("bang-tinh.xls", domain.OLE2 + b"\x00" * 20),
    ("don.docx", docx_bytes()),
    ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
])
def test_allowed_attachments_are_kept(writer, initiative_factory, media, name, content):
    initiative = initiative_factory()
    attachment = domain.add_attachment(writer, initiative, SimpleUploadedFile(name, content))
    assert attachment.name == name and attachment.size == len(content)
    assert attachment.file.read() == content


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.exe", b"MZ\x90\x00", "không đúng định dạng cho phép"),
    ("gia.pdf", b"<html><script>", "không phải tệp .pdf hợp lệ"),
    ("gia.docx", docx_bytes("xl/workbook.xml"), "không phải tệp .docx hợp lệ"),
    ("hong.xlsx", b"PK\x03\x04 not a zip", "không phải tệp .xlsx hợp lệ"),
])
def test_forbidden_or_disguised_attachments_are_refused(writer, initiative_factory, media, name,
                                                        content, message):
    initiative = initiative_factory()
    with pytest.raises(ValidationError) as exc:
        domain.add_attachment(writer, initiative, SimpleUploadedFile(name, content))
    assert message in messages_of(exc)
    assert not Attachment.objects.exists()


def test_attachment_over_the_size_limit_is_refused(writer, initiative_factory, media, settings):
    settings.INITIATIVE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    initiative = initiative_factory()
    upload = SimpleUploadedFile("lon.pdf", b"%PDF" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        domain.add_attachment(writer, initiative, upload)
    assert "vượt giới hạn 1 MB" in messages_of(exc)


def test_default_attachment_limit_is_ten_megabytes():
    assert domain.attachment_max_bytes() == 10 * 1024 * 1024


def test_attachments_of_a_recognised_initiative_cannot_change(writer, initiative_factory, media):
    initiative = initiative_factory()
    attachment = domain.add_attachment(writer, initiative,
                                       SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    Initiative.objects.filter(pk=initiative.pk).update(state="recognised")
    initiative.refresh_from_db()
    with pytest.raises(ValidationError):
        domain.add_attachment(writer, initiative, SimpleUploadedFile("b.pdf", b"%PDF-1.4"))
    attachment.refresh_from_db()
    with pytest.raises(ValidationError):
        domain.delete_attachment(writer, attachment)
    assert Attachment.objects.count() == 1


def test_attachments_cannot_change_once_submitted_meanwhile(writer, initiative_factory, media):
    """The page was read while a draft; the application was submitted before the upload
    (or the deletion) arrived: the stored state decides."""
    initiative = initiative_factory()
    kept = domain.add_attachment(writer, initiative, SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    Initiative.objects.filter(pk=initiative.pk).update(state="submitted")
    assert initiative.state == "draft"  # the stale copy
    with pytest.raises(ValidationError):
        domain.add_attachment(writer, initiative, SimpleUploadedFile("b.pdf", b"%PDF-1.4"))
    kept = Attachment.objects.select_related("initiative").get(pk=kept.pk)
    kept.initiative.state = "draft"
    with pytest.raises(ValidationError):
        domain.delete_attachment(writer, kept)
    assert list(Attachment.objects.values_list("name", flat=True)) == ["a.pdf"]
