"""Score answers: numbers, label ladders ('Very satisfied' … 'Very dissatisfied', '非常满意' …) and the
scale a score question is on. The ladders are data (cxkpi/vocabulary/scores.toml and the value tables of
cxkpi.sources.base); this module only reads them.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from cxkpi.ingest import values as V
from cxkpi.ingest.frame import Frame, not_numberlike
from cxkpi.ingest.profile import match_ladder
from cxkpi.ingest.vocabulary import normalize
from cxkpi.sources.base import LABEL_SCALES

SCALE_IN_TEXT = re.compile(r"\(?\b(0|1)\s*(?:-|–|to|a|~|—)\s*(5|7|10)\b\)?")


def parse_score_field(fr: Frame, name: str, header: str) -> None:
    """One answer per row (template, user mapping): numbers, known label ladders or '10 - Extremely likely'."""
    fr.origin[name] = header
    sv = score_values(fr, header)
    if sv is None:
        fr.problems.add(
            "error",
            "these answers are neither numbers nor a label scale cxkpi knows; "
            "give each label's score in a mapping file's [values.score] table.",
            column=header,
        )
        fr.out[name] = pd.Series(np.nan, index=fr.text.index)
        return
    nums, fr.label_scale, bad = sv
    fr._bad(header, fr.cells(header), bad, "is not a score.")
    fr.out[name] = nums


def label_scale(values: pd.Series) -> tuple[dict[str, float], tuple[float, float]] | None:
    """The known label ladder holding every label in the column: label (case-folded) -> score, and the
    scale. Freshdesk's happy/unhappy sets come first from the vocabulary: their size (7, 5 or 3 points)
    is the smallest ladder holding every label seen (see docs/ingest.md)."""
    labels = {v.casefold() for v in values}
    if not labels:
        return None
    if any("happy" in k for k in labels):
        found = _vocabulary_ladder(labels)
        if found is not None:
            return found
    for ladder, scale in LABEL_SCALES:
        if labels <= set(ladder):
            return ladder, scale
    return _vocabulary_ladder(labels)


def _vocabulary_ladder(labels: set[str]) -> tuple[dict[str, float], tuple[float, float]] | None:
    """The smallest ladder of cxkpi/vocabulary/scores.toml (nine languages) holding every label."""
    lad = match_ladder(sorted(labels))
    if lad is None:
        return None
    scores = lad.scores()
    return {v: scores[normalize(v)] for v in labels}, (1.0, float(lad.size))


_LEADING_NUM = re.compile(r"^\s*(\d{1,2})(?:\s*[-–:=.]\s*\D.*|\s*\(.*\)|\s+\D.*)?$")


def score_values(fr: Frame, header: str) -> tuple[pd.Series, tuple[float, float] | None, list[int]] | None:
    """A score column's numbers, the scale its labels imply (None for plain numbers), and the positions
    of unparseable cells; None when the column is not scores at all (free text)."""
    s = fr.cells(header)
    filled = s[~s.isin(V.BLANKS) & pd.Series(fr.keep, index=s.index)]
    if filled.empty:
        return pd.Series(np.nan, index=s.index), None, []
    nums, bad = V.parse_numbers(s)
    bad = [b for b in sorted(set(bad) | set(not_numberlike(s))) if fr.keep[b]]
    if len(bad) <= max(0, len(filled) // 20):
        return pd.to_numeric(nums, errors="coerce").astype("float64"), None, bad
    found = label_scale(filled)
    if found:
        ladder, scale = found
        return s.map(lambda v: ladder.get(v.casefold(), np.nan)).astype("float64"), scale, []
    lead = filled.map(lambda v: _LEADING_NUM.match(v))
    if lead.map(bool).mean() >= 0.95:  # choice text like "10 - Extremely likely"
        vals = s.map(lambda v: float(m.group(1)) if (m := _LEADING_NUM.match(v)) else np.nan)
        badpos = [
            i for i in np.flatnonzero(~s.isin(V.BLANKS).to_numpy() & vals.isna().to_numpy()) if fr.keep[i]
        ]
        return vals.astype("float64"), None, badpos
    return None


def infer_scale(kind: str, text: str, vals: pd.Series) -> tuple[tuple[float, float] | None, str]:
    """The scale of a numeric score column: stated in the text, fixed by the kind (NPS 0–10), or read off
    the values when their maximum is a scale's top (5, 7, 10). Otherwise None: ask."""
    m = SCALE_IN_TEXT.search(text)
    if m:
        return (float(m.group(1)), float(m.group(2))), "stated in the question"
    if kind in ("nps", "enps"):
        return (0.0, 10.0), "NPS is 0–10"
    v = vals.dropna()
    if v.empty:
        return None, "no answers"
    lo, hi = float(v.min()), float(v.max())
    if hi == 10:
        return (0.0 if lo == 0 else 1.0, 10.0), "highest answer is 10"
    if hi in (5.0, 7.0) and lo >= 1:  # a 1–5 or 1–7 scale is the only common one topping out there
        return (1.0, hi), f"highest answer is {hi:g}"
    return None, f"answers run {lo:g}–{hi:g}"


def scale_answer(v: Any) -> tuple[float, float] | None:
    if v is None:
        return None
    if isinstance(v, list | tuple):
        return float(v[0]), float(v[1])
    m = re.match(r"^\s*(-?\d+)\s*(?:-|–|to|\.\.)\s*(\d+)\s*$", str(v))
    return (float(m.group(1)), float(m.group(2))) if m else None
