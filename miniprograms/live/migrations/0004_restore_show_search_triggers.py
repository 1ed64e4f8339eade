from django.db import migrations

from superapp.core.fulltext import Document, RestoreSearchDocument


class Migration(migrations.Migration):
    """0003's AlterField rebuilt live_show on SQLite, which dropped its search triggers."""

    dependencies = [("live", "0003_show_stream_key_and_replay")]

    operations = [
        RestoreSearchDocument(
            Document(table="live_show", fields=(("title", "A"),), names=("title",))
        )
    ]
