import unicodedata

from django.test import RequestFactory

from thidua.core.middleware import NormalizeInputMiddleware


def test_query_string_and_form_values_become_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    seen = {}

    def view(request):
        seen["get"] = request.GET["q"]
        seen["post"] = request.POST["name"]
        return None

    from urllib.parse import urlencode

    request = RequestFactory().post(f"/?q={decomposed}", urlencode({"name": decomposed}),
                                    content_type="application/x-www-form-urlencoded")
    NormalizeInputMiddleware(view)(request)
    assert seen == {"get": "Nguyễn Thị Hường", "post": "Nguyễn Thị Hường"}


def test_models_store_nfc_whatever_the_input(tree, make_person):
    person = make_person(unicodedata.normalize("NFD", "Đỗ Thị Thúy"), tree.cell_a1)
    person.refresh_from_db()
    assert person.full_name == unicodedata.normalize("NFC", "Đỗ Thị Thúy")
    assert person.name_folded == "do thi thuy"
