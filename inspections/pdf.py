"""The inspection report as PDF (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone


def visit_report_html(visit) -> str:
    answers = {a.item_id: a for a in visit.answers.all()}
    items = [{"item": i, "answer": answers.get(i.pk)} for i in visit.checklist.items.all()]
    return render_to_string(
        "inspections/visit_pdf.html",
        {
            "visit": visit,
            "items": items,
            "findings": list(visit.findings.select_related("item")),
            "team": list(visit.team.select_related("user")),
            "orders": [
                f.order for f in visit.findings.select_related("order") if hasattr(f, "order")
            ],
            "printed_at": timezone.localtime(),
        },
    )


def visit_report_pdf(visit) -> bytes:
    from weasyprint import HTML

    return HTML(string=visit_report_html(visit)).write_pdf()
