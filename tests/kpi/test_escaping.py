"""Names and texts typed by users come out escaped on every KPI page that shows them.

The unit's month and year build their table rows in Python (``views/unit.py``) for speed;
the sheet and "my month" pages use templates. A person named like a script, a task, a
position and a reason with quotes and tags must show as text everywhere, in element
content and in attributes (``title="…"``, ``aria-label="…"``).

Fixtures: tests/conftest.py and tests/kpi/conftest.py (ward A's ``staff`` with the
``canbo_a`` login, the clerk, the chief with the ``lanhdao_a`` login; ``month`` is the
previous month).
"""

import pytest
from django.urls import reverse

from tests.kpi.conftest import GOOD_TASK, as_user, page
from thidua.kpi import domain

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
TASK = 'Báo cáo "quý" của \'tổ\' & <b>đậm</b>'
TASK_ESCAPED = "Báo cáo &quot;quý&quot; của &#x27;tổ&#x27; &amp; &lt;b&gt;đậm&lt;/b&gt;"
QUOTED = 'Lê "Ba" <i>Tư</i>'
QUOTED_ESCAPED = "Lê &quot;Ba&quot; &lt;i&gt;Tư&lt;/i&gt;"
REASON = 'Vượt "tỷ lệ" <b>HTXS</b>'
REASON_ESCAPED = "Vượt &quot;tỷ lệ&quot; &lt;b&gt;HTXS&lt;/b&gt;"
RAW = (SCRIPT, "<b>đậm</b>", "<i>Tư</i>", "<b>HTXS</b>", '"quý"', '"Ba"', '"tỷ lệ"')


@pytest.fixture
def hostile(staff, users, month, fill):
    """The staff member named like a script with one task named with quotes and tags, his
    HTXS lowered with a reason in quotes (the month's grade note); the clerk, without a
    sheet, named with quotes and tags (the absence form's list)."""
    for person, name in ((staff.staff, SCRIPT), (staff.clerk, QUOTED)):
        person.full_name = name
        person.position = QUOTED
        person.save()
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    fill(sheet, users["staff"], task={**GOOD_TASK, "name": TASK})
    domain.transition(sheet, "submit", users["staff"])
    domain.transition(sheet, "finalise", users["leader"])
    domain.lower_for_cap(sheet, users["leader"], REASON)
    return sheet


def html_of(client, user, address) -> str:
    return page(as_user(client, user).get(address))


def assert_escaped(html: str, *expected: str) -> None:
    for raw in RAW:
        assert raw not in html, raw
    for text in expected:
        assert text in html, text


def test_unit_month_escapes_names_positions_and_notes(client, hostile, users, tree, month):
    html = html_of(client, users["leader"],
                   reverse("kpi:unit_month", args=[tree.ward_a.pk, domain.month_key(month)]))
    assert_escaped(html, SCRIPT_ESCAPED, QUOTED_ESCAPED, REASON_ESCAPED)
    # the clerk has no sheet: in the list of the unsettled and the absence form's options
    assert f"<li>{QUOTED_ESCAPED} — chưa lập phiếu</li>" in html
    assert f">{QUOTED_ESCAPED}</option>" in html
    assert f'title="Lãnh đạo hạ xuống HTT do vượt tỷ lệ HTXS: {REASON_ESCAPED}"' in html


def test_unit_year_escapes_names_and_positions(client, hostile, users, tree, month):
    html = html_of(client, users["leader"], reverse("kpi:unit_year",
                                                     args=[tree.ward_a.pk, month.year]))
    assert_escaped(html, SCRIPT_ESCAPED, QUOTED_ESCAPED)


def test_sheet_page_escapes_the_person_and_the_task(client, hostile, users):
    for who in ("staff", "leader"):
        html = html_of(client, users[who], reverse("kpi:sheet", args=[hostile.pk]))
        assert_escaped(html, SCRIPT_ESCAPED, TASK_ESCAPED, REASON_ESCAPED)


def test_mine_escapes_the_task(client, hostile, users, month):
    html = html_of(client, users["staff"],
                   reverse("kpi:mine") + f"?thang={domain.month_key(month)}")
    assert_escaped(html, TASK_ESCAPED)
