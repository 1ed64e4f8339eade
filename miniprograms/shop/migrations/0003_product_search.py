from django.db import migrations

from superapp.core.fulltext import AddSearchDocument, Document


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_live_show"), ("core", "0004_search_functions")]

    operations = [
        AddSearchDocument(
            Document(
                table="shop_product",
                fields=(("title", "A"), ("description", "B")),
                names=("title",),
            )
        )
    ]
