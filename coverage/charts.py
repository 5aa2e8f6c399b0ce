"""Charts drawn on the server as SVG: read at a glance on a phone, no script.

Each chart is a small inline ``<svg>`` scaled to the width of the screen, with a
title a screen reader announces; the table of numbers under it carries the
exact figures, so the chart never needs labels it cannot fit.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 320
BAR_HEIGHT = 14
ROW_HEIGHT = 34
# More rows than this make a chart nobody reads on a phone; the table has them all.
MAX_ROWS = 25


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float


def _clamp(percent: float) -> float:
    return max(0.0, min(100.0, float(percent)))


def percent_bars(
    bars: list[Bar], *, title: str, target: int | None = None
) -> SafeString:
    """Horizontal bars of percentages, each under its label, with the target as
    a dashed line across them."""
    bars = bars[:MAX_ROWS]
    if not bars:
        return mark_safe("")
    height = ROW_HEIGHT * len(bars) + 8
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW_HEIGHT
        width = WIDTH * _clamp(bar.percent) / 100
        reached = target is None or bar.percent >= target
        rows.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" class="chart-track"/>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" class="{}"/>'
                '<text x="{}" y="{}" class="chart-value" text-anchor="end">{}%</text>',
                top + 12,
                bar.label[:48],
                top + 16,
                WIDTH,
                BAR_HEIGHT,
                top + 16,
                _coordinate(width),
                BAR_HEIGHT,
                "chart-bar" if reached else "chart-bar chart-bar-below",
                WIDTH,
                top + 12,
                _number(bar.percent),
            )
        )
    target_line = ""
    if target is not None:
        x = WIDTH * _clamp(target) / 100
        target_line = format_html(
            '<line x1="{}" x2="{}" y1="14" y2="{}" class="chart-target"/>',
            _coordinate(x),
            _coordinate(x),
            height,
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMinYMin meet">{}{}</svg>',
        WIDTH,
        height,
        _with_target(title, target),
        mark_safe("".join(rows)),
        target_line,
    )


def month_columns(points: list[tuple[datetime.date, int]], *, title: str) -> SafeString:
    """Twelve columns, one per month of the year, scaled to the highest."""
    if not points or not any(value for _month, value in points):
        return mark_safe("")
    height = 120
    plot = 90
    top_value = max(value for _month, value in points)
    step = WIDTH / len(points)
    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" '
        'class="chart-bar"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" class="chart-axis" text-anchor="middle">{}</text>',
        (
            (
                _coordinate(index * step + 3),
                _coordinate(plot - plot * value / top_value + 12),
                _coordinate(step - 6),
                _coordinate(plot * value / top_value),
                month.strftime("%m/%Y"),
                value,
                _coordinate(index * step + step / 2),
                height - 4,
                month.month,
            )
            for index, (month, value) in enumerate(points)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<text x="0" y="9" class="chart-axis">{}</text>{}</svg>',
        WIDTH,
        height,
        title,
        top_value,
        columns,
    )


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _with_target(title: str, target: int | None) -> str:
    if target is None:
        return title
    return _("%(title)s (target %(target)s%%)") % {"title": title, "target": target}
