"""Seed the checklists and the inspection settings.

Editable practice data, not policy: the focus areas come from the 2018 督查制度 (RULES.md,
confirmed); the items are a sensible starting list written from the standardisation
programme's six areas and nine spaces (RULES.md, practice) and common fire-safety and
epidemic-prevention checks. The city officer edits them by making a new checklist version.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# (code, area, topic, title, guidance, default severity)
QUARTERLY_ITEMS = [
    ("S01", "safety", "消防安全", "消防器材（灭火器、消防栓）配备齐全、在有效期内并定期检查",
     "现场查看灭火器压力表与检查记录卡，抽查有效期。", "major"),
    ("S02", "safety", "消防安全", "疏散通道、安全出口畅通，无堵塞、无上锁",
     "走查全部疏散通道和安全出口，出口门可从内部直接打开。", "critical"),
    ("S03", "safety", "消防安全", "应急照明和疏散指示标志完好有效",
     "断电测试或查看测试记录。", "major"),
    ("S04", "safety", "用电安全", "无私拉乱接电线、无违规使用大功率电器，电动车不在室内停放充电",
     "重点查看活动室、储物间和走廊。", "critical"),
    ("S05", "safety", "安全制度", "建立安全管理制度和应急预案，明确安全责任人",
     "查阅制度文本、责任人名单和应急预案。", "minor"),
    ("S06", "safety", "安全制度", "每年至少组织一次消防演练并留存记录",
     "查阅演练方案、签到表和照片。", "minor"),
    ("S07", "safety", "活动安全", "大型活动有安全预案，外出活动购买保险",
     "抽查近三个月活动档案。", "minor"),
    ("B01", "standardisation", "人", "工作人员佩戴工作牌，在岗人员与公示排班一致",
     "对照排班表核对在岗人员。", "minor"),
    ("B02", "standardisation", "人", "站点公示服务人员信息（姓名、职务、持证情况、联系方式）",
     "查看公示栏。", "minor"),
    ("B03", "standardisation", "场", "站点标识统一规范，门牌醒目",
     "对照全市统一标识规范查看。", "minor"),
    ("B04", "standardisation", "物", "物资分类存放、台账清晰，账实相符",
     "抽查三项物资核对台账。", "minor"),
    ("B05", "standardisation", "设备", "办公和服务设备运行正常，有维护记录",
     "查看电脑、打印机、康复设备等。", "minor"),
    ("B06", "standardisation", "信息", "服务信息（服务项目、开放时间、服务流程）上墙公示并及时更新",
     "核对公示内容与实际服务安排。", "minor"),
    ("B07", "standardisation", "废弃物", "废弃物分类处置，无堆积杂物",
     "查看垃圾分类设施和角落杂物。", "minor"),
    ("B08", "standardisation", "九个空间：入口", "入口通畅整洁，无障碍设施可用",
     "查看坡道、扶手。", "minor"),
    ("B09", "standardisation", "九个空间：意见箱", "设置意见箱并定期开箱处理，有处理记录",
     "查阅开箱记录和反馈处理情况。", "minor"),
    ("B10", "standardisation", "九个空间：接待区", "接待区有专人值守，来访登记完整",
     "查阅来访登记本。", "minor"),
    ("B11", "standardisation", "九个空间：活动区", "活动区布置整洁，活动安排公示",
     "查看活动区域和活动排期表。", "minor"),
    ("B12", "standardisation", "九个空间：储物间", "储物间物品整齐，无易燃易爆物品",
     "重点检查易燃物品存放。", "major"),
    ("B13", "standardisation", "九个空间：卫生间", "卫生间清洁、无异味，设施完好",
     "现场查看。", "minor"),
    ("B14", "standardisation", "九个空间：厨房/茶水间", "厨房或茶水间用火用电安全，食品在保质期内",
     "查看燃气、电器和食品保质期。", "major"),
    ("B15", "standardisation", "九个空间：办公室", "办公室整洁，档案资料分类归档",
     "抽查档案柜。", "minor"),
    ("B16", "standardisation", "九个空间：电子信息", "电子信息系统账号管理规范，个人信息有保护措施",
     "查看服务对象信息是否加密存放、屏幕是否锁定。", "major"),
    ("G01", "special_groups", "兜底服务", "建立辖区特殊困难群体台账并动态更新",
     "核对台账更新时间，抽查五户信息。", "major"),
    ("G02", "special_groups", "兜底服务", "按要求对特殊困难群体开展探访并有记录",
     "抽查探访记录与服务对象名单是否对应。", "major"),
    ("G03", "special_groups", "兜底服务", "对高风险个案有跟进计划和转介记录",
     "抽查个案档案。", "major"),
    ("G04", "special_groups", "服务回应", "服务对象的求助在规定时间内得到回应",
     "抽查求助登记与回应时间。", "minor"),
    ("E01", "epidemic", "防控制度", "有疫情防控和传染病应急处置预案",
     "查阅预案文本。", "minor"),
    ("E02", "epidemic", "环境卫生", "公共区域定期清洁消毒并有记录",
     "查阅消毒记录。", "minor"),
    ("E03", "epidemic", "物资", "防疫物资（口罩、消毒用品、体温计）储备充足且在有效期内",
     "抽查物资台账与实物。", "minor"),
    ("E04", "epidemic", "活动管理", "聚集性活动按当时防控要求落实登记和人数控制",
     "抽查活动签到记录。", "minor"),
]

CAMPAIGN_ITEMS = [
    ("P01", "professional", "专业服务", "服务计划与需求评估相符，年度目标可量化",
     "查阅年度计划和需求评估报告。", "minor"),
    ("P02", "professional", "专业服务", "个案、小组、社区活动档案完整规范",
     "各抽查三份档案。", "minor"),
    ("P03", "professional", "专业服务", "社工持证比例和督导安排符合合同要求",
     "核对人员名册与证书。", "major"),
    ("P04", "professional", "专业服务", "一社区一社工每周驻点服务不少于规定天数",
     "抽查驻点签到记录。", "major"),
    ("N01", "governance", "内部治理", "机构理事会（董事会）按章程运作，重大事项有决议",
     "查阅会议纪要。", "minor"),
    ("N02", "governance", "内部治理", "人事管理制度健全，劳动合同签订率100%",
     "抽查劳动合同。", "major"),
    ("N03", "governance", "内部治理", "站点与机构之间的管理职责清晰，有定期工作例会",
     "查阅例会记录。", "minor"),
    ("F01", "finance", "财务管理", "项目经费专账核算，支出有合规票据",
     "抽查十笔支出凭证。", "major"),
    ("F02", "finance", "财务管理", "人员经费支出占比不低于项目经费的规定比例",
     "按政策参数核对人员支出占比。", "critical"),
    ("F03", "finance", "财务管理", "无挪用、截留项目经费，无虚列支出",
     "核对银行流水与账簿。", "critical"),
    ("F04", "finance", "财务管理", "固定资产登记入账，账实相符",
     "抽查固定资产台账。", "minor"),
]


def seed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    Settings = apps.get_model("inspections", "InspectionSettings")
    note = "种子数据（实践，可编辑）：依据2018年督查制度的督查重点和标准化建设的六个方面、九个空间整理。"
    quarterly, _created = Template.objects.get_or_create(
        code="quarterly", version=1,
        defaults={"name": "季度督查清单", "kind": "quarterly", "status": "active", "note": note},
    )
    campaign, _created = Template.objects.get_or_create(
        code="campaign-2019", version=1,
        defaults={"name": "专项督查清单（专业服务、内部治理、财务管理）", "kind": "campaign",
                  "status": "active", "note": note},
    )
    for template, items in ((quarterly, QUARTERLY_ITEMS), (campaign, CAMPAIGN_ITEMS)):
        if template.items.exists():
            continue
        Item.objects.bulk_create([
            Item(template=template, code=code, area=area, topic=topic, title=title,
                 guidance=guidance, default_severity=severity, sort_order=n * 10)
            for n, (code, area, topic, title, guidance, severity) in enumerate(items, start=1)
        ])
    Settings.objects.get_or_create(
        effective_from=dt.date(2018, 1, 1),
        defaults={"default_checklist": quarterly, "sample_rate": Decimal("25.00"),
                  "unannounced_percent": Decimal("30.00")},
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
