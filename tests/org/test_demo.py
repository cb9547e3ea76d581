from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from thidua.core.roles import Role
from thidua.org import demo
from thidua.org.models import Person, RoleAssignment, Unit


def test_demo_is_a_real_ward_and_idempotent(db):
    call_command("load_demo", stdout=StringIO())
    units, people = Unit.objects.count(), Person.objects.count()
    assert 280 <= people <= 330
    assert Unit.objects.get(code="BK").name == "Đảng bộ phường Bắc Kạn"
    assert Unit.objects.filter(kind__code="chi_bo", path__startswith=Unit.objects.get(code="BK").path).count() >= 15
    assert Unit.objects.filter(kind__code="mot_cua").exists()
    # One login per role of DESIGN.md, each linked to a person.
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert {r.value for r in Role} <= roles
    logins = [login[0] for login in demo.DEMO_LOGINS]
    assert Person.objects.filter(user__username__in=logins).count() == len(demo.DEMO_LOGINS)
    user = get_user_model().objects.get(username="vanphong")
    assert user.check_password(demo.demo_password())
    # Names are NFC and folded for search.
    assert Person.objects.filter(name_folded__contains="nguyen").exists()

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (Unit.objects.count(), Person.objects.count()) == (units, people)
    # Every demo login, including those other apps' steps add, is printed for the tester.
    printed = out.getvalue()
    for username in ("quantri", "hoidong2", "canbo_cb", "hoidong_cb"):
        assert f"  {username} " in printed
        assert get_user_model().objects.filter(username=username).exists()
