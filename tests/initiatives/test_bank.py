"""The bank pages: who sees what, search and filters, confidential parts, export."""

from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import as_user
from thidua.initiatives import queries
from thidua.initiatives.models import Initiative

SECRET = "Mật khẩu máy chủ Zanzibar"
BANK = reverse("initiatives:bank")


def detail(initiative):
    return reverse("initiatives:bank_detail", args=[initiative.pk])


@pytest.fixture
def reform(indexed):
    return indexed(title="Sáng kiến cải cách thủ tục một cửa", state="recognised",
                   confidential=SECRET, certificate_number="12/QĐ-UBND")


def test_unaccented_query_finds_the_recognised_initiative(client, users, reform, indexed):
    indexed(title="Sáng kiến cải cách đang chờ hội đồng", state="in_review")
    indexed(title="Trồng rừng phòng hộ", state="recognised")
    response = as_user(client, users["staff"]).get(BANK, {"q": "sang kien cai cach"})
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [reform]
    assert "Sáng kiến cải cách thủ tục một cửa" in response.content.decode()


def test_every_user_of_the_province_reads_the_whole_bank(client, tree, users, indexed,
                                                        make_user, make_person):
    """The bank ignores role scoping: ward B's office reads ward A's initiative, and so does
    a user whose only link is his person record."""
    in_a = indexed(title="Số hóa hộ tịch", state="recognised")
    in_b = indexed(title="Nuôi cá lồng", state="recognised", unit=tree.ward_b,
                   reviewing_unit=tree.ward_b)
    as_user(client, users["other"])
    assert set(client.get(BANK).context["page_obj"].object_list) == {in_a, in_b}
    assert client.get(detail(in_a)).status_code == 200
    only_person = make_user("chi_ca_nhan")
    make_person("Vũ Thị Hoa", tree.cell_b1, user=only_person)
    as_user(client, only_person)
    assert set(client.get(BANK).context["page_obj"].object_list) == {in_a, in_b}
    assert client.get(detail(in_a)).status_code == 200


def test_a_user_of_another_province_gets_404_and_sees_nothing(client, other_province, reform,
                                                             indexed):
    theirs = indexed(title="Sáng kiến của tỉnh bên kia", state="recognised",
                     unit=other_province["ward"], reviewing_unit=other_province["ward"],
                     author=other_province["person"])
    as_user(client, other_province["user"])
    assert client.get(detail(reform)).status_code == 404
    assert list(client.get(BANK).context["page_obj"].object_list) == [theirs]
    assert list(client.get(BANK, {"q": "cai cach"}).context["page_obj"].object_list) == []
    assert client.get(reverse("initiatives:bank_replicate", args=[reform.pk])).status_code == 404


def test_a_user_without_province_has_an_empty_bank(client, users, reform):
    as_user(client, users["norole"])
    assert list(client.get(BANK).context["page_obj"].object_list) == []
    assert client.get(detail(reform)).status_code == 404


def test_anonymous_is_sent_to_login(client, reform):
    assert client.get(BANK).status_code == 302
    assert client.get(detail(reform)).status_code == 302


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "accepted", "in_review",
                                   "refused"])
def test_only_recognised_initiatives_are_in_the_bank(client, users, indexed, state):
    item = indexed(title="Sáng kiến chưa công nhận", state=state)
    as_user(client, users["admin"])
    assert client.get(detail(item)).status_code == 404
    assert list(client.get(BANK, {"q": "cong nhan"}).context["page_obj"].object_list) == []


def test_confidential_part_is_never_shown_nor_searchable(client, users, reform):
    as_user(client, users["secretariat"])
    page = client.get(detail(reform)).content.decode()
    assert "Sáng kiến cải cách thủ tục một cửa" in page and "12/QĐ-UBND" in page
    assert "Zanzibar" not in page and SECRET not in page
    response = client.get(BANK, {"q": "zanzibar"})
    assert list(response.context["page_obj"].object_list) == []
    assert "Zanzibar" not in client.get(BANK).content.decode()


def test_detail_shows_authors_level_certificate_and_replications(client, tree, users, people,
                                                                  reform):
    reform.replications.create(unit=tree.ward_b, applied_on="2026-05-04",
                               results="Giảm một nửa thời gian chờ.")
    page = as_user(client, users["staff"]).get(detail(reform)).content.decode()
    for text in ("Nguyễn Văn An", "Cấp cơ sở", "12/QĐ-UBND", "Đảng bộ xã Bình Minh",
                 "04/05/2026", "Giảm một nửa thời gian chờ."):
        assert text in page


def test_user_text_is_escaped(client, users, indexed):
    item = indexed(title="<script>alert(1)</script> Tiết kiệm điện", state="recognised")
    as_user(client, users["staff"])
    assert b"<script>alert(1)" not in client.get(BANK).content
    assert b"<script>alert(1)" not in client.get(detail(item)).content


# Filters ---------------------------------------------------------------------------------------

@pytest.fixture
def varied(tree, people, fields, indexed):
    return {
        "a_2025": indexed(title="Số hóa hồ sơ một cửa", state="recognised", year=2025,
                          author=people["a2"]),
        "a_cell": indexed(title="Số hóa sổ đảng viên", state="recognised", unit=tree.cell_a1,
                          field=fields["xay_dung_dang"], level="tinh",
                          reviewing_unit=tree.province),
        "b": indexed(title="Số hóa bản đồ đất", state="recognised", unit=tree.ward_b,
                     reviewing_unit=tree.ward_b, author=people["b1"]),
    }


def _found(client, **params):
    return set(client.get(BANK, params).context["page_obj"].object_list)


def test_filters(client, tree, users, fields, varied):
    as_user(client, users["staff"])
    assert _found(client, q="so hoa") == set(varied.values())
    assert _found(client, q="so hoa", linh_vuc=fields["xay_dung_dang"].pk) == {varied["a_cell"]}
    assert _found(client, don_vi=tree.ward_a.pk) == {varied["a_2025"], varied["a_cell"]}
    assert _found(client, don_vi=tree.cell_a1.pk) == {varied["a_cell"]}
    assert _found(client, cap="tinh") == {varied["a_cell"]}
    assert _found(client, nam=2025) == {varied["a_2025"]}
    assert _found(client, tac_gia="tran thi") == {varied["a_2025"]}
    assert _found(client, tac_gia="LÊ VĂN", q="ban do") == {varied["b"]}


def test_unit_filter_of_another_province_is_refused(client, users, other_province, varied):
    as_user(client, users["staff"])
    response = client.get(BANK, {"don_vi": other_province["ward"].pk})
    assert "Không có đơn vị này trong tỉnh của bạn." in response.content.decode()
    assert set(response.context["page_obj"].object_list) == set(varied.values())


def test_bank_for_is_the_rule(tree, users, other_province, varied, indexed):
    indexed(title="Chưa xong", state="accepted")
    assert set(queries.bank_for(users["observer"])) == set(varied.values())
    assert list(queries.bank_for(other_province["user"])) == []
    assert queries.province_paths(users["staff"]) == [tree.province.path]


def test_search_page_query_count_does_not_grow(client, users, indexed,
                                               django_assert_max_num_queries):
    # SQLite: the capped count and the page's ids from FTS5; PostgreSQL: each read of the
    # index in its own savepoint (sequential scans off), hence more statements.
    limit = 11 if connection.vendor == "sqlite" else 14

    def run():
        with django_assert_max_num_queries(limit):
            response = client.get(BANK, {"q": "sang kien", "nam": 2026})
        return response

    as_user(client, users["staff"])
    for n in range(3):
        indexed(title=f"Sáng kiến số {n}", state="recognised")
    first = run()
    for n in range(3, 25):
        indexed(title=f"Sáng kiến số {n}", state="recognised")
    second = run()
    assert len(first.context["page_obj"].object_list) == 3
    assert len(second.context["page_obj"].object_list) == 20  # one page
    assert second.context["page_obj"].paginator.count == 25


def test_detail_query_count(client, users, reform, django_assert_max_num_queries):
    as_user(client, users["secretariat"])
    reform.replications.create(unit=users["other"].role_assignments.get().unit,
                               applied_on="2026-05-04", results="Tốt.")
    with django_assert_max_num_queries(10):
        assert client.get(detail(reform)).status_code == 200


# Export ----------------------------------------------------------------------------------------

def test_export_lists_the_filtered_bank_without_confidential(client, users, reform, varied):
    as_user(client, users["staff"])
    response = client.get(reverse("initiatives:bank_export"), {"q": "so hoa", "nam": 2026})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "Số hóa sổ đảng viên" in text and "Số hóa bản đồ đất" in text
    assert "Số hóa hồ sơ một cửa" not in text  # 2025
    assert "Sáng kiến cải cách" in text and "Zanzibar" not in text  # matched, secret hidden
    assert "Từ khóa: so hoa" in text
    assert "Lê Văn Cường (100%)" in text


def test_export_of_another_province_user_holds_nothing_of_ours(client, other_province, reform):
    as_user(client, other_province["user"])
    response = client.get(reverse("initiatives:bank_export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    titles = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert reform.title not in titles


def test_bank_search_orders_by_relevance(users, indexed):
    plain = indexed(title="Tiết kiệm điện", state="recognised", problem="Điện.")
    strong = indexed(title="Tiết kiệm điện năng: điện mặt trời", state="recognised",
                     problem="Điện, điện, điện.")
    results = queries.BankResults(users["staff"], queries.BankFilters(q="dien"))
    assert results.ranked and not results.capped and len(results) == 2
    rows = results[0:20]
    assert rows == [strong, plain]
    assert isinstance(rows[0], Initiative)


def test_more_matches_than_the_rank_limit_are_listed_newest_first(users, indexed, monkeypatch):
    from thidua.initiatives import search

    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    made = [indexed(title=f"Tiết kiệm điện {n}", state="recognised") for n in range(4)]
    results = queries.BankResults(users["staff"], queries.BankFilters(q="tiet kiem"))
    assert results.capped and not results.ranked
    assert len(results) == 2
    assert results[0:2] == [made[3], made[2]]
    assert len(results.every_id()) == 4


@pytest.mark.parametrize("q", ['"', 'a"b', "NEAR(a b)", "so*", "-hoa", "body:so", "(so",
                               "so OR hoa", "^so", "so + hoa", "{body} : so", "qqsdraft",
                               "%_\\"])
def test_query_syntax_characters_are_plain_text(client, users, indexed, q):
    """FTS5 and tsquery syntax typed into the search box is never read as syntax."""
    shown = indexed(title="Số hóa hồ sơ", state="recognised")
    indexed(title="Số hóa hồ sơ nháp", state="draft")
    as_user(client, users["staff"])
    response = client.get(BANK, {"q": q, "tac_gia": q})
    assert response.status_code == 200
    # No word at all (only signs): the whole bank; words: none of them is in the text.
    expected = [] if any(c.isalnum() for c in q) else [shown]
    assert list(response.context["page_obj"].object_list) == expected
    assert client.get(reverse("initiatives:bank_export"), {"q": q}).status_code == 200


@pytest.mark.parametrize("page", ["²", "abc", "-1", "0", "99999", "1.5"])
def test_odd_page_numbers_show_a_page(client, users, reform, page):
    response = as_user(client, users["staff"]).get(BANK, {"page": page})
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [reform]


def test_bank_for_ignores_roles_on_merged_units_and_opens_everything_to_superusers(
        tree, make_unit, make_user, other_province, reform, indexed):
    from thidua.org.models import Unit

    merged = make_unit("Chi bộ đã sáp nhập", tree.ward_a, kind="chi_bo", code="SN1")
    Unit.objects.filter(pk=merged.pk).update(is_active=False)
    only_merged = make_user("chi_bo_cu", "secretariat", merged)
    assert list(queries.bank_for(only_merged)) == []
    theirs = indexed(title="Sáng kiến bên kia", state="recognised", unit=other_province["ward"],
                     reviewing_unit=other_province["ward"])
    indexed(title="Bản nháp", state="draft")
    boss = make_user("quan_tri_he_thong", is_superuser=True)
    assert set(queries.bank_for(boss)) == {reform, theirs}


def test_author_filter_query_count_does_not_grow_with_the_matches(
        users, people, indexed, django_assert_max_num_queries):
    """A common surname matches tens of thousands of a large bank: the page reads its own
    ids and a count capped at RANK_LIMIT + 1, never every match's authors."""
    from django.db.models import Max

    from thidua.initiatives.models import Author

    first = indexed(title="Máy sấy nông sản", state="recognised", author=people["a1"])
    template = {f.attname: getattr(first, f.attname) for f in Initiative._meta.concrete_fields
                if not f.primary_key}
    made = Initiative.objects.filter(title="Máy sấy nông sản").exclude(pk=first.pk)

    def copy(count):
        known = set(made.values_list("pk", flat=True))
        Initiative.objects.bulk_create([Initiative(**template) for _n in range(count)],
                                       batch_size=500)
        Author.objects.bulk_create([Author(initiative_id=pk, person=people["a1"], share=100,
                                           order=1)
                                    for pk in made.values_list("pk", flat=True)
                                    if pk not in known], batch_size=500)

    def run():
        user = type(users["staff"]).objects.get(pk=users["staff"].pk)  # nothing cached
        with django_assert_max_num_queries(50) as captured:
            results = queries.BankResults(user, queries.BankFilters(author="nguyen"),
                                          window=(0, 20))
            page = results[0:20]
        assert results.capped and len(results) == 1000
        assert page[0].pk == made.aggregate(Max("pk"))["pk__max"]  # newest first
        return len(captured.captured_queries)

    copy(1100)
    fewer = run()
    copy(800)
    assert run() == fewer
