from django.db import migrations, models

from superapp.core.fulltext import NamePrefixIndex


class Migration(migrations.Migration):
    """The indexes a page of product search results reads from, rank tier by rank tier:
    published products newest first, and titles by lowercase prefix (docs/search.md)."""

    dependencies = [
        ("shop", "0003_product_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="shop_product_published"
            ),
        ),
        NamePrefixIndex("shop_product", "title"),
    ]
