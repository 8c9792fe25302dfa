"""Bar charts drawn on the server as SVG: no chart library, nothing from another host.

Owns `bar_chart()`: one bar per item (a month, an organisation), stacked in two parts
(adults and children) with the total above and the label below, readable on paper and at
the kiosk. Labels are escaped; numbers keep Latin digits and read left to right.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 960, 320
TOP, BOTTOM, SIDE = 36, 56, 16
COLOURS = ("#0b4f6c", "#f2b705")  # the board's brand and accent


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[int, int]  # (adults, children)

    @property
    def total(self) -> int:
        return sum(self.parts)


def bar_chart(bars: list[Bar], title: str, legend: tuple[str, str]) -> Markup:
    """An SVG bar chart: one <rect class="bar"> group per item, zero-height when empty."""
    count = max(len(bars), 1)
    slot = (WIDTH - 2 * SIDE) / count
    bar_width = max(4.0, slot * 0.68)
    tallest = max((b.total for b in bars), default=0) or 1
    plot = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart" direction="ltr">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{SIDE}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - SIDE}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#4a5263" stroke-width="1"/>',
    ]
    for index, bar in enumerate(bars):
        x = SIDE + index * slot + (slot - bar_width) / 2
        y = float(HEIGHT - BOTTOM)
        parts.append(f'<g class="bar" data-label="{escape(bar.label)}" data-total="{bar.total}">')
        for value, colour in zip(bar.parts, COLOURS, strict=True):
            height = plot * value / tallest
            y -= height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{height:.1f}" '
                f'fill="{colour}"/>'
            )
        middle = x + bar_width / 2
        parts.append(
            f'<text x="{middle:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="16" '
            f'font-weight="700">{bar.total}</text>'
        )
        parts.append(
            f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 22}" text-anchor="middle" '
            f'font-size="15">{escape(bar.label)}</text>'
        )
        parts.append("</g>")
    for index, (name, colour) in enumerate(zip(legend, COLOURS, strict=True)):
        x = SIDE + index * 200
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 20}" width="16" height="16" fill="{colour}"/>'
            f'<text x="{x + 22}" y="{HEIGHT - 7}" font-size="15">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
