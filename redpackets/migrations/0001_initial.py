# The red packet tables were created by payments (0003_red_packets): this migration only
# takes over Django's model state of them; the database is left as it is.

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('messaging', '0003_notice_names'),
        ('payments', '0009_red_packets_move_to_their_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='RedPacket',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('mode', models.CharField(choices=[('lucky', 'Lucky'), ('fixed', 'Fixed')], max_length=8)),
                    ('currency', models.CharField(max_length=3)),
                    ('total', models.BigIntegerField()),
                    ('amount_each', models.BigIntegerField(blank=True, help_text='Fixed mode only.', null=True)),
                    ('count', models.PositiveIntegerField()),
                    ('greeting', models.CharField(blank=True, max_length=100)),
                    ('shares', models.JSONField(help_text='The amount of each claim, in claim order.')),
                    ('status', models.CharField(choices=[('active', 'Active'), ('finished', 'Finished'), ('expired', 'Expired')], default='active', max_length=10)),
                    ('claimed_count', models.PositiveIntegerField(default=0)),
                    ('claimed_amount', models.BigIntegerField(default=0)),
                    ('refunded_amount', models.BigIntegerField(default=0)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('expires_at', models.DateTimeField()),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='messaging.conversation')),
                    ('escrow', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.account')),
                    ('sender', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='red_packets_sent', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'payments_redpacket',
                },
            ),
            migrations.CreateModel(
                name='RedPacketClaim',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('amount', models.BigIntegerField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('journal', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='red_packet_claim', to='payments.journaltransaction')),
                    ('packet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='redpackets.redpacket')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='red_packet_claims', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'payments_redpacketclaim',
                },
            ),
            migrations.AddIndex(
                model_name='redpacket',
                index=models.Index(condition=models.Q(('status', 'active')), fields=['expires_at'], name='red_packet_active_expiry_idx'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(('count__gte', 1), ('total__gte', models.F('count'))), name='red_packet_at_least_one_unit_per_share'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount_each__isnull', True), ('mode', 'lucky')), models.Q(('mode', 'fixed'), ('total', django.db.models.expressions.CombinedExpression(models.F('amount_each'), '*', models.F('count')))), _connector='OR'), name='red_packet_fixed_total_is_count_times_amount'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(('claimed_count__gte', 0), ('claimed_count__lte', models.F('count'))), name='red_packet_claimed_count_within_count'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(('claimed_amount__gte', 0), ('claimed_amount__lte', models.F('total'))), name='red_packet_claimed_amount_within_total'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(('refunded_amount__gte', 0), ('refunded_amount__lte', django.db.models.expressions.CombinedExpression(models.F('total'), '-', models.F('claimed_amount')))), name='red_packet_refund_within_remainder'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'finished'), _negated=True), ('claimed_count', models.F('count')), _connector='OR'), name='red_packet_finished_when_all_claimed'),
            ),
            migrations.AddConstraint(
                model_name='redpacket',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'expired'), _negated=True), ('refunded_amount', django.db.models.expressions.CombinedExpression(models.F('total'), '-', models.F('claimed_amount'))), _connector='OR'), name='red_packet_expired_returns_the_rest'),
            ),
            migrations.AddConstraint(
                model_name='redpacketclaim',
                constraint=models.UniqueConstraint(fields=('packet', 'user'), name='red_packet_claim_once'),
            ),
            migrations.AddConstraint(
                model_name='redpacketclaim',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='red_packet_claim_positive'),
            ),
            ],
        ),
    ]
