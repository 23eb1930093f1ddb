"""A city's memberships as a timeline picture: SVG written on the server, no script.

One row per membership. A dated membership is a bar from its start (year, or
month when the source gives one) to the end of the timeline, which is the end
of the latest year the dataset names anywhere: the data's "now", never the
wall clock, so the same data always give the same picture. Undated
memberships come after the dated ones, without a bar, marked "since: not
stated". Every string from the data is XML-escaped; characters XML cannot
carry are replaced, so the picture always parses as XML (and as HTML).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 760
LABEL_WIDTH = 300
ROW = 26
TOP = 34
RIGHT_MARGIN = 20
MAX_LABEL = 44
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TEXT = {
    "de": {
        "title": "Mitgliedschaften im Zeitverlauf",
        "since": "seit {date}",
        "undated": "seit: nicht angegeben",
        "now": "Datenstand {year}",
    },
    "en": {
        "title": "Memberships over time",
        "since": "since {date}",
        "undated": "since: not stated",
        "now": "data as of {year}",
    },
}


@dataclass(frozen=True)
class Row:
    label: str
    href: str | None
    start: tuple[int, int | None] | None
    """Year and month (None: year only) of the start; None when the source gives none."""
    start_text: str = ""
    """The start as the page language writes it ("November 2016")."""


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value))


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def render(rows: Sequence[Row], end_year: int | None, lang: str) -> str:
    """The SVG element for ``rows``; dated rows first (by start), then undated (by label)."""
    words = TEXT.get(lang, TEXT["en"])
    dated = sorted(
        (row for row in rows if row.start), key=lambda r: (r.start[0], r.start[1] or 0, r.label)
    )
    undated = sorted((row for row in rows if not row.start), key=lambda r: r.label.casefold())
    starts = [row.start[0] for row in dated]
    last = max([end_year or 0, *starts]) or 2000
    first = min(starts) if starts else last
    span = (last + 1) - first
    plot = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    height = TOP + ROW * max(len(dated) + len(undated), 1) + 10

    def x_of(year: int, month: int | None) -> float:
        return LABEL_WIDTH + plot * ((year - first) + ((month or 1) - 1) / 12) / span

    parts = [
        f'<svg xmlns="{SVG_NS}" class="timeline" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{_text(words["title"])}</title>',
    ]
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    for year in range(first, last + 2, step):
        x = x_of(year, None)
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{height - 6}" '
            'stroke="#d5dbe3" stroke-width="1"/>'
        )
        if year <= last:
            parts.append(
                f'<text class="year" x="{x + 2:.1f}" y="{TOP - 12}" font-size="11" '
                f'fill="#5a6472">{year}</text>'
            )
    for index, row in enumerate([*dated, *undated]):
        y = TOP + index * ROW
        kind = "dated" if row.start else "undated"
        parts.append(f'<g class="membership {kind}">')
        label = f'<text class="label" x="4" y="{y + 16}" font-size="12" fill="#1d2430">'
        label += f"<title>{_text(row.label)}</title>{_text(_short(row.label))}</text>"
        if row.href:
            label = f"<a href={_attr(row.href)}>{label}</a>"
        parts.append(label)
        if row.start:
            start = f"{row.start[0]:04d}" + (f"-{row.start[1]:02d}" if row.start[1] else "")
            x = x_of(*row.start)
            since = words["since"].format(date=row.start_text or start)
            parts.append(
                f'<rect class="bar" data-start="{start}" x="{x:.1f}" y="{y + 5}" '
                f'width="{LABEL_WIDTH + plot - x:.1f}" height="{ROW - 10}" rx="3" '
                f'fill="#0b5cad"><title>{_text(row.label)}: {_text(since)}</title></rect>'
            )
            parts.append(
                f'<text class="since" x="{x + 4:.1f}" y="{y + 16}" font-size="11" '
                f'fill="#ffffff">{_text(since)}</text>'
            )
        else:
            parts.append(
                f'<text class="since" x="{LABEL_WIDTH + 4}" y="{y + 16}" font-size="11" '
                f'font-style="italic" fill="#5a6472">{_text(words["undated"])}</text>'
            )
        parts.append("</g>")
    if end_year is not None:
        parts.append(
            f'<text class="now" x="{WIDTH - RIGHT_MARGIN}" y="{height - 2}" font-size="10" '
            f'text-anchor="end" fill="#5a6472">{_text(words["now"].format(year=end_year))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
