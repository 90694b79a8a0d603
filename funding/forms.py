"""Forms of the funding pages. Choices are narrowed to what the user may see or prepare;
the forms shape input, the services judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.choices import (
    CATEGORY_ORDER,
    PERSONNEL_CATEGORIES,
    AttachmentKind,
    BudgetCategory,
    ComplianceStatus,
    ResourceKind,
)
from funding.models import Budget, SocialResource, SpendingReport
from funding.selectors import report_period_default
from portal import clock
from portal.scoping import ADD, VIEW, stations_for
from stations.choices import BINDING_CONTRACT_STATUSES
from stations.filtersets import LimitedModelChoiceField, district_choices, institution_choices
from stations.models import Contract

PROJECT_CHOICES = [
    ("comprehensive", _("综合项目")),
    ("special", _("专项项目")),
    ("all", _("全部项目")),
]
YEARS_BACK = 8
PERIOD_HELP = _(
    "按该服务年度政策参数规定的报告周期填报：月度报告填月份（1-12），季度报告填季度（1-4）。"
)


def year_choices():
    this = clock.today().year
    return [(y, str(y)) for y in range(this + 1, this - YEARS_BACK, -1)]


class StyledMixin:
    """Bootstrap 5 classes on every widget."""

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def contracts_to_prepare(user, model):
    """Binding contracts of the stations where ``user`` may add ``model`` rows."""
    return (
        Contract.objects.restrict(user, VIEW)
        .filter(status__in=BINDING_CONTRACT_STATUSES, station__in=stations_for(user, model, ADD))
        .select_related("station", "kind")
        .order_by("-service_year", "station__code")
    )


class LinesMixin:
    """One amount and note field per budget category, named ``amount_<c>`` / ``note_<c>``."""

    amounts_required = True

    def add_line_fields(self, initial_lines=None):
        initial = {line["category"]: line for line in (initial_lines or [])}
        for category in BudgetCategory:
            line = initial.get(category.value, {})
            self.fields[f"amount_{category.value}"] = forms.CharField(
                label=category.label,
                required=self.amounts_required,
                max_length=20,
                initial=line.get("amount", ""),
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "class": "text-end",
                        "data-category": category.value,
                        "data-personnel": "1" if category.value in PERSONNEL_CATEGORIES else "0",
                    }
                ),
            )
            self.fields[f"note_{category.value}"] = forms.CharField(
                label=_("说明"), required=False, max_length=300, initial=line.get("note", "")
            )

    def line_rows(self):
        return [(self[f"amount_{c}"], self[f"note_{c}"]) for c in CATEGORY_ORDER]

    def lines(self):
        result = []
        for c in CATEGORY_ORDER:
            amount = (self.cleaned_data.get(f"amount_{c}") or "").strip()
            if amount == "" and not self.amounts_required:
                continue
            result.append(
                {"category": c, "amount": amount, "note": self.cleaned_data.get(f"note_{c}", "")}
            )
        return result


class BudgetForm(StyledMixin, LinesMixin, forms.Form):
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(), label=_("服务合同"), empty_label=_("请选择服务合同")
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, budget: Budget | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if budget is None:
            today = clock.today()
            self.fields["contract"].queryset = contracts_to_prepare(user, Budget).filter(
                ends_on__gte=today
            )
            self.fields["contract"].label_from_instance = lambda c: (
                f"{c.station.name} · {c.service_year} · {c.kind.name} · {c.code}"
            )
            del self.fields["version"]
            lines = None
        else:
            del self.fields["contract"]
            self.fields["version"].initial = budget.version
            self.fields["note"].initial = budget.note
            lines = list(budget.lines.values("category", "amount", "note"))
        self.add_line_fields(lines)
        self.style()


class ReportForm(StyledMixin, LinesMixin, forms.Form):
    amounts_required = False
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(), label=_("服务合同"), empty_label=_("请选择服务合同")
    )
    # Monthly or quarterly is not the user's choice: the policy of the service year says
    # (``PolicyVersion.spending_report_period``), and the service applies it.
    period = forms.IntegerField(
        min_value=1,
        max_value=12,
        label=_("期次（月份或季度）"),
        help_text=PERIOD_HELP,
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, report: SpendingReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is None:
            self.fields["contract"].queryset = contracts_to_prepare(user, SpendingReport)
            self.fields["contract"].label_from_instance = lambda c: (
                f"{c.station.name} · {c.service_year} · {c.kind.name} · {c.code}"
            )
            period, kind = report_period_default(
                today=clock.today(), service_year=self._initial_service_year()
            )
            self.fields["period"].initial = period
            self.fields["period"].widget.attrs["data-period-kind"] = kind
            del self.fields["version"]
            lines = None
        else:
            for name in ("contract", "period"):
                del self.fields[name]
            self.fields["version"].initial = report.version
            self.fields["note"].initial = report.note
            lines = list(report.lines.values("category", "amount", "note"))
        self.add_line_fields(lines)
        self.style()

    def _initial_service_year(self) -> int | None:
        """The service year of the contract chosen in advance (``?contract=``), if any."""
        pk = str(self.initial.get("contract") or "")
        if not pk.isdigit():
            return None
        contracts = self.fields["contract"].queryset
        return contracts.filter(pk=pk).values_list("service_year", flat=True).first()


class DecisionForm(StyledMixin, forms.Form):
    """Submit, approve, return (with a reason) or revise: the action and the version seen."""

    action = forms.ChoiceField(
        choices=[
            ("submit", "submit"),
            ("approve", "approve"),
            ("return", "return"),
            ("revise", "revise"),
            ("finalise", "finalise"),
        ]
    )
    version = forms.IntegerField(required=False)
    reason = forms.CharField(
        label=_("退回原因"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(choices=AttachmentKind.choices, label=_("类别"))
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、JPG、PNG、Excel、Word 或 OFD，不超过10MB。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class ImportForm(StyledMixin, forms.Form):
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(),
        label=_("服务合同"),
        empty_label=_("请选择服务合同"),
        help_text=PERIOD_HELP,
    )
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_to_prepare(user, SpendingReport)
        self.fields["contract"].label_from_instance = lambda c: (
            f"{c.station.name} · {c.service_year} · {c.kind.name} · {c.code}"
        )
        self.style()


class SocialResourceForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = SocialResource
        fields = ["station", "kind", "received_on", "amount", "hours", "source", "description"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_for(user, SocialResource, ADD).order_by("code")
        self.fields["station"].empty_label = _("请选择社工站")
        self.fields["kind"].choices = [("", _("请选择类别")), *ResourceKind.choices]
        self.style()


class BoardForm(StyledMixin, forms.Form):
    year = forms.TypedChoiceField(
        coerce=int, choices=year_choices, required=False, label=_("服务年度")
    )
    district = LimitedModelChoiceField(queryset=None, required=False, label=_("区"))
    institution = LimitedModelChoiceField(queryset=None, required=False, label=_("承接机构"))
    project = forms.ChoiceField(choices=PROJECT_CHOICES, required=False, label=_("项目"))
    status = forms.ChoiceField(
        choices=[("", _("全部状态")), *ComplianceStatus.choices], required=False, label=_("状态")
    )

    def __init__(self, *args, request=None, with_institution=True, with_status=True, **kwargs):
        super().__init__(*args, **kwargs)
        # Unbound, the year select would show its first option (next year) while the board
        # shows this year.
        self.fields["year"].initial = clock.today().year
        self.fields["district"].queryset = district_choices(request)
        self.fields["district"].empty_label = _("全部区")
        if with_institution:
            self.fields["institution"].queryset = institution_choices(request)
            self.fields["institution"].empty_label = _("全部机构")
        else:
            del self.fields["institution"]
        if not with_status:
            del self.fields["status"]
        self.style()

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "service_year": data.get("year") or clock.today().year,
            "district": data.get("district"),
            "institution": data.get("institution"),
            "project": data.get("project") or "comprehensive",
            "status": data.get("status") or "",
        }


class TotalsForm(StyledMixin, forms.Form):
    year = forms.TypedChoiceField(coerce=int, choices=year_choices, required=False, label=_("年度"))
    by = forms.ChoiceField(
        choices=[("district", _("按区")), ("station", _("按社工站")), ("city", _("全市"))],
        required=False,
        label=_("汇总方式"),
    )
    district = LimitedModelChoiceField(queryset=None, required=False, label=_("区"))

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Unbound, the select would show next year while the page totals this year.
        self.fields["year"].initial = clock.today().year
        self.fields["district"].queryset = district_choices(request)
        self.fields["district"].empty_label = _("全部区")
        self.style()
