"""Policy version pages: every signed-in user reads them, the city admin edits future ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from portal import clock
from portal.choices import DeadlineKind
from portal.errors import Conflict
from portal.filtersets import PolicyVersionFilterSet
from portal.forms.base import apply_errors
from portal.forms.policy import DeadlineLadderForm, PolicyVersionForm
from portal.models import PolicyVersion
from portal.scoping import ADD, CHANGE, roles_allowed, user_may
from portal.selectors import PolicyMissing, ladders_of_version, policy_in_force
from portal.services import policy as services
from portal.templatetags.portal_format import yuan
from portal.versioning import VERSION_FIELD, StaleVersion, add_version_field, versioned_write
from portal.views.listing import FilteredListMixin
from portal.views.mixins import ScopedMixin

# Shown apart from the thresholds on the detail page.
DESCRIPTIVE = ("name", "effective_from", "source", "note")
# Amounts in yuan, shown with thousands separators like money everywhere else.
MONEY_FIELDS = ("standard_annual_fee", "talent_training_budget")


def in_force_id() -> int | None:
    try:
        return policy_in_force(clock.today()).pk
    except PolicyMissing:
        return None


def conflict_page(request, message: str):
    return render(
        request,
        "errors/error.html",
        {"status": 409, "title": _("无法修改"), "message": message},
        status=409,
    )


def threshold_rows(version: PolicyVersion) -> list[dict]:
    rows = []
    for name in services.policy_fields():
        if name in DESCRIPTIVE:
            continue
        field = PolicyVersion._meta.get_field(name)
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "value": (
                    getattr(version, f"get_{name}_display")()
                    if field.choices
                    else yuan(getattr(version, name))
                    if name in MONEY_FIELDS
                    else getattr(version, name)
                ),
                "source": field.help_text,
            }
        )
    return rows


def ladder_rows(version: PolicyVersion) -> list[dict]:
    """Per kind of deadline: its ladder under ``version`` (own or carried over from an earlier
    version, ``inherited``) for the detail page."""
    ladders = ladders_of_version(version)
    rows = []
    for kind in DeadlineKind:
        ladder = ladders.get(kind.value)
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "ladder": ladder,
                "inherited": ladder is not None and ladder.policy_id != version.pk,
                "remind": "、".join(str(d) for d in (ladder.remind_before_days if ladder else [])),
            }
        )
    return rows


class PolicyListView(ScopedMixin, FilteredListMixin, ListView):
    model = PolicyVersion
    template_name = "portal/manage/policy_list.html"
    filterset_class = PolicyVersionFilterSet
    # Lazy: class attributes are built once at import, in no particular language.
    sort_columns = (
        ("effective_from", gettext_lazy("生效日期")),
        ("name", gettext_lazy("版本名称")),
    )
    export_stem = gettext_lazy("政策参数版本")

    def base_queryset(self):
        return ScopedMixin.get_queryset(self)

    def get_queryset(self):
        return FilteredListMixin.get_queryset(self).order_by("-effective_from")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["in_force_id"] = in_force_id()
        context["today"] = clock.today()
        context["may_add"] = user_may_add(self.request.user)
        return context

    def export_headers(self):
        fields = [PolicyVersion._meta.get_field(n) for n in services.policy_fields()]
        return [str(f.verbose_name) for f in fields]

    def export_rows(self, queryset):
        names = services.policy_fields()
        for version in queryset:
            yield [getattr(version, n) for n in names]


def user_may_add(user) -> bool:
    return bool(roles_allowed(user, PolicyVersion, ADD))


class PolicyDetailView(ScopedMixin, DetailView):
    model = PolicyVersion
    template_name = "portal/manage/policy_detail.html"
    context_object_name = "version"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        context["rows"] = threshold_rows(version)
        context["ladder_rows"] = ladder_rows(version)
        context["in_force"] = version.pk == in_force_id()
        context["frozen"] = services.is_frozen(version)
        context["may_change"] = not context["frozen"] and user_may(
            self.request.user, CHANGE, version
        )
        context["may_add"] = user_may_add(self.request.user)
        return context


class PolicyCreateView(ScopedMixin, View):
    """A new version, prefilled from the one in force today."""

    model = PolicyVersion
    scope_action = ADD
    template_name = "portal/manage/policy_form.html"

    def get(self, request):
        try:
            source = policy_in_force(clock.today())
        except PolicyMissing:
            source = None
        form = PolicyVersionForm(initial=services.policy_version_initial(source))
        return render(request, self.template_name, {"form": form, "source": source})

    def post(self, request):
        form = PolicyVersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.policy_version_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已新建政策参数版本：%(v)s。") % {"v": version})
                return redirect("manage:policy_detail", pk=version.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class PolicyUpdateView(ScopedMixin, DetailView):
    """Edit a version not yet in force; one in force or past answers 409."""

    model = PolicyVersion
    scope_action = CHANGE
    template_name = "portal/manage/policy_form.html"
    context_object_name = "version"

    def get(self, request, *args, **kwargs):
        version = self.get_object()
        if services.is_frozen(version):
            return conflict_page(request, _(services.FROZEN))
        form = add_version_field(PolicyVersionForm(instance=version), version)
        return render(request, self.template_name, {"form": form, "version": version})

    def post(self, request, *args, **kwargs):
        version = self.get_object()
        if services.is_frozen(version):
            return conflict_page(request, _(services.FROZEN))
        form = add_version_field(PolicyVersionForm(request.POST, instance=version), version)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                with versioned_write(version, data.pop(VERSION_FIELD, None)):
                    services.policy_version_update(actor=request.user, version=version, **data)
            except StaleVersion as exc:
                # Someone saved it meanwhile: keep this user's input on the form.
                form.add_error(None, exc.message)
                context = {"form": form, "version": version}
                return render(request, self.template_name, context, status=409)
            except Conflict as exc:
                return conflict_page(request, str(exc.message))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存政策参数版本：%(v)s。") % {"v": version})
                return redirect("manage:policy_detail", pk=version.pk)
        return render(request, self.template_name, {"form": form, "version": version}, status=400)


class PolicyLadderUpdateView(ScopedMixin, DetailView):
    """Edit one kind's reminder and escalation ladder of a version not yet in force; one in
    force or past answers 409, as the version itself does."""

    model = PolicyVersion
    scope_action = CHANGE
    template_name = "portal/manage/policy_ladder_form.html"
    context_object_name = "version"

    def _kind(self) -> DeadlineKind:
        try:
            return DeadlineKind(self.kwargs["kind"])
        except ValueError:
            raise Http404 from None

    def _render(self, request, form, version, kind, status=200):
        context = {"form": form, "version": version, "kind": kind}
        return render(request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        version = self.get_object()
        kind = self._kind()
        if services.is_frozen(version):
            return conflict_page(request, _(services.FROZEN))
        ladder = ladders_of_version(version).get(kind.value)
        initial = {f: getattr(ladder, f) for f in services.LADDER_FIELDS} if ladder else {}
        return self._render(request, DeadlineLadderForm(initial=initial), version, kind)

    def post(self, request, *args, **kwargs):
        version = self.get_object()
        kind = self._kind()
        if services.is_frozen(version):
            return conflict_page(request, _(services.FROZEN))
        form = DeadlineLadderForm(request.POST)
        if form.is_valid():
            try:
                services.deadline_ladder_save(
                    actor=request.user, version=version, kind=kind.value, **form.cleaned_data
                )
            except Conflict as exc:
                return conflict_page(request, str(exc.message))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已保存“%(kind)s”的期限提醒与逾期升级规则。") % {"kind": kind.label},
                )
                return redirect("manage:policy_detail", pk=version.pk)
        return self._render(request, form, version, kind, status=400)
