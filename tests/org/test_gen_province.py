from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from thidua.core.text import fold
from thidua.org import synthetic
from thidua.org.models import Person, Unit

SMALL = ("--communes", "3", "--units", "150", "--people", "600")


def generate(*args) -> str:
    out = StringIO()
    call_command("gen_province", *SMALL, *args, stdout=out)
    return out.getvalue()


def snapshot(code="SYN-TTN"):
    root = Unit.objects.get(code=code)
    units = list(Unit.objects.filter(path__startswith=root.path)
                 .order_by("path").values_list("code", "name", "kind__code"))
    people = list(Person.objects.filter(staff_code__startswith=code + "-").order_by("staff_code")
                  .values_list("staff_code", "full_name", "date_of_birth", "unit__code",
                               "party_cell__code", "position"))
    return units, people


@pytest.mark.django_db
def test_small_province_has_the_exact_counts_and_shape():
    output = generate()

    root = Unit.objects.get(code="SYN-TTN")
    assert root.is_root() and root.name == "Tỉnh Thử nghiệm" and root.kind.code == "tinh_uy"
    assert Unit.objects.filter(path__startswith=root.path).count() == 150
    assert Person.objects.count() == 600
    assert "3 xã, phường; 150 đơn vị; 600 cán bộ" in output

    communes = Unit.objects.get_children(root)
    assert root.numchild == 3 and {c.kind.code for c in communes} == {"dang_uy_xa"}
    for commune in communes:
        kinds = Counter(Unit.objects.get_children(commune).values_list("kind__code", flat=True))
        assert kinds["ubnd"] == 1 and kinds["uy_ban_mttq"] == 1 and kinds["chi_bo"] >= 1
        below = Counter(Unit.objects.filter(path__startswith=commune.path, depth=4)
                        .values_list("kind__code", flat=True))
        assert below == {"phong_ban": 3, "mot_cua": 1, "doan_the": 4}
    # A valid tree: no bad paths, depths or child counts.
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    for unit in Unit.objects.all():
        assert unit.numchild == Unit.objects.get_children(unit).count(), unit.code


@pytest.mark.django_db
def test_people_are_plausible():
    generate()
    people = list(Person.objects.select_related("unit", "party_cell"))

    assert len({p.staff_code for p in people}) == 600
    assert all(p.name_folded == fold(p.full_name) for p in people)
    assert all(date(1965, 1, 1) <= p.date_of_birth <= date(2003, 12, 31) for p in people)
    assert {p.gender for p in people} == {"nam", "nu"}
    families = Counter(p.full_name.split()[0] for p in people)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert Counter(p.ethnicity for p in people).most_common(1)[0][0] == "Kinh"
    members = [p for p in people if p.is_party_member]
    assert 0.3 < len(members) / len(people) < 0.5
    for person in members:
        commune_path = person.unit.path[: 2 * Unit.steplen]
        assert person.party_cell.kind.code == "chi_bo"
        assert person.party_cell.path.startswith(commune_path)
        assert person.date_of_birth < person.party_joined_on <= date(2025, 6, 30)
    assert all(p.party_cell is None and p.party_joined_on is None
               for p in people if not p.is_party_member)
    leaders = [p for p in people if p.is_leader]
    assert leaders and all(p.is_party_member for p in leaders)
    assert "Bí thư Đảng ủy" in {p.position for p in leaders}


@pytest.mark.django_db
def test_same_seed_same_province_and_replace():
    generate("--seed", "5")
    first = snapshot()

    with pytest.raises(CommandError, match="Đã có tỉnh giả lập mã SYN-TTN"):
        generate("--seed", "5")

    generate("--seed", "5", "--replace")
    assert snapshot() == first
    assert Unit.objects.count() == 150 and Person.objects.count() == 600
    assert Unit.objects.find_problems() == ([], [], [], [], [])

    generate("--seed", "6", "--replace")
    assert snapshot()[1] != first[1]
    assert Unit.objects.count() == 150 and Person.objects.count() == 600


@pytest.mark.django_db
def test_another_name_is_another_province():
    generate()
    generate("--name", "Tỉnh Đối chứng")

    assert sorted(Unit.objects.get_root_nodes().values_list("code", flat=True)) == [
        "SYN-TDC", "SYN-TTN"]
    assert Person.objects.count() == 1200


@pytest.mark.django_db
def test_replace_leaves_other_units_alone(tree, people):
    generate()
    generate("--replace")

    assert Unit.objects.filter(code__startswith="SYN-").count() == 150
    assert Unit.objects.filter(pk=tree.province.pk).exists()
    assert Person.objects.filter(pk=people["a1"].pk).exists()
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_impossible_sizes_are_refused():
    with pytest.raises(CommandError, match="cần ít nhất 37 đơn vị"):
        call_command("gen_province", "--communes", "3", "--units", "36", stdout=StringIO())
    assert not Unit.objects.exists()


def test_root_code_comes_from_the_name():
    assert synthetic.root_code("Tỉnh Thử nghiệm") == "SYN-TTN"
    assert synthetic.root_code("tinh thu nghiem 2") == "SYN-TTN2"
