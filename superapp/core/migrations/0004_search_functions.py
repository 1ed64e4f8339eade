from django.db import migrations

from superapp.core.fulltext import CreateSearchFunctions


class Migration(migrations.Migration):
    dependencies = [("core", "0003_fewer_indexes")]

    operations = [CreateSearchFunctions()]
