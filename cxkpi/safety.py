"""User text stays text, and a link cannot make the server work forever.

Survey names, churn reasons, segments, goal titles and file names come from uploaded files or from other
users. Plotly renders a little HTML in every label (``<a href>`` becomes a clickable link) and Streamlit
renders markdown in most text elements, so each string passes through the escaper of where it goes:
``plotly_text`` for chart labels, legends and annotations, ``markdown_text`` for markdown. Tables and
downloads go through ``cxkpi.method.safe_frame`` (formula-safe cells).

Periods arrive in links people share: ``clamp_period`` keeps them inside years a metric can mean
something in, and ``clamp_buckets`` bounds how many buckets one trend asks for.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable
from typing import Any

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
# Per trend: 10 years of weeks, 40 years of months, 100 years of quarters; each bucket is a query.
MAX_BUCKETS = {"week": 522, "month": 480, "quarter": 400}
# What a spreadsheet runs as a formula when a cell starts with it (OWASP CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'^%])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def plotly_text(value: Any) -> Any:
    """A label Plotly shows as written: ``<a href=…>`` stays those characters, never a link or a tag.

    Plotly turns ``&lt;`` back into ``<`` when it draws, so the label reads exactly as the user typed it.
    Missing values (None, NaN) pass through so gaps stay gaps.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    return html.escape(str(value), quote=False)


def plotly_texts(values: Iterable[Any]) -> list[Any]:
    return [plotly_text(v) for v in values]


def markdown_text(value: Any) -> str:
    """Text that renders in markdown exactly as written: no link, emphasis, heading, icon or colour.

    Every markdown punctuation character is backslash-escaped (CommonMark allows it for all ASCII
    punctuation); line breaks and control characters become one space so nothing starts a new block.
    """
    text = _CONTROL.sub(" ", "" if value is None else str(value))
    return _MD_SPECIAL.sub(r"\\\1", text)


def formula_safe(value: Any) -> Any:
    """A cell a spreadsheet will show, not run: text starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def clamp_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date, str | None]:
    """The period inside FIRST_DAY…LAST_DAY (in order), and a message when it had to change."""
    if start > end:
        start, end = end, start
    s, e = min(max(start, FIRST_DAY), LAST_DAY), min(max(end, FIRST_DAY), LAST_DAY)
    if (s, e) == (start, end):
        return s, e, None
    return (
        s,
        e,
        (
            f"The period {start.isoformat()} – {end.isoformat()} reaches outside the years "
            f"{FIRST_DAY.year}–{LAST_DAY.year}; showing {s.isoformat()} – {e.isoformat()}."
        ),
    )


def bucket_count(start: dt.date, end: dt.date, by: str) -> int:
    """How many calendar buckets (ISO weeks, months, quarters) cover start…end."""
    if end < start:
        return 0
    if by == "week":
        first_monday = start - dt.timedelta(days=start.weekday())
        return (end - first_monday).days // 7 + 1
    months = (end.year - start.year) * 12 + end.month - start.month
    if by == "quarter":
        return (end.year * 4 + (end.month - 1) // 3) - (start.year * 4 + (start.month - 1) // 3) + 1
    return months + 1


def clamp_buckets(start: dt.date, end: dt.date, by: str) -> tuple[dt.date, str | None]:
    """A start late enough that the trend has at most MAX_BUCKETS[by] buckets, and a message if moved.

    The end is kept: the latest buckets are the ones people look at.
    """
    limit = MAX_BUCKETS.get(by, MAX_BUCKETS["month"])
    if bucket_count(start, end, by) <= limit:
        return start, None
    if by == "week":
        monday = end - dt.timedelta(days=end.weekday())
        new_start = monday - dt.timedelta(weeks=limit - 1)
    else:
        step = 3 if by == "quarter" else 1
        first_month = end.month if by == "month" else 3 * ((end.month - 1) // 3) + 1
        index = end.year * 12 + first_month - 1 - step * (limit - 1)
        new_start = dt.date(index // 12, index % 12 + 1, 1)
    return new_start, (
        f"A trend by {by} shows at most {limit} points; showing {new_start.isoformat()} – {end.isoformat()}."
    )
