"""Serializer fields and the ModelSerializer base of the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

ERR_BOOLEAN = _("须为 true 或 false。")
ERR_NOT_TEXT = _("须为文本（字符串）。")


class ChoiceField(serializers.ChoiceField):
    """A choice whose empty value reads as null.

    A blank ``CharField`` with choices stores "" for "not set"; API clients get null, which
    the schema declares (``portal.api.schema``), instead of an "" no enum contains. On input,
    null and "" both mean "not set" and are stored as the model stores it.
    """

    def __init__(self, *args, blank_is_null: bool | None = None, **kwargs):
        if blank_is_null is None:
            blank_is_null = kwargs.get("allow_blank", False)
        self.blank_is_null = blank_is_null
        # The model column holds "" (not NULL) for "not set" unless it is nullable itself.
        self.stores_blank = blank_is_null and not kwargs.get("allow_null", False)
        if self.blank_is_null:
            kwargs["allow_null"] = True
        super().__init__(*args, **kwargs)

    def validate_empty_values(self, data):
        if self.stores_blank and data is None:
            return (True, "")
        return super().validate_empty_values(data)

    def to_representation(self, value):
        if value == "" and self.blank_is_null:
            return None
        return super().to_representation(value)


class BooleanField(serializers.BooleanField):
    """true or false: a JSON boolean, or the word in a form. DRF would also take 0, 1, "yes",
    "on"…; the schema says boolean, so those are refused with a message."""

    default_error_messages = {"invalid": ERR_BOOLEAN}

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip().lower()
        if isinstance(data, bool) or data in ("true", "false"):
            return super().to_internal_value(data)
        self.fail("invalid", input=data)


class StringsOnly:
    """Text is a JSON string: DRF would turn 0 or 1.5 into "0" or "1.5"; the schema says
    string, so a number is refused with a message."""

    default_error_messages = {"not_a_string": ERR_NOT_TEXT}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        # The schema's maxLength counts what was sent: DRF would trim leading and trailing
        # whitespace first and accept a string one form feed longer than the limit.
        max_length = getattr(self, "max_length", None)
        if max_length is not None and len(data) > max_length:
            self.fail("max_length", max_length=max_length)
        return super().to_internal_value(data)


class CharField(StringsOnly, serializers.CharField):
    pass


class SlugField(StringsOnly, serializers.SlugField):
    pass


class EmailField(StringsOnly, serializers.EmailField):
    pass


class URLField(StringsOnly, serializers.URLField):
    pass


class PortalModelSerializer(serializers.ModelSerializer):
    """Base of the API's model serializers: empty choices answer null (see ChoiceField);
    yes/no fields take true or false only, text fields strings only."""

    serializer_choice_field = ChoiceField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: BooleanField,
        models.CharField: CharField,
        models.TextField: CharField,
        models.SlugField: SlugField,
        models.EmailField: EmailField,
        models.URLField: URLField,
    }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, ChoiceField) and model_field.blank:
            # Said here: DRF drops ``allow_blank`` from the arguments of read-only fields.
            kwargs["blank_is_null"] = True
        return field_class, kwargs
