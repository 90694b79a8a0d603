"""Bootstrap 5 classes on form widgets, so templates render fields with one include."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

CHECKS = forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect


def bootstrapify(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget of ``form`` the Bootstrap 5 class it needs; returns ``form``."""
    for field in form.fields.values():
        widget = field.widget
        subwidgets = getattr(widget, "widgets", None) or [widget]
        for w in subwidgets:
            if isinstance(w, CHECKS):
                css = "form-check-input"
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = w.attrs.get("class", "")
            if css not in existing.split():
                w.attrs["class"] = f"{existing} {css}".strip()
    return form


def mark_invalid(form: forms.BaseForm) -> None:
    for name in form.errors:
        field = form.fields.get(name)
        if field is not None:
            for w in getattr(field.widget, "widgets", None) or [field.widget]:
                w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()


class BootstrapFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)

    def full_clean(self):
        super().full_clean()
        mark_invalid(self)


def apply_errors(form: forms.BaseForm, exc) -> None:
    """Show a service's ValidationError on the form, each message on its own field."""
    from django.core.exceptions import NON_FIELD_ERRORS

    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
    mark_invalid(form)


# Service years the portal can hold (its contracts start well after 2000). A year outside is a
# typing error, refused with ERR_YEAR before any date is computed from it.
YEAR_MIN, YEAR_MAX = 2000, 2100
ERR_YEAR = _("年度须为2000至2100之间的整数。")
ERR_QUARTER = _("季度须为1至4之间的整数。")
ERR_INTEGER = _("请输入整数。")
ERR_BOOLEAN = _("请填写“true”（是）或“false”（否）。")
# What the yes/no filters of pages and API clients send: true/false (as the schema says),
# Python's spelling, and Django's NullBooleanSelect "unknown" or nothing for "all".
BOOLEAN_WORDS = frozenset({"", "true", "false", "True", "False", "unknown"})


class IntegerField(forms.IntegerField):
    """An integer with a message that names what is wrong, whatever the input ("1.5", "1e9")."""

    default_error_messages = {"invalid": ERR_INTEGER}


class YearField(IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)
        for key in ("invalid", "min_value", "max_value"):
            self.error_messages[key] = ERR_YEAR


class QuarterField(IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.update(min_value=1, max_value=4)
        super().__init__(*args, **kwargs)
        for key in ("invalid", "min_value", "max_value"):
            self.error_messages[key] = ERR_QUARTER


class FilterForm(BootstrapFormMixin, forms.Form):
    """Base form of the list filters: date ranges as date pickers.

    Every filter value is checked here, so a page and the API refuse the same input with the
    same message: a yes/no filter refuses words it does not know instead of ignoring them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.MultiWidget) and isinstance(field, forms.MultiValueField):
                for sub, inner in zip(widget.widgets, field.fields, strict=False):
                    if isinstance(inner, forms.DateField):
                        sub.input_type = "date"
            elif isinstance(field, forms.DateField):
                widget.input_type = "date"

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            if not isinstance(field, forms.NullBooleanField) or name in self._errors:
                continue
            raw = self.data.get(self.add_prefix(name)) if self.data else None
            if isinstance(raw, str) and raw not in BOOLEAN_WORDS:
                self.add_error(name, ERR_BOOLEAN)
