from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from thidua.org.models import Unit


def load(*args) -> str:
    out = StringIO()
    call_command("load_divisions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loads_thai_nguyen_with_its_92_communes():
    output = load("--province", "Thái Nguyên")

    province = Unit.objects.get(code="T19")
    assert (province.name, province.division_code, province.kind.code) == (
        "Tỉnh Thái Nguyên", "19", "tinh")
    assert province.is_root() and province.numchild == 92
    communes = Unit.objects.get_children(province)
    assert communes.count() == 92
    assert {c.kind.code for c in communes} == {"xa_phuong"}
    bac_kan = communes.get(name="Phường Bắc Kạn")
    assert (bac_kan.code, bac_kan.division_code, bac_kan.sector) == ("X01843", "01843", "nha_nuoc")
    assert bac_kan.name_folded == "phuong bac kan"
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert "Tỉnh, thành phố: tạo mới 1, đã có 0." in output
    assert "Xã, phường, đặc khu: tạo mới 92, đã có 0." in output


@pytest.mark.django_db
def test_second_run_adds_nothing():
    load("--province", "Thái Nguyên")
    output = load("--province", "thai nguyen")  # accents and case do not matter

    assert Unit.objects.count() == 93
    assert "tạo mới 0, đã có 1" in output
    assert "tạo mới 0, đã có 92" in output


@pytest.mark.django_db
def test_completes_a_partly_loaded_province():
    load("--province", "Thái Nguyên")
    Unit.objects.filter(code="X01843").delete()
    assert Unit.objects.get(code="T19").numchild == 91

    output = load("--province", "Tỉnh Thái Nguyên")

    assert "Xã, phường, đặc khu: tạo mới 1, đã có 91." in output
    province = Unit.objects.get(code="T19")
    assert province.numchild == 92 and Unit.objects.get_children(province).count() == 92
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_several_provinces_by_name_or_title():
    load("--province", "ha noi", "--province", "Tỉnh Cao Bằng", "--province", "TP. Huế")

    roots = Unit.objects.get_root_nodes()
    assert sorted(r.name for r in roots) == ["Thành phố Huế", "Thành phố Hà Nội", "Tỉnh Cao Bằng"]
    assert Unit.objects.get(code="T01").numchild == 126
    assert Unit.objects.count() == 3 + 126 + 56 + 40


@pytest.mark.django_db
def test_unknown_province_is_refused_in_vietnamese():
    with pytest.raises(CommandError, match="Không tìm thấy tỉnh, thành phố: “Bắc Kạn”"):
        load("--province", "Thái Nguyên", "--province", "Bắc Kạn")  # merged into Thái Nguyên
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_a_province_or_all_must_be_chosen():
    with pytest.raises(CommandError, match="Hãy chọn tỉnh, thành phố cần nạp"):
        load()
    with pytest.raises(CommandError, match="Chỉ dùng một trong hai"):
        load("--all", "--province", "Huế")


@pytest.mark.django_db
def test_code_taken_by_another_unit_is_reported(kinds):
    Unit.objects.add_root(instance=Unit(name="Đơn vị khác", code="X01843", kind=kinds["chi_bo"]))
    with pytest.raises(CommandError, match="X01843"):
        load("--province", "Thái Nguyên")
    assert Unit.objects.count() == 1


@pytest.mark.django_db
def test_whole_country():
    output = load("--all")

    assert Unit.objects.filter(kind__code="tinh", depth=1).count() == 34
    assert Unit.objects.filter(kind__code="xa_phuong", depth=2).count() == 3321
    assert "tạo mới 34, đã có 0" in output and "tạo mới 3321, đã có 0" in output
    assert Unit.objects.find_problems() == ([], [], [], [], [])
