"""The portal's demo step: a first message in every demo account's inbox.

Later messages come from the periodic tasks (reminders, warnings, escalations) once the worker
and beat run; this one lets a demo user see the inbox and the unread count from the start.
"""

from __future__ import annotations

from stations.demo import DemoContext, register_demo_step

WELCOME_KEY = "demo:welcome"
WELCOME_TITLE = "欢迎使用广州市社工服务站管理平台"
WELCOME_BODY = (
    "这是您的通知收件箱：评估、督查、经费和人才的提醒、审批结果和整改通知都会发送到这里。"
    "右上角铃铛上的数字是未读通知数；打开一条通知即标为已读。"
)


def welcome_notifications(ctx: DemoContext) -> None:
    from portal.services.notifications import notification_post

    accounts = list(ctx.data.get("accounts", {}).values())
    notification_post(
        recipients=accounts,
        title=WELCOME_TITLE,
        body=WELCOME_BODY,
        url="/",
        kind="general",
        dedupe_key=WELCOME_KEY,
    )


# After every other step: the accounts exist, and nothing later depends on this.
register_demo_step("welcome_notifications", welcome_notifications, order=990)
