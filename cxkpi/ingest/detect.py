"""Which registered source a file is: every required header (or one of its aliases) present, then the most
optional headers; a header that belongs to another shape rules a source out.

When no source matches by name, the registered sources are scored through the recognizer as strong
evidence: a known tool exported in another UI language, or with renamed, reordered or extra columns, is
still that tool when the vocabulary and the values find every required column and most of the others.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from cxkpi.ingest.profile import Profile, profile_table
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.recognize import SURE, columns_by_meaning
from cxkpi.ingest.vocabulary import unit_in
from cxkpi.sources import all_sources
from cxkpi.sources.base import Field, Source, norm


@dataclass
class Match:
    source: Source
    score: float
    missing: list[str]  # required headers not found (empty for a full match)
    evidence: list[str] = field(default_factory=list)  # a match by meaning: which header is which, why


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
    """Full matches, best first; by name, else by meaning."""
    headers = header_set(raw)
    found = [score(s, headers) for s in all_sources()]
    full = sorted((m for m in found if not m.missing), key=lambda m: -m.score)
    return full or by_meaning(raw)


# A tool is only recognized by meaning when this share of the columns it declares is found: a generic
# ticket export holds a few of Zendesk's columns, a Zendesk export in Italian holds nearly all of them.
COVERAGE = 0.8
MARGIN = 1.0  # the lead the best tool needs over the next


def _value_fit(f: Field, header: str, p: Profile | None, by_name: bool) -> float | None:
    """What the values say about one of the tool's columns found in the file: its unit (a header naming
    seconds where the tool writes minutes, clock times where it writes numbers) and its labels (Zendesk's
    Good / Bad / Offered). A positive number when they agree, 0 when silent, None when they contradict the
    tool's reading, or when a column found only by meaning has a unit nothing confirms: the tool's unit
    would then be a guess, and a wrong unit is a wrong figure."""
    fit = 0.0
    if f.unit and p is not None and p.kind != "empty":
        clock = f.unit in ("hh:mm", "hh:mm:ss")
        if p.kind == "number" and clock or p.kind == "duration" and p.form.startswith("hh") and not clock:
            return None
        named = unit_in(header)
        if named and named != f.unit:
            return None
        if named or clock:
            fit += 1.0
        elif not by_name:
            return None
    if f.values and p is not None and p.distinct_values:
        known = {str(k).casefold() for k in f.values}
        share = sum(1 for v in p.distinct_values if v.casefold() in known) / len(p.distinct_values)
        if share < 0.5:
            return None
        fit += 2.0 * share
    return fit


def by_meaning(raw: RawTable) -> list[Match]:
    """Registered sources whose headers this file carries under other names: every required column and
    COVERAGE of the declared ones found (by name or by the recognizer), and no value contradicting the
    tool's reading; best first by the share found, what the values confirm and how many columns. The
    Source returned carries the names found as aliases, so its declarations and hooks read the file
    unchanged."""
    headers = header_set(raw)
    profiles = profile_table(raw)
    by_header = {p.header: p for p in profiles}
    file_names = {norm(h): h for h in raw.column_names()}
    per_table: dict[str, dict[str, tuple[str, float, str]]] = {}
    out: list[Match] = []
    for s in all_sources():
        if s.system == "cxkpi" or s.survey is not None or any(norm(f) in headers for f in s.forbidden):
            continue  # templates are canonical names; surveys are recognized by their questions
        if s.table not in per_table:
            per_table[s.table] = columns_by_meaning(s.table, profiles)
        found = _fit_source(s, per_table[s.table], headers, file_names, by_header)
        if found is not None:
            out.append(found)
    out.sort(key=lambda m: -m.score)
    # Two tools fitting about as well is no evidence for either: the recognizer's proposal decides.
    if len(out) > 1 and out[0].score - out[1].score < MARGIN:
        return []
    return out


def _fit_source(
    s: Source,
    meaning: dict[str, tuple[str, float, str]],
    headers: set[str],
    file_names: dict[str, str],
    by_header: dict[str, Profile],
) -> Match | None:
    declared_names = {norm(n) for f in s.columns.values() for n in f.names}
    aliases: list[tuple[str, str]] = []
    evidence: list[str] = []
    fields = [f for f in s.columns.values() if f.names]
    have, fit = 0, 0.0
    for canon, f in s.columns.items():
        if not f.names:
            continue
        own = next((file_names[norm(n)] for n in f.names if norm(n) in file_names), None)
        hit = meaning.get(canon)
        # Numbers under a header naming the tool's own unit ('首次回复时间(分钟)') are that duration.
        named = unit_in(hit[0]) if hit is not None and f.unit else None
        if own is None and named and named != f.unit:
            return None  # the tool's column is here in another unit ('(seconds)' where it writes ms)
        sure = hit is not None and (hit[1] >= SURE or named == f.unit)
        if own is None and (not sure or norm(hit[0]) in declared_names):
            continue  # not in the file, unsure, or the header is this tool's own name for another column
        header = own if own is not None else hit[0]
        said = _value_fit(f, header, by_header.get(header), own is not None)
        if said is None:
            return None
        have, fit = have + 1, fit + said
        if own is None:
            aliases.extend((n, header) for n in f.names)
            evidence.append(f"'{header}' → {f.names[0]} ({hit[2]})")
    known = {norm(n) for n, _ in aliases} | headers
    if not aliases or not fields or have < COVERAGE * len(fields) or fit < 1:
        return None  # too few of its columns, or none of its own conventions (a unit, a label set) seen
    # A column the tool never exports (reopens in a HubSpot file) says the file is another tool's.
    used = {h for _, h in aliases} | {file_names[n] for n in declared_names if n in file_names}
    if any(c not in s.columns and h not in used and sc >= SURE for c, (h, sc, _) in meaning.items()):
        return None
    if not all(any(norm(a) in known for a in alts) for alts in s.required):
        return None
    tool = dataclasses.replace(s, aliases=tuple(aliases), label=f"{s.label} (headers read by meaning)")
    return Match(tool, round(10.0 * have / len(fields) + fit + 0.1 * have, 2), [], evidence)


def near_misses(raw: RawTable, limit: int = 3) -> list[Match]:
    """Sources that almost match (to tell the user which header is missing)."""
    headers = header_set(raw)
    found = [score(s, headers) for s in all_sources()]
    partial = [
        m
        for m in found
        if m.missing
        and len(m.missing) < len(m.source.required)
        and m.missing != ["(a header of another export shape)"]
    ]
    partial.sort(key=lambda m: (len(m.missing), -m.score))
    return partial[:limit]
