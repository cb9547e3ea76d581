"""The folded text of an initiative that the bank's full-text index and the duplicate check read.

``Initiative.search_text`` holds the accent- and case-free words (``core.text.fold``) of
the title, the field's name, the problem, the solution, what is new, the benefits and the
authors' full names. The confidential part (``Initiative.confidential``) is NEVER put in it:
the bank is read by every user of the province and must not find an initiative by a word
only its confidential part contains.

The writer of an application calls ``initiative.search_text = build_search_text(initiative)``
before each save of its content; ``refresh_search_text(ids)`` recomputes it for saved rows in
bulk (after authors change, or after a field is renamed).
"""

from __future__ import annotations

from collections.abc import Iterable

from thidua.core.text import fold

#: The content fields indexed, in order (``confidential`` is deliberately absent).
CONTENT_FIELDS = ("title", "problem", "solution", "novelty", "benefits")


def join_folded(parts: Iterable[str | None]) -> str:
    """The folded words of ``parts`` (in order, empty ones skipped)."""
    return fold(" ".join(p for p in parts if p))


def build_search_text(initiative) -> str:
    """Folded words of the initiative's public content and its authors' names.

    Works on an unsaved instance (no authors read) and on a saved one (authors read from
    the database; a prefetched ``authors`` with ``person`` is used when present).
    """
    field_name = ""
    if getattr(initiative, "field_id", None):
        field_name = initiative.field.name
    parts = [initiative.title, field_name,
             initiative.problem, initiative.solution, initiative.novelty, initiative.benefits]
    if initiative.pk:
        parts.extend(a.person.full_name
                     for a in initiative.authors.select_related("person").order_by("order", "pk"))
    return join_folded(parts)


def refresh_search_text(ids: Iterable[int]) -> int:
    """Recompute ``search_text`` of the initiatives ``ids`` in a few queries; return the count."""
    from thidua.initiatives.models import Author, Initiative

    ids = list(ids)
    if not ids:
        return 0
    rows = list(Initiative.objects.filter(pk__in=ids).select_related("field")
                .only("pk", "title", "problem", "solution", "novelty", "benefits",
                      "field__name", "search_text"))
    names: dict[int, list[str]] = {}
    for initiative_id, full_name in (Author.objects.filter(initiative_id__in=ids)
                                     .order_by("initiative_id", "order", "pk")
                                     .values_list("initiative_id", "person__full_name")):
        names.setdefault(initiative_id, []).append(full_name)
    changed = []
    for row in rows:
        text = join_folded([row.title, row.field.name, row.problem, row.solution, row.novelty,
                      row.benefits, *names.get(row.pk, [])])
        if text != row.search_text:
            row.search_text = text
            changed.append(row)
    Initiative.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)
