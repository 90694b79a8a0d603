"""What the home page shows each role: to-dos, headline figures and links.

Everything is read through the domain apps' selectors, which go through ``restrict``; the
page runs the same few queries whatever the number of stations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.choices import CITY_ROLES, Role
from portal.dashboards.menu import first_url, menu_for
from portal.dashboards.todo import todos_for

# Roles for whom contracts and money are part of the work. Evaluators and inspectors see the
# stations they are assigned to, not the purchasing side.
CONTRACT_FIGURE_ROLES = frozenset(Role) - {Role.EVALUATOR, Role.INSPECTOR}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    value: int | Decimal
    kind: str = "count"  # "count" or "wan_yuan"
    icon: str = "bi-bar-chart"
    url: str = ""


def headline_figures(user, on: dt.date) -> list[Figure]:
    from stations.selectors import station_headline_figures

    data = station_headline_figures(user, on)
    figures = [Figure("stations", _("社工站"), data["stations"], icon="bi-building")]
    if user.roles & CONTRACT_FIGURE_ROLES:
        figures += [
            Figure(
                "contracts_in_force",
                _("在履行合同"),
                data["contracts_in_force"],
                icon="bi-file-earmark-check",
            ),
            Figure("institutions", _("承接机构"), data["institutions"], icon="bi-people"),
            Figure(
                "annual_fee",
                _("在履行合同年度经费"),
                data["annual_fee"],
                kind="wan_yuan",
                icon="bi-cash-stack",
            ),
        ]
    return figures


def district_chart(user, on: dt.date) -> dict | None:
    """Stations and contracts in force per district, for roles whose scope spans districts."""
    if not user.roles & CITY_ROLES:
        return None
    from stations.selectors import station_district_figures

    rows = station_district_figures(user, on)
    if not rows:
        return None
    list_url = first_url(("stations:station_list",)) or ""
    return {
        "labels": {"stations": str(_("社工站")), "contracts": str(_("在履行合同"))},
        "districts": [
            {
                "name": row["district__name"],
                "stations": row["stations"],
                "contracts": row["contracts_in_force"],
                "url": f"{list_url}?district={row['district_id']}" if list_url else "",
            }
            for row in rows
        ],
    }


def scope_summary(user) -> list[str]:
    """Plain words for what the user's roles reach (日常工作范围), from the loaded assignments."""
    parts = []
    for assignment in user.active_assignments():
        anchor = assignment.anchor
        label = assignment.get_role_display()
        parts.append(f"{label} · {anchor}" if anchor else str(label))
    if user.is_superuser and not parts:
        parts.append(str(Role.CITY_ADMIN.label))
    return parts


def home_context(user, *, on: dt.date, current_path: str = "/") -> dict:
    links = [e for e in menu_for(user, current_path) if e.key != "home"]
    return {
        "todos": todos_for(user),
        "figures": headline_figures(user, on),
        "figures_on": on,
        "district_chart": district_chart(user, on),
        "links": links,
        "scope_summary": scope_summary(user),
        "my_stations": [
            a.station
            for a in user.active_assignments()
            if a.role == Role.STATION_MANAGER and a.station_id
        ],
    }
