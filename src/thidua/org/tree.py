"""Bulk insertion into the unit tree.

treebeard's ``add_child`` costs a few queries per node, which is fine for one
unit typed on a screen but not for an import of hundreds or a synthetic
province of thousands. :func:`bulk_add` computes the materialised paths in
Python and writes every new unit in a few ``bulk_create`` batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F

from thidua.core.text import fold, normalize_model_text
from thidua.org.models import Unit


def bulk_add(pairs: Iterable[tuple[Unit, Unit | None]], batch_size: int = 2000) -> list[Unit]:
    """Insert new units, each given with its parent, in one pass.

    A parent is either a saved unit or a new unit that appears *earlier* in
    ``pairs``; ``None`` makes a root. Returns the new units, saved.
    """
    pairs = list(pairs)
    steplen = Unit.steplen
    next_step: dict[int, int] = {}  # id(parent object) -> next child position
    children_added: dict[int, int] = defaultdict(int)  # saved parent pk -> new children
    roots_next = None
    new_nodes: list[Unit] = []

    def first_free(parent: Unit | None) -> int:
        siblings = (Unit.objects.filter(depth=1) if parent is None else
                    Unit.objects.filter(depth=parent.depth + 1, path__startswith=parent.path))
        last = siblings.order_by("-path").values_list("path", flat=True).first()
        return 1 if last is None else Unit._str2int(last[-steplen:]) + 1

    for node, parent in pairs:
        if parent is None:
            if roots_next is None:
                roots_next = first_free(None)
            position, roots_next = roots_next, roots_next + 1
            node.path, node.depth = Unit._get_path("", 1, position), 1
        else:
            key = id(parent)
            if key not in next_step:
                next_step[key] = first_free(parent) if parent.pk else 1
            position = next_step[key]
            next_step[key] += 1
            node.path = Unit._get_path(parent.path, parent.depth + 1, position)
            node.depth = parent.depth + 1
            if parent.pk:
                children_added[parent.pk] += 1
            else:
                parent.numchild += 1
        node.numchild = node.numchild or 0
        normalize_model_text(node)
        node.name_folded = fold(node.name)
        if not node.sector:
            node.sector = node.kind.sector
        new_nodes.append(node)

    Unit.objects.bulk_create(new_nodes, batch_size=batch_size)
    for pk, count in children_added.items():
        Unit.objects.filter(pk=pk).update(numchild=F("numchild") + count)
    if any(n.pk is None for n in new_nodes):  # backends without RETURNING ids
        by_code = Unit.objects.in_bulk([n.code for n in new_nodes], field_name="code")
        for node in new_nodes:
            node.pk = by_code[node.code].pk
    return new_nodes
