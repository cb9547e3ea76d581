"""Full-text search and the duplicate warning (thidua.initiatives.search) on both backends."""

import pytest
from django.db import connection

from thidua.initiatives import search
from thidua.initiatives.models import Initiative
from thidua.initiatives.search_text import build_search_text, refresh_search_text

SECRET = "Mật khẩu máy chủ Zanzibar"


def test_build_search_text_folds_public_content_and_authors_never_confidential(
        initiative_factory):
    initiative = initiative_factory(title="Sáng kiến CẢI CÁCH thủ tục", confidential=SECRET)
    text = build_search_text(initiative)
    assert text.startswith("sang kien cai cach thu tuc cong nghe thong tin, chuyen doi so")
    assert "nguyen van an" in text  # the author
    assert "zanzibar" not in text and "mat khau" not in text


def test_build_search_text_of_an_unsaved_instance_reads_no_author(fields, django_assert_num_queries):
    initiative = Initiative(title="Đổi mới", field=fields["y_te"], problem="Vấn đề",
                            solution="Giải pháp", novelty="Mới", benefits="Lợi ích")
    with django_assert_num_queries(0):
        assert build_search_text(initiative) == "doi moi y te van de giai phap moi loi ich"


def test_refresh_search_text_fills_saved_rows(initiative_factory):
    first = initiative_factory(title="Số hóa hồ sơ")
    second = initiative_factory(title="Đường điện")
    assert refresh_search_text([first.pk, second.pk]) == 2
    first.refresh_from_db()
    assert first.search_text == build_search_text(first)
    assert refresh_search_text([first.pk, second.pk]) == 0  # nothing changed


def test_unaccented_query_finds_accented_title(indexed):
    wanted = indexed(title="Sáng kiến cải cách thủ tục một cửa", state="recognised")
    indexed(title="Trồng rừng phòng hộ đầu nguồn", state="recognised")
    found = list(search.search(Initiative.objects.all(), "sang kien CAI cach"))
    assert found == [wanted]
    assert list(search.search(Initiative.objects.all(), "Cải Cách")) == [wanted]


def test_words_match_whole_not_as_prefix(indexed):
    indexed(title="Tin học hóa văn phòng", state="recognised")
    province = indexed(title="Điều hành của tỉnh", state="recognised")
    assert list(search.search(Initiative.objects.all(), "tinh")) == [province]


def test_every_word_must_match_and_better_matches_rank_first(indexed):
    once = indexed(title="Tiếp nhận hồ sơ", problem="Hồ sơ giấy.", solution="Quét.",
                   novelty="Mới.", benefits="Nhanh.", state="recognised")
    often = indexed(title="Hồ sơ điện tử: tiếp nhận hồ sơ", problem="Hồ sơ, hồ sơ, hồ sơ.",
                    solution="Hồ sơ số.", novelty="Mới.", benefits="Nhanh.",
                    state="recognised")
    indexed(title="Hồ sơ đất đai", problem="Chậm.", solution="Số hóa.", novelty="Mới.",
            benefits="Nhanh.", state="recognised")  # no "tiếp nhận"
    found = list(search.search(Initiative.objects.all(), "tiep nhan ho so"))
    assert found == [often, once]


def test_confidential_words_are_not_searchable(indexed):
    indexed(title="Bảo mật dữ liệu", confidential=SECRET, state="recognised")
    assert list(search.search(Initiative.objects.all(), "zanzibar")) == []


def test_index_follows_updates_and_deletes(indexed):
    item = indexed(title="Nuôi cá lồng", state="recognised")
    item.title = "Trồng chè sạch"
    item.search_text = build_search_text(item)
    item.save()
    assert list(search.search(Initiative.objects.all(), "ca long")) == []
    assert list(search.search(Initiative.objects.all(), "che sach")) == [item]
    Initiative.objects.filter(pk=item.pk).delete()
    assert list(search.search(Initiative.objects.all(), "che sach")) == []


def test_a_query_without_words_changes_nothing(indexed):
    item = indexed(state="recognised")
    assert list(search.search(Initiative.objects.all(), " ?! ")) == [item]


def test_the_index_exists_after_migrations(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert set(search.SQLITE_TRIGGERS) <= {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [search.GIN_INDEX])
            assert cursor.fetchone()


def test_install_index_repairs_lost_triggers(indexed):
    """SQLite drops triggers when a migration rebuilds the table: reinstalling rebuilds."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    item = indexed(title="Nước sạch nông thôn", state="recognised")
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Initiative.objects.filter(pk=item.pk).update(search_text="trong che sach")
    assert list(search.search(Initiative.objects.all(), "che sach")) == []  # out of sync
    search.install_index(connection)
    assert list(search.search(Initiative.objects.all(), "che sach")) == [item]
    assert list(search.search(Initiative.objects.all(), "nuoc sach")) == []


# Duplicate warning ---------------------------------------------------------------------------

BASE_TITLE = "Giải pháp số hóa hồ sơ đăng ký khai sinh tại bộ phận một cửa"
BASE = {
    "problem": "Người dân phải chờ lâu khi đăng ký khai sinh, sổ hộ tịch giấy dễ thất lạc.",
    "solution": "Quét toàn bộ sổ hộ tịch, lập kho dữ liệu điện tử, tra cứu bằng mã định danh.",
    "novelty": "Lần đầu kết nối kho hộ tịch điện tử với cổng dịch vụ công của xã.",
    "benefits": "Thời gian giải quyết hồ sơ khai sinh giảm từ ba ngày xuống nửa ngày.",
}


def _text(values):
    return " ".join(values[k] for k in ("problem", "solution", "novelty", "benefits"))


def test_identical_text_scores_at_least_point_nine(indexed, tree):
    copy = indexed(title=BASE_TITLE, state="recognised", **BASE)
    found = search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path)
    assert found[0][0] == copy
    assert found[0][1] >= 0.9


def test_near_copy_scores_higher_than_unrelated(indexed, tree):
    near = indexed(title="Số hóa hồ sơ đăng ký khai sinh ở bộ phận một cửa", state="accepted",
                   problem=BASE["problem"], solution=BASE["solution"],
                   novelty="Kết nối kho hộ tịch điện tử với cổng dịch vụ công.",
                   benefits="Giảm thời gian giải quyết hồ sơ khai sinh.")
    unrelated = indexed(title="Mô hình nuôi cá lồng trên hồ thủy điện", state="recognised",
                        problem="Người dân thiếu sinh kế, hồ sơ vay vốn chậm.",
                        solution="Nuôi cá rô phi trong lồng, liên kết tiêu thụ.",
                        novelty="Lần đầu nuôi cá lồng ở xã.",
                        benefits="Thu nhập tăng ba mươi phần trăm.")
    found = dict(search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path))
    assert found[near] > found.get(unrelated, 0.0)
    assert 0 <= found.get(unrelated, 0.0) <= found[near] <= 1


def test_similar_scope_drafts_other_provinces_and_itself(indexed, tree, other_province):
    draft = indexed(title=BASE_TITLE, state="draft", **BASE)
    elsewhere = other_province["ward"]
    indexed(title=BASE_TITLE, state="recognised", unit=elsewhere, reviewing_unit=elsewhere,
            **BASE)
    mine = indexed(title=BASE_TITLE, state="submitted", **BASE)
    assert search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path,
                          exclude_id=mine.pk) == []
    found = search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path)
    assert [i for i, _score in found] == [mine]
    assert draft not in [i for i, _score in found]


def test_similar_never_reads_the_confidential_part(indexed, tree):
    indexed(title="Quản lý kho", confidential=SECRET + " " + _text(BASE), state="recognised",
            problem="Kho lộn xộn.", solution="Dán nhãn.", novelty="Mã vạch.",
            benefits="Tìm nhanh.")
    assert search.similar("Zanzibar máy chủ", SECRET, province_path=tree.province.path) == []


def test_similar_orders_and_limits(indexed, tree):
    for n in range(4):
        indexed(title=f"{BASE_TITLE} lần {n}", state="recognised", **BASE)
    found = search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path, limit=2)
    assert len(found) == 2
    assert found[0][1] >= found[1][1]


def test_similar_stop_words_only_finds_nothing(indexed, tree):
    indexed(title=BASE_TITLE, state="recognised", **BASE)
    assert search.similar("của và các", "cho trong được", province_path=tree.province.path) == []


def test_similar_query_count_is_bounded(indexed, tree, django_assert_max_num_queries):
    indexed(title=BASE_TITLE, state="recognised", **BASE)
    with django_assert_max_num_queries(7):
        search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path)


# Words that look like the index's filter tokens (SQLite keeps them in the same FTS5 row) ------

def test_words_spelling_filter_tokens_reach_nothing_hidden(indexed, tree, users,
                                                            other_province):
    """An author may type "qqu0001" or "qqsrecognised" into his text: on SQLite these
    must stay words, never the filter tokens saying province, state or year."""
    from thidua.initiatives import queries

    province = tree.province.path.lower()
    elsewhere = other_province["ward"]
    theirs = indexed(title=f"{BASE_TITLE} qqu{province}", state="submitted", unit=elsewhere,
                     reviewing_unit=elsewhere, **BASE)
    found = search.similar(BASE_TITLE, _text(BASE), province_path=tree.province.path)
    assert theirs not in [i for i, _score in found]
    indexed(title="Sáng kiến nháp qqsrecognised", state="draft")
    old = indexed(title="Sáng kiến năm cũ qqy2020", state="recognised", year=2025)
    assert len(queries.BankResults(users["staff"], queries.BankFilters(q="sang kien"))) == 1
    by_year = queries.BankResults(users["staff"], queries.BankFilters(q="sang kien", year=2020))
    assert len(by_year) == 0 and by_year[0:20] == []
    # ... and such words are still found as words.
    assert list(search.search(Initiative.objects.all(), "qqy2020")) == [old]
    assert queries.BankResults(users["staff"], queries.BankFilters(q="QQY2020"))[0:20] == [old]
    store = indexed(title="Quản lý kho bằng mã QR", state="recognised")
    assert list(search.search(Initiative.objects.all(), "quan ly ma qr")) == [store]


def test_similar_finds_an_initiative_indexed_after_a_check_of_its_words(indexed, tree,
                                                                       monkeypatch):
    """The check of an unsaved application looks its words up before they are indexed;
    a copy checked a minute later must still find it."""
    monkeypatch.setattr(search, "_vocab_cache", {})  # this process has seen none of them
    title = "Máy ép viên nhiên liệu từ trấu"
    text = "Dùng trấu ép viên làm chất đốt cho lò sấy nông sản thay than đá."
    assert search.similar(title, text, province_path=tree.province.path) == []
    first = indexed(title=title, problem=text, state="submitted")
    assert [i for i, _score in search.similar(title, text,
                                               province_path=tree.province.path)] == [first]


def test_similar_of_a_very_long_text(indexed, tree, django_assert_max_num_queries):
    """Thousands of different words (the form does not limit the text): no error, the copy
    found, the number of queries bounded."""
    syllables = ["ba", "be", "bi", "bo", "bu", "ca", "ce", "ci", "co", "cu", "da", "de", "di",
                 "do", "du", "ga", "ge", "gi", "go", "gu", "ha", "he", "hi", "ho", "hu"]
    vocabulary = [f"{a}{b}{c}" for a in syllables for b in syllables for c in ("x", "y")]
    text = " ".join(vocabulary[(n * 7919) % len(vocabulary)] for n in range(6000))
    copy = indexed(title="Sổ tay nghiệp vụ dài", problem=text, state="recognised")
    with django_assert_max_num_queries(7):
        found = search.similar("Sổ tay nghiệp vụ dài", text, province_path=tree.province.path)
    assert found[0][0] == copy and found[0][1] >= 0.9


def test_install_index_replaces_outdated_triggers(indexed):
    """A database indexed by an older version of the triggers is re-indexed by migrate."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    item = indexed(title="Nước sạch nông thôn", state="recognised")
    name = f"{search.FTS}_au"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(f"CREATE TRIGGER {name} AFTER UPDATE OF search_text ON {search.TABLE} "
                       "BEGIN SELECT 1; END")
    Initiative.objects.filter(pk=item.pk).update(search_text="trong che sach")
    assert list(search.search(Initiative.objects.all(), "che sach")) == []  # out of sync
    search.install_index(connection)
    assert list(search.search(Initiative.objects.all(), "che sach")) == [item]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        assert cursor.fetchone()[0] == f"CREATE TRIGGER {name} {search.SQLITE_ROW_TRIGGERS[name]}"


def test_the_bank_index_follows_state_and_unit_changes(indexed, tree, users, other_province):
    from thidua.initiatives import queries

    item = indexed(title="Nhà kính trồng rau", state="in_review")
    found = queries.BankFilters(q="nha kinh")
    assert len(queries.BankResults(users["staff"], found)) == 0
    Initiative.objects.filter(pk=item.pk).update(state="recognised")
    assert queries.BankResults(users["staff"], found)[0:20] == [item]
    Initiative.objects.filter(pk=item.pk).update(unit=other_province["ward"])
    assert len(queries.BankResults(users["staff"], found)) == 0
    assert queries.BankResults(other_province["user"], found)[0:20] == [item]
