"""The navigation menu: which parts of the portal each role uses.

Entries name their page by URL name. An entry whose URL name does not resolve (the app that
serves it is not built yet) is left out, so a later app's menu entry appears as soon as it
adds its ``urls.py``. An entry may list several candidate URL names; the first that resolves
is used. Apps may add entries of their own with ``register_menu_entry`` in ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.choices import ALL_ROLES, CITY_ROLES, STAFF_SIDE_ROLES, Role
from portal.services.security import SECOND_FACTOR_ROLES

STATION_SIDE = frozenset({Role.INSTITUTION_ADMIN, Role.STATION_MANAGER})
# Roles that work on stations' own data (staff, budgets, services): not the assigned outsiders.
OPERATING_ROLES = STAFF_SIDE_ROLES | STATION_SIDE
ADMIN_ROLES = frozenset({Role.CITY_ADMIN})


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str | Promise
    url_names: tuple[str, ...]
    icon: str = "bi-circle"
    roles: frozenset[str] = ALL_ROLES
    section: str = "main"  # "main" or "manage"
    description: str | Promise = ""
    order: int = 100


@dataclass
class ResolvedEntry:
    """A menu entry the user may use, with its address."""

    key: str
    label: str | Promise
    url: str
    icon: str
    section: str
    description: str | Promise = ""
    active: bool = False
    extra: dict = field(default_factory=dict)


_ENTRIES: dict[str, MenuEntry] = {}


def register_menu_entry(entry: MenuEntry) -> MenuEntry:
    """Add or replace (by ``key``) a menu entry."""
    _ENTRIES[entry.key] = entry
    return entry


for _entry in [
    MenuEntry(
        "home",
        _("首页"),
        ("portal:home",),
        "bi-house-door",
        order=0,
        description=_("待办事项和主要数据"),
    ),
    MenuEntry(
        "stations",
        _("社工站"),
        ("stations:station_list",),
        "bi-building",
        order=10,
        description=_("社工站名册、服务村居和合同历史"),
    ),
    MenuEntry(
        "institutions",
        _("承接机构"),
        ("stations:institution_list",),
        "bi-people",
        roles=STAFF_SIDE_ROLES | {Role.INSTITUTION_ADMIN},
        order=20,
        description=_("机构登记信息、等级和信用记录"),
    ),
    MenuEntry(
        "contracts",
        _("服务合同"),
        ("stations:contract_list",),
        "bi-file-earmark-text",
        roles=STAFF_SIDE_ROLES | {Role.INSTITUTION_ADMIN},
        order=30,
        description=_("购买服务合同和年度项目经费"),
    ),
    MenuEntry(
        "geography",
        _("行政区划"),
        ("stations:district_list",),
        "bi-map",
        order=35,
        description=_("区、镇街和村居"),
    ),
    MenuEntry(
        "evaluations",
        _("评估"),
        ("evaluations:evaluation_list", "evaluations:cycle_list", "evaluations:index"),
        "bi-clipboard-check",
        order=40,
        description=_("评估周期、评分和结果"),
    ),
    MenuEntry(
        "inspections",
        _("督查"),
        ("inspections:inspection_list", "inspections:plan_list", "inspections:index"),
        "bi-search",
        roles=ALL_ROLES - {Role.EVALUATOR},
        order=50,
        description=_("督查计划、发现问题和整改"),
    ),
    MenuEntry(
        "talent",
        _("人才"),
        ("talent:worker_list", "talent:socialworker_list", "talent:index"),
        "bi-person-badge",
        roles=OPERATING_ROLES,
        order=60,
        description=_("社工名册、持证、登记和继续教育"),
    ),
    MenuEntry(
        "funding",
        _("经费"),
        ("funding:budget_list", "funding:index"),
        "bi-cash-coin",
        roles=OPERATING_ROLES,
        order=70,
        description=_("预算、支出和人员经费占比"),
    ),
    MenuEntry(
        "services",
        _("服务"),
        ("services:record_list", "services:servicerecord_list", "services:index"),
        "bi-heart",
        roles=OPERATING_ROLES,
        order=80,
        description=_("服务记录、服务对象和村居覆盖"),
    ),
    MenuEntry(
        "users",
        _("用户"),
        ("manage:user_list",),
        "bi-person-gear",
        roles=ADMIN_ROLES,
        section="manage",
        order=110,
        description=_("用户和角色分配"),
    ),
    MenuEntry(
        "policy",
        _("政策参数"),
        ("manage:policy_list",),
        "bi-sliders",
        # Every signed-in user may read the thresholds they are judged by; only the admin edits.
        roles=ALL_ROLES,
        section="manage",
        order=120,
        description=_("按生效日期管理的政策参数版本"),
    ),
    MenuEntry(
        "audit",
        _("审计日志"),
        ("manage:audit_list",),
        "bi-journal-text",
        roles=ADMIN_ROLES,
        section="manage",
        order=130,
        description=_("登录、修改和导出的记录"),
    ),
    MenuEntry(
        "security",
        _("安全设置"),
        ("security:roles",),
        "bi-shield-lock",
        roles=ADMIN_ROLES,
        section="manage",
        order=140,
        description=_("按角色要求双因素认证"),
    ),
]:
    register_menu_entry(_entry)


def unregister_menu_entry(key: str) -> None:
    _ENTRIES.pop(key, None)


def first_url(url_names: tuple[str, ...] | list[str]) -> str | None:
    """The address of the first URL name that resolves, or ``None``."""
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def menu_for(user, current_path: str = "") -> list[ResolvedEntry]:
    """The menu entries ``user``'s roles use whose pages exist, in menu order."""
    if user is None or not user.is_authenticated:
        return []
    roles = user.roles
    resolved = []
    for entry in sorted(_ENTRIES.values(), key=lambda e: (e.order, e.key)):
        if not roles & set(entry.roles):
            continue
        url = first_url(entry.url_names)
        if url is None:
            continue
        resolved.append(
            ResolvedEntry(
                key=entry.key,
                label=entry.label,
                url=url,
                icon=entry.icon,
                section=entry.section,
                description=entry.description,
            )
        )
    # The entry whose address is the longest prefix of the page's is the active one
    # (/stations/institutions/ belongs to 承接机构, not to 社工站 at /stations/).
    matches = [
        e
        for e in resolved
        if (current_path == e.url if e.url == "/" else current_path.startswith(e.url))
    ]
    if matches:
        max(matches, key=lambda e: len(e.url)).active = True
    return resolved


def is_city_user(user) -> bool:
    return bool(user.roles & CITY_ROLES)


# The user menu in the header. Candidates in order; entries whose page does not exist yet are
# left out (the auth and security pages name theirs).
USER_MENU: list[MenuEntry] = [
    MenuEntry("password_change", _("修改密码"), ("portal_auth:password_change",), "bi-key"),
    MenuEntry(
        "two_factor",
        _("双因素认证"),
        ("portal_auth:otp_enrol", "portal_auth:otp_setup", "security:otp_enrol"),
        "bi-phone",
        roles=SECOND_FACTOR_ROLES,
    ),
    MenuEntry(
        "api_tokens",
        _("API令牌"),
        ("portal_auth:api_token", "portal_auth:api_tokens", "security:api_token"),
        "bi-braces",
    ),
    MenuEntry("api_docs", _("API文档"), ("api-docs",), "bi-book"),
]


def user_menu_for(user) -> list[ResolvedEntry]:
    if user is None or not user.is_authenticated:
        return []
    roles = user.roles
    items = []
    for entry in USER_MENU:
        if roles and not roles & set(entry.roles):
            continue
        url = first_url(entry.url_names)
        if url:
            items.append(
                ResolvedEntry(
                    key=entry.key, label=entry.label, url=url, icon=entry.icon, section="user"
                )
            )
    return items
