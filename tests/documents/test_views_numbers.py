"""The number register page: the numbers given, taking one (with a confirmation), export."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import as_user  # noqa: F401 (shared helper)
from thidua.documents import numbering
from thidua.documents.models import IssuedNumber, NumberRegister

pytestmark = pytest.mark.django_db


def url(name, unit, **params):
    address = reverse(f"documents:{name}", args=[unit.pk])
    if params:
        address += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return address




def take(client, unit, doc_type="KH", subject="Về việc tổ chức hội nghị", confirm=True):
    data = {"doc_type": doc_type, "subject": subject}
    if confirm:
        data["confirm"] = "1"
    return client.post(url("number_take", unit), data)


def all_addresses(unit):
    return [url("numbers", unit), url("number_take", unit), url("numbers_export", unit)]


def test_anonymous_users_are_sent_to_the_login_page(client, tree):
    for address in all_addresses(tree.ward_a):
        for method in (client.get, client.post):
            response = method(address)
            assert response.status_code == 302 and response["Location"].startswith(
                reverse("login")), address


def test_the_other_wards_user_gets_404(client, users, tree):
    """GET and POST: 404 where the URL takes the method, 405 (for any id) elsewhere."""
    numbering.issue_number(tree.ward_a, "KH", users["secretariat"], subject="Bí mật")
    c = as_user(client, users["other"])
    for unit in (tree.ward_a, tree.cell_a1):
        for address in all_addresses(unit):
            assert c.get(address).status_code == 404, address
        assert take(c, unit).status_code == 404
        assert c.post(url("numbers", unit)).status_code == 405
        assert c.post(url("numbers_export", unit)).status_code == 405
    assert IssuedNumber.objects.count() == 1


def test_taking_numbers_through_the_page_gives_1_then_2(client, users, tree):
    c = as_user(client, users["secretariat"])
    form_page = c.get(url("number_take", tree.ward_a))
    assert form_page.status_code == 200 and "Lấy số văn bản mới" in form_page.content.decode()
    # First POST: the confirmation page, nothing taken yet.
    confirm = take(c, tree.ward_a, confirm=False)
    assert confirm.status_code == 200 and confirm.context["expected"] == "1-KH/ĐU"
    assert "Xác nhận lấy số" in confirm.content.decode()
    assert not IssuedNumber.objects.exists()
    first = take(c, tree.ward_a)
    second = take(c, tree.ward_a, subject="Về việc sơ kết phong trào")
    year = timezone.localdate().year
    assert first.status_code == 302
    assert first["Location"].startswith(url("numbers", tree.ward_a, nam=year))
    rows = list(IssuedNumber.objects.order_by("number").values_list(
        "number", "reference", "subject", "issued_by"))
    assert rows == [(1, "1-KH/ĐU", "Về việc tổ chức hội nghị", users["secretariat"].pk),
                    (2, "2-KH/ĐU", "Về việc sơ kết phong trào", users["secretariat"].pk)]
    page = c.get(second["Location"]).content.decode()
    assert "Đã lấy số 2-KH/ĐU" in page
    assert "1-KH/ĐU" in page and "Về việc sơ kết phong trào" in page and "vanphong_a" in page
    # The next confirmation announces 3.
    assert take(c, tree.ward_a, confirm=False).context["expected"] == "3-KH/ĐU"


def test_the_take_form_checks_its_input(client, users, tree):
    c = as_user(client, users["leader"])
    response = take(c, tree.ward_a, doc_type="XYZ", subject="   ")
    form = response.context["form"]
    assert "Loại văn bản không hợp lệ." in form.errors["doc_type"]
    assert "Hãy ghi trích yếu nội dung của văn bản." in form.errors["subject"]
    assert not IssuedNumber.objects.exists()


def test_readers_see_the_register_but_only_issuers_take(client, users, tree):
    numbering.issue_number(tree.ward_a, "QĐ", users["leader"], subject="Khen thưởng")
    c = as_user(client, users["observer"])
    response = c.get(url("numbers", tree.ward_a))
    assert response.status_code == 200 and "1-QĐ/ĐU" in response.content.decode()
    assert reverse("documents:number_take", args=[tree.ward_a.pk]) not in response.content.decode()
    assert c.get(url("number_take", tree.ward_a)).status_code == 403
    assert take(c, tree.ward_a).status_code == 403
    assert as_user(client, users["staff"]).get(url("numbers", tree.cell_a1)).status_code == 404
    assert IssuedNumber.objects.count() == 1


def test_registers_by_type_and_year(client, users, tree):
    year = timezone.localdate().year
    user = users["secretariat"]
    for doc_type in ("KH", "KH", "BC"):
        numbering.issue_number(tree.ward_a, doc_type, user, subject=f"Văn bản {doc_type}")
    numbering.issue_number(tree.ward_a, "KH", user, subject="Năm trước", year=year - 1)
    numbering.issue_number(tree.cell_a1, "KH", user, subject="Của chi bộ")
    c = as_user(client, user)
    response = c.get(url("numbers", tree.ward_a))
    registers = {r["doc_type"]: r["issued"] for r in response.context["registers"]}
    assert registers == {"BC": 1, "KH": 2}
    assert [n.reference for n in response.context["page_obj"]] == ["1-BC/ĐU", "1-KH/ĐU",
                                                                   "2-KH/ĐU"]
    assert response.context["years"] == [year, year - 1]
    only_kh = c.get(url("numbers", tree.ward_a, loai="KH")).context["page_obj"]
    assert [n.reference for n in only_kh] == ["1-KH/ĐU", "2-KH/ĐU"]
    last_year = c.get(url("numbers", tree.ward_a, nam=year - 1))
    assert [n.subject for n in last_year.context["page_obj"]] == ["Năm trước"]
    assert not last_year.context["may_take"]


def test_the_export_is_the_register_as_shown(client, users, tree):
    user = users["secretariat"]
    numbering.issue_number(tree.ward_a, "KH", user, subject="=HYPERLINK(\"http://x\")")
    numbering.issue_number(tree.ward_a, "BC", user, subject="Báo cáo sơ kết")
    response = as_user(client, user).get(url("numbers_export", tree.ward_a, loai="KH"))
    assert response.status_code == 200
    year = timezone.localdate().year
    assert f'filename="so-van-ban-pab-{year}-kh.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows.index(["Loại văn bản", "Số", "Số, ký hiệu", "Trích yếu", "Người lấy số",
                         "Thời gian"])
    body = rows[header + 1:]
    assert len(body) == 1
    assert body[0][:5] == ["Kế hoạch (KH)", 1, "1-KH/ĐU", "=HYPERLINK(\"http://x\")",
                           "vanphong_a"]
    cell = sheet.cell(row=header + 2, column=4)
    assert cell.data_type == "s"  # kept as text, not run as a formula
    assert sheet.cell(row=header + 2, column=6).number_format.lower() == "dd/mm/yyyy hh:mm"


def test_the_page_queries_do_not_grow_with_the_numbers(client, users, tree,
                                                       django_assert_max_num_queries):
    user = users["secretariat"]
    numbering.issue_number(tree.ward_a, "KH", user, subject="Một")
    c = as_user(client, user)
    address = url("numbers", tree.ward_a)
    c.get(address)

    def count():
        with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as seen:
            assert c.get(address).status_code == 200
        return len(seen)

    before = count()
    other = users["leader"]
    for index in range(30):
        numbering.issue_number(tree.ward_a, ("KH", "BC", "QĐ")[index % 3],
                               (user, other)[index % 2], subject=f"Văn bản {index}")
    assert len(c.get(address).context["page_obj"]) == 31
    assert count() == before
    assert NumberRegister.objects.filter(unit=tree.ward_a).count() == 3
