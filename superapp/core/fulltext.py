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
from dataclasses import dataclass, field

from django.db import connection
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, FloatField
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


_CJK_BIGRAMS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plaza_search_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN value !~ '[{CJK_CLASS}]' THEN value ELSE value || ' ' || (
    SELECT coalesce(string_agg(substr(value, i, 2), ' ' ORDER BY i), '')
    FROM generate_series(1, length(value) - 1) AS i
    WHERE substr(value, i, 2) ~ '^[{CJK_CLASS}]{{2}}$'
  ) END
$$
"""


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

    def __init__(self, query: str, *, phase: str = "words", row_by_row: bool = False):
        self.text = " ".join(query.split())
        self.terms = [term.lower() for term in _TERM.findall(self.text)][:MAX_TERMS]
        self.phase = phase
        self.row_by_row = row_by_row

    def __bool__(self) -> bool:
        return bool(self.terms)

    def inside_names(self) -> "Search | None":
        """The second phase (see the class), or None where there is none."""
        if connection.vendor != "postgresql" or len(self.text) < 3 or self.phase != "words":
            return None
        return Search(self.text, phase="inside_names", row_by_row=self.row_by_row)

    def checked_row_by_row(self) -> "Search":
        """The same search, written so that PostgreSQL checks it on each row another index
        found (``ts_match_vq``, which no index serves) instead of starting from the GIN
        index: for a few hundred rows known to be the only candidates (a person's messages),
        where the planner misjudges how many rows a phrase of CJK bigrams matches."""
        return Search(self.text, phase=self.phase, row_by_row=True)

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

    def rank(self, document: Document) -> RawSQL:
        """A number to order by, higher first (callers break ties by recency or popularity):
        a name column equal to the query (30), one starting with it (20), on PostgreSQL every
        term found in the name/title columns (weight A: 15), any other match (10). Tiers
        rather than ``ts_rank``: as good on short names and titles, explainable, and cheap on
        thousands of matches of a common word (docs/search.md)."""
        table = document.table
        tiers, params = [], []
        if document.names:
            lowered = self.text.lower()
            for value, score in ((lowered, 30), (_like_pattern(lowered)[1:], 20)):
                compare = "= %s" if score == 30 else "LIKE %s ESCAPE '\\'"
                either = " OR ".join(f"lower({table}.{name}) {compare}" for name in document.names)
                tiers.append(f"WHEN {either} THEN {score}")
                params += [value] * len(document.names)
        weighted = any(weight != "A" for _, weight in document.fields) or document.json_text
        if connection.vendor == "postgresql" and weighted:
            tiers.append(f"WHEN {table}.{DOCUMENT_COLUMN} @@ to_tsquery('simple', %s) THEN 15")
            params.append(self._tsquery(weights="A"))
        sql = f"CASE {' '.join(tiers)} ELSE 10 END" if tiers else "10"
        return RawSQL(sql, params, output_field=FloatField())

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
