"""The evaluation report (PDF via WeasyPrint, Chinese fonts from fonts-noto-cjk), its radar
chart drawn server-side as SVG, and survey QR codes as inline SVG."""

from __future__ import annotations

import math
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from evaluations import rules, selectors
from evaluations.choices import Grade


def dimension_rows(ev, tree=None) -> list[dict]:
    """Per dimension: points, maximum and percentage, from the saved breakdown."""
    tree = tree or selectors.framework_tree(ev.framework or ev.cycle.framework)
    leaves = [
        rules.LeafScore(
            row["dim"],
            Decimal(row["max"]),
            Decimal(row["score"]) if row.get("score") is not None else None,
        )
        for row in (ev.breakdown or [])
    ]
    percentages = rules.dimension_percentages(leaves)
    points: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    for leaf in leaves:
        points[leaf.dimension] = points.get(leaf.dimension, Decimal(0)) + (leaf.score or 0)
        maxima[leaf.dimension] = maxima.get(leaf.dimension, Decimal(0)) + leaf.max_score
    return [
        {
            "code": code,
            "name": tree.dimension_names.get(code, code),
            "points": rules.q2(points[code]),
            "max": rules.q2(maxima[code]),
            "percent": percentages[code],
        }
        for code in maxima
    ]


def radar_svg(rows: list[dict], size: int = 320) -> str:
    """A radar chart of dimension percentages as an SVG string (no JavaScript: WeasyPrint
    renders it in the PDF, and the page shows the same picture)."""
    n = len(rows)
    if n < 3:
        # A radar needs three axes; fewer dimensions draw as bars.
        bars = []
        for i, r in enumerate(rows):
            w = float(r["percent"]) * 2.4
            y = 30 + i * 40
            bars.append(
                f'<text x="0" y="{y - 6}" font-size="12">{escape(r["name"])}</text>'
                f'<rect x="0" y="{y}" width="{w:.1f}" height="14" fill="#1d4e89"/>'
                f'<text x="{w + 4:.1f}" y="{y + 12}" font-size="11">{r["percent"]}%</text>'
            )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{40 * n + 30}">'
            + "".join(bars)
            + "</svg>"
        )
    pad = 130  # room for the axis labels left and right
    width = size + 2 * pad
    cx, cy = width / 2, size / 2
    radius = size / 2 - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{size}" '
        f'viewBox="0 0 {width} {size}" role="img">'
    ]

    def point(i, frac):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + radius * frac * math.cos(angle), cy + radius * frac * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#ccc" stroke-width="1"/>')
    for i, r in enumerate(rows):
        x, y = point(i, 1.0)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        lx, ly = point(i, 1.18)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="12" text-anchor="{anchor}" '
            f'dominant-baseline="middle">{escape(r["name"])} {r["percent"]}%</text>'
        )
    pts = " ".join(
        f"{x:.1f},{y:.1f}"
        for x, y in (point(i, float(r["percent"]) / 100) for i, r in enumerate(rows))
    )
    parts.append(
        f'<polygon points="{pts}" fill="rgba(29,78,137,0.35)" stroke="#1d4e89" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as an inline SVG element (qrcode's path image)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    text = img.to_string(encoding="unicode")
    return text[text.index("<svg") :] if "<svg" in text else text


def _report_context(ev) -> dict:
    tree = selectors.framework_tree(ev.framework or ev.cycle.framework)
    rows = dimension_rows(ev, tree)
    rank, peers = selectors.district_rank(ev)
    previous = selectors.previous_evaluation(ev)
    leaves = {lf.code: lf for lf in tree.leaves}
    comments = {s.node_id: s.comment for s in ev.scores.all() if s.comment}
    items = []
    for row in ev.breakdown or []:
        leaf = leaves.get(row["code"])
        items.append(
            {
                "code": row["code"],
                "name": leaf.name if leaf else row["code"],
                "dimension": tree.dimension_names.get(row["dim"], row["dim"]),
                "max": row["max"],
                "score": row.get("score"),
                "comment": comments.get(leaf.id, "") if leaf else "",
            }
        )
    return {
        "ev": ev,
        "dimensions": rows,
        "radar": radar_svg(rows),
        "rank": rank,
        "peers": peers,
        "previous": previous,
        "change": (ev.total - previous.total) if previous and previous.total is not None else None,
        "grade": Grade(ev.grade).label if ev.grade else "",
        "items": items,
    }


def report_html(evaluations) -> str:
    return render_to_string(
        "evaluations/report_pdf.html",
        {
            "reports": [_report_context(ev) for ev in evaluations],
            "printed_at": timezone.localtime(),
        },
    )


def report_pdf(evaluations) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(evaluations)).write_pdf()
