"""The public rating page: levels, reasons, limits, replays, overlong comments."""

import pytest
from django.test import Client

from tests.feedback.conftest import page, rate_url
from thidua.feedback import limits
from thidua.feedback.models import Rating

pytestmark = pytest.mark.django_db


def csrf_client():
    return Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Điện thoại thử")


def post_with_token(client, url, data):
    """GET the form (the CSRF cookie and token), then POST it like a phone does."""
    html = page(client.get(url))
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, follow=True)


def send(client, url, data):
    return client.post(url, data, follow=True)


def test_desk_page_three_levels_then_thanks(desks):
    client = csrf_client()
    response = client.get(rate_url(desks.desk.token))
    assert "csrftoken" in response.cookies  # a phone gets its CSRF cookie with the form
    html = page(response)
    assert "Bộ phận một cửa phường An Bình" in html
    assert html.count('type="radio"') == 3 and "Không hài lòng" in html
    assert "Yêu cầu bổ sung hồ sơ nhiều lần" in html
    assert "<script" not in html  # no JavaScript on the public page
    response = post_with_token(client, rate_url(desks.desk.token), {
        "level": "khong_hai_long", "reasons": ["Thời gian giải quyết lâu", "Bịa đặt"],
        "comment": "Chờ lâu quá", "dossier_code": "hs-001"})
    assert "Xin cảm ơn" in page(response)
    assert response.redirect_chain == [(f"/danh-gia/q/{desks.desk.token}/cam-on/", 302)]
    rating = Rating.objects.get()
    assert (rating.desk, rating.official, rating.unit_id) == (desks.desk, None,
                                                              desks.desk.unit_id)
    assert rating.satisfied is False and rating.reasons == ["Thời gian giải quyết lâu"]
    assert rating.dossier_code == "HS-001" and len(rating.client_key) == 64
    assert "127.0.0.1" not in rating.client_key


def test_official_page_five_levels(desks):
    from thidua.feedback.models import DeskOfficial

    official = DeskOfficial.objects.create(desk=desks.five, person=desks.ha.person)
    client = csrf_client()
    html = page(client.get(rate_url(official.token)))
    assert "Phạm Thu Hà" in html and html.count('type="radio"') == 5
    assert "Rất không hài lòng" in html
    response = post_with_token(client, rate_url(official.token),
                               {"level": "rat_hai_long", "reasons": ["Khác"]})
    assert "Phạm Thu Hà" in page(response)
    rating = Rating.objects.get()
    assert rating.official == official and rating.satisfied and rating.reasons == []


def test_post_without_csrf_is_refused(desks, client):
    strict = Client(enforce_csrf_checks=True)
    assert send(strict, rate_url(desks.desk.token), {"level": "hai_long"}).status_code == 403
    assert not Rating.objects.exists()


def test_post_with_the_cookie_but_without_the_forms_token_is_refused(desks):
    """The page opened (cookie set, token cached): a POST still needs the form's token."""
    strict = csrf_client()
    assert "csrftoken" in strict.get(rate_url(desks.ha.token)).cookies
    assert send(strict, rate_url(desks.ha.token), {"level": "hai_long"}).status_code == 403
    assert not Rating.objects.exists()


def test_unknown_or_inactive_token_is_404(desks, client):
    response = client.get(rate_url("khong-co-ma-nay"))
    assert response.status_code == 404
    assert "Không tìm thấy mã đánh giá" in response.content.decode()
    desks.khoa.is_active = False
    desks.khoa.save()
    assert client.get(rate_url(desks.khoa.token)).status_code == 404
    assert send(client, rate_url(desks.khoa.token), {"level": "hai_long"}).status_code == 404
    assert not Rating.objects.exists()


def test_rate_limit_per_client_answers_429_and_stores_nothing(desks, client):
    for _ in range(limits.PER_CLIENT):
        assert "Xin cảm ơn" in page(send(client, rate_url(desks.desk.token), {"level": "hai_long"}))
    response = send(client, rate_url(desks.desk.token), {"level": "hai_long"})
    assert response.status_code == 429
    assert "thử lại sau" in response.content.decode()
    assert Rating.objects.count() == limits.PER_CLIENT
    # another browser on another address is not held back
    other = Client(REMOTE_ADDR="10.0.0.9", HTTP_USER_AGENT="Khác")
    assert "Xin cảm ơn" in page(send(other, rate_url(desks.desk.token), {"level": "hai_long"}))


def test_rate_limit_per_address(desks, monkeypatch):
    monkeypatch.setattr(limits, "PER_IP", 2)
    for agent in ("A", "B"):
        page(send(Client(HTTP_USER_AGENT=agent), rate_url(desks.desk.token), {"level": "hai_long"}))
    response = send(Client(HTTP_USER_AGENT="C"), rate_url(desks.desk.token), {"level": "hai_long"})
    assert response.status_code == 429 and Rating.objects.count() == 2


def test_replayed_dossier_code_is_refused_kindly(desks, client):
    page(send(client, rate_url(desks.desk.token), {"level": "hai_long", "dossier_code": "HS-9"}))
    # the same dossier, through an official's code of the same unit, lower case
    response = send(client, rate_url(desks.ha.token), {"level": "khong_hai_long",
                                                       "dossier_code": "hs-9",
                                                       "comment": "Lần hai"})
    html = page(response)
    assert "đã được đánh giá rồi" in html and "Lần hai" in html
    assert Rating.objects.count() == 1


def test_oversized_comment_is_refused_with_the_form_kept(desks, client):
    long = "Quá dài " * 70
    html = page(send(client, rate_url(desks.desk.token),
                            {"level": "binh_thuong", "comment": long, "dossier_code": "HS-7",
                             "reasons": ["Hướng dẫn chưa rõ"]}))
    assert "tối đa 500 ký tự" in html
    assert "HS-7" in html and 'value="binh_thuong" checked' in html
    assert 'value="Hướng dẫn chưa rõ" checked' in html
    assert not Rating.objects.exists()


def test_missing_level_is_refused(desks, client):
    html = page(send(client, rate_url(desks.desk.token), {"comment": "Không chọn"}))
    assert "Xin chọn mức độ hài lòng" in html and "Không chọn" in html
    assert not Rating.objects.exists()


def test_thanks_page_of_unknown_token_is_404(client):
    assert client.get("/danh-gia/q/khong-co/cam-on/").status_code == 404
