# Red packets moved to the redpackets app: their tables stay as they are (redpackets' models
# keep the payments_ table names); only Django's model state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0008_balanced_per_statement'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.RemoveField(
                model_name='redpacketclaim',
                name='packet',
            ),
            migrations.RemoveField(
                model_name='redpacketclaim',
                name='journal',
            ),
            migrations.RemoveField(
                model_name='redpacketclaim',
                name='user',
            ),
            migrations.DeleteModel(
                name='RedPacket',
            ),
            migrations.DeleteModel(
                name='RedPacketClaim',
            ),
            ],
        ),
    ]
