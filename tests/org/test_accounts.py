import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thidua.org.accounts import suggested_username
from thidua.org.models import Person


def test_admin_creates_an_account_shown_once_and_usable(client, users, people):
    client.force_login(users["admin"])
    url = reverse("org:person_account", args=[people["a1"].pk])
    assert client.get(url).context["suggested"] == "annv"
    response = client.post(url, {"username": "annv"})
    password = response.context["password"]
    user = get_user_model().objects.get(username="annv")
    assert Person.objects.get(pk=people["a1"].pk).user == user
    assert user.check_password(password) and user.get_full_name() == "Nguyễn Văn An"
    # Reset: a new password, the old one stops working.
    new = client.post(url).context["password"]
    user.refresh_from_db()
    assert new != password and user.check_password(new) and not user.check_password(password)


def test_username_rules(client, users, people, make_user):
    make_user("annv")
    client.force_login(users["admin"])
    url = reverse("org:person_account", args=[people["a1"].pk])
    assert suggested_username(people["a1"]) == "annv2"
    for bad in ("ANNV", "a b", "đức"):
        response = client.post(url, {"username": bad}, follow=True)
        assert Person.objects.get(pk=people["a1"].pk).user_id is None
        assert response.context["messages"]


@pytest.mark.parametrize("who", ["secretariat", "observer", "other", "norole", "staff"])
def test_only_admins_of_the_unit(client, users, people, who):
    client.force_login(users[who])
    url = reverse("org:person_account", args=[people["a1"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"username": "annv"}).status_code == 404
    assert not get_user_model().objects.filter(username="annv").exists()
