"""A proposed column mapping for a file no source recognizes: headers fuzzy-matched to canonical columns
(English, Chinese and Italian synonyms of cxkpi/vocabulary/synonyms.toml), the table whose required columns and words fit best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cxkpi.ingest.frame import REQUIRED, canonical_columns
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.vocabulary import suggestion_words
from cxkpi.sources.base import norm
from cxkpi.store.schema import CANONICAL

# The words are data: cxkpi/vocabulary/synonyms.toml.
SYNONYMS, TABLE_WORDS = suggestion_words()


@dataclass
class Suggestion:
    """A proposed mapping for an unrecognized file; the user confirms or edits it."""

    table: str
    columns: dict[str, str]  # canonical -> export header
    scores: dict[str, float]  # canonical -> match confidence 0..100
    missing: list[str]  # required canonical columns without a match
    table_scores: dict[str, float] = field(default_factory=dict)

    def spec(self) -> dict[str, Any]:
        return {"table": self.table, "columns": dict(self.columns)}


def suggest_mapping(raw: RawTable, table: str | None = None) -> Suggestion:
    """Fuzzy-match headers to canonical columns (English, Chinese and Italian synonyms of cxkpi/vocabulary/synonyms.toml)."""
    from rapidfuzz import fuzz

    headers = [h for h in raw.column_names()]
    normed = {h: _strip_number_prefix(norm(h)) for h in headers}

    def sim(n: str, w: str) -> float:
        if n == w:
            return 100.0
        if _CJK.search(w) and len(w) >= 2 and w in n:
            return 92.0  # Chinese headers are questions: '您对我们的客服满意吗' holds '满意'
        if len(w) <= 3:
            return 0.0  # "id", "#" match only exactly
        return float(max(fuzz.ratio(n, w), fuzz.token_sort_ratio(n, w)))

    def pairs(canon: str) -> list[tuple[float, str]]:
        words = [canon.replace("_", " ")] + SYNONYMS.get(canon, [])
        return [(max(sim(n, w) for w in words), h) for h, n in normed.items()]

    tables = [table] if table else list(CANONICAL)
    table_scores: dict[str, float] = {}
    results: dict[str, tuple[dict[str, str], dict[str, float]]] = {}
    text = " ".join(normed.values())
    for t in tables:
        cols, scores = {}, {}
        taken: set[str] = set()
        # Best pairs first, each header and each column used once ('Cliente' is company, not account id).
        cands = sorted(
            (
                (sc, -i, canon, h)
                for i, canon in enumerate(canonical_columns(t))
                for sc, h in pairs(canon)
                if sc >= 80
            ),
            reverse=True,
        )
        for sc, _, canon, h in cands:
            if canon not in cols and h not in taken:
                cols[canon], scores[canon] = h, sc
                taken.add(h)
        req = REQUIRED[t]
        hit = sum(1 for c in req if c in cols)
        words = sum(1 for w in TABLE_WORDS[t] if w in text)
        table_scores[t] = 10 * hit / len(req) + 2 * words + 0.1 * len(cols)
        results[t] = (cols, scores)
    best = table or max(table_scores, key=lambda t: table_scores[t])
    cols, scores = results[best]
    missing = [
        c
        for c in REQUIRED[best]
        if c not in cols
        and not (best == "responses" and c in ("kind", "scale_min", "scale_max", "response_id"))
        and not (best == "costs" and c == "cost_id")
    ]
    return Suggestion(best, cols, scores, missing, table_scores)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _strip_number_prefix(h: str) -> str:
    # Wenjuanxing numbers its questions: "1、您对我们的服务满意吗" -> the question text.
    return re.sub(r"^\d+\s*[、.)]\s*", "", h)
