"""The funding app's items on the home page's to-do list (a fixed number of queries).

The district approves what stations submit; the station side fixes what was returned and
submits its drafts. Each item counts exactly the rows its link lists: the same queryset as the
list page (``funding.selectors``, so ``restrict``) with the link's status filter.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from funding import selectors
from funding.choices import BudgetStatus
from funding.models import APPROVERS
from portal.choices import Role
from portal.dashboards.todo import TodoItem

STATION_SIDE = frozenset({Role.STATION_MANAGER, Role.INSTITUTION_ADMIN})


def _counts(qs, statuses) -> dict[str, int]:
    agg = qs.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in statuses})
    return {s: agg[s] or 0 for s in statuses}


def funding_todos(user) -> list[TodoItem]:
    roles = user.roles
    # Budgets and reports share their stored status values (draft, submitted, returned).
    wanted: list[str] = []
    if roles & APPROVERS:
        wanted.append(BudgetStatus.SUBMITTED)
    if roles & STATION_SIDE:
        wanted += [BudgetStatus.RETURNED, BudgetStatus.DRAFT]
    if not wanted:
        return []
    budgets = _counts(selectors.budget_list(user), wanted)
    reports = _counts(selectors.report_list(user), wanted)
    titles = {
        BudgetStatus.SUBMITTED: (_("待审核的预算"), _("待审核的支出报告")),
        BudgetStatus.RETURNED: (_("被退回待修改的预算"), _("被退回待修改的支出报告")),
        BudgetStatus.DRAFT: (_("未提交的预算草稿"), _("未提交的支出报告草稿")),
    }
    items: list[TodoItem] = []
    for status in wanted:
        budget_title, report_title = titles[status]
        for title, count, name in (
            (budget_title, budgets[status], "funding:budget_list"),
            (report_title, reports[status], "funding:report_list"),
        ):
            if count:
                items.append(
                    TodoItem(
                        title=title,
                        count=count,
                        url=f"{reverse(name)}?status={status}",
                        urgent=status == BudgetStatus.RETURNED,
                        source="funding",
                    )
                )
    return items
