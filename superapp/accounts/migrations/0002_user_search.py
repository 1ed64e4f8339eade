from django.db import migrations, models

from superapp.core.fulltext import AddSearchDocument, Document


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("core", "0004_search_functions")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="findable_by_username",
            field=models.BooleanField(
                default=True,
                help_text="Whether people who are not contacts find this user in search.",
            ),
        ),
        AddSearchDocument(
            Document(
                table="accounts_user",
                fields=(("username", "A"), ("display_name", "A")),
                names=("username", "display_name"),
            )
        ),
    ]
