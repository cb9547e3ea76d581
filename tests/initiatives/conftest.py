"""Initiative fixtures shared by the applications, councils and bank tests.

``initiative_factory(**fields)`` makes an Initiative with one author (100 %) through the
ORM, in any state, owned by ward A (tests/conftest.py ``tree``) unless told otherwise.
Other engineers: add fixtures at the END of this file.
"""

from datetime import date
from decimal import Decimal

import pytest

from thidua.initiatives.defaults import ensure_fields
from thidua.initiatives.models import ApplicationField, Author, Initiative


@pytest.fixture
def fields(db):
    """The fields of application by code (the data migration made them; flushed DBs refill)."""
    ensure_fields()
    return {f.code: f for f in ApplicationField.objects.all()}


@pytest.fixture
def writer(users, people):
    """The staff user of cell A1, linked to person a1 (he writes applications for himself)."""
    people["a1"].user = users["staff"]
    people["a1"].save(update_fields=["user"])
    return users["staff"]


@pytest.fixture
def initiative_factory(tree, people, users, fields):
    counter = {"n": 0}

    def make(*, author=None, authors=None, state="draft", **extra):
        counter["n"] += 1
        values = {
            "title": f"Sáng kiến thử nghiệm số {counter['n']}",
            "unit": tree.ward_a, "reviewing_unit": tree.ward_a,
            "field": fields["chuyen_doi_so"], "level": "co_so", "year": 2026,
            "first_applied_on": date(2026, 3, 1),
            "problem": "Thủ tục tiếp nhận hồ sơ còn chậm.",
            "solution": "Số hóa hồ sơ và tra cứu trực tuyến.",
            "novelty": "Lần đầu áp dụng tại phường.",
            "benefits": "Rút ngắn thời gian xử lý một nửa.",
            "created_by": users["staff"], "state": state,
            **extra,
        }
        initiative = Initiative.objects.create(**values)
        pairs = authors if authors is not None else [(author or people["a1"], Decimal(100))]
        Author.objects.bulk_create([Author(initiative=initiative, person=person, share=share,
                                           order=index)
                                    for index, (person, share) in enumerate(pairs, 1)])
        return initiative

    return make


# Councils (added by the councils engineer) ------------------------------------------------------
@pytest.fixture
def council_board(tree, users, make_user, initiative_factory):
    """Ward A's grassroots council of 2026 with five members (chair, secretary, three
    members, each holding the council role on ward A) and one open session; ``accepted()``
    makes an application waiting for the council; ``on_agenda()`` one already scheduled."""
    from types import SimpleNamespace

    from django.utils import timezone

    from thidua.initiatives import councils
    from thidua.initiatives.models import AgendaItem, Council, CouncilMember, Session

    year = timezone.localdate().year
    council = Council.objects.create(unit=tree.ward_a, level="co_so", year=year,
                                     name=f"Hội đồng sáng kiến phường An Bình năm {year}")
    accounts = {}
    for key, role in (("chair", "chair"), ("secretary", "secretary"), ("m1", "member"),
                      ("m2", "member"), ("m3", "member")):
        accounts[key] = make_user(f"hd_{key}", "council", tree.ward_a,
                                  first_name=f"Thành viên {key}")
        CouncilMember.objects.create(council=council, user=accounts[key], role=role)
    session = Session.objects.create(council=council, held_on=timezone.localdate(),
                                     place="Hội trường phường")

    def accepted(**extra):
        return initiative_factory(state="accepted", accepted_on=timezone.localdate(), **extra)

    def on_agenda(**extra):
        initiative = initiative_factory(state="in_review", accepted_on=timezone.localdate(),
                                        **extra)
        order = session.items.count() + 1
        return AgendaItem.objects.create(session=session, initiative=initiative, order=order)

    def score(item, key, scores=(25, 35, 25), yes=True, comment=""):
        codes = [c.code for c in councils.rule_of(council).criteria]
        return councils.cast_ballot(accounts[key], item, dict(zip(codes, scores, strict=True)),
                                    yes, comment)

    return SimpleNamespace(council=council, session=session, users=accounts,
                           accepted=accepted, on_agenda=on_agenda, score=score)


# Bank (search, bank pages, replication) -------------------------------------------------------

@pytest.fixture
def indexed(initiative_factory):
    """``initiative_factory`` with ``search_text`` filled like the applications fill it."""
    from thidua.initiatives.search_text import refresh_search_text

    def make(**fields):
        initiative = initiative_factory(**fields)
        refresh_search_text([initiative.pk])
        initiative.refresh_from_db()
        return initiative

    return make


@pytest.fixture
def other_province(make_unit, make_user, make_person):
    """A second province with one ward, its secretariat user and a person."""
    root = make_unit("Tỉnh ủy Bên Kia", kind="tinh_uy", code="BK")
    ward = make_unit("Đảng bộ xã Bên Kia", root, kind="dang_uy_xa", code="BK-X1")
    user = make_user("vanphong_bk", "secretariat", ward)
    person = make_person("Phạm Văn Khác", ward)
    return {"root": root, "ward": ward, "user": user, "person": person}
