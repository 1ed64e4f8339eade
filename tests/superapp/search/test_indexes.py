"""After migrating, every searchable table has its generated document, GIN and trigram
indexes, and PostgreSQL uses them; a schema change that loses them is caught."""

import pytest
from django.apps import apps
from django.db import connection

from superapp.core.fulltext import Search, missing_structures
from tests.superapp.search.documents import DOCUMENTS

pytestmark = pytest.mark.django_db


def model_of(document):
    [model] = [m for m in apps.get_models() if m._meta.db_table == document.table]
    return model


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.table)
def test_every_search_document_and_index_exists_after_migrating(document):
    assert missing_structures(document) == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.table)
def test_postgresql_answers_a_search_from_the_indexes(document):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask for the index path
    rows = model_of(document).objects
    search = Search("choco")
    plan = rows.filter(search.condition(document)).explain()
    assert f"{document.table}_search_gin" in plan, plan
    if document.names:  # the second phase: the query inside names, from the trigram indexes
        plan = rows.filter(search.inside_names().condition(document)).explain()
        for column in document.names:
            assert f"{document.table}_{column}_trgm" in plan, plan


def test_a_migration_dropping_a_searched_column_is_caught():
    """Django drops columns with CASCADE on PostgreSQL, silently taking the generated
    document and its index with them: the check above would then fail."""
    from superapp.official.models import ARTICLE_SEARCH, Article

    with connection.schema_editor(atomic=False) as editor:
        editor.remove_field(Article, Article._meta.get_field("title"))
    assert missing_structures(ARTICLE_SEARCH) == [
        "search_document",
        "official_article_search_gin",
        "official_article_title_trgm",
    ]


def test_a_migration_changing_a_searched_columns_type_is_refused():
    """PostgreSQL refuses to alter a column its generated document reads: such a migration
    fails loudly instead of leaving a stale index (reverse AddSearchDocument around it)."""
    from django.db import NotSupportedError, models, transaction

    from superapp.official.models import Article

    old = Article._meta.get_field("title")
    new = models.CharField(max_length=old.max_length + 100)
    new.set_attributes_from_name("title")
    new.model = Article
    with (
        pytest.raises(NotSupportedError),
        transaction.atomic(),
        connection.schema_editor() as editor,
    ):
        editor.alter_field(Article, old, new)


def test_the_search_text_is_the_text_and_its_cjk_bigrams_from_a_plpgsql_function():
    """PL/pgSQL, whose plans PostgreSQL caches per session: a SQL function's body is planned
    again in every statement that writes a row (docs/search.md, what indexing costs)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT plaza_search_text(%s), plaza_search_text(%s), language.lanname"
            " FROM pg_proc JOIN pg_language language ON language.oid = pg_proc.prolang"
            " WHERE pg_proc.proname = 'plaza_search_text'",
            ["我爱北京 coffee", "coffee"],
        )
        assert cursor.fetchone() == ("我爱北京 coffee 我爱 爱北 北京", "coffee", "plpgsql")
