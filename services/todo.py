"""The services app's items on the home page's to-do list: monthly reports to submit, review
and approve. Each item links to the report list filtered to exactly the rows it counts (the
list's scope for these roles is the action's scope). 3 queries at most."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.dashboards.todo import TodoItem
from services import selectors
from services.choices import ReportStatus


def _url(*statuses) -> str:
    return reverse("services:report_list") + "?" + urlencode([("status", s) for s in statuses])


def service_report_todos(user) -> list[TodoItem]:
    today = clock.today()
    items: list[TodoItem] = []
    steps = (
        (
            selectors.reports_to_submit(user),
            _("待提交的服务月报"),
            (ReportStatus.OPEN, ReportStatus.RETURNED),
        ),
        (selectors.reports_to_review(user), _("待镇街审核的服务月报"), (ReportStatus.SUBMITTED,)),
        (
            selectors.reports_to_approve(user),
            _("待区审核的服务月报"),
            (ReportStatus.SUBDISTRICT_APPROVED,),
        ),
    )
    for qs, title, statuses in steps:
        agg = qs.aggregate(n=Count("pk"), due=Min("due_on"))
        if agg["n"]:
            items.append(
                TodoItem(
                    title=title,
                    count=agg["n"],
                    due_on=agg["due"],
                    urgent=bool(
                        statuses[0] == ReportStatus.OPEN and agg["due"] and agg["due"] < today
                    ),
                    url=_url(*statuses),
                    source="services",
                )
            )
    return items
