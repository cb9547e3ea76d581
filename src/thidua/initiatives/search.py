"""Full-text search of the bank and the duplicate warning, on SQLite and on PostgreSQL.

Both sides compare folded words (``core.text.fold``): ``Initiative.search_text`` holds the
folded title and public content (``search_text.build_search_text``; never the confidential
part), and every query is folded the same way, so "sang kien cai cach" finds "Sáng kiến cải
cách". A word is a run of letters and digits; Vietnamese words are syllables, so words match
whole (no prefix match: "tin" must not find "tinh").

The index (migration 0003, :func:`install_index`, idempotent):

- PostgreSQL: a stored generated column ``search_vector`` = to_tsvector('simple',
  search_text) with a GIN index; queries use ``plainto_tsquery('simple', …)`` (every word),
  ranked by ``ts_rank`` (stored: ranking does not re-parse the text).
- SQLite: FTS5. Triggers on initiatives_initiative keep one row per initiative in
  ``initiatives_initiative_ftsdoc`` (its folded words, each "q" written "qz" so that no
  word typed by an author spells a filter token, plus filter tokens: ``qqs<state>``,
  ``qqy<year>``, ``qql<level>``, ``qqf<field>``, ``qqu<path>`` for its unit and every
  ancestor), the external content of the FTS5 table ``initiatives_initiative_fts`` (its own
  triggers keep it in sync; they fire for ORM saves, workflow updates, raw ``executemany``
  inserts and deletes). The bank's filters are then index terms: a page of a 100,000-row
  bank never reads the wide initiative rows to filter them. Ranked by ``bm25``; the
  ``fts5vocab`` table gives each word's document frequency.

The bank page (:class:`BankResult`) counts at most ``RANK_LIMIT + 1`` matches: up to
RANK_LIMIT it lists best match first, beyond it newest first ("more than 1,000: add a word
or a filter") — ranking tens of thousands of matches of a common word costs more than a
page may.

The duplicate check (:func:`similar`) takes the rarest words of the new text (no stop word,
no two side by side; document frequency from fts5vocab on SQLite, from the planner's
statistics of ``search_vector`` on PostgreSQL), asks the index for initiatives of the
province holding all of them, then all but one, then any two, until it has enough
candidates, and scores each by the cosine of word-bigram counts between the new title +
text and the candidate's title + problem + solution + novelty + benefits, in Python.
"""

# SQL here is built from module constants (table, trigger and column names) and integers;
# every value from outside is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import math
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connections, transaction
from django.db.models import BooleanField, Exists, F, FloatField, OuterRef, Q
from django.db.models.expressions import RawSQL

from thidua.core.text import fold

TABLE = "initiatives_initiative"
FTS = "initiatives_initiative_fts"
VOCAB = "initiatives_initiative_fts_vocab"
VECTOR = "search_vector"
GIN_INDEX = "initiative_search_gin"

_WORD = re.compile(r"[^\W_]+")

#: Common Vietnamese syllables (folded) that say nothing about what an initiative is about:
#: left out of the duplicate check's query (they still count in the bigrams).
STOP_WORDS = frozenset((
    "cua", "va", "cac", "cho", "trong", "duoc", "nhung", "mot", "la", "voi", "de", "tai",
    "theo", "tu", "khi", "da", "dang", "se", "co", "khong", "nay", "do", "thi", "ma", "nen",
    "neu", "vi", "bi", "boi", "den", "ra", "vao", "len", "nhu", "cung", "con", "hay", "hoac",
    "tren", "duoi", "sau", "truoc", "giua", "ve", "o", "lai", "rat", "nhieu", "it", "moi",
    "tung", "nhat", "hon", "van", "chi", "chua", "can", "phai", "the", "nao", "gi", "ai",
    "dau", "bao", "sao", "ay", "kia", "ca", "tat", "luon", "viec", "nguoi", "cai", "chiec",
    "nhan", "thuc", "hien",
))

#: Rarest words of a new text asked of the index (any two of them must match), and
#: candidates scored in Python.
PAIR_WORDS = 4
QUERY_WORDS = 12
#: A level of the candidate query that finds this many is enough.
ENOUGH_CANDIDATES = 10
CANDIDATES = 50
#: Below this the duplicate check does not list an initiative.
MIN_SIMILARITY = 0.05


def words(text: str | None) -> list[str]:
    """The folded words of ``text``."""
    return _WORD.findall(fold(text))


def vendor_of(queryset) -> str:
    return connections[queryset.db].vendor


# The index -------------------------------------------------------------------------------

def _sqlite_fts5_available(cursor) -> bool:
    cursor.execute("PRAGMA compile_options")
    options = {row[0] for row in cursor.fetchall()}
    return "ENABLE_FTS5" in options


DOC = "initiatives_initiative_ftsdoc"
#: Unit path prefixes indexed (levels of the tree); a filter on a deeper unit is not indexed.
PATH_LEVELS = 12
STEP = 4  # treebeard's step length (Unit.steplen)


def fts_term(word: str) -> str:
    """The index's spelling of a folded word on SQLite: every "q" becomes "qz", so no word
    holds "qq" and none can be read as a filter token (an author may type "qqu0001" or
    "qqsrecognised" into his text). The same mapping is applied to every word asked."""
    return word.replace("q", "qz")


def _body_sql(row: str) -> str:
    """SQL of the text indexed for the initiative ``row`` (``new``, ``old`` or an alias):
    its folded words (:func:`fts_term`), then filter tokens — ``qqs<state>``, ``qqy<year>``,
    ``qql<level>``, ``qqf<field id>`` and ``qqu<path>`` for the owner unit and each of its
    ancestors."""
    prefixes = " || ".join(f"' qqu' || substr(u.path, 1, {STEP * level})"
                           for level in range(1, PATH_LEVELS + 1))
    return (f"replace({row}.search_text, 'q', 'qz') || ' qqs' || {row}.state"
            f" || ' qqy' || {row}.year"
            f" || ' qql' || replace({row}.level, '_', '') || ' qqf' || {row}.field_id"
            f" || coalesce((SELECT {prefixes} FROM org_unit u WHERE u.id = {row}.unit_id), '')")


# Names are module constants; no value from outside reaches these statements.
SQLITE_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {DOC} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(body, content='{DOC}', "
    "content_rowid='id', tokenize='unicode61')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({FTS}, 'row')",
]
SQLITE_DOC_TRIGGERS = {
    f"{DOC}_ai": f"AFTER INSERT ON {DOC} BEGIN "
                 f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END",
    f"{DOC}_ad": f"AFTER DELETE ON {DOC} BEGIN "
                 f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); END",
    f"{DOC}_au": f"AFTER UPDATE ON {DOC} BEGIN "
                 f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); "
                 f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END",
}
SQLITE_ROW_TRIGGERS = {
    f"{FTS}_ai": f"AFTER INSERT ON {TABLE} BEGIN "
                 f"INSERT INTO {DOC}(id, body) VALUES (new.id, {_body_sql('new')}); END",
    f"{FTS}_au": f"AFTER UPDATE OF search_text, state, year, level, field_id, unit_id "
                 f"ON {TABLE} BEGIN "
                 f"UPDATE {DOC} SET body = {_body_sql('new')} WHERE id = new.id; END",
    f"{FTS}_ad": f"AFTER DELETE ON {TABLE} BEGIN DELETE FROM {DOC} WHERE id = old.id; END",
}
SQLITE_TRIGGERS = (*SQLITE_DOC_TRIGGERS, *SQLITE_ROW_TRIGGERS)
POSTGRES_DDL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {VECTOR} tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON {TABLE} USING gin ({VECTOR})",
]


def _create_triggers(cursor, triggers: dict[str, str]) -> None:
    for name, body in triggers.items():
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def rebuild_sqlite_index(cursor) -> None:
    """Recompute every indexed text from the initiatives and rebuild the FTS5 index."""
    for name in SQLITE_DOC_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(f"DELETE FROM {DOC}")
    cursor.execute(f"INSERT INTO {DOC}(id, body) "
                   f"SELECT i.id, {_body_sql('i')} FROM {TABLE} i")
    cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    _create_triggers(cursor, SQLITE_DOC_TRIGGERS)


def install_index(connection) -> None:
    """Create the full-text index of ``connection``'s vendor if it is missing (idempotent).

    On SQLite, if any trigger was missing (a later migration rebuilt the table, which drops
    its triggers) or differs from this module's, the triggers are replaced and the index is
    rebuilt from the table's rows.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES_DDL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            if not _sqlite_fts5_available(cursor):
                raise RuntimeError("SQLite của Python này không có FTS5: không tạo được chỉ mục "
                                   "tìm kiếm sáng kiến.")
            placeholders = ", ".join(["%s"] * len(SQLITE_TRIGGERS))
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           f"AND name IN ({placeholders})", SQLITE_TRIGGERS)
            current = dict(cursor.fetchall())
            # Missing, or written by an older version of this module (another body text).
            complete = all(current.get(name) == f"CREATE TRIGGER {name} {body}"
                           for name, body in {**SQLITE_DOC_TRIGGERS,
                                              **SQLITE_ROW_TRIGGERS}.items())
            for statement in SQLITE_TABLES:
                cursor.execute(statement)
            if not complete:
                for name in SQLITE_ROW_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                rebuild_sqlite_index(cursor)
            _create_triggers(cursor, SQLITE_ROW_TRIGGERS)


def refresh_index(connection=None) -> None:
    """Recompute the index's filter tokens (SQLite: after units moved in the tree)."""
    connection = connection or connections["default"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            rebuild_sqlite_index(cursor)


def drop_index(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
            cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {VECTOR}")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {VOCAB}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
            cursor.execute(f"DROP TABLE IF EXISTS {DOC}")


def reinstall_after_migrate(sender=None, using="default", plan=None, **kwargs) -> None:
    """``post_migrate`` receiver: put the index back if a migration rebuilt the table.

    Does nothing before migration 0003 ran (a database migrated backwards stays without).
    """
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    if ("initiatives", "0003_search_index") in applied:
        install_index(connection)


# Search ----------------------------------------------------------------------------------

def _match(queryset, tokens: list[str], *, any_word: bool):
    """``queryset`` restricted to the rows whose folded text has every word of ``tokens``
    (or any, with ``any_word``), with a ``rank`` to order by (higher is better)."""
    vendor = vendor_of(queryset)
    if vendor == "postgresql":
        if any_word:
            tsquery = "to_tsquery('simple', %s)"
            term = " | ".join(tokens)  # tokens are letters and digits only
        else:
            tsquery, term = "plainto_tsquery('simple', %s)", " ".join(tokens)
        column = f'"{TABLE}"."{VECTOR}"'
        return (queryset
                .filter(RawSQL(f"{column} @@ {tsquery}", [term],  # noqa: S611 (fixed SQL)
                               output_field=BooleanField()))
                .annotate(rank=RawSQL(f"ts_rank({column}, {tsquery})", [term],  # noqa: S611
                                      output_field=FloatField())))
    if vendor == "sqlite":
        joiner = " OR " if any_word else " "
        expression = joiner.join(f'"{fts_term(token)}"' for token in tokens)
        # bm25 is lower for better matches; the rank is its opposite.
        # The one way to join the FTS5 table in the ORM; names fixed, the query a parameter.
        return queryset.extra(  # noqa: S610
            select={"rank": f"-bm25({FTS})"},
            tables=[FTS],
            where=[f"{FTS}.rowid = {TABLE}.id", f"{FTS} MATCH %s"],
            params=[expression],
        )
    condition = Q()
    for token in tokens:
        word = Q(search_text__contains=token)
        condition = (condition | word) if any_word else (condition & word)
    return queryset.filter(condition).annotate(rank=RawSQL("0", [], output_field=FloatField()))


def search(queryset, query: str):
    """The initiatives of ``queryset`` whose public text holds every word of ``query``
    (accent- and case-insensitive), best matches first; ``queryset`` as it is when the
    query has no word."""
    tokens = list(dict.fromkeys(words(query)))
    if not tokens:
        return queryset
    ranked = _match(queryset, tokens, any_word=False)
    if vendor_of(queryset) == "sqlite":
        return ranked.order_by("-rank", "-year", "pk")
    return ranked.order_by(F("rank").desc(), "-year", "pk")


# The bank page ---------------------------------------------------------------------------
#
# The bank's list answers from the index alone on SQLite (its rows are wide: reading tens of
# thousands of them to filter costs seconds), and with a capped count on both backends: a
# query matching more than RANK_LIMIT initiatives is listed newest first (ranking tens of
# thousands of matches costs more than the page's budget), a narrower one best match first.

#: Above this many matches the bank lists newest first and says "more than".
RANK_LIMIT = 1000


@dataclass
class BankQuery:
    """What the bank page asks: words (folded) and filters; ``provinces`` None = all."""

    words: list[str] = field(default_factory=list)
    provinces: list[str] | None = None
    unit_path: str = ""
    year: int | None = None
    level: str = ""
    field_id: int | None = None
    author: list[str] = field(default_factory=list)


def _fts_expression(q: BankQuery) -> str | None:
    """The FTS5 query of ``q`` (words, then filter tokens), None when nothing can match."""
    parts = [f'"{fts_term(w)}"' for w in q.words]
    if q.author:  # a phrase: the name's words in order
        parts.append('"' + " ".join(fts_term(w) for w in q.author) + '"')
    parts.append('"qqsrecognised"')
    if q.provinces is not None:
        if not q.provinces:
            return None
        parts.append("(" + " OR ".join(f'"qqu{p.lower()}"' for p in q.provinces) + ")")
    if q.unit_path:
        if len(q.unit_path) > STEP * PATH_LEVELS:
            return None
        parts.append(f'"qqu{q.unit_path.lower()}"')
    if q.year:
        parts.append(f'"qqy{int(q.year)}"')
    if q.level:
        parts.append(f'"qql{q.level.replace("_", "")}"')
    if q.field_id:
        parts.append(f'"qqf{int(q.field_id)}"')
    return " AND ".join(parts)


def _author_q(words_: list[str], prefix: str) -> Q:
    """The folded name holds ``words_`` as consecutive whole words."""
    name = " ".join(words_)
    column = f"{prefix}name_folded"
    return (Q(**{column: name}) | Q(**{f"{column}__startswith": name + " "})
            | Q(**{f"{column}__endswith": " " + name})
            | Q(**{f"{column}__contains": f" {name} "}))


def _orm_bank(q: BankQuery):
    from thidua.core.scoping import path_filter
    from thidua.initiatives.models import Author, Initiative

    queryset = Initiative.objects.filter(state="recognised")
    if q.provinces is not None:
        queryset = queryset.filter(path_filter(q.provinces, "unit__path"))
    if q.unit_path:
        queryset = queryset.filter(unit__path__startswith=q.unit_path)
    if q.year:
        queryset = queryset.filter(year=q.year)
    if q.level:
        queryset = queryset.filter(level=q.level)
    if q.field_id:
        queryset = queryset.filter(field_id=q.field_id)
    if q.author:
        queryset = queryset.filter(Exists(Author.objects.filter(
            _author_q(q.author, "person__"), initiative=OuterRef("pk"))))
    if q.words and vendor_of(queryset) == "postgresql":
        vector = f'"{TABLE}"."{VECTOR}"'
        queryset = queryset.filter(RawSQL(  # noqa: S611 (fixed SQL, the words a parameter)
            f"{vector} @@ plainto_tsquery('simple', %s)", [" ".join(q.words)],
            output_field=BooleanField()))
    elif q.words:
        queryset = _match(queryset, q.words, any_word=False)
    return queryset.order_by()


@contextmanager
def _seqscan_off(using: str):
    """PostgreSQL reads of the bank with sequential scans off: with a LIMIT, the planner
    likes to scan the table and test each row's vector (decompressing it: 100–200 ms on a
    large bank) rather than use the GIN index."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


class BankResult:
    """The matching ids of the bank: a count capped at ``RANK_LIMIT + 1`` and each page's
    ids — best match first when there are words and no more than RANK_LIMIT matches, else
    newest first.

    SQLite: the count and each page are FTS5 queries alone (bm25 only for a ranked page;
    the author filter checked in the same statement).
    PostgreSQL: one unordered query reads up to RANK_LIMIT + 1 matches with their
    ``ts_rank`` (the GIN bitmap is built once): it gives the count and, when not capped,
    every page; a capped result reads each page newest first.
    """

    def __init__(self, q: BankQuery, using: str = "default",
                 window: tuple[int, int] | None = None):
        """``window`` (offset, limit): the page about to be read, read at once when the
        result is capped (PostgreSQL: one round trip fewer per page)."""
        self.q, self.using = q, using
        self.vendor = connections[using].vendor
        self._found: list[int] | None = None  # every page's ids when read at once
        self._window, self._window_ids = window, None
        if self.vendor == "sqlite":
            self.total = self._sqlite_count()
        else:
            with _seqscan_off(using):
                # No rank in this read: ts_rank would read (detoast) every row's vector,
                # and a capped result does not use it.
                ids = list(_orm_bank(q).values_list("pk", flat=True)[:RANK_LIMIT + 1])
                if len(ids) > RANK_LIMIT and window is not None:
                    offset, limit = window
                    self._window_ids = list(_orm_bank(q).order_by("-pk").values_list(
                        "pk", flat=True)[offset:offset + limit])
            self.total = len(ids)
            if self.total <= RANK_LIMIT:
                if q.words:
                    from thidua.initiatives.models import Initiative

                    ranks = dict(_match(Initiative.objects.filter(pk__in=ids), q.words,
                                        any_word=False).values_list("pk", "rank"))
                    ids.sort(key=lambda pk: (-ranks.get(pk, 0.0), -pk))
                else:
                    ids.sort(reverse=True)
                self._found = ids
        #: More matches than RANK_LIMIT: newest first, the count is "more than".
        self.capped = self.total > RANK_LIMIT
        self.ranked = bool(q.words) and not self.capped

    def _sqlite_where(self) -> tuple[str, list] | None:
        """The WHERE clause on the FTS5 table and its parameters, None when nothing can
        match. The index narrows the author filter by the name's words; each match's
        authors are then checked in the same statement (the name's words whole and in
        order), so a common surname costs no read of every match's authors."""
        expression = _fts_expression(self.q)
        if expression is None:
            return None
        where, params = f"{FTS} MATCH %s", [expression]
        if self.q.author:
            from thidua.initiatives.models import Author
            from thidua.org.models import Person

            where += (f" AND EXISTS (SELECT 1 FROM {Author._meta.db_table} a"
                      f" JOIN {Person._meta.db_table} p ON p.id = a.person_id"
                      f" WHERE a.initiative_id = {FTS}.rowid"
                      " AND (' ' || p.name_folded || ' ') LIKE %s)")
            # Words are letters and digits: no LIKE wildcard among them.
            params.append(f"% {' '.join(self.q.author)} %")
        return where, params

    def _sqlite_count(self) -> int:
        where = self._sqlite_where()
        if where is None:
            return 0
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT rowid FROM {FTS} "
                           f"WHERE {where[0]} LIMIT %s)", [*where[1], RANK_LIMIT + 1])
            return cursor.fetchone()[0]

    def _sqlite_ids(self, order: str, offset: int, limit: int | None) -> list[int]:
        where = self._sqlite_where()
        if where is None:
            return []
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {FTS} WHERE {where[0]} "
                           f"ORDER BY {order} LIMIT %s OFFSET %s",
                           [*where[1], -1 if limit is None else limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def ids(self, offset: int, limit: int | None) -> list[int]:
        """Ids of a page (``limit`` None: every match, uncapped, for the export)."""
        end = None if limit is None else offset + limit
        if self._found is not None:
            return self._found[offset:end]
        if self.vendor == "sqlite":
            return self._sqlite_ids("rank" if self.ranked else "rowid DESC", offset, limit)
        if self._window_ids is not None and (offset, limit) == self._window:
            return self._window_ids
        with _seqscan_off(self.using):
            return list(_orm_bank(self.q).order_by("-pk").values_list("pk", flat=True)
                        [offset:end])


# Duplicate warning -----------------------------------------------------------------------

#: SQLite: document frequency of each word asked and found, kept per process for VOCAB_TTL
#: seconds (fts5vocab counts a word's whole doclist on each read, ~5 ms for a common word).
#: A word the index lacks is not kept: it may be indexed a minute later (the application
#: checked before it was saved), and asking again for it costs nothing.
VOCAB_TTL = 900
_vocab_cache: dict[tuple[str, str], tuple[float, int]] = {}
#: Words of one text whose frequencies are asked (the first ones, title first): SQLite
#: refuses a compound SELECT of more than 500 parts, and a long text needs no more.
LOOKUP_WORDS = 400


def _frequencies(vendor: str, using: str, tokens: list[str]) -> dict[str, float]:
    """Number (SQLite) or share (PostgreSQL) of indexed initiatives holding each of
    ``tokens``, when the index knows it; on PostgreSQL a word missing from the planner's
    most common elements is rare."""
    connection = connections[using]
    if vendor == "sqlite":
        now = time.monotonic()
        result: dict[str, float] = {}
        missing = []
        for t in tokens:
            cached = _vocab_cache.get((using, t))
            if cached is not None and now - cached[0] <= VOCAB_TTL:
                result[t] = float(cached[1])
            else:
                missing.append(t)
        if len(_vocab_cache) > 100_000:
            _vocab_cache.clear()
        for start in range(0, len(missing), LOOKUP_WORDS):
            chunk = missing[start:start + LOOKUP_WORDS]
            by_term = {fts_term(t): t for t in chunk}
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(
                    [f"SELECT term, doc FROM {VOCAB} WHERE term = %s"] * len(by_term)),
                    list(by_term))
                for term, doc in cursor.fetchall():
                    if doc:
                        _vocab_cache[(using, by_term[term])] = (now, doc)
                        result[by_term[term]] = float(doc)
        return result
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                [TABLE, VECTOR])
            row = cursor.fetchone()
        if row and row[0]:
            wanted = set(tokens)
            return {term: freq for term, freq in zip(row[0], row[1], strict=False)
                    if term in wanted}
    return {}


def distinctive_words(text: str, *, vendor: str, using: str = "default",
                      limit: int = QUERY_WORDS) -> list[str]:
    """The rarest words of ``text`` that are not stop words, at most ``limit``, no two of
    them side by side in the text (neighbours come in the same phrases: one says as much)."""
    sequence = words(text)
    tokens = [t for t in dict.fromkeys(sequence)
              if t not in STOP_WORDS and len(t) > 1 and not t.isdigit()][:LOOKUP_WORDS]
    if not tokens:
        return []
    frequency = _frequencies(vendor, using, tokens)
    if vendor == "sqlite":  # the vocabulary is exact: a word it lacks matches nothing
        tokens = [t for t in tokens if t in frequency]
    order = {t: i for i, t in enumerate(tokens)}
    neighbours: dict[str, set[str]] = {}
    for a, b in zip(sequence, sequence[1:], strict=False):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    chosen: list[str] = []
    for token in sorted(tokens, key=lambda t: (frequency.get(t, 0.0), order[t])):
        if not neighbours.get(token, set()) & set(chosen):
            chosen.append(token)
            if len(chosen) == limit:
                break
    return chosen


def bigrams(tokens: list[str]) -> Counter:
    return Counter(zip(tokens, tokens[1:], strict=False))


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(count * large.get(key, 0) for key, count in small.items())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return min(1.0, dot / norm)


def content_text(initiative) -> str:
    """The public content compared by the duplicate check (no field, author or secret)."""
    return " ".join(p for p in (initiative.title, initiative.problem, initiative.solution,
                                initiative.novelty, initiative.benefits) if p)


def application_text(initiative) -> str:
    """The ``text`` to pass to :func:`similar` for an application: problem, solution,
    what is new and benefits (the title goes separately)."""
    return " ".join(p for p in (initiative.problem, initiative.solution, initiative.novelty,
                                initiative.benefits) if p)


def candidates_queryset(province_path: str, exclude_id: int | None = None):
    """Initiatives a new application is compared with: recognised ones and every other
    application past the draft, any year, in the province's subtree."""
    from thidua.initiatives.models import Initiative

    queryset = Initiative.objects.exclude(state="draft").filter(
        unit__path__startswith=province_path)
    if exclude_id:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset


def _levels(query_words: list[str]) -> list[list[tuple[str, ...]]]:
    """Groups of words a candidate must hold all of, strictest level first: every word,
    then all but one, then any two."""
    count = len(query_words)
    levels = [[tuple(query_words)]]
    for size in (count - 1, 2):
        if 1 <= size < len(levels[-1][0]):
            levels.append(list(combinations(query_words, size)))
    return levels


def _candidate_ids_sqlite(using: str, groups: list[tuple[str, ...]], province_path: str,
                          exclude_id: int | None) -> list[int]:
    either = " OR ".join("(" + " AND ".join(f'"{fts_term(w)}"' for w in group) + ")"
                         for group in groups)
    expression = f'({either}) AND "qqu{province_path.lower()}" NOT "qqsdraft"'
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s AND rowid != %s "
                       "ORDER BY rank LIMIT %s", [expression, exclude_id or 0, CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _candidates_postgresql(base, groups: list[tuple[str, ...]]) -> list:
    term = " | ".join("(" + " & ".join(group) + ")" for group in groups)
    column = f'"{TABLE}"."{VECTOR}"'
    tsquery = "to_tsquery('simple', %s)"
    return list(base.filter(RawSQL(f"{column} @@ {tsquery}", [term],  # noqa: S611
                                   output_field=BooleanField()))
                .annotate(rank=RawSQL(f"ts_rank({column}, {tsquery})", [term],  # noqa: S611
                                      output_field=FloatField()))
                .order_by(F("rank").desc(), "pk").select_related("unit", "field")
                .only(*CANDIDATE_FIELDS)[:CANDIDATES])


def _pairs(query_words: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(query_words) for b in query_words[i + 1:]]


#: Fields read of each candidate (never the confidential part).
CANDIDATE_FIELDS = ("pk", "title", "problem", "solution", "novelty", "benefits", "state",
                    "level", "year", "certificate_number", "unit__name", "unit__path",
                    "field__name")


def similar(title: str, text: str, *, province_path: str, exclude_id: int | None = None,
            limit: int = 5) -> list[tuple]:
    """The initiatives of the province most similar to a new application, most similar
    first, each with a similarity in [0, 1] (cosine of word-bigram counts).

    ``text`` is the application's problem, solution, novelty and benefits
    (:func:`application_text`); at most ``limit`` results, none below ``MIN_SIMILARITY``.
    Candidates: the ``CANDIDATES`` best matches of the ``PAIR_WORDS`` rarest words (not
    side by side) all together — a near copy holds them all —, then of all but one, then
    of any two, stopping at the first level that finds ``ENOUGH_CANDIDATES``. Queries: the
    words' frequencies (cached per process on SQLite), then one or two per level.
    """
    from thidua.initiatives.models import Initiative

    mine = bigrams(words(f"{title} {text}"))
    if not mine or limit <= 0:
        return []
    base = candidates_queryset(province_path, exclude_id)
    vendor = vendor_of(base)
    query_words = distinctive_words(f"{title} {text}", vendor=vendor, using=base.db,
                                    limit=PAIR_WORDS)
    if not query_words:
        return []
    rows: dict[int, object] = {}
    for groups in _levels(query_words):  # stop at the first level that finds enough
        if vendor == "sqlite":
            ids = [pk for pk in _candidate_ids_sqlite(base.db, groups, province_path, exclude_id)
                   if pk not in rows]
            found = (Initiative.objects.using(base.db).filter(pk__in=ids)
                     .select_related("unit", "field").only(*CANDIDATE_FIELDS))
        elif vendor == "postgresql":
            found = _candidates_postgresql(base, groups)
        else:
            found = (_match(base, list(groups[0]), any_word=False)
                     .select_related("unit", "field").only(*CANDIDATE_FIELDS)[:CANDIDATES])
        rows.update((row.pk, row) for row in found if row.pk not in rows)
        if len(rows) >= ENOUGH_CANDIDATES:
            break
    # The rule again on the rows read (SQLite's filter tokens could lag behind a unit
    # moved in the tree until refresh_index runs).
    rows = [row for row in rows.values()
            if row.state != "draft" and row.unit.path.startswith(province_path)]
    scored = []
    for row in rows:
        score = cosine(mine, bigrams(words(content_text(row))))
        if score >= MIN_SIMILARITY:
            scored.append((row, round(score, 4)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:limit]


def similar_to(initiative, *, province_path: str, limit: int = 5) -> list[tuple]:
    """:func:`similar` for a saved or unsaved application (itself excluded)."""
    return similar(initiative.title, application_text(initiative), province_path=province_path,
                   exclude_id=initiative.pk, limit=limit)


def province_path_of(unit) -> str:
    """The materialised path of the province (depth-1 ancestor) of ``unit``."""
    from thidua.org.models import Unit

    return unit.path[:Unit.steplen]

