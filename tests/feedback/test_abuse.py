"""Bad input on the public page (issue 7): unknown tokens, replayed dossier codes,
oversized comments and bursts from one address are refused without harming the
page for anyone else; the token cache forgets a desk or official as soon as it changes."""

import importlib

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.feedback.conftest import page, rate_url
from thidua.feedback import limits
from thidua.feedback.models import DeskOfficial, Rating
from thidua.feedback.views_public import token_key

pytestmark = pytest.mark.django_db


def send(client, url, data):
    return client.post(url, data, follow=True)


def test_unknown_tokens_are_404_and_not_cached(desks, client, django_assert_max_num_queries):
    for guess in ("A" * 22, "khong-co", "x" * 65):
        response = send(client, rate_url(guess), {"level": "hai_long"})
        assert response.status_code == 404 and "Không tìm thấy mã đánh giá" in \
            response.content.decode()
        assert cache.get(token_key(guess)) is None
    with django_assert_max_num_queries(0):  # an absurdly long token costs no lookup
        assert client.get(rate_url("y" * 200)).status_code == 404
    assert not Rating.objects.exists()
    # the real page still works for everyone
    assert "Xin cảm ơn" in page(send(client, rate_url(desks.desk.token), {"level": "hai_long"}))


def test_a_burst_from_one_address_does_not_hold_back_others(desks, monkeypatch):
    monkeypatch.setattr(limits, "PER_IP", 3)
    url = rate_url(desks.desk.token)
    for agent in "ABC":
        page(send(Client(HTTP_USER_AGENT=agent), url, {"level": "hai_long"}))
    for agent in "DEFG":  # the burst goes on from the same address
        response = send(Client(HTTP_USER_AGENT=agent), url, {"level": "khong_hai_long"})
        assert response.status_code == 429
    assert Rating.objects.count() == 3
    # the page still opens there, and another address rates as usual
    assert 'name="level"' in page(Client(HTTP_USER_AGENT="H").get(url))
    other = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="A")
    assert "Xin cảm ơn" in page(send(other, url, {"level": "hai_long"}))
    assert Rating.objects.count() == 4


def test_replayed_code_on_another_desk_of_the_unit_is_refused(desks, client):
    page(send(client, rate_url(desks.five.token), {"level": "rat_hai_long",
                                                   "dossier_code": "H20-1"}))
    html = page(send(Client(HTTP_USER_AGENT="khác"), rate_url(desks.khoa.token),
                     {"level": "hai_long", "dossier_code": " h20-1 "}))
    assert "đã được đánh giá rồi" in html
    assert Rating.objects.count() == 1
    # and the page goes on working for the next citizen
    assert "Xin cảm ơn" in page(send(client, rate_url(desks.khoa.token),
                                     {"level": "hai_long", "dossier_code": "H20-2"}))


def test_oversized_comment_at_the_limit_and_over(desks, client):
    url = rate_url(desks.desk.token)
    assert "Xin cảm ơn" in page(send(client, url, {"level": "binh_thuong", "comment": "a" * 500}))
    html = page(send(client, url, {"level": "binh_thuong", "comment": "a" * 501}))
    assert "tối đa 500 ký tự" in html
    assert Rating.objects.count() == 1


def test_a_stored_rating_costs_few_queries(desks, client, django_assert_max_num_queries):
    url = rate_url(desks.ha.token)
    page(client.get(url))  # the token is now in the cache
    with django_assert_max_num_queries(3):  # the insert (in its transaction), nothing else
        response = client.post(url, {"level": "hai_long", "dossier_code": "HS-Q"})
    assert response.status_code == 302 and Rating.objects.count() == 1


def test_deactivating_clears_the_cached_token_at_once(desks, client):
    url = rate_url(desks.ha.token)
    page(client.get(url))
    assert cache.get(token_key(desks.ha.token)) is not None
    desks.desk.is_active = False  # the desk closes: its officials' codes stop too
    desks.desk.save()
    assert client.get(url).status_code == 404
    assert client.get(rate_url(desks.desk.token)).status_code == 404
    desks.desk.is_active = True
    desks.desk.save()
    page(client.get(url))
    desks.ha.is_active = False
    desks.ha.save()
    assert send(client, url, {"level": "hai_long"}).status_code == 404
    assert not Rating.objects.exists()


def test_address_limit_is_a_setting(settings, monkeypatch):
    settings.THIDUA_RATING_IP_LIMIT = 1000
    assert int(limits.setting("THIDUA_RATING_IP_LIMIT", "30")) == 1000
    del settings.THIDUA_RATING_IP_LIMIT
    monkeypatch.setenv("THIDUA_RATING_IP_LIMIT", "77")
    assert importlib.reload(limits).PER_IP == 77
    monkeypatch.delenv("THIDUA_RATING_IP_LIMIT")
    assert importlib.reload(limits).PER_IP == 30


def test_benchmark_view_is_not_mounted_by_default(client):
    with pytest.raises(NoReverseMatch):
        reverse("feedback:minimal")
    assert client.get("/danh-gia/do-hieu-nang/toi-thieu/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_replay_outside_a_transaction_is_refused_and_stores_once(desks):
    """As served (autocommit, no request transaction): the constraint refuses the replay."""
    from django.core.exceptions import ValidationError

    from thidua.feedback import domain

    def rate():
        return domain.submit_rating(desks.desk, desks.ha, level="hai_long", reasons=[],
                                    comment="", dossier_code="hs-a1", client_key="k" * 64)

    rate()
    with pytest.raises(ValidationError, match="đã được đánh giá rồi"):
        rate()
    assert Rating.objects.filter(dossier_code="HS-A1").count() == 1
    assert domain.submit_rating(desks.desk, None, level="hai_long", reasons=[], comment="",
                                dossier_code="HS-A2", client_key="k" * 64).pk


def test_deleting_an_official_or_a_desk_forgets_its_token(desks, client):
    """Deleted (the admin's delete) after its page was opened: the code stops at once."""
    url = rate_url(desks.ha.token)
    page(client.get(url))
    desks.ha.delete()
    assert send(client, url, {"level": "hai_long"}).status_code == 404
    desk_url = rate_url(desks.five.token)
    page(client.get(desk_url))
    desks.five.delete()
    assert send(client, desk_url, {"level": "rat_hai_long"}).status_code == 404
    assert not Rating.objects.exists()


def test_closing_the_unit_stops_its_codes_at_once(desks, client, tree):
    url = rate_url(desks.ha.token)
    page(client.get(url))
    page(client.get(rate_url(desks.desk.token)))
    tree.ward_a.is_active = False  # a merge closes the unit
    tree.ward_a.save()
    assert send(client, url, {"level": "hai_long"}).status_code == 404
    assert client.get(rate_url(desks.desk.token)).status_code == 404
    assert not Rating.objects.exists()


def test_moving_a_desk_counts_its_ratings_in_the_new_unit(desks, client, tree):
    url = rate_url(desks.ha.token)
    page(client.get(url))
    desks.desk.unit = tree.ward_b  # the admin's form moves the desk
    desks.desk.save()
    page(send(client, url, {"level": "hai_long"}))
    assert Rating.objects.get().unit_id == tree.ward_b.pk


@pytest.mark.django_db(transaction=True)
def test_a_code_deleted_in_another_worker_is_gone_not_a_replay(desks):
    """Another gunicorn worker still holds the official in its cache (up to 60 s): the
    insert fails on the foreign key; that is not "already rated" but a missing code."""
    from thidua.feedback import domain

    stale_desk, stale_official = desks.desk, desks.ha
    DeskOfficial.objects.filter(pk=desks.ha.pk).delete()
    for code in (None, "HS-X1"):
        with pytest.raises(domain.RatingTargetGone):
            domain.submit_rating(stale_desk, stale_official, level="hai_long", reasons=[],
                                 comment="", dossier_code=code, client_key="k" * 64)
    assert not Rating.objects.exists()
