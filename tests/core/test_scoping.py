import pytest
from django.http import Http404

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES, READ_ROLES
from thidua.org.models import Person, RoleAssignment, Unit


def test_role_on_a_unit_covers_its_subtree_only(tree, users):
    visible = set(scoping.scope(Unit.objects.all(), users["secretariat"]).values_list("code", flat=True))
    assert visible == {"PAB", "PAB-CB1", "PAB-CB2"}


def test_user_without_role_sees_nothing(tree, people, users):
    assert not scoping.scope(Unit.objects.all(), users["norole"]).exists()
    assert not scoping.scope(Person.objects.all(), users["norole"]).exists()


def test_staff_role_does_not_open_the_directory(tree, people, users):
    assert not scoping.scope(Person.objects.all(), users["staff"], READ_ROLES).exists()


def test_superuser_sees_everything(tree, people, make_user):
    root = make_user("root", is_superuser=True)
    assert scoping.scope(Person.objects.all(), root).count() == 5


def test_anonymous_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.scope(Unit.objects.all(), AnonymousUser()).exists()


def test_roles_filter_the_scope(tree, people, users):
    observer = users["observer"]
    assert scoping.scope(Person.objects.all(), observer, READ_ROLES).count() == 3
    assert scoping.scope(Person.objects.all(), observer, MANAGE_ROLES).count() == 0


def test_nested_assignments_collapse_and_union(tree, people, users):
    user = users["other"]  # secretariat of ward B
    RoleAssignment.objects.create(user=user, role="leader", unit=tree.cell_a1)
    RoleAssignment.objects.create(user=user, role="secretariat", unit=tree.cell_b1)
    scoping.forget_roles(user)
    names = set(scoping.scope(Person.objects.all(), user).values_list("full_name", flat=True))
    assert names == {"Lê Văn Cường", "Hoàng Thị Duyên", "Nguyễn Văn An"}
    assert scoping.collapse(["0001", "00010002", "0002", "000100020003"]) == ["0001", "0002"]


def test_twelve_siblings_each_cover_only_themselves(make_unit, make_user):
    """With more than ten siblings the paths run past 0009 into 000A…000C; a role on the
    first sibling covers it alone."""
    root = make_unit("Gốc", kind="tinh_uy", code="G")
    units = [make_unit(f"Đơn vị {i}", root, code=f"D{i}") for i in range(12)]
    user = make_user("u", "secretariat", units[0])
    visible = set(scoping.scope(Unit.objects.all(), user).values_list("code", flat=True))
    assert visible == {"D0"}


def test_inactive_unit_grants_nothing(tree, users):
    Unit.objects.filter(pk=tree.ward_a.pk).update(is_active=False)
    user = users["secretariat"]
    scoping.forget_roles(user)
    assert not scoping.scope(Unit.objects.all(), user).exists()


def test_get_scoped_or_404(tree, people, users):
    other = people["b1"]
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(Person.objects.all(), users["secretariat"], pk=other.pk)
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(Person.objects.all(), users["secretariat"], pk=999999)
    mine = scoping.get_scoped_or_404(Person.objects.all(), users["secretariat"], pk=people["a1"].pk)
    assert mine == people["a1"]


def test_scope_or_own_adds_the_users_own_record(tree, people, users):
    staff = users["staff"]
    Person.objects.filter(pk=people["a2"].pk).update(user=staff)
    own = scoping.scope_or_own(Person.objects.all(), staff, READ_ROLES, owner_field="user")
    assert list(own) == [Person.objects.get(pk=people["a2"].pk)]


def test_unscoped_model_is_refused(db):
    from django.contrib.auth.models import Group

    with pytest.raises(TypeError):
        scoping.scope(Group.objects.all(), None)


def test_role_paths_cost_one_query_per_user(tree, users, django_assert_num_queries):
    user = users["secretariat"]
    scoping.forget_roles(user)
    with django_assert_num_queries(1):
        scoping.covered_paths(user)
        scoping.covered_paths(user, MANAGE_ROLES)
        scoping.roles_of(user)
