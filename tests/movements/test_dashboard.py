"""The dashboard page: what it shows at a unit, who may open it at which unit, and
that its number of queries does not depend on the size of the tree."""

from datetime import timedelta
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from thidua.movements import domain
from thidua.movements.models import Commitment, Movement, Target
from thidua.org.models import RoleAssignment, Unit

SVG = "{http://www.w3.org/2000/svg}"


def url(movement, unit=None, name="dashboard"):
    base = reverse(f"movements:{name}", args=[movement.pk])
    return f"{base}?don-vi={unit.pk}" if unit is not None else base


def accept(user, movement, unit):
    """Register ``unit`` and have the registration accepted (what the target counts)."""
    registration = domain.start_registration(user, movement, unit)
    Commitment.objects.create(registration=registration, text="Hoàn thành tốt nhiệm vụ")
    domain.submit_registration(user, registration)
    domain.review_registration(user, registration, "accept")
    return registration


def panel_of(response, indicator):
    return next(p for p in response.context["panels"] if p.target.indicator == indicator)


@pytest.fixture
def secretariat(client, users):
    client.force_login(users["secretariat"])
    return client


# What it shows ------------------------------------------------------------------------
def test_opens_at_the_scope_with_every_target(secretariat, launched, tree, users):
    accept(users["secretariat"], launched, tree.cell_a1)
    response = secretariat.get(url(launched))
    assert response.status_code == 200
    assert response.context["unit"] == tree.ward_a
    panel = panel_of(response, "units_registered")
    assert panel.goal_text == "≥ 100%"
    assert panel.here.value == Decimal("50.00") and panel.here.value_text == "50%"
    assert panel.here.fraction_text == "1/2 chi bộ"
    assert panel.here.status_label == "Chưa đạt"
    assert panel.deadline_text == f"{launched.targets.get(order=1).deadline:%d/%m/%Y}"
    page = response.content.decode()
    for text in ("Bảng theo dõi chỉ tiêu", "100% chi bộ đăng ký thi đua", "≥ 100%", "1/2 chi bộ",
                 "Chưa đạt", "Xuất Excel"):
        assert text in page


def test_statuses_met_behind_overdue_and_no_data(secretariat, launched, tree, users, today,
                                                people):
    accept(users["secretariat"], launched, tree.cell_a1)
    accept(users["secretariat"], launched, tree.cell_a2)
    practices = launched.targets.get(indicator="units_with_practices")
    practices.deadline = today - timedelta(days=1)
    practices.save()
    Target.objects.create(movement=launched, order=3, indicator="manual", goal=95,
                          wording="Tỷ lệ hồ sơ đúng hạn", params={"unit_label": "%"})
    Target.objects.create(movement=launched, order=4, indicator="manual", goal=5,
                          comparator="lte", wording="Số hồ sơ trễ hạn")
    domain.enter_manual_value(users["secretariat"], launched.targets.get(order=4), tree.cell_a1,
                              value=Decimal(9), measured_on=today)
    response = secretariat.get(url(launched))
    labels = [p.here.status_label for p in response.context["panels"]]
    assert labels == ["Đạt", "Quá hạn", "Chưa có số liệu", "Chưa đạt"]
    css = [p.here.css for p in response.context["panels"]]
    assert css == ["text-bg-success", "text-bg-danger", "text-bg-secondary", "text-bg-warning"]
    Target.objects.create(movement=launched, order=5, indicator="people_registered", goal=90,
                          wording="90% cán bộ, công chức đăng ký")
    response = secretariat.get(url(launched))
    assert response.context["panels"][4].here.fraction_text == "0/3 người"
    manual = response.context["panels"][3]
    assert manual.goal_text == "≤ 5" and manual.here.fraction_text == "trung bình của 1 đơn vị có số liệu"
    assert response.context["met_count"] == 1


def test_drill_down_gives_each_child_its_value_and_a_link(secretariat, launched, tree, users,
                                                          make_unit):
    make_unit("Ủy ban nhân dân phường", tree.ward_a, kind="ubnd", code="PAB-UB")
    accept(users["secretariat"], launched, tree.cell_a1)
    response = secretariat.get(url(launched))
    rows = {row.unit.code: (row.url, [f.value_text for f in row.figures])
            for row in response.context["children"]}
    assert rows["PAB-CB1"] == (url(launched, tree.cell_a1), ["100%", "0%"])
    assert rows["PAB-CB2"] == (url(launched, tree.cell_a2), ["0%", "0%"])
    # No cell under the people's committee: nothing is expected there, it is not "no data".
    committee = response.context["children"][-1].figures
    assert [f.applicable for f in committee] == [False, False]
    assert [f.status_label for f in committee] == ["Không có đối tượng"] * 2
    assert f'href="{url(launched, tree.cell_a1)}"'.replace("&", "&amp;") in response.content.decode()

    # One level down, at the cell: its own figure, no children.
    response = secretariat.get(url(launched, tree.cell_a1))
    assert response.context["unit"] == tree.cell_a1
    assert panel_of(response, "units_registered").here.fraction_text == "1/1 chi bộ"
    assert response.context["children"] == []


def test_lagging_units_worst_first_with_who_to_remind(secretariat, launched, tree, users,
                                                     make_user):
    leader = make_user("bithu_cb2", "leader", tree.cell_a2, first_name="Hà", last_name="Thu")
    make_user("vanthu_cb2", "secretariat", tree.cell_a2)
    make_user("nghiviec_cb2", "leader", tree.cell_a2, is_active=False)
    accept(users["secretariat"], launched, tree.cell_a1)
    response = secretariat.get(url(launched))
    panel = panel_of(response, "units_registered")
    assert panel.lagging_total == 1
    (item,) = panel.lagging
    assert item.unit == tree.cell_a2 and item.figure.value_text == "0%"
    assert item.remind == f"{leader.get_full_name()}, vanthu_cb2"
    assert "nghiviec_cb2" not in response.content.decode()
    assert "Đơn vị chưa đạt: 1" in response.content.decode()


def test_lagging_at_the_province_names_the_commune_each_unit_belongs_to(
        client, launched, tree, make_user):
    launched.scope_unit = tree.province
    launched.save()
    client.force_login(make_user("vp_tinh", "secretariat", tree.province))
    response = client.get(url(launched))
    panel = panel_of(response, "units_registered")
    assert panel.lagging_total == 3
    assert {(i.unit.code, i.under.code) for i in panel.lagging} == {
        ("PAB-CB1", "PAB"), ("PAB-CB2", "PAB"), ("XBM-CB1", "XBM")}


def test_a_chart_per_target_with_the_goal_and_month_labels(secretariat, launched, today):
    response = secretariat.get(url(launched))
    for panel in response.context["panels"]:
        svg = ElementTree.fromstring(str(panel.chart))
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text.startswith(f"Diễn biến chỉ tiêu {panel.number}")
        goal = svg.find(f"{SVG}g[@class='goal']/{SVG}line")
        assert goal.get("stroke-dasharray")
        labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "x-label"]
        assert labels[-1] == f"T{today.month}/{today.year}"
    assert response.content.decode().count("<svg") == len(response.context["panels"])


def test_unit_names_are_escaped_everywhere(secretariat, launched, tree, users):
    tree.cell_a2.name = "<script>alert('x')</script> Chi bộ"
    tree.cell_a2.save()
    response = secretariat.get(url(launched))
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Chi bộ" in page

    response = secretariat.get(url(launched, tree.cell_a2))
    page = response.content.decode()
    assert "<script>alert" not in page
    for panel in response.context["panels"]:  # the chart's title names the unit
        svg = ElementTree.fromstring(str(panel.chart))
        assert "<script>alert('x')</script> Chi bộ" in svg.find(f"{SVG}title").text
        assert not list(svg.iter("script")) and not list(svg.iter(f"{SVG}script"))


def test_texts_from_targets_and_kinds_are_escaped(secretariat, launched, tree, users,
                                                  kinds, today):
    target = Target.objects.create(movement=launched, order=3, indicator="manual", goal=5,
                                   wording="<img src=x onerror=alert(1)>",
                                   params={"unit_label": "<i>hồ sơ</i>"})
    domain.enter_manual_value(users["secretariat"], target, tree.cell_a1, value=Decimal(7),
                              measured_on=today)
    kinds["chi_bo"].name = "<b>Chi bộ</b>"
    kinds["chi_bo"].save()
    page = secretariat.get(url(launched)).content.decode()
    for raw in ("<img src=x", "<i>hồ sơ</i>", "<b>Chi bộ</b>"):
        assert raw not in page
    assert "7&lt;i&gt;hồ sơ&lt;/i&gt;" in page  # the value, in the drill-down and lagging
    assert "&lt;b&gt;chi bộ&lt;/b&gt;" in page.lower()


def test_breadcrumbs_from_the_scope_down(secretariat, launched, tree):
    response = secretariat.get(url(launched, tree.cell_a1))
    labels = [label for label, _link in response.context["breadcrumbs"]]
    assert labels == ["Phong trào thi đua", launched.title, "Bảng theo dõi chỉ tiêu",
                      tree.ward_a.display_name, tree.cell_a1.display_name]
    links = [link for _label, link in response.context["breadcrumbs"]]
    assert links[0] == reverse("movements:list")
    assert links[2] == url(launched) and links[3] == url(launched, tree.ward_a)
    assert links[-1] is None


# Who sees which unit ------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["leader", "staff"])
def test_a_cell_user_opens_at_the_cell_and_nowhere_above(client, launched, tree, make_user, role):
    client.force_login(make_user(f"{role}_cb1", role, tree.cell_a1))
    response = client.get(url(launched))
    assert response.status_code == 200
    assert response.context["unit"] == tree.cell_a1
    labels = [label for label, _link in response.context["breadcrumbs"]]
    assert tree.ward_a.display_name not in labels  # the ward is not the cell's to see
    for unit in (tree.ward_a, tree.cell_a2, tree.cell_b1):
        assert client.get(url(launched, unit)).status_code == 404
        assert client.get(url(launched, unit, "dashboard_export")).status_code == 404


@pytest.mark.parametrize("who", ["other", "norole"])
def test_another_units_user_gets_404_on_page_and_export(client, launched, users, who):
    client.force_login(users[who])
    assert client.get(url(launched)).status_code == 404
    assert client.get(url(launched, name="dashboard_export")).status_code == 404


def test_a_unit_outside_the_users_scope_or_the_movements_answers_404(
        secretariat, client, launched, tree, users, make_user):
    for unit in (tree.ward_b, tree.cell_b1, tree.province):
        assert secretariat.get(url(launched, unit)).status_code == 404
        assert secretariat.get(url(launched, unit, "dashboard_export")).status_code == 404
    for junk in ("abc", "999999", "9" * 30, "-1", "１"):
        assert secretariat.get(url(launched) + f"?don-vi={junk}").status_code == 404

    # A province-wide plan: ward B's secretariat sees its own ward, not ward A.
    launched.scope_unit = tree.province
    launched.issuing_unit = tree.province
    launched.save()
    client.force_login(users["other"])
    response = client.get(url(launched))
    assert response.status_code == 200 and response.context["unit"] == tree.ward_b
    assert client.get(url(launched, tree.ward_a)).status_code == 404
    assert client.get(url(launched, tree.cell_a1, "dashboard_export")).status_code == 404


def test_anonymous_is_sent_to_login(client, launched):
    response = client.get(url(launched))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_draft_is_seen_by_its_issuers_only(client, movement, tree, make_user, users):
    client.force_login(users["secretariat"])
    assert client.get(url(movement)).status_code == 200
    client.force_login(make_user("bithu_cb1", "leader", tree.cell_a1))
    assert client.get(url(movement)).status_code == 404


# Queries ------------------------------------------------------------------------------------
def _grow(tree, make_unit, make_person, users, movement, communes=3, cells=4):
    """Add communes, cells and people, with registrations, under the movement's scope."""
    for c in range(communes):
        commune = make_unit(f"Đảng bộ xã Mới {c}", tree.province, kind="dang_uy_xa", code=f"XM{c}")
        for n in range(cells):
            cell = make_unit(f"Chi bộ thôn {c}-{n}", commune, code=f"XM{c}-CB{n}")
            make_person(f"Nguyễn Văn {c}{n}", cell)
            if n % 2 == 0:
                accept(users["admin_tinh"], movement, cell)


@pytest.fixture
def province_movement(launched, tree, make_user, users):
    launched.scope_unit = tree.province
    launched.issuing_unit = tree.province
    launched.save()
    users["admin_tinh"] = make_user("vp_tinh", "secretariat", tree.province)
    Target.objects.create(movement=launched, order=3, indicator="people_registered", goal=90,
                          wording="90% cán bộ đăng ký")
    Target.objects.create(movement=launched, order=4, indicator="manual", goal=95,
                          wording="Tỷ lệ hồ sơ đúng hạn", params={"unit_label": "%"})
    milestone = launched.milestones.get(requires_report=True)
    Target.objects.create(movement=launched, order=5, indicator="reports_on_time", goal=100,
                          wording="Báo cáo đúng hạn", params={"milestone": milestone.pk})
    return Movement.objects.get(pk=launched.pk)


#: The page of 5 targets at any unit: session, user, roles, notifications, movement, unit,
#: breadcrumbs, kind names, targets, participant kinds, participants, paths, children, one
#: read per target (chart included; the milestone's due date for reports), lagging units,
#: reminders — 21 at a ward. The export has no lagging units, reminders or charts.
PAGE_QUERIES = 21


def _count(client, address, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(address)  # warm the content-type and kind caches
    with django_assert_max_num_queries(PAGE_QUERIES), CaptureQueriesContext(connection) as seen:
        response = client.get(address)
    assert response.status_code == 200
    return len(seen)


def test_page_queries_are_pinned_and_do_not_grow_with_the_tree(
        client, province_movement, tree, users, make_unit, make_person, people,
        django_assert_max_num_queries):
    client.force_login(users["admin_tinh"])
    addresses = [url(province_movement), url(province_movement, tree.ward_a),
                 url(province_movement, tree.cell_a1),
                 url(province_movement, name="dashboard_export")]
    before = [_count(client, a, django_assert_max_num_queries) for a in addresses]
    _grow(tree, make_unit, make_person, users, province_movement)
    response = client.get(url(province_movement))
    assert len(response.context["children"]) == 5  # the growth is on the page
    after = [_count(client, a, django_assert_max_num_queries) for a in addresses]
    assert after == before


def test_the_units_of_a_deep_tree_are_not_read_one_by_one(
        client, province_movement, tree, users, make_unit, django_assert_max_num_queries):
    """Lagging units of every target come from one read, whatever their number."""
    client.force_login(users["admin_tinh"])
    first = _count(client, url(province_movement), django_assert_max_num_queries)
    commune = make_unit("Đảng bộ xã Sâu", tree.province, kind="dang_uy_xa", code="XS")
    parent = commune
    for depth in range(6):
        parent = make_unit(f"Chi bộ cấp {depth}", parent, code=f"XS-{depth}")
        RoleAssignment.objects.create(user=users["admin"], role="leader", unit=parent)
    assert _count(client, url(province_movement), django_assert_max_num_queries) == first
    assert Unit.objects.filter(code__startswith="XS-").count() == 6
