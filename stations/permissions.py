"""Why a write was refused, in Chinese: the page and the API answer 403 naming the rule
(who may do it) instead of a bare "permission denied"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.choices import Role
from portal.scoping import ADD, CHANGE, DELETE

NOT_ALLOWED = gettext_noop("您没有%(verb)s%(things)s的权限：%(verb)s%(things)s须由%(roles)s办理。")
NOBODY = gettext_noop("%(things)s不能%(verb)s。")

VERBS = {ADD: gettext_noop("新建"), CHANGE: gettext_noop("修改"), DELETE: gettext_noop("删除")}
# District officers act only inside their own district (DESIGN.md section 3).
WITHIN_DISTRICT = gettext_noop("（限本区）")


def denial_message(model, action: str) -> str:
    """``NOT_ALLOWED`` for ``action`` on ``model``, naming the roles its scope allows."""
    things = str(model._meta.verbose_name)
    verb = _(VERBS.get(action, "修改"))
    allowed = model.scope_actions.get(action, frozenset())
    names = []
    for role in Role:
        if role in allowed:
            name = str(role.label)
            if role == Role.DISTRICT_OFFICER:
                name += _(WITHIN_DISTRICT)
            names.append(name)
    if not names:
        return _(NOBODY) % {"things": things, "verb": verb}
    return _(NOT_ALLOWED) % {"things": things, "verb": verb, "roles": _("或").join(names)}
