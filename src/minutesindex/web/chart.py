"""Decisions over time as a server-drawn SVG: one stacked bar per month or year, a colour per
outcome or committee. No script and no chart library: an analyst sees it in any browser and in
the page's printout."""

from __future__ import annotations

from collections import Counter

from markupsafe import escape

from minutesindex.web.words import month_names

WIDTH = 760
HEIGHT = 260
MARGIN_LEFT = 44
MARGIN_BOTTOM = 46
MARGIN_TOP = 12
LEGEND_HEIGHT = 22
# Colour-blind-safe (Okabe–Ito), then grey for the rest together.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
REST_COLOUR = "#999999"


def timeline_svg(
    counts: Counter, per: str, groups: list[str], label: dict[str, str], lang: str, rest_label: str = "…"
) -> str:
    """`counts` maps (period, group) to items: a period is a year (int) or a month ("2024-03"); the
    `groups` named get a colour each (in that order) and the others are drawn together."""
    periods = _periods(sorted({period for period, _ in counts}), per)
    by_period: dict[object, Counter] = {period: Counter() for period in periods}
    for (period, group), n in counts.items():
        by_period[period][group if group in groups else None] += n
    highest = max((sum(c.values()) for c in by_period.values()), default=0) or 1
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP - LEGEND_HEIGHT
    plot_width = WIDTH - MARGIN_LEFT - 8
    slot = plot_width / max(len(periods), 1)
    bar = max(1.0, slot * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(_summary(by_period, per, lang))}">'
    ]
    top = MARGIN_TOP + LEGEND_HEIGHT
    for tick in _ticks(highest):
        y = top + plot_height - plot_height * tick / highest
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>')
    colours = {group: COLOURS[k] for k, group in enumerate(groups)}
    every = max(1, round(len(periods) / 12))  # at most about twelve period labels
    for k, period in enumerate(periods):
        x = MARGIN_LEFT + k * slot + (slot - bar) / 2
        y = top + plot_height
        for group in [*groups, None]:
            n = by_period[period][group]
            if not n:
                continue
            height = plot_height * n / highest
            y -= height
            name = label.get(group, rest_label) if group is not None else rest_label
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{colours.get(group, REST_COLOUR)}"><title>{escape(_period_label(period, per, lang))}: '
                f"{escape(name)} {n}</title></rect>"
            )
        if k % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_height + 16}" font-size="11" text-anchor="middle">'
                f"{escape(_period_label(period, per, lang, short=True))}</text>"
            )
    x = MARGIN_LEFT
    for group in [*groups, None]:
        if group is None and not any(c[None] for c in by_period.values()):
            continue
        name = label.get(group, rest_label) if group is not None else rest_label
        colour = colours.get(group, REST_COLOUR)
        parts.append(f'<rect x="{x}" y="{MARGIN_TOP}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{MARGIN_TOP + 11}" font-size="12">{escape(name)}</text>')
        x += 28 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def _periods(present: list, per: str) -> list:
    """Every period from the first to the last present, so a gap in time shows as a gap."""
    if not present:
        return []
    if per == "year":
        return list(range(present[0], present[-1] + 1))
    year, month = map(int, present[0].split("-"))
    last = tuple(map(int, present[-1].split("-")))
    periods = []
    while (year, month) <= last:
        periods.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def _period_label(period: object, per: str, lang: str, short: bool = False) -> str:
    if per == "year":
        return str(period)
    year, month = str(period).split("-")
    name = month_names(lang)[int(month) - 1]
    return f"{name[:3]} {year[2:]}" if short else f"{name} {year}"


def _ticks(highest: int) -> list[int]:
    step = max(1, 10 ** (len(str(highest)) - 1))
    if highest / step < 3:
        step = max(1, step // 2)
    return list(range(0, highest + 1, step))


def _summary(by_period: dict, per: str, lang: str) -> str:
    total = sum(sum(c.values()) for c in by_period.values())
    periods = [p for p, c in by_period.items() if sum(c.values())]
    if not periods:
        return ""
    first, last = _period_label(periods[0], per, lang), _period_label(periods[-1], per, lang)
    return f"{total} punkter, {first}–{last}" if lang == "da" else f"{total} items, {first}–{last}"
