"""Pages of the API's lists: ``?page=`` (1..) and ``?page_size=`` (1..500).

A malformed page or page size is refused with 400 and its name, like any other parameter;
a page past the last one answers 404.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

ERR_PAGE = _("页码须为正整数。")
ERR_PAGE_SIZE = _("每页条数须为1至500之间的整数。")


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def _checked(self, request, name: str, maximum: int | None, message) -> int | None:
        raw = request.query_params.get(name)
        if raw in (None, ""):
            return None
        field = forms.IntegerField(min_value=1, max_value=maximum)
        try:
            return field.clean(raw)
        except forms.ValidationError as exc:
            raise ValidationError({name: [message]}) from exc

    def get_page_size(self, request):
        size = self._checked(request, self.page_size_query_param, self.max_page_size, ERR_PAGE_SIZE)
        return size or self.page_size

    def get_page_number(self, request, paginator):
        # ``?page=`` (empty) is the first page, like any unset parameter.
        return super().get_page_number(request, paginator) or 1

    def paginate_queryset(self, queryset, request, view=None):
        self._checked(request, self.page_query_param, None, ERR_PAGE)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
