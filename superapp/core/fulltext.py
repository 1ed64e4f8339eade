"""Full-text search in the database: the index structures and the matching, for every app.

An app makes a table searchable with one migration operation, :class:`AddSearchDocument`,
and matches it in its selectors with :class:`Search` (``condition`` and ``rank`` expressions
that a queryset filters and orders by). What the database holds depends on its vendor:

* **PostgreSQL**: a ``search_document tsvector GENERATED ALWAYS AS (…) STORED`` column (kept up
  to date by PostgreSQL in the statement that writes the row, so in the same transaction), a
  GIN index on it, and ``pg_trgm`` GIN indexes on the name columns. The document is built with
  the ``simple`` configuration (no stemming: names and chats mix languages) from
  ``plaza_search_text(value)``, which appends the overlapping bigrams of every run of Chinese,
  Japanese or Korean characters, the tokens a CJK search engine indexes, so "天安门" is found
  inside "我爱北京天安门" through the index. Words match by prefix (``word:*``), as people type.
* **SQLite** (the embedded default): an FTS5 virtual table ``<table>_fts`` with the trigram
  tokenizer (any substring of three characters or more, CJK included), kept in step with the
  table by triggers; shorter terms fall back to ``LIKE`` on the same virtual table.

The column is not declared on the models: the ORM would fetch a tsvector with every message it
reads, and the expression cannot be written for both vendors. docs/search.md has the rest.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, F, FloatField, Func, QuerySet
from django.db.models.expressions import RawSQL

DOCUMENT_COLUMN = "search_document"

# Han (with extensions A and compatibility ideographs), kana and Hangul syllables.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_TERM = re.compile(rf"[{CJK_CLASS}]+|[^\W_{CJK_CLASS}]+")

MAX_TERMS = 8


# --- Index structures (migrations) ----------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """What of a table is searchable: ``fields`` are (column, weight A-D) of text columns;
    ``json_text`` columns hold a JSON list of blocks whose ``text`` strings are indexed (with
    weight B); ``names`` are the columns people type the start or any part of (trigram
    indexes on PostgreSQL, exact and prefix ranking everywhere)."""

    table: str
    fields: tuple[tuple[str, str], ...]
    json_text: tuple[str, ...] = ()
    names: tuple[str, ...] = field(default=())

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    # PostgreSQL

    def _pg_expression(self) -> str:
        parts = [
            f"setweight(to_tsvector('simple', plaza_search_text(coalesce({column}, ''))),"
            f" '{weight}')"
            for column, weight in self.fields
        ] + [
            "setweight(to_tsvector('simple', plaza_search_text("
            f"jsonb_path_query_array({column}, '$[*].text')::text)), 'B')"
            for column in self.json_text
        ]
        return " || ".join(parts)

    def postgresql_create(self) -> list[str]:
        return [
            f"ALTER TABLE {self.table} ADD COLUMN {DOCUMENT_COLUMN} tsvector"
            f" GENERATED ALWAYS AS ({self._pg_expression()}) STORED",
            f"CREATE INDEX {self.table}_search_gin ON {self.table} USING gin ({DOCUMENT_COLUMN})",
            *(
                f"CREATE INDEX {self.table}_{column}_trgm ON {self.table}"
                f" USING gin ({column} gin_trgm_ops)"
                for column in self.names
            ),
        ]

    def postgresql_drop(self) -> list[str]:
        return [
            *(f"DROP INDEX IF EXISTS {self.table}_{column}_trgm" for column in self.names),
            f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS {DOCUMENT_COLUMN}",
        ]

    # SQLite

    def _sqlite_document(self, row: str) -> str:
        parts = [f"coalesce({row}.{column}, '')" for column, _ in self.fields] + [
            f"coalesce((SELECT group_concat(json_extract(value, '$.text'), ' ')"
            f" FROM json_each({row}.{column})), '')"
            for column in self.json_text
        ]
        return " || char(10) || ".join(parts)

    def sqlite_create(self) -> list[str]:
        fts, table = self.fts_table, self.table
        columns = ", ".join(column for column, _ in self.fields) + "".join(
            f", {column}" for column in self.json_text
        )
        insert = (
            f"INSERT INTO {fts} (rowid, document) VALUES (new.id, {self._sqlite_document('new')});"
        )
        delete = f"DELETE FROM {fts} WHERE rowid = old.id;"
        return [
            f"CREATE VIRTUAL TABLE {fts} USING fts5(document, tokenize = 'trigram')",
            f"INSERT INTO {fts} (rowid, document)"
            f" SELECT id, {self._sqlite_document(table)} FROM {table}",
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table}"
            f" BEGIN {delete} {insert} END",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        ]

    def sqlite_drop(self) -> list[str]:
        return [
            *(
                f"DROP TRIGGER IF EXISTS {self.fts_table}_{when}"
                for when in ("insert", "update", "delete")
            ),
            f"DROP TABLE IF EXISTS {self.fts_table}",
        ]


class _VendorSQL(Operation):
    """A migration operation whose SQL depends on the database vendor and which changes no
    model state."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def _statements(self, vendor: str, forwards: bool) -> list[str]:
        raise NotImplementedError

    def _run(self, schema_editor, forwards: bool) -> None:
        for statement in self._statements(schema_editor.connection.vendor, forwards):
            schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, forwards=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, forwards=False)


class AddSearchDocument(_VendorSQL):
    """Make ``document.table`` searchable (see the module docstring for what it creates)."""

    def __init__(self, document: Document):
        self.document = document

    def deconstruct(self):
        return self.__class__.__name__, [self.document], {}

    def describe(self):
        return f"Search document and indexes of {self.document.table}"

    def _statements(self, vendor: str, forwards: bool) -> list[str]:
        if vendor == "postgresql":
            return (
                self.document.postgresql_create() if forwards else self.document.postgresql_drop()
            )
        if vendor == "sqlite":
            return self.document.sqlite_create() if forwards else self.document.sqlite_drop()
        return []


class RestoreSearchDocument(AddSearchDocument):
    """SQLite only: rebuild ``document``'s FTS5 table and triggers. Put it after a migration
    operation that makes Django rebuild the table on SQLite (most ``AlterField``s): the rebuild
    drops the triggers (``missing_structures`` finds it). PostgreSQL keeps its structures."""

    def describe(self):
        return f"Search triggers of {self.document.table} restored (SQLite)"

    def _statements(self, vendor: str, forwards: bool) -> list[str]:
        if vendor != "sqlite":
            return []
        return [*self.document.sqlite_drop(), *self.document.sqlite_create()]


# PL/pgSQL, not SQL: PostgreSQL plans a SQL function's body again in every statement that
# calls it (66 µs per inserted message, most of a search document's cost), and caches a
# PL/pgSQL function's plans for the session (10 µs; 45 µs with CJK text). Same text out.
_CJK_BIGRAMS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plaza_search_text(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF value !~ '[{CJK_CLASS}]' THEN
    RETURN value;
  END IF;
  RETURN value || ' ' || (
    SELECT coalesce(string_agg(substr(value, i, 2), ' ' ORDER BY i), '')
    FROM generate_series(1, length(value) - 1) AS i
    WHERE substr(value, i, 2) ~ '^[{CJK_CLASS}]{{2}}$'
  );
END
$$
"""


class NamePrefixIndex(_VendorSQL):
    """PostgreSQL only: a btree index on ``lower(column) text_pattern_ops``, which serves the
    exact-name and name-prefix rank tiers (``lower(name) = …``, ``LIKE '…%'``) of a large
    table, so a page of those tiers reads only their rows (docs/search.md)."""

    def __init__(self, table: str, column: str):
        self.table, self.column = table, column

    def deconstruct(self):
        return self.__class__.__name__, [self.table, self.column], {}

    def describe(self):
        return f"Name prefix index on {self.table}.{self.column}"

    @property
    def name(self) -> str:
        return f"{self.table}_{self.column}_lower"

    def _statements(self, vendor: str, forwards: bool) -> list[str]:
        if vendor != "postgresql":
            return []
        if forwards:
            return [
                f"CREATE INDEX {self.name} ON {self.table} (lower({self.column}) text_pattern_ops)"
            ]
        return [f"DROP INDEX IF EXISTS {self.name}"]


class CreateSearchFunctions(_VendorSQL):
    """PostgreSQL only: the ``pg_trgm`` extension and ``plaza_search_text`` (the text plus
    the bigrams of its CJK runs), which every search document is built from."""

    def deconstruct(self):
        return self.__class__.__name__, [], {}

    def describe(self):
        return "pg_trgm and plaza_search_text()"

    def _statements(self, vendor: str, forwards: bool) -> list[str]:
        if vendor != "postgresql":
            return []
        if forwards:
            return ["CREATE EXTENSION IF NOT EXISTS pg_trgm", _CJK_BIGRAMS_FUNCTION]
        return ["DROP FUNCTION IF EXISTS plaza_search_text(text)"]


class ReplaceSearchTextFunction(_VendorSQL):
    """PostgreSQL only: ``plaza_search_text`` replaced by its current body (the same text out,
    so stored documents stay valid). Backwards leaves it: every body computes the same."""

    def deconstruct(self):
        return self.__class__.__name__, [], {}

    def describe(self):
        return "plaza_search_text() replaced"

    def _statements(self, vendor: str, forwards: bool) -> list[str]:
        return [_CJK_BIGRAMS_FUNCTION] if vendor == "postgresql" and forwards else []


def missing_structures(document: Document) -> list[str]:
    """What of ``document``'s column, indexes, FTS table and triggers the database lacks (a
    later migration can drop them: PostgreSQL's ``DROP COLUMN … CASCADE`` takes the generated
    column with a column it reads, SQLite's table rebuild loses the triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_name = %s AND is_generated = 'ALWAYS'",
                [document.table, DOCUMENT_COLUMN],
            )
            present = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s", [document.table]
            )
            present |= {row[0] for row in cursor.fetchall()}
            wanted = [
                DOCUMENT_COLUMN,
                f"{document.table}_search_gin",
                *(f"{document.table}_{column}_trgm" for column in document.names),
            ]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name IN (%s, %s)",
                [document.table, document.fts_table],
            )
            present = {row[0] for row in cursor.fetchall()}
            wanted = [document.fts_table] + [
                f"{document.fts_table}_{when}" for when in ("insert", "update", "delete")
            ]
    return [name for name in wanted if name not in present]


# --- Matching (selectors) --------------------------------------------------------------------


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


class Search:
    """One query, parsed once, matched against any searchable table.

    ``terms`` are the words and CJK runs of the query (at most ``MAX_TERMS``); every term must
    match (a word as a prefix of a word, a CJK run as a substring). On PostgreSQL the words
    match through the document's GIN index; :meth:`inside_names` is the second phase, rows
    whose name contains the whole query (three characters or more) anywhere without matching
    by words, through the trigram indexes. Callers fill a page with the first phase and only
    ask the second when the page is not full: ``ILIKE '%…%'`` over thousands of common-word
    matches costs several times the word match (docs/search.md, Bench). On SQLite, FTS5's
    trigrams match substrings in one phase."""

    def __init__(
        self,
        query: str,
        *,
        phase: str = "words",
        row_by_row: bool = False,
        candidates: tuple[str, list] | None = None,
    ):
        self.text = " ".join(query.split())
        self.terms = [term.lower() for term in _TERM.findall(self.text)][:MAX_TERMS]
        self.phase = phase
        self.row_by_row = row_by_row
        self.candidates = candidates  # phase "page": (SQL of the ids, its params)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def inside_names(self) -> "Search | None":
        """The second phase (see the class), or None where there is none."""
        if connection.vendor != "postgresql" or len(self.text) < 3 or self.phase != "words":
            return None
        return Search(self.text, phase="inside_names", row_by_row=self.row_by_row)

    def among(self, sql: str, params: list, *, with_inside: bool) -> "Search":
        """The rows whose ids ``sql`` selects, ranked as this search ranks them, word matches
        before names containing the query when ``with_inside`` (:func:`ranked_page`)."""
        return Search(
            self.text,
            phase="page_with_inside" if with_inside else "page",
            row_by_row=self.row_by_row,
            candidates=(sql, params),
        )

    def checked_row_by_row(self) -> "Search":
        """The same search, written so that PostgreSQL checks it on each row another index
        found (``ts_match_vq``, which no index serves) instead of starting from the GIN
        index: for a few hundred rows known to be the only candidates (a person's messages),
        where the planner misjudges how many rows a phrase of CJK bigrams matches."""
        return Search(self.text, phase=self.phase, row_by_row=True, candidates=self.candidates)

    # PostgreSQL

    def _tsquery(self, weights: str = "") -> str:
        """The terms as a tsquery, every one required; ``weights`` ("A") restricts them to
        lexemes of those weights (the name/title columns)."""
        suffix = f":{weights}" if weights else ""
        parts = []
        for term in self.terms:
            if _CJK_RUN.fullmatch(term) and len(term) > 1:
                grams = " <-> ".join(f"'{gram}'{suffix}" for gram in _bigrams(term))
                parts.append(f"({grams})")
            else:
                parts.append(f"'{term}':*{weights}")
        return " & ".join(parts)

    # SQLite

    def _fts_query(self) -> tuple[str | None, list[str]]:
        """The FTS5 MATCH expression of the terms of three characters or more (trigrams need
        three) and the LIKE patterns of the shorter ones."""
        long = [term for term in self.terms if len(term) >= 3]
        short = [term for term in self.terms if len(term) < 3]
        match = " AND ".join('"' + term.replace('"', '""') + '"' for term in long) or None
        return match, [_like_pattern(term) for term in short]

    # Both

    def condition(self, document: Document) -> RawSQL:
        """A boolean expression: the row of ``document.table`` matches."""
        table = document.table
        if self.phase == "everything":
            return RawSQL("(1 = 1)", [], output_field=BooleanField())
        if self.candidates is not None:
            sql, params = self.candidates
            return RawSQL(f"({table}.id IN ({sql}))", params, output_field=BooleanField())
        if connection.vendor == "postgresql":
            document_column = f"{table}.{DOCUMENT_COLUMN}"
            words = (
                f"ts_match_vq({document_column}, to_tsquery('simple', %s))"
                if self.row_by_row
                else f"{document_column} @@ to_tsquery('simple', %s)"
            )
            params = [self._tsquery()]
            if self.phase == "words":
                return RawSQL(f"({words})", params, output_field=BooleanField())
            if not document.names:
                return RawSQL("(false)", [], output_field=BooleanField())
            inside = " OR ".join(f"{table}.{column} ILIKE %s" for column in document.names)
            params += [_like_pattern(self.text)] * len(document.names)
            return RawSQL(f"(NOT {words} AND ({inside}))", params, output_field=BooleanField())
        match, likes = self._fts_query()
        where = ([f"{document.fts_table} MATCH %s"] if match else []) + [
            "document LIKE %s ESCAPE '\\'" for _ in likes
        ]
        params = ([match] if match else []) + likes
        return RawSQL(
            f"{table}.id IN (SELECT rowid FROM {document.fts_table} WHERE {' AND '.join(where)})",
            params,
            output_field=BooleanField(),
        )

    def _tiers(self, document: Document) -> list[tuple[int, str, list]]:
        """(score, condition SQL, params) of the rank tiers above the base one, best first:
        a name equal to the query, one starting with it, on PostgreSQL every term in the
        weight-A columns. A btree index on ``lower(name) text_pattern_ops`` serves the first
        two where a table is large (``NamePrefixIndex``)."""
        table, tiers = document.table, []
        postgresql = connection.vendor == "postgresql"
        if document.names:
            escaped = _like_pattern(self.text.lower())[1:-1]
            escape = "" if postgresql else " ESCAPE '\\'"  # backslash is PostgreSQL's default
            for score, value, compare in (
                (30, self.text.lower(), "="),
                (20, escaped + "%", "LIKE"),
            ):
                either = " OR ".join(
                    f"lower({table}.{name}) {compare} %s" + (escape if compare == "LIKE" else "")
                    for name in document.names
                )
                tiers.append((score, f"({either})", [value] * len(document.names)))
        weighted = any(weight != "A" for _, weight in document.fields) or document.json_text
        # every term in the weight-A columns is a word match, which the second phase's rows
        # are not: the tier would be empty there, and walking for it costs the whole walk
        if postgresql and weighted and self.phase != "inside_names":
            tiers.append(
                (
                    15,
                    f"({table}.{DOCUMENT_COLUMN} @@ to_tsquery('simple', %s))",
                    [self._tsquery(weights="A")],
                )
            )
        return tiers

    def rank(self, document: Document) -> "Rank":
        """A number to order by, higher first (callers break ties by recency or popularity):
        a name column equal to the query (30), one starting with it (20), on PostgreSQL every
        term found in the name/title columns (weight A: 15), any other match (10). Tiers
        rather than ``ts_rank``: as good on short names and titles, explainable, and cheap on
        thousands of matches of a common word (docs/search.md). In the phase
        ``page_with_inside``, word matches rank 100 above names containing the query."""
        tiers = self._tiers(document)
        whens = " ".join(f"WHEN {sql} THEN {score}" for score, sql, _ in tiers)
        sql = f"CASE {whens} ELSE 10 END" if tiers else "10"
        params = [param for _, _, tier_params in tiers for param in tier_params]
        if self.phase == "page_with_inside":
            column = f"{document.table}.{DOCUMENT_COLUMN}"
            sql = f"CASE WHEN {column} @@ to_tsquery('simple', %s) THEN 100 ELSE 0 END + {sql}"
            params = [self._tsquery(), *params]
        return Rank(sql, params, tiers=[(sql, params, score < 20) for score, sql, params in tiers])

    # Presentation

    def highlight(self, text: str, *, width: int | None = None) -> dict:
        """``{"text": snippet, "highlights": [[start, end], …]}``: ``text`` (or, given a
        ``width``, that many characters of it around the first match) and where each term
        occurs in it (character offsets, end exclusive), for a client to mark them up."""
        width = width or len(text)
        lowered = text.lower()
        found = [i for term in self.terms if (i := lowered.find(term)) >= 0]
        start = 0
        if found and len(text) > width:
            start = max(0, min(min(found) - width // 4, len(text) - width))
        snippet = text[start : start + width]
        lowered_snippet = snippet.lower()
        highlights = []
        for term in self.terms:
            for match in re.finditer(re.escape(term), lowered_snippet):
                highlights.append([match.start(), match.end()])
        return {"text": snippet, "highlights": _merged(highlights)}


def _merged(spans: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


class Rank(RawSQL):
    """:meth:`Search.rank`: the expression, and the conditions of its tiers above the base one
    (rows ranked at least that tier), best first, for :func:`ranked_page`: (SQL, params,
    whether to walk), where the name tiers, which a btree on ``lower(name)`` serves with exact
    estimates, are left to the planner."""

    def __init__(self, sql: str, params: list, *, tiers: list[tuple[str, list, bool]]):
        super().__init__(sql, params, output_field=FloatField())
        self.tiers = tiers


def _sql(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


WALK_ROWS = 2500


def _unindexed_order(tie_break: list[str]) -> list:
    """``tie_break`` as expressions no index provides (``COALESCE(x, x)``), so PostgreSQL
    reads a rare tier from its search index and sorts it, never walks a whole table's order
    looking for it (its estimate of a rare word can be far too high)."""
    order = []
    for name in tie_break:
        column = name.lstrip("-")
        same = Func(F(column), F(column), function="COALESCE")
        order.append(same.desc() if name.startswith("-") else same.asc())
    return order


def _tier_branches(queryset: QuerySet, everything: QuerySet, need: int) -> list[tuple[str, list]]:
    """For each rank tier of ``queryset`` (ordered by its ``rank`` alias, then a tie-break),
    the ids of the first ``need`` rows ranked at least that tier, in tie-break order, without
    ranking every match: the ``WALK_ROWS`` first rows of ``everything`` (the same rows before
    searching) in tie-break order are checked one by one, which finds a common word's first
    rows at once; only when they hold fewer than ``need`` (a condition checked once) does the
    search index find the tier's rows, then few enough to sort."""
    rank = queryset.query.annotations["rank"]
    order = list(queryset.query.order_by)
    if order[:1] != ["-rank"]:
        raise ValueError("a ranked page needs a queryset ordered by -rank first")
    tie_break = order[1:]
    table = queryset.model._meta.db_table
    recent_sql, recent_params = _sql(everything.order_by(*tie_break).values("pk")[:WALK_ROWS])
    tiers = [
        (queryset.filter(RawSQL(sql, params, output_field=BooleanField())), walks)
        for sql, params, walks in rank.tiers
    ]
    branches = []
    for tier, walks in [*tiers, (queryset, True)]:
        if not walks or connection.vendor != "postgresql":  # SQLite: embedded sizes
            branches.append(_sql(tier.order_by(*tie_break).values("pk")[:need]))
            continue
        one_sql, one_params = _sql(
            tier.filter(RawSQL(f"{table}.id = recent.pk", [], output_field=BooleanField()))
            .order_by()
            .values("pk")
        )
        walk = (  # OFFSET 0: checked row by row, in the order of the recent rows
            f"SELECT found.pk FROM ({recent_sql}) recent"
            f" CROSS JOIN LATERAL ({one_sql} OFFSET 0) found LIMIT {need}"
        )
        walk_params = recent_params + one_params
        rest_sql, rest_params = _sql(
            tier.order_by(*_unindexed_order(tie_break)).values("pk")[:need]
        )
        branches.append(  # the walk runs once: its rows, and their count for the rest
            (
                f"WITH walked AS MATERIALIZED ({walk}) SELECT walked.pk FROM walked"
                f" UNION ALL SELECT rest.pk FROM ({rest_sql}) rest"
                f" WHERE (SELECT count(*) FROM walked) < {need}",
                walk_params + rest_params,
            )
        )
    return branches


def _union(branches: list[tuple[str, list]]) -> tuple[str, list]:
    """``SELECT id`` of every branch, each in its own subquery (SQLite allows no LIMIT in a
    compound's members otherwise)."""
    sql = " UNION ALL ".join(
        f"SELECT b{number}.pk FROM ({branch}) b{number}"
        for number, (branch, _) in enumerate(branches)
    )
    return sql, [param for _, params in branches for param in params]


@contextmanager
def _planned_for_its_terms() -> Iterator[None]:
    """Statements run here are not prepared. psycopg prepares a statement on its sixth run,
    and PostgreSQL then plans it once for any parameters (a generic plan), which cannot know
    how common the searched words are: on the bench's catalogue a repeated search ran twice as
    long from its sixth run on (docs/search.md). A search plans in about a millisecond."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def ranked_page(
    find: Callable[["Search"], QuerySet], search: "Search", *, offset: int, limit: int, names: bool
) -> tuple[list, bool]:
    """Rows ``offset`` to ``offset + limit`` of ``find(search)`` (a queryset ordered by its
    ``rank`` alias, then a tie-break), then, on PostgreSQL and when ``names``, of the names
    containing the query (:meth:`Search.inside_names`, ranked after every word match), and
    whether more follow. One query: each rank tier contributes the ids of its first rows in
    tie-break order (``LIMIT offset + limit + 1``), the names containing the query only when
    the word matches are fewer than that (a condition PostgreSQL checks once, before reading
    them), and the page is ranked among those few ids (docs/search.md)."""
    need = offset + limit + 1
    words = find(search)
    inside = search.inside_names() if names else None
    if inside is None and not words.query.annotations["rank"].tiers:
        with _planned_for_its_terms():
            rows = list(words[offset:need])
        return rows[:limit], len(rows) > limit
    everything = find(Search(search.text, phase="everything"))
    sql, params = _union(_tier_branches(words, everything, need))
    if inside is not None:
        inside_sql, inside_params = _union(_tier_branches(find(inside), everything, need))
        sql = (
            f"WITH words AS ({sql}) SELECT pk FROM words UNION ALL"
            f" SELECT inside.pk FROM ({inside_sql}) inside"
            f" WHERE (SELECT count(DISTINCT pk) FROM words) < {need}"
        )
        params += inside_params
    page = find(search.among(sql, params, with_inside=inside is not None))
    with _planned_for_its_terms():
        rows = list(page[offset:need])
    return rows[:limit], len(rows) > limit
