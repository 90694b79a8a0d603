"""Serializers that document the query parameters views read with ``portal.query.read_query``
(the forms there check them; these only tell the schema the same bounds)."""

from __future__ import annotations

from rest_framework import serializers

from portal.forms.base import YEAR_MAX, YEAR_MIN


class YearParams(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text="年度，默认本年"
    )


class BoardParams(serializers.Serializer):
    district = serializers.IntegerField(required=False, min_value=1, help_text="区")
    page = serializers.IntegerField(required=False, min_value=1, help_text="页码")


class PeriodParams(YearParams):
    quarter = serializers.IntegerField(
        required=False, min_value=1, max_value=4, help_text="季度，默认本季度"
    )
