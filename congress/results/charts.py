"""Server-side SVG bar charts: no script, no asset from another host."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

ROW, LABEL, WIDTH = 26, 190, 560


def bars(
    rows: Sequence[tuple[str, Decimal | int, bool]],
    *,
    rtl: bool,
    title: str,
    marker: Decimal | None = None,
    marker_label: str = "",
) -> str:
    """One horizontal bar per (label, value, highlighted); optional marker (e.g. the quota).

    In right-to-left pages the labels sit on the right and the bars grow leftwards.
    """
    top = max([Decimal(v) for _, v, _ in rows] + [marker or Decimal(0), Decimal(1)])
    span = WIDTH - LABEL - 70
    height = ROW * len(rows) + (24 if marker else 8)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, highlighted) in enumerate(rows):
        y = i * ROW + 4
        length = float(Decimal(value) / top) * span
        fill = "#0b5e3c" if highlighted else "#8a99a6"
        if rtl:
            bar_x, text_x, anchor = WIDTH - LABEL - length, WIDTH - 4, "end"
            value_x, value_anchor = bar_x - 4, "end"
        else:
            bar_x, text_x, anchor = LABEL, 4, "start"
            value_x, value_anchor = LABEL + length + 4, "start"
        out.append(
            f'<text x="{text_x}" y="{y + 15}" text-anchor="{anchor}" '
            f'font-size="13">{escape(label[:28])}</text>'
        )
        out.append(
            f'<rect x="{bar_x:.1f}" y="{y}" width="{length:.1f}" height="18" fill="{fill}"/>'
        )
        out.append(
            f'<text x="{value_x:.1f}" y="{y + 15}" text-anchor="{value_anchor}" '
            f'font-size="12" direction="ltr">{escape(str(value))}</text>'
        )
    if marker:
        length = float(marker / top) * span
        x = WIDTH - LABEL - length if rtl else LABEL + length
        bottom = ROW * len(rows) + 4
        out.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}" stroke="#a4161a" '
            f'stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="12" '
            f'fill="#a4161a">{escape(marker_label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
