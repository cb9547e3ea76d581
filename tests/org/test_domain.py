from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from thidua.org import domain
from thidua.org.models import Person, Unit


def test_merge_moves_people_and_children_and_keeps_history(tree, people, users, make_unit):
    sub = make_unit("Tổ Đảng 1", tree.cell_a2, code="PAB-CB2-T1")
    merged = domain.merge_units(users["secretariat"], tree.cell_a2, tree.cell_a1, date(2025, 7, 1))
    assert merged.is_active is False and merged.merged_into == tree.cell_a1
    assert merged.merged_on == date(2025, 7, 1)
    assert Person.objects.get(pk=people["a2"].pk).unit_id == tree.cell_a1.pk
    assert Unit.objects.get_parent(Unit.objects.get(pk=sub.pk)).pk == tree.cell_a1.pk
    assert Unit.objects.filter(pk=tree.cell_a2.pk).exists()  # history survives
    assert all(not problem for problem in Unit.objects.find_problems())


def test_merge_refuses_cycles_and_other_scopes(tree, users):
    with pytest.raises(ValidationError):
        domain.merge_units(users["secretariat"], tree.ward_a, tree.cell_a1, date(2025, 7, 1))
    with pytest.raises(PermissionDenied):
        domain.merge_units(users["secretariat"], tree.cell_a1, tree.cell_b1, date(2025, 7, 1))
    with pytest.raises(PermissionDenied):
        domain.merge_units(users["observer"], tree.cell_a2, tree.cell_a1, date(2025, 7, 1))


def test_create_unit_checks_the_parent_scope(tree, users, kinds):
    unit = domain.create_unit(users["secretariat"], parent=tree.ward_a, name="Chi bộ mới",
                              code="PAB-CB9", kind=kinds["chi_bo"], sector="dang")
    assert Unit.objects.get_parent(unit) == tree.ward_a
    with pytest.raises(PermissionDenied):
        domain.create_unit(users["secretariat"], parent=tree.ward_b, name="X", code="X",
                           kind=kinds["chi_bo"], sector="dang")
    with pytest.raises(PermissionDenied):
        domain.create_unit(users["secretariat"], parent=None, name="X", code="X",
                           kind=kinds["tinh"], sector="nha_nuoc")


def test_merge_moves_party_members_and_logs_every_moved_person(tree, people, users, make_person):
    from auditlog.models import LogEntry

    member = make_person("Bế Văn Tài", tree.ward_a, is_party_member=True, party_cell=tree.cell_a2)
    before = Person.objects.get(pk=people["a2"].pk).updated_at
    domain.merge_units(users["secretariat"], tree.cell_a2, tree.cell_a1, date(2025, 7, 1))
    assert Person.objects.get(pk=member.pk).party_cell_id == tree.cell_a1.pk
    moved = Person.objects.get(pk=people["a2"].pk)
    assert moved.updated_at > before
    entry = LogEntry.objects.filter(object_pk=str(moved.pk), action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == users["secretariat"] and "unit" in entry.changes_dict


def test_a_cell_with_members_merges_only_into_a_cell(tree, users, make_person):
    make_person("Bế Văn Tài", tree.ward_a, is_party_member=True, party_cell=tree.cell_a2)
    office = Unit.objects.add_child(tree.ward_a, instance=Unit(
        name="Văn phòng", code="PAB-VP", kind=tree.ward_a.kind, sector="dang"))
    with pytest.raises(ValidationError, match="chỉ sáp nhập"):
        domain.merge_units(users["secretariat"], tree.cell_a2, office, date(2025, 7, 1))


def test_no_child_under_a_merged_unit(tree, users, kinds):
    Unit.objects.filter(pk=tree.cell_a2.pk).update(is_active=False)
    parent = Unit.objects.get(pk=tree.cell_a2.pk)
    with pytest.raises(ValidationError):
        domain.create_unit(users["secretariat"], parent=parent, name="X", code="X",
                           kind=kinds["chi_bo"], sector="dang")
