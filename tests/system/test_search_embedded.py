"""Search on the embedded default: SQLite's FTS5 tables (trigram tokenizer) kept in step by
triggers, behind the same selectors as PostgreSQL, in a fresh process on a file database."""

from tests.system.processes import embedded_env, manage

CHECKS = """
from superapp.core.fulltext import Search, missing_structures
from superapp.search import selectors
from tests.superapp.search.documents import DOCUMENTS
from tests.superapp.search import world as search_world

world = search_world.build()
o = world.objects

def ids(viewer, q, kind):
    results, _ = selectors.search_kind(
        viewer=viewer, search=Search(q), kind=kind, offset=0, limit=50
    )
    return [r["id"] for r in results]

checks = {
    "structures": all(missing_structures(d) == [] for d in DOCUMENTS),
    "messages_visible_only": ids(world.me, "chocolate", "messages") == [o["found"].pk],
    "cjk": ids(world.me, "天安门", "messages") == [o["cjk"].pk],
    "cjk_two_characters": ids(world.me, "北京", "messages") == [o["cjk"].pk],
    "japanese": ids(world.me, "タワー", "products") == [o["tower"].pk],
    "partial_word": set(ids(world.me, "arf", "products")) == {o["scarf"].pk, o["silk"].pk},
    "exact_first": ids(world.me, "scarf", "products") == [o["scarf"].pk, o["silk"].pk],
    # first: generated display names (Faker) may also contain "ann"
    "people": ids(world.me, "ann", "people")[:1] == [world.friend.pk],
    "released_only": ids(world.me, "chocolate", "miniprograms") == [o["released"].pk],
    "article_body": ids(world.me, "cardamom", "articles") == [o["article"].pk],
}
o["silk"].title = "Cashmere wrap"
o["silk"].save(update_fields=["title"])
checks["kept_in_step"] = ids(world.me, "cashmere", "products") == [o["silk"].pk]
groups = selectors.search_grouped(viewer=world.me, search=Search("choc"))
checks["grouped"] = "messages" in [g["kind"] for g in groups]
print(" ".join(f"{name}={ok}" for name, ok in checks.items()))
"""


def test_search_runs_on_sqlite_fts5(tmp_path):
    env = embedded_env(tmp_path)
    manage("migrate", "--noinput", env=env)
    out = manage("shell", "-c", CHECKS, env=env)
    assert "=False" not in out and "kept_in_step=True" in out, out
