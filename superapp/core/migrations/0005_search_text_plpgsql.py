from django.db import migrations

from superapp.core.fulltext import ReplaceSearchTextFunction


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search_functions")]

    operations = [ReplaceSearchTextFunction()]
