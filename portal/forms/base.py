"""Bootstrap 5 classes on form widgets, so templates render fields with one include."""

from __future__ import annotations

from django import forms

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


class FilterForm(BootstrapFormMixin, forms.Form):
    """Base form of the list filters: date ranges as date pickers."""

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
