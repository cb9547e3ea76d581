import pytest
from django.urls import reverse


@pytest.mark.parametrize("name", ["admin:org_unit_changelist", "admin:org_person_changelist",
                                  "admin:org_unitkind_changelist", "admin:core_transitionlog_changelist"])
def test_admin_pages_open_for_superusers(client, people, make_user, name):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert client.get(reverse(name)).status_code == 200
