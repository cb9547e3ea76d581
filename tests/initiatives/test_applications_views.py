"""Application pages: lists, form, attachments, application page, actions, inbox, export."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import as_user
from thidua.initiatives import domain
from thidua.initiatives.models import Attachment, Initiative


def url(name, *args):
    return reverse(f"initiatives:{name}", args=args)


def form_data(fields, authors=(("", ""),) * 4, **extra):
    data = {"title": "Phần mềm nhắc hạn hồ sơ một cửa", "field": fields["chuyen_doi_so"].pk,
            "level": "co_so", "year": "2026", "first_applied_on": "01/03/2026",
            "problem": "Hồ sơ một cửa hay bị trễ hạn.", "solution": "Nhắc hạn tự động hằng ngày.",
            "novelty": "Chưa đơn vị nào trong phường áp dụng.", "benefits": "Giảm hồ sơ trễ hạn.",
            "benefit_amount": "", "conditions": "", "trial_people": "", "confidential": "",
            "tac_gia-TOTAL_FORMS": str(len(authors)), "tac_gia-INITIAL_FORMS": "0",
            "tac_gia-MIN_NUM_FORMS": "0", "tac_gia-MAX_NUM_FORMS": "10"}
    for index, (who, share) in enumerate(authors):
        data[f"tac_gia-{index}-who"] = who
        data[f"tac_gia-{index}-share"] = share
    data.update(extra)
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# My initiatives ---------------------------------------------------------------------------

def test_my_list_shows_what_i_wrote_or_co_authored(client, writer, people, users,
                                                   initiative_factory,
                                                   django_assert_max_num_queries):
    mine = initiative_factory(title="Sáng kiến tôi viết")
    co_authored = initiative_factory(title="Sáng kiến tôi cùng viết", created_by=users["admin"],
                                     authors=[(people["a1"], 50), (people["a2"], 50)])
    initiative_factory(title="Sáng kiến của người khác", created_by=users["admin"],
                       author=people["a2"])
    for _ in range(5):
        initiative_factory(state="accepted", accepted_on=date(2026, 1, 1),
                           review_due_on=date(2026, 4, 1))
    as_user(client, writer)
    with django_assert_max_num_queries(8):
        page = client.get(url("mine")).content.decode()
    assert mine.title in page and co_authored.title in page
    assert "Sáng kiến của người khác" not in page
    assert "Quá hạn" in page


# The form ---------------------------------------------------------------------------------

def test_new_form_prefills_the_writer_as_sole_author(client, writer, people):
    page = as_user(client, writer).get(url("new")).content.decode()
    assert people["a1"].staff_code in page and 'value="100"' in page


def test_writing_an_application_by_code_and_by_name(client, writer, people, fields, tree):
    data = form_data(fields, authors=[(people["a1"].staff_code, "60"),
                                      ("tran thi binh", "40"), ("", ""), ("", "")])
    response = as_user(client, writer).post(url("new"), data)
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and response.url == url("edit", initiative.pk)
    assert initiative.reviewing_unit == tree.ward_a and initiative.unit == tree.cell_a1
    assert [a.person for a in initiative.authors.all()] == [people["a1"], people["a2"]]
    page = client.get(response.url).content.decode()
    assert "Sáng kiến tương tự trong tỉnh" in page


def test_shares_not_summing_to_100_are_shown_on_the_form(client, writer, people, fields):
    data = form_data(fields, authors=[(people["a1"].staff_code, "60"),
                                      (people["a2"].staff_code, "30")])
    page = as_user(client, writer).post(url("new"), data).content.decode()
    assert "Tổng tỷ lệ đóng góp của các tác giả là 90%, phải đúng 100%." in page
    assert not Initiative.objects.exists()


def test_an_empty_solution_is_refused_naming_the_field(client, writer, people, fields):
    data = form_data(fields, authors=[(people["a1"].staff_code, "100")], solution="")
    page = as_user(client, writer).post(url("new"), data).content.decode()
    assert "Chưa nhập “Nội dung giải pháp”." in page
    assert not Initiative.objects.exists()


def test_an_ambiguous_name_lists_the_candidates(client, writer, people, fields, make_person,
                                                tree):
    twin = make_person("Trần Thị Bình", tree.ward_b)
    data = form_data(fields, authors=[(people["a1"].staff_code, "50"), ("Trần Thị Bình", "50")])
    page = as_user(client, writer).post(url("new"), data).content.decode()
    assert "có nhiều cán bộ khớp" in page
    assert people["a2"].staff_code in page and twin.staff_code in page


def test_duplicate_check_lists_similar_ones_without_saving(client, writer, people, fields,
                                                           initiative_factory):
    twin = initiative_factory(state="recognised", title="Phần mềm nhắc hạn hồ sơ một cửa",
                              solution="Nhắc hạn tự động hằng ngày cho hồ sơ một cửa.")
    twin.search_text = domain.build_search_text(twin)
    twin.save()
    data = form_data(fields, authors=[(people["a1"].staff_code, "100")], action="check")
    page = as_user(client, writer).post(url("new"), data).content.decode()
    assert 'id="danh-sach-tuong-tu"' in page and twin.title in page
    assert Initiative.objects.count() == 1


def test_edit_saves_and_recognised_ones_are_locked(client, writer, people, fields,
                                                   initiative_factory):
    draft = initiative_factory()
    data = form_data(fields, authors=[(people["a1"].staff_code, "100")], title="Tên đã sửa")
    response = as_user(client, writer).post(url("edit", draft.pk), data)
    assert response.status_code == 302
    assert Initiative.objects.get(pk=draft.pk).title == "Tên đã sửa"
    done = initiative_factory(state="recognised")
    response = client.post(url("edit", done.pk), data, follow=True)
    assert "đã được công nhận, không thể sửa" in response.content.decode()
    assert Initiative.objects.get(pk=done.pk).title != "Tên đã sửa"


def test_a_reader_who_is_not_the_writer_cannot_edit(client, users, initiative_factory):
    draft = initiative_factory()
    assert as_user(client, users["leader"]).get(url("edit", draft.pk)).status_code == 403


def test_a_user_without_a_person_or_office_cannot_start(client, users):
    assert as_user(client, users["norole"]).get(url("new")).status_code == 403


def test_the_office_writes_for_another_unit_of_its_subtree_only(client, users, people, fields,
                                                                tree):
    as_user(client, users["secretariat"])
    data = form_data(fields, authors=[(people["a2"].staff_code, "100")],
                     don_vi=str(tree.cell_a2.pk))
    response = client.post(url("new") + f"?don_vi={tree.cell_a2.pk}", data)
    assert response.status_code == 302
    assert Initiative.objects.get().unit == tree.cell_a2
    assert client.get(url("new") + f"?don_vi={tree.cell_b1.pk}").status_code == 404


# Attachments ------------------------------------------------------------------------------

def test_upload_download_and_delete_an_attachment(client, writer, initiative_factory, media):
    draft = initiative_factory()
    as_user(client, writer)
    client.post(url("attachment_add", draft.pk),
                {"file": SimpleUploadedFile("mo-ta.pdf", b"%PDF-1.5 body")})
    attachment = Attachment.objects.get()
    download = client.get(url("attachment_download", attachment.pk))
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == b"%PDF-1.5 body"
    assert "attachment" in download["Content-Disposition"]
    confirm = client.get(url("attachment_delete", attachment.pk)).content.decode()
    assert "Xóa tệp “mo-ta.pdf”?" in confirm
    client.post(url("attachment_delete", attachment.pk))
    assert not Attachment.objects.exists()


def test_a_disguised_file_is_refused_with_a_message(client, writer, initiative_factory, media):
    draft = initiative_factory()
    response = as_user(client, writer).post(
        url("attachment_add", draft.pk),
        {"file": SimpleUploadedFile("gia.pdf", b"<script>alert(1)</script>")}, follow=True)
    assert "không phải tệp .pdf hợp lệ" in response.content.decode()
    assert not Attachment.objects.exists()


# The application page and actions -----------------------------------------------------------

def test_application_page_shows_authors_deadline_and_history(client, users, people,
                                                             initiative_factory):
    item = initiative_factory(state="submitted", authors=[(people["a1"], 75), (people["a2"], 25)])
    domain.accept(item, users["secretariat"])
    Initiative.objects.filter(pk=item.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=3))
    page = as_user(client, users["secretariat"]).get(url("detail", item.pk)).content.decode()
    assert "Trần Thị Bình" in page and "25%" in page
    assert "Quá hạn 3 ngày" in page
    assert "Tiếp nhận" in page and "Đã tiếp nhận, chờ hội đồng" in page


def test_submit_confirmation_shows_similar_and_post_submits(client, writer, initiative_factory):
    draft = initiative_factory()
    as_user(client, writer)
    page = client.get(url("submit", draft.pk)).content.decode()
    assert "Nộp đơn" in page and "Sáng kiến tương tự trong tỉnh" in page
    response = client.post(url("submit", draft.pk))
    assert response.status_code == 302
    assert Initiative.objects.get(pk=draft.pk).state == "submitted"


def test_secretariat_accepts_after_confirmation(client, users, initiative_factory):
    item = initiative_factory(state="submitted")
    as_user(client, users["secretariat"])
    page = client.get(url("accept", item.pk)).content.decode()
    assert "3 tháng" in page and Initiative.objects.get(pk=item.pk).state == "submitted"
    client.post(url("accept", item.pk))
    item.refresh_from_db()
    assert item.state == "accepted" and item.review_due_on == domain.review_deadline(
        item.accepted_on)


def test_staff_cannot_accept(client, writer, initiative_factory):
    item = initiative_factory(state="submitted")
    assert as_user(client, writer).post(url("accept", item.pk)).status_code == 403


def test_return_requires_a_reason(client, users, initiative_factory):
    item = initiative_factory(state="submitted")
    as_user(client, users["secretariat"])
    page = client.post(url("return", item.pk), {"reason": ""}).content.decode()
    assert "Cần ghi rõ lý do trả lại" in page
    client.post(url("return", item.pk), {"reason": "Thiếu số liệu"})
    assert Initiative.objects.get(pk=item.pk).state == "returned"


def test_propose_a_recognised_one_to_the_province(client, writer, initiative_factory):
    item = initiative_factory(state="recognised")
    as_user(client, writer)
    assert "Đề nghị cấp trên công nhận" in client.get(url("detail", item.pk)).content.decode()
    response = client.post(url("propose", item.pk))
    proposal = Initiative.objects.get(previous=item)
    assert response.url == url("detail", proposal.pk) and proposal.level == "tinh"


@pytest.mark.parametrize("name", ["detail", "edit", "submit", "accept", "return", "propose",
                                  "attachment_add"])
def test_another_units_user_gets_404(client, users, initiative_factory, name):
    item = initiative_factory(state="submitted")
    as_user(client, users["other"])
    response = (client.post(url(name, item.pk)) if name == "attachment_add"
                else client.get(url(name, item.pk)))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["attachment_download", "attachment_delete"])
def test_another_units_user_gets_404_on_attachments(client, users, writer, initiative_factory,
                                                    media, name):
    item = initiative_factory()
    attachment = domain.add_attachment(writer, item, SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    assert as_user(client, users["other"]).get(url(name, attachment.pk)).status_code == 404


# The inbox -----------------------------------------------------------------------------------

@pytest.fixture
def inbox_items(initiative_factory, people):
    today = timezone.localdate()
    return {
        "submitted": initiative_factory(state="submitted", title="Đơn chờ tiếp nhận",
                                        submitted_at=timezone.now()),
        "accepted": initiative_factory(state="accepted", title="Đơn còn hạn",
                                       accepted_on=today, review_due_on=today + timedelta(30)),
        "overdue": initiative_factory(state="in_review", title="Đơn quá hạn xét",
                                      accepted_on=today - timedelta(100),
                                      review_due_on=today - timedelta(8)),
        "recognised": initiative_factory(state="recognised", title="Đơn đã công nhận"),
        "draft": initiative_factory(title="Đơn còn nháp"),
    }


def test_inbox_lists_the_open_ones_with_a_pinned_query_count(client, users, inbox_items,
                                                             initiative_factory,
                                                             django_assert_max_num_queries):
    for _ in range(6):
        initiative_factory(state="submitted")
    as_user(client, users["secretariat"])
    with django_assert_max_num_queries(12):
        page = client.get(url("inbox")).content.decode()
    assert "Đơn chờ tiếp nhận" in page and "Đơn quá hạn xét" in page
    assert "Đơn đã công nhận" not in page and "Đơn còn nháp" not in page
    assert "quá hạn 1" in page


def test_inbox_overdue_filter(client, users, inbox_items):
    page = as_user(client, users["secretariat"]).get(
        url("inbox") + "?trang_thai=overdue").content.decode()
    assert "Đơn quá hạn xét" in page and "Đơn còn hạn" not in page
    assert "Quá hạn 8 ngày" in page


def test_inbox_export_has_the_filtered_rows(client, users, inbox_items):
    response = as_user(client, users["secretariat"]).get(
        url("inbox_export") + "?trang_thai=overdue")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    titles = [row[0] for row in values]
    assert "Đơn quá hạn xét" in titles and "Đơn còn hạn" not in titles
    assert any(row[10] == "Quá hạn" for row in values if row[0] == "Đơn quá hạn xét")


def test_inbox_of_another_unit_is_404_and_needs_an_office_role(client, users, writer, tree,
                                                               inbox_items):
    as_user(client, users["other"])
    assert client.get(url("inbox") + f"?don_vi={tree.ward_a.pk}").status_code == 404
    assert client.get(url("inbox_export") + f"?don_vi={tree.ward_a.pk}").status_code == 404
    page = client.get(url("inbox")).content.decode()
    assert "Đơn chờ tiếp nhận" not in page
    assert as_user(client, writer).get(url("inbox")).status_code == 403


# Finding a staff code ---------------------------------------------------------------------------

def test_people_lookup_by_unaccented_name_hides_other_units_names(client, writer, people, tree):
    page = as_user(client, writer).get(url("people_lookup") + "?q=le van cuong").content.decode()
    assert people["b1"].staff_code in page and "Lê Văn Cường" in page
    assert tree.cell_b1.name not in page and "Đơn vị khác trong tỉnh" in page
    page = client.get(url("people_lookup") + "?q=tran thi").content.decode()
    assert tree.cell_a2.name in page


def test_people_lookup_stays_inside_the_province(client, writer, make_unit, make_person):
    elsewhere = make_unit("Tỉnh ủy Khác", kind="tinh_uy", code="TK")
    make_person("Vũ Văn Xa", elsewhere)
    page = as_user(client, writer).get(url("people_lookup") + "?q=vu van xa").content.decode()
    assert "Vũ Văn Xa" not in page


# Review findings ------------------------------------------------------------------------------

def test_delete_confirmation_of_a_submitted_applications_attachment_is_refused_politely(
        client, writer, initiative_factory, media):
    item = initiative_factory()
    attachment = domain.add_attachment(writer, item, SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    Initiative.objects.filter(pk=item.pk).update(state="submitted")
    response = as_user(client, writer).get(url("attachment_delete", attachment.pk), follow=True)
    assert response.status_code == 200
    assert "không thể sửa" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_office_sees_no_accept_button_on_its_own_application(client, users, people,
                                                                 initiative_factory):
    people["a3"].user = users["secretariat"]
    people["a3"].save(update_fields=["user"])
    item = initiative_factory(state="submitted", created_by=users["secretariat"],
                              author=people["a3"])
    as_user(client, users["secretariat"])
    page = client.get(url("detail", item.pk)).content.decode()
    assert url("accept", item.pk) not in page and url("return", item.pk) not in page
    assert client.post(url("accept", item.pk)).status_code == 403
    assert client.get(url("accept", item.pk)).status_code == 403
    assert Initiative.objects.get(pk=item.pk).state == "submitted"


def test_a_long_vietnamese_file_name_is_kept_and_downloaded_as_an_attachment(
        client, writer, initiative_factory, media):
    draft = initiative_factory()
    name = "Thuyết minh " + "giải pháp số hóa hồ sơ một cửa " * 6 + "\"bản cuối\".pdf"
    as_user(client, writer)
    client.post(url("attachment_add", draft.pk), {"file": SimpleUploadedFile(name, b"%PDF-1.5")})
    attachment = Attachment.objects.get()
    assert len(attachment.file.name) <= 100
    download = client.get(url("attachment_download", attachment.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\n" not in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.5"


def test_council_members_download_the_attachments_of_their_agenda_only(
        client, writer, council_board, initiative_factory, make_user, tree, media):
    item = council_board.on_agenda()
    on_agenda = domain.add_attachment(writer, initiative_factory(),
                                      SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    Attachment.objects.filter(pk=on_agenda.pk).update(initiative=item.initiative)
    elsewhere = domain.add_attachment(writer, initiative_factory(),
                                      SimpleUploadedFile("b.pdf", b"%PDF-1.4"))
    as_user(client, council_board.users["m1"])
    assert client.get(url("attachment_download", on_agenda.pk)).status_code == 200
    assert client.get(url("attachment_download", elsewhere.pk)).status_code == 404
    assert client.get(url("attachment_delete", on_agenda.pk)).status_code == 404
    assert Attachment.objects.filter(pk=on_agenda.pk).exists()
    stranger = make_user("hd_khac", "council", tree.ward_b)
    assert as_user(client, stranger).get(
        url("attachment_download", on_agenda.pk)).status_code == 404


def test_user_text_and_file_names_are_escaped(client, users, writer, initiative_factory, media):
    script = "<script>alert(1)</script>"
    item = initiative_factory(state="submitted", title=f"Sáng kiến {script}",
                              solution=f"Giải pháp {script}")
    as_user(client, writer)
    image = "<img src=x onerror=alert(1)>"
    refused = client.post(url("attachment_add", initiative_factory().pk),
                          {"file": SimpleUploadedFile(f"{image}.exe", b"MZ")}, follow=True)
    assert image not in refused.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.exe" in refused.content.decode()
    for page in (client.get(url("detail", item.pk)), client.get(url("mine")),
                 as_user(client, users["secretariat"]).get(url("inbox"))):
        assert script not in page.content.decode()


@pytest.mark.parametrize("name", ["submit", "accept", "return", "attachment_add"])
def test_posts_without_the_csrf_token_are_refused(users, writer, initiative_factory, name):
    from django.test import Client

    item = initiative_factory(state="draft" if name in ("submit", "attachment_add")
                              else "submitted")
    client = Client(enforce_csrf_checks=True)
    as_user(client, writer if name in ("submit", "attachment_add") else users["secretariat"])
    assert client.post(url(name, item.pk), {"reason": "x"}).status_code == 403
    assert Initiative.objects.get(pk=item.pk).state == item.state


def test_the_office_picks_the_unit_it_writes_for_from_its_list(client, users, tree,
                                                               django_assert_max_num_queries):
    as_user(client, users["secretariat"])
    with django_assert_max_num_queries(8):
        page = client.get(url("mine")).content.decode()
    assert 'name="don_vi"' in page and url("new") in page
    for unit in (tree.ward_a, tree.cell_a1, tree.cell_a2):
        assert f'<option value="{unit.pk}">' in page
    assert f'value="{tree.cell_b1.pk}"' not in page
    form = client.get(url("new") + f"?don_vi={tree.cell_a2.pk}").content.decode()
    assert tree.cell_a2.name in form
    # Staff without an office role write for their own unit only: no list.
    assert 'name="don_vi"' not in as_user(client, users["staff"]).get(url("mine")).content.decode()


def test_application_page_queries_do_not_grow_with_authors_files_and_history(
        client, users, writer, people, initiative_factory, media, django_assert_max_num_queries,
        monkeypatch):
    item = initiative_factory(authors=[(people["a1"], 25), (people["a2"], 25),
                                       (people["a3"], 25), (people["b1"], 25)])
    for index in range(4):
        domain.add_attachment(writer, item, SimpleUploadedFile(f"t{index}.pdf", b"%PDF-1.4"))
    domain.submit(writer, item)
    domain.return_for_completion(item, users["secretariat"], "Bổ sung số liệu.")
    domain.submit(writer, item)
    domain.accept(item, users["secretariat"])
    # The duplicate check (the bank's search, its own passes) is counted in its own tests.
    monkeypatch.setattr(domain, "similar_to", lambda initiative, limit=5: [])
    as_user(client, users["secretariat"])
    with django_assert_max_num_queries(9):
        page = client.get(url("detail", item.pk)).content.decode()
    assert "t3.pdf" in page and "Lê Văn Cường" in page and "Bổ sung số liệu." in page


def test_a_colleague_who_is_no_author_cannot_read_the_application(client, writer, make_user,
                                                                  tree, initiative_factory,
                                                                  media):
    item = initiative_factory(state="submitted")
    attachment = Attachment.objects.create(initiative=item, name="a.pdf", size=8,
                                           file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    colleague = make_user("canbo_a1_khac", "staff", tree.cell_a1)
    as_user(client, colleague)
    for address in (url("detail", item.pk), url("attachment_download", attachment.pk),
                    url("submit", item.pk)):
        assert client.get(address).status_code == 404
    assert item.title not in client.get(url("mine")).content.decode()
