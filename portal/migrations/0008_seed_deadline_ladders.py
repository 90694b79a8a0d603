"""Seed one reminder and escalation ladder per kind of deadline on every policy version.

../shared/domain/RULES.md gives no number for any of these ladders, except that a social
worker's registration is renewed in its last 3 months (People: "registration", 民发〔2009〕44号,
confirmed). Every other value is the one the code enforced before the ladders existed, seeded
so that nothing changes on the day they take over; the ``source`` of each row says so.
"""

from django.db import migrations

# RULES.md "Evaluation (评估)": no reminder or escalation rule. The values of the ladder that
# was hard-coded in evaluations/rules.py (REMIND_DAYS_BEFORE = 3, ESCALATION_DAYS 1/4/8/15).
EVALUATION = {
    "remind_before_days": [3],
    "station_after_days": 1,
    "institution_after_days": 4,
    "district_after_days": 8,
    "city_after_days": 15,
    "source": "未知：无公开规定。沿用原评估模块的默认值：到期前3天提醒，逾期1/4/8/15天"
    "依次告知社工站（评分为评估人员）、承接机构、区民政局、市民政局。",
}
# RULES.md "Inspection (督查)", rectification deadline: unknown. The InspectionSettings
# defaults (escalate_*_after_days 3/10/30; the station hears from the first day late). Not yet
# read by the rectification code: the lead wires it after the rectification app lands.
RECTIFICATION = {
    "remind_before_days": [],
    "station_after_days": 1,
    "institution_after_days": 3,
    "district_after_days": 10,
    "city_after_days": 30,
    "source": "未知：无公开规定。与督查参数默认值一致：逾期即告知社工站，逾期3/10/30天依次"
    "升级至承接机构、区民政局、市民政局。",
}
# RULES.md "People (人才)", registration: renew in the last 3 months (confirmed). The horizons
# 90/30/7 are the ones talent/selectors.py EXPIRY_HORIZONS warned at; nobody is escalated
# after a registration lapses (it shows as lapsed on the staffing board).
TALENT_RENEWAL = {
    "remind_before_days": [90, 30, 7],
    "source": "民发〔2009〕44号：有效期满前3个月内办理续期（确定）。到期前90、30、7天提醒"
    "社工站和承接机构（实践默认值）；期满后不再升级。",
}
# RULES.md "Services (服务)", monthly service report due: unknown (the due day defaults to
# the 10th of the following month; that day is the services app's, not the ladder's). No code
# reminded of it yet: the evaluation ladder's shape is seeded for the services app to use.
SERVICE_REPORT = EVALUATION | {
    "source": "未知：无公开规定。暂按评估的默认梯度：到期前3天提醒，逾期1/4/8/15天依次"
    "告知社工站、承接机构、区民政局、市民政局。",
}


def funding_report(version) -> dict:
    # RULES.md "Money": no rule for spending reports. Before the ladder, the station side
    # (manager and institution) was told from the first day late and the district once a
    # report was more than ``spending_report_escalate_days`` (default 15) days late.
    escalate = getattr(version, "spending_report_escalate_days", None) or 15
    return {
        "remind_before_days": [],
        "station_after_days": 1,
        "institution_after_days": 1,
        "district_after_days": escalate + 1,
        "city_after_days": None,
        "source": "未知：无公开规定。逾期即提醒社工站和承接机构，逾期超过%s天同时告知区民政局"
        "（原支出报告逾期升级天数）；不升级至市级。" % escalate,
    }


def forwards(apps, schema_editor):
    PolicyVersion = apps.get_model("portal", "PolicyVersion")
    DeadlineLadder = apps.get_model("portal", "DeadlineLadder")
    for version in PolicyVersion.objects.all():
        for kind, values in (
            ("evaluation_self", EVALUATION),
            ("evaluation_scoring", EVALUATION),
            ("funding_report", funding_report(version)),
            ("talent_renewal", TALENT_RENEWAL),
            ("service_report", SERVICE_REPORT),
            ("rectification", RECTIFICATION),
        ):
            DeadlineLadder.objects.get_or_create(policy=version, kind=kind, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_deadline_ladder")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
