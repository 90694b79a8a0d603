"""The rectification tests build orders from signed-off visits: the inspections fixtures."""

from tests.inspections.conftest import _media_in_tmp, checklist, plan  # noqa: F401
