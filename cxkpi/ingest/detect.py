"""Which registered source a file is: every required header (or one of its aliases) present, then the most
optional headers; a header that belongs to another shape rules a source out."""

from __future__ import annotations

from dataclasses import dataclass

from cxkpi.ingest.read import RawTable
from cxkpi.sources import all_sources
from cxkpi.sources.base import Source, norm


@dataclass
class Match:
    source: Source
    score: float
    missing: list[str]  # required headers not found (empty for a full match)


def header_set(raw: RawTable) -> set[str]:
    names = {norm(h) for h in raw.column_names() if h}
    # SurveyMonkey/Qualtrics put metadata names in the first header row; some re-saves swap rows.
    for row in raw.extra_header_rows[:1]:
        names |= {norm(h) for h in row if h and not h.lstrip().startswith("{")}
    return names


def score(source: Source, headers: set[str]) -> Match:
    missing = [alts[0] for alts in source.required if not any(norm(a) in headers for a in alts)]
    if any(norm(f) in headers for f in source.forbidden):
        return Match(source, 0.0, missing or ["(a header of another export shape)"])
    opt = sum(1 for o in source.optional if norm(o) in headers)
    mapped = sum(1 for f in source.columns.values() if any(norm(n) in headers for n in f.names))
    return Match(source, 10.0 * len(source.required) + opt + 0.5 * mapped, missing)


def detect(raw: RawTable) -> list[Match]:
    """Full matches, best first."""
    headers = header_set(raw)
    found = [score(s, headers) for s in all_sources()]
    return sorted((m for m in found if not m.missing), key=lambda m: -m.score)


def near_misses(raw: RawTable, limit: int = 3) -> list[Match]:
    """Sources that almost match (to tell the user which header is missing)."""
    headers = header_set(raw)
    found = [score(s, headers) for s in all_sources()]
    partial = [m for m in found if m.missing and len(m.missing) < len(m.source.required)
               and m.missing != ["(a header of another export shape)"]]
    partial.sort(key=lambda m: (len(m.missing), -m.score))
    return partial[:limit]
