"""Server-side SVG bar charts: no script, no asset from another host."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

ROW, LABEL, WIDTH, VALUE = 32, 200, 560, 110


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
    span = WIDTH - LABEL - VALUE
    height = ROW * len(rows) + (28 if marker else 8)
    # direction="ltr": the geometry here places every label itself; inherited from an
    # Arabic page, rtl would turn text-anchor "end" into the left edge and push text out.
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" direction="ltr" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, highlighted) in enumerate(rows):
        y = i * ROW + 4
        length = float(Decimal(value) / top) * span
        fill = "#0b5e3c" if highlighted else "#8a99a6"
        # A label is written in its page's direction and starts at its own edge: in an
        # Arabic page "ريم Nasser" then reads right to left, as in the text around it.
        if rtl:
            bar_x, text_x = WIDTH - LABEL - length, WIDTH - 4
            value_x, value_anchor = bar_x - 4, "end"
        else:
            bar_x, text_x = LABEL, 4
            value_x, value_anchor = LABEL + length + 4, "start"
        out.append(
            f'<text x="{text_x}" y="{y + 17}" text-anchor="start" '
            f'direction="{"rtl" if rtl else "ltr"}" font-size="16">{escape(label[:24])}</text>'
        )
        out.append(
            f'<rect x="{bar_x:.1f}" y="{y}" width="{length:.1f}" height="22" fill="{fill}"/>'
        )
        out.append(
            f'<text x="{value_x:.1f}" y="{y + 17}" text-anchor="{value_anchor}" '
            f'font-size="15">{escape(_short(value))}</text>'
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
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="15" '
            f'fill="#a4161a">{escape(marker_label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _short(value: Decimal | int) -> str:
    """Counts as people read them: whole numbers whole, fractions to 5 places at most."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.quantize(Decimal('0.00001')).normalize():f}"
