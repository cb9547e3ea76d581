from thidua.org.models import Unit
from thidua.org.tree import bulk_add


def test_bulk_add_builds_a_valid_tree_under_existing_parents(tree, kinds):
    ward = Unit(code="NEW", name="Đảng bộ xã Mới", kind=kinds["dang_uy_xa"])
    cells = [Unit(code=f"NEW-{i}", name=f"Chi bộ thôn {i}", kind=kinds["chi_bo"]) for i in range(3)]
    extra = Unit(code="PAB-CB3", name="Chi bộ Tổ dân phố 3", kind=kinds["chi_bo"])
    bulk_add([(ward, tree.province), *[(c, ward) for c in cells], (extra, tree.ward_a)])

    assert all(not problem for problem in Unit.objects.find_problems())
    ward = Unit.objects.get(code="NEW")
    assert Unit.objects.get_parent(ward) == tree.province and ward.numchild == 3
    assert [c.code for c in Unit.objects.get_children(ward)] == ["NEW-0", "NEW-1", "NEW-2"]
    assert Unit.objects.get(code="PAB").numchild == 3
    assert Unit.objects.get(code="NEW-1").name_folded == "chi bo thon 1"
    assert Unit.objects.get(code="NEW-1").sector == "dang"


def test_bulk_add_roots(db, kinds):
    roots = [Unit(code=f"R{i}", name=f"Gốc {i}", kind=kinds["tinh"]) for i in range(2)]
    bulk_add([(r, None) for r in roots])
    later = Unit(code="R2", name="Gốc 2", kind=kinds["tinh"])
    bulk_add([(later, None)])
    assert list(Unit.objects.filter(depth=1).order_by("path").values_list("code", flat=True)) == ["R0", "R1", "R2"]
    assert all(not problem for problem in Unit.objects.find_problems())


def test_subtree_lookup_is_an_exact_path_range(tree, make_unit):
    # Siblings whose paths share a string prefix with another subtree (…0001 vs …0010).
    for i in range(12):
        make_unit(f"Chi bộ phụ {i}", tree.ward_b, code=f"XBM-P{i}")
    units = list(Unit.objects.all())
    for unit in units:
        query = Unit.objects.filter(path__startswith=unit.path)
        assert ">=" in str(query.query)
        expected = {u.pk for u in units if u.path.startswith(unit.path)}
        assert set(query.values_list("pk", flat=True)) == expected


def test_expressions_on_path_keep_like_semantics(tree):
    from django.db.models.functions import Lower

    lowered = Unit.objects.annotate(low=Lower("path")).filter(low__startswith=tree.ward_a.path.lower())
    assert set(lowered.values_list("code", flat=True)) == {"PAB", "PAB-CB1", "PAB-CB2"}
