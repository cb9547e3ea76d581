import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from thidua.core.text import clean_text, fold, nfc


def test_fold_strips_diacritics_case_and_d_stroke():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐẶNG THỊ HƯƠNG") == "dang thi huong"
    assert fold("  Lê\tThị\u00a0Hoa  ") == "le thi hoa"


def test_fold_treats_nfd_and_nfc_alike():
    name = "Nguyễn Thị Ánh Tuyết"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name)


def test_nfc_and_clean_text():
    decomposed = unicodedata.normalize("NFD", "Hoàng Thị Thủy")
    assert decomposed != "Hoàng Thị Thủy"
    assert nfc(decomposed) == "Hoàng Thị Thủy"
    assert clean_text(f"  {decomposed}\n ") == "Hoàng Thị Thủy"
    assert clean_text(None) == ""
    assert nfc(None) is None


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹ ĐÔƠƯ"))
def test_fold_of_vietnamese_letters_is_plain_ascii(text):
    assert fold(text).isascii()
