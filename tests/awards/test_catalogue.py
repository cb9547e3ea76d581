"""The catalogue for admins: who reads and changes it, the checked rule parameters, quotas,
the authority table and the base salary."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import as_user
from thidua.awards.models import AwardType, BaseSalary
from thidua.awards.views.catalogue import check_params

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


@pytest.fixture
def root_admin(make_user, tree):
    return make_user("quantri_tinh", "admin", tree.province)


def form_data(award_type, **change):
    data = {"name": award_type.name, "short_name": award_type.short_name,
            "coefficient": str(award_type.coefficient).replace(".", ","),
            "quota_percent": "", "quota_base": "",
            "granted_by": [k.pk for k in award_type.granted_by.all()],
            "params": json.dumps(award_type.params), "source": award_type.source,
            "order": award_type.order, "is_active": "on"}
    data.update(change)
    return data


def test_who_reads_and_who_changes(client, users, root_admin, catalogue):
    ldtt = catalogue["ldtt"]
    # A ward's admin reads the list without the edit buttons, and may not edit.
    response = as_user(client, users["admin"]).get(url("catalogue"))
    assert response.status_code == 200 and url("catalogue_edit", ldtt.pk) not in \
        response.content.decode()
    assert as_user(client, users["admin"]).get(url("catalogue_edit", ldtt.pk)).status_code == 403
    assert as_user(client, users["admin"]).post(url("base_salary"), {}).status_code == 403
    for user in ("secretariat", "leader", "staff", "other", "norole"):
        assert as_user(client, users[user]).get(url("catalogue")).status_code == 403, user
        assert as_user(client, users[user]).get(url("base_salary")).status_code == 403, user
    response = as_user(client, root_admin).get(url("catalogue"))
    assert url("catalogue_edit", ldtt.pk) in response.content.decode()
    assert as_user(client, root_admin).get(url("catalogue_edit", ldtt.pk)).status_code == 200


def test_a_root_admin_edits_name_coefficient_quota_authority_params(client, root_admin,
                                                                    catalogue, kinds):
    cstdcs, ldtt = catalogue["cstdcs"], catalogue["ldtt"]
    params = {**cstdcs.params, "initiatives": 2}
    response = as_user(client, root_admin).post(url("catalogue_edit", cstdcs.pk), form_data(
        cstdcs, name="Chiến sĩ thi đua cơ sở (sửa)", coefficient="1,5", quota_percent="12,5",
        quota_base=ldtt.pk, granted_by=[kinds["xa_phuong"].pk], params=json.dumps(params),
        is_active=""))
    assert response.status_code == 302
    cstdcs.refresh_from_db()
    assert cstdcs.name == "Chiến sĩ thi đua cơ sở (sửa)"
    assert cstdcs.coefficient == Decimal("1.5") and cstdcs.quota_share == Decimal("0.125")
    assert cstdcs.quota_base == ldtt and not cstdcs.is_active
    assert list(cstdcs.granted_by.values_list("code", flat=True)) == ["xa_phuong"]
    assert cstdcs.params["initiatives"] == 2
    page = as_user(client, root_admin).get(url("catalogue")).content.decode()
    assert "12,5% số LĐTT" in page


@pytest.mark.parametrize(("params", "message"), [
    ("{years: 3}", "Không đọc được JSON ở dòng 1, cột 2"),
    ("[1, 2]", "phải là một đối tượng JSON"),
    ('{"grade": "gioi"}', "“gioi” không phải mức xếp loại"),
    ('{"initiatives": "hai"}', "phải là số nguyên từ 0 đến 50"),
    ('{"initiatives": 1, "years": 3}', "Tham số “years” không dùng cho quy tắc “cstdcs”"),
    ('{"base": "khong_co"}', "không phải mã danh hiệu, hình thức trong danh mục"),
    ('{"initiative_level": "huyen"}', "không phải cấp sáng kiến"),
])
def test_wrong_params_are_refused_with_the_parameter_named(client, root_admin, catalogue,
                                                           params, message):
    cstdcs = catalogue["cstdcs"]
    before = dict(cstdcs.params)
    response = as_user(client, root_admin).post(url("catalogue_edit", cstdcs.pk),
                                                form_data(cstdcs, params=params))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["params"])
    cstdcs.refresh_from_db()
    assert cstdcs.params == before


def test_param_checks_per_kind(catalogue):
    assert check_params("tt_ldtt", {"grade": "htt", "ldtt_share_over": "0.6",
                                    "discipline_blocks_from": "canh_cao"})
    with pytest.raises(ValidationError) as caught:
        check_params("tt_ldtt", {"ldtt_share_over": "1.5", "discipline_blocks_from": "phat"})
    assert len(caught.value.messages) == 2
    with pytest.raises(ValidationError, match="danh sách mã"):
        check_params("bang_khen_ttcp", {"prior_awards": "bang_khen_tinh"})
    with pytest.raises(ValidationError, match="true hoặc false"):
        check_params("ldtt", {"registration_required": "có"})
    assert check_params("manual", {}) == {}
    with pytest.raises(ValidationError, match="không có tham số nào"):
        check_params("manual", {"years": 1})


def test_a_quota_needs_both_its_share_and_its_base(client, root_admin, catalogue):
    cstdcs = catalogue["cstdcs"]
    response = as_user(client, root_admin).post(url("catalogue_edit", cstdcs.pk),
                                                form_data(cstdcs, quota_percent="15"))
    assert "phải chọn danh hiệu làm căn cứ" in " ".join(response.context["form"].errors["quota_base"])
    response = as_user(client, root_admin).post(url("catalogue_edit", cstdcs.pk),
                                                form_data(cstdcs, quota_percent="120",
                                                          coefficient="abc"))
    errors = response.context["form"].errors
    assert "không quá 100" in errors["quota_percent"][0] and "không phải số" in \
        errors["coefficient"][0]


def test_an_unknown_award_type_is_404(client, root_admin, catalogue):
    missing = AwardType.objects.order_by("-pk").first().pk + 1
    assert as_user(client, root_admin).get(url("catalogue_edit", missing)).status_code == 404


def test_base_salary_list_and_add(client, users, root_admin, catalogue):
    response = as_user(client, users["admin"]).get(url("base_salary"))
    assert response.status_code == 200 and response.context["form"] is None
    c = as_user(client, root_admin)
    response = c.post(url("base_salary"), {"effective_from": "01/07/2026", "amount": "2530000",
                                           "source": "Nghị định mới", "confirm": "on"}, follow=True)
    assert "Đã thêm mức lương cơ sở 2.530.000 đồng" in response.content.decode()
    assert BaseSalary.objects.filter(amount=2530000).exists()
    response = c.post(url("base_salary"), {"effective_from": "01/07/2026", "amount": "1",
                                           "confirm": "on"})
    assert "Đã có mức lương cơ sở áp dụng từ ngày này." in response.content.decode()
    response = c.post(url("base_salary"), {"effective_from": "2026-08-01", "amount": "0"})
    errors = response.context["form"].errors
    assert "dd/mm/yyyy" in errors["effective_from"][0] and "lớn hơn 0" in errors["amount"][0]


@pytest.mark.parametrize(("rule", "params", "message"), [
    # Parameters the rules read with int() or as a catalogue code: a wrong value used to be
    # saved and then broke eligibility and nominating (ValueError in int("ba")).
    ("cstd_toan_quoc", {"period": "ba"}, "“period” phải là số nguyên"),
    ("cstd_toan_quoc", {"period": 0}, "“period” phải là số nguyên từ 1"),
    ("cstdcs", {"quota_minimum": "hai"}, "“quota_minimum” phải là số nguyên"),
    ("tt_ldtt", {"member_title": "khong_co"}, "không phải mã danh hiệu, hình thức"),
    ("tt_ldxs", {"member_top_title": 3}, "không phải mã danh hiệu, hình thức"),
])
def test_every_parameter_a_rule_reads_is_checked(catalogue, rule, params, message):
    with pytest.raises(ValidationError) as caught:
        check_params(rule, params)
    assert message in " ".join(caught.value.messages)


def test_every_shipped_parameter_has_a_type_check(catalogue):
    from thidua.awards.defaults import CATALOGUE
    from thidua.awards.views import catalogue as views

    typed = (views.GRADE_PARAMS | views.DISCIPLINE_PARAMS | views.AWARD_PARAMS
             | views.AWARD_LIST_PARAMS | views.LEVEL_PARAMS | views.COUNT_PARAMS
             | views.POSITIVE_PARAMS | views.SHARE_PARAMS | views.FLAG_PARAMS)
    shipped = {name for entry in CATALOGUE for name in entry["params"]}
    assert shipped - typed == set()
    assert shipped - set(views.PARAM_HELP) == set()
    for entry in CATALOGUE:  # the shipped values pass their own checks
        check_params(entry["rule"], entry["params"])


@pytest.mark.parametrize("field", ["coefficient", "quota_percent"])
@pytest.mark.parametrize("text", ["NaN", "sNaN", "-nan"])
def test_not_a_number_is_refused_not_a_server_error(client, root_admin, catalogue, field, text):
    cstdcs = catalogue["cstdcs"]
    change = {field: text}
    if field == "quota_percent":
        change["quota_base"] = catalogue["ldtt"].pk
    response = as_user(client, root_admin).post(url("catalogue_edit", cstdcs.pk),
                                                form_data(cstdcs, **change))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    cstdcs.refresh_from_db()
    assert cstdcs.coefficient == Decimal("1.0")


def test_a_base_salary_is_added_only_after_confirming(client, root_admin, catalogue):
    """A base salary row can be neither edited nor deleted (one per date, and signed decisions
    keep their amounts): adding one asks for an explicit confirmation first."""
    c = as_user(client, root_admin)
    data = {"effective_from": "01/07/2026", "amount": "2530000", "source": "Nghị định mới"}
    response = c.post(url("base_salary"), data)
    assert response.status_code == 200
    assert not BaseSalary.objects.filter(amount=2530000).exists()
    assert "không sửa, không xóa được" in " ".join(response.context["form"].errors["confirm"])
    response = c.post(url("base_salary"), {**data, "confirm": "on"})
    assert response.status_code == 302
    assert BaseSalary.objects.filter(amount=2530000).exists()
