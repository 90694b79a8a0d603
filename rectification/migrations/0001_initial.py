"""The rectification models, taken over from the inspections app: created in state only.

The tables already exist (``inspections_rectification*``, made by ``inspections.0001``) and
keep their rows; ``db_table`` names them, so nothing in the database changes.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('inspections', '0003_rectification_moved'),
        ('portal', '0006_roleassignment_ended_at'),
        ('stations', '0006_contract_order_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='RectificationOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source_kind', models.CharField(choices=[('inspection_finding', '督查发现问题'), ('evaluation', '评估'), ('other', '其他')], max_length=20, verbose_name='来源')),
                        ('source_ref', models.CharField(blank=True, max_length=80, verbose_name='来源编号')),
                        ('severity', models.CharField(choices=[('minor', '一般'), ('major', '较重'), ('critical', '严重')], max_length=10, verbose_name='问题等级')),
                        ('area', models.CharField(blank=True, choices=[('safety', '安全管理（含消防安全）'), ('standardisation', '标准化建设'), ('special_groups', '特殊困难群体服务'), ('epidemic', '疫情防控'), ('professional', '专业服务'), ('governance', '内部治理'), ('finance', '财务管理')], max_length=20, verbose_name='领域')),
                        ('title', models.CharField(max_length=200, verbose_name='整改事项')),
                        ('description', models.TextField(blank=True, verbose_name='问题与要求')),
                        ('opened_on', models.DateField(verbose_name='下达日期')),
                        ('due_on', models.DateField(verbose_name='整改期限')),
                        ('status', models.CharField(choices=[('open', '待整改'), ('answered', '已反馈待核验'), ('reopened', '退回重新整改'), ('closed', '已验收关闭')], default='open', max_length=10, verbose_name='状态')),
                        ('is_repeat', models.BooleanField(default=False, verbose_name='一年内重复问题')),
                        ('escalation_level', models.PositiveSmallIntegerField(choices=[(0, '未升级'), (1, '社工站'), (2, '承接机构'), (3, '区民政局'), (4, '市民政局')], default=0, verbose_name='逾期升级层级')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='关闭时间')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('finding', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='order', to='inspections.finding', verbose_name='发现问题')),
                        ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rectification_orders', to='stations.institution', verbose_name='承接机构')),
                        ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='下达人')),
                        ('policy_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.policyversion', verbose_name='期限依据政策版本')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rectification_orders', to='stations.station', verbose_name='社工站')),
                    ],
                    options={
                        'verbose_name': '整改通知单',
                        'verbose_name_plural': '整改通知单',
                        'db_table': 'inspections_rectificationorder',
                        'ordering': ['-opened_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('opened', '下达'), ('answered', '整改反馈'), ('accepted', '核验通过'), ('rejected', '核验退回'), ('escalated', '逾期升级')], max_length=12, verbose_name='事项')),
                        ('from_status', models.CharField(blank=True, choices=[('open', '待整改'), ('answered', '已反馈待核验'), ('reopened', '退回重新整改'), ('closed', '已验收关闭')], max_length=10, verbose_name='原状态')),
                        ('to_status', models.CharField(choices=[('open', '待整改'), ('answered', '已反馈待核验'), ('reopened', '退回重新整改'), ('closed', '已验收关闭')], max_length=10, verbose_name='新状态')),
                        ('note', models.TextField(blank=True, verbose_name='说明')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='rectification.rectificationorder', verbose_name='整改通知单')),
                    ],
                    options={
                        'verbose_name': '整改记录',
                        'verbose_name_plural': '整改记录',
                        'db_table': 'inspections_rectificationevent',
                        'ordering': ['order_id', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(verbose_name='整改情况')),
                        ('responded_at', models.DateTimeField(auto_now_add=True, verbose_name='反馈时间')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='rectification.rectificationorder', verbose_name='整改通知单')),
                        ('responded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='反馈人')),
                    ],
                    options={
                        'verbose_name': '整改反馈',
                        'verbose_name_plural': '整改反馈',
                        'db_table': 'inspections_rectificationresponse',
                        'ordering': ['order_id', 'responded_at'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to='inspections/evidence/%Y/%m/', verbose_name='文件')),
                        ('content_type', models.CharField(max_length=80)),
                        ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
                        ('name', models.CharField(max_length=200, verbose_name='文件名')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='rectification.rectificationorder', verbose_name='整改通知单')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='rectification.rectificationresponse', verbose_name='整改反馈')),
                    ],
                    options={
                        'verbose_name': '整改佐证',
                        'verbose_name_plural': '整改佐证',
                        'db_table': 'inspections_rectificationevidence',
                        'ordering': ['response_id', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='rectificationorder',
                    index=models.Index(fields=['station', 'status', 'due_on'], name='inspections_order_st_idx'),
                ),
                migrations.AddIndex(
                    model_name='rectificationorder',
                    index=models.Index(fields=['status', 'due_on'], name='inspections_order_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='rectificationorder',
                    index=models.Index(fields=['source_kind', 'source_ref'], name='inspections_order_src_idx'),
                ),
                migrations.AddConstraint(
                    model_name='rectificationorder',
                    constraint=models.CheckConstraint(condition=models.Q(('due_on__gte', models.F('opened_on'))), name='inspections_order_due_after_opened', violation_error_message='整改期限不能早于下达日期。'),
                ),
                migrations.AddConstraint(
                    model_name='rectificationorder',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('finding__isnull', False), ('source_kind', 'inspection_finding')), models.Q(models.Q(('source_kind', 'inspection_finding'), _negated=True), ('finding__isnull', True)), _connector='OR'), name='inspections_order_finding_matches_kind', violation_error_message='督查问题来源的整改单须关联发现问题。'),
                ),
            ],
        ),
    ]
