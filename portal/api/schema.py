"""The OpenAPI schema says what the API really answers, refusals included.

Every operation documents the errors it can answer, in the one shape
``portal.api.exceptions`` gives them: 400 with field names, 401/403/404/409 with ``detail``.
Schemathesis checks the schema against the live API (``tests/portal/test_api_schema.py``).
"""

from __future__ import annotations

from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field

ERROR_DETAIL = ResolvedComponent(
    name="ErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ErrorDetail",
    schema={
        "type": "object",
        "description": "拒绝的原因（中文，或调用方选择的语言）。",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string"},
        },
        "required": ["detail"],
    },
)

VALIDATION_ERROR = ResolvedComponent(
    name="ValidationErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ValidationErrorDetail",
    schema={
        "type": "object",
        "description": (
            "被拒绝的输入：键是参数或字段名（与字段无关的原因在 non_field_errors，"
            "请求体无法解析时在 detail），值是说明原因的消息。"
        ),
        "properties": {
            "detail": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {},
        "minProperties": 1,
    },
)

ERRORS = {
    "400": ("输入有误：参数或字段不符合要求。", VALIDATION_ERROR),
    "401": ("未登录，或令牌无效、已过期。", ERROR_DETAIL),
    "403": ("无权执行该操作。", ERROR_DETAIL),
    "404": ("不存在，或不在您的范围内（两者答复相同）；分页页码超出范围。", ERROR_DETAIL),
    "409": ("对象已锁定或已被他人修改（如已发布、已批准、版本已变）。", ERROR_DETAIL),
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the errors each operation can answer.

    A view whose ``list`` answers one object (a board, ``/me/``) sets
    ``list_returns_object = True``: its schema is that object, not a page of them.
    """

    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "list_returns_object", False) and self.view.action == "list":
            return False
        return super()._is_list_view(serializer)

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["schema"] = _or_empty(parameter["schema"])
        return operation

    def _get_paginator(self):
        # Only ``list`` pages its rows; an @action answering a list (an order's history, a
        # station's figures) answers all of it.
        if getattr(self.view, "action", "list") != "list":
            return None
        return super()._get_paginator()

    def get_filter_backends(self):
        # An action on one object (``/orders/{id}/history/``) is not filtered by the list's
        # filters.
        if getattr(self.view, "detail", False):
            return []
        return super().get_filter_backends()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            description, component = ERRORS[code]
            self.registry.register_on_missing(component)
            responses[code] = {
                "description": description,
                "content": {"application/json": {"schema": component.ref}},
            }
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403"]
        if self.method in WRITES or "{" in self.path or self._is_list_view():
            # An object out of scope answers exactly like a missing one; a page past the
            # last one is missing too.
            codes.append("404")
        if self.method in WRITES:
            codes.append("409")
        return codes


def _or_empty(schema: dict) -> dict:
    """An optional query parameter sent empty (``?year=``, as an HTML form sends every field)
    means "not set", for django-filter and DRF alike; say so."""
    if schema.get("type") == "array":
        return schema
    if "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
        schema.pop("minLength", None)
        return schema
    if schema.get("type") == "string" and not (
        schema.get("format") or schema.get("minLength") or schema.get("pattern")
    ):
        return schema
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


class BlankAsNullChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """``portal.api.fields.ChoiceField``: answered as null when empty, never as ""."""

    target_class = "portal.api.fields.ChoiceField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        if direction == "response" and self.target.blank_is_null:
            schema["enum"] = [v for v in schema["enum"] if v != ""]
            if None not in schema["enum"]:
                schema["enum"].append(None)
        return schema


class PortalFilterExtension(DjangoFilterExtension):
    """django-filter parameters, with the type and bounds the filter's form field checks
    (``portal.filtersets.PortalFilterSet``: years 2000..2100, quarters 1..4, integers)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("enum") and all(isinstance(v, str) for v in schema["enum"]):
                # A yes/no choice ("true", "false") on a boolean column is still a word.
                schema["type"] = "string"
        if not issubclass(getattr(filter_field, "field_class", object), forms.IntegerField):
            return parameters
        field = filter_field.field
        for parameter in parameters:
            schema = parameter["schema"]
            schema["type"] = "integer"
            if field.min_value is not None:
                schema["minimum"] = field.min_value
            if field.max_value is not None:
                schema["maximum"] = field.max_value
        return parameters
