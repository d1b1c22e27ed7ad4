"""Recognize an export by meaning: header words (the vocabulary) and value profiles combined into a proposal.

The proposal says which table the file feeds, which column feeds each canonical column, each survey
question's kind and scale, each duration's unit — every decision with a confidence and its evidence in
words. What the scorer is not sure of becomes a question in the user's terms, with a suggested answer.
``Proposal.spec(answers)`` is the mapping the importer applies (the same spec a mapping file holds).
"""

from __future__ import annotations

from dataclasses import dataclass

from cxkpi.ingest.profile import Profile, profile_table
from cxkpi.ingest.proposal import NONE, WORDS, Ask, Decision, Proposal
from cxkpi.ingest.questions import SurveyQuestion, survey_questions
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.readings import read_duration, read_intervals, read_money, value_table
from cxkpi.ingest.vocabulary import (
    Concept,
    Target,
    concepts,
    contains,
    normalize,
    phrase_score,
    says,
    table_words,
)

SURE = 0.7  # a decision at or above this confidence is proposed without a question
KIND_WORDS = {
    "csat": "customer satisfaction (CSAT)",
    "ces": "effort (CES)",
    "nps": "likely to recommend (NPS)",
    "esat": "employee satisfaction (ESAT)",
    "skip": "not a score to load",
}
KIND_CHOICES = ["csat", "ces", "nps", "esat", "skip"]
SCALE_CHOICES = ["1-5", "1-7", "0-10", "1-10", "1-3", "0-1"]

# What each table cannot do without (the key can be derived for responses, payments and costs).
NEEDS: dict[str, tuple[str, ...]] = {
    "tickets": ("ticket_id", "created_at"),
    "responses": ("submitted_at",),
    "subscriptions": ("subscription_id", "amount", "started_at"),
    "payments": ("amount", "paid_at"),
    "renewals": ("renewal_id", "due_date", "outcome"),
    "accounts": ("account_id",),
    "costs": ("date", "amount"),
}
KEYS = {
    "tickets": "ticket_id",
    "responses": "response_id",
    "subscriptions": "subscription_id",
    "payments": "payment_id",
    "renewals": "renewal_id",
    "accounts": "account_id",
    "costs": "cost_id",
}


# --- header evidence ---------------------------------------------------------------------------------


def concept_score(header: str, c: Concept) -> tuple[float, str]:
    """(score, the phrase that matched) of one normalized header against one concept."""
    best, why = 0.0, ""
    for w in c.exact:
        if header == w:
            return 1.0, w
    for w in c.words:
        s = phrase_score(header, w)
        if s > best:
            best, why = s, w
    return best, why


def _fit(t: Target, p: Profile, key: bool) -> float:
    """How well a column's values fit a canonical column (0 = cannot)."""
    k = p.kind
    if k == "empty":
        return 0.4
    if t.kind == "datetime":
        return 1.0 if k == "datetime" else 0.0
    if t.kind == "duration":
        return 1.0 if k == "duration" else 0.85 if k == "number" and (p.low or 0) >= 0 else 0.0
    if t.kind == "number":
        return 1.0 if k == "number" else 0.0
    if t.column == "email":
        return 1.0 if k == "email" else 0.0
    if k == "email" and not key:
        return 0.3  # values that are e-mail addresses beat a header saying 'customer' / 'company'
    if t.column in ("currency",):
        return 1.0 if k == "currency" else 0.3 if k == "text" else 0.0
    if key:
        if k in ("datetime", "duration", "labels"):
            return 0.0
        return 1.0 if p.unique else 0.75
    if t.kind == "text":
        return 0.0 if k in ("datetime", "duration") else 1.0 if k in ("text", "labels", "currency") else 0.5
    return 0.0 if k in ("datetime", "duration") else 1.0


@dataclass
class _Cand:
    score: float
    header: str
    column: str
    concept: Concept
    phrase: str
    profile: Profile


def _candidates(table: str, profiles: list[Profile], normed: dict[str, str], skip: set[str]) -> list[_Cand]:
    out: list[_Cand] = []
    for p in profiles:
        if p.header in skip or not p.header.strip():
            continue
        h = normed[p.header]
        for c in concepts():
            targets = [t for t in c.targets if t.table == table]
            if not targets:
                continue
            s, phrase = concept_score(h, c)
            if s <= 0:
                continue
            for t in targets:
                fit = _fit(t, p, KEYS.get(table) == t.column)
                if fit > 0:
                    out.append(_Cand(s * fit, p.header, t.column, c, phrase, p))
        # Value evidence alone: an e-mail column is the e-mail, a currency-code column the currency.
        if p.kind == "email":
            out.append(_Cand(0.9, p.header, "email", _VALUES_ONLY, "", p))
        if p.kind == "currency" and table in ("subscriptions", "payments", "renewals", "costs"):
            out.append(_Cand(0.72, p.header, "currency", _VALUES_ONLY, "", p))
    return out


_VALUES_ONLY = Concept("values", "values", (), (), ())


def columns_by_meaning(table: str, profiles: list[Profile]) -> dict[str, tuple[str, float, str]]:
    """canonical column -> (the file's header, confidence, evidence in words) for one table: the same
    header words and value profiles a proposal uses (detect.py checks registered tools with it)."""
    normed = {p.header: normalize(p.header) for p in profiles}
    chosen = _assign(_candidates(table, profiles, normed, set()))
    return {
        col: (c.header, c.score, f"header '{c.phrase}'" if c.phrase else c.profile.describe())
        for col, c in chosen.items()
    }


def _assign(cands: list[_Cand]) -> dict[str, _Cand]:
    """Best pairs first; each header and each canonical column used once."""
    chosen: dict[str, _Cand] = {}
    used: set[str] = set()
    for c in sorted(cands, key=lambda c: (-c.score, c.profile.index)):
        if c.column in chosen or c.header in used or c.score < 0.45:
            continue
        chosen[c.column] = c
        used.add(c.header)
    return chosen


# --- the scorer ----------------------------------------------------------------------------------------


def recognize(raw: RawTable, profiles: list[Profile] | None = None) -> Proposal:
    """Propose a reading of an unregistered export (nothing is parsed beyond a sample)."""
    profiles = profiles if profiles is not None else profile_table(raw)
    normed = {p.header: normalize(p.header) for p in profiles}
    questions = survey_questions(raw, profiles)
    qheaders = {q.header for q in questions}
    text = " ".join(normed.values())
    per_table: dict[str, dict[str, _Cand]] = {}
    scores: dict[str, float] = {}
    for table in NEEDS:
        skip = qheaders if table == "responses" else set()
        chosen = _assign(_candidates(table, profiles, normed, skip))
        per_table[table] = chosen
        needs = NEEDS[table]
        hit = sum(chosen[c].score for c in needs if c in chosen)
        link = {"email", "company", "account_id"}
        others = sum(c.score for k, c in chosen.items() if k not in needs and k not in link)
        words = sum(1 for w in table_words()[table] if contains(text, w))
        s = 3.0 * hit / len(needs) + 0.6 * others + 0.4 * min(words, 4)
        if table == "responses":
            s += 2.5 * sum(1 for q in questions if q.kind not in ("enps",)) if questions else -5
        if table == "accounts":
            s -= 1.0  # every export names a customer; accounts only when nothing else fits
        scores[table] = round(s, 2)
    table = max(scores, key=lambda t: scores[t])
    return _proposal(table, per_table[table], questions, profiles, scores)


def _proposal(
    table: str,
    chosen: dict[str, _Cand],
    questions: list[SurveyQuestion],
    profiles: list[Profile],
    scores: dict[str, float],
) -> Proposal:
    decisions: list[Decision] = []
    asks: list[Ask] = []
    headers = [p.header for p in profiles]
    by_header = {p.header: p for p in profiles}
    prop = Proposal(table, decisions, asks, {}, table_scores=scores)
    ranked = sorted(scores.values(), reverse=True)
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0)
    decisions.append(
        Decision(
            "table", None, "table", min(1.0, 0.5 + margin / 6), _table_evidence(table, chosen, questions)
        )
    )
    for canon, c in sorted(chosen.items(), key=lambda kv: kv[1].profile.index):
        p = c.profile
        if canon in ("first_reply_minutes", "handle_minutes") and says(c.header, "business"):
            decisions.append(
                Decision(
                    WORDS[canon],
                    c.header,
                    "note",
                    1.0,
                    f"counts business hours only, not calendar time: not loaded as {WORDS[canon]}",
                )
            )
            continue
        why = f"header '{c.phrase}'" if c.phrase else "values only"
        decisions.append(
            Decision(
                WORDS.get(canon, canon),
                c.header,
                f"{table}.{canon}",
                round(c.score, 2),
                f"{why}; {p.describe()}",
            )
        )
        prop.columns[canon] = c.header
        if c.score < SURE and canon in NEEDS[table]:
            asks.append(
                Ask(
                    f"column:{canon}",
                    f"Which column holds the {WORDS.get(canon, canon)}?",
                    headers + [NONE],
                    c.header,
                )
            )
        if canon in ("first_reply_minutes", "handle_minutes"):
            read_duration(prop, canon, p)
        if table == "tickets" and canon == "satisfaction" and (p.ladder_scale or p.kind == "number"):
            # mapping.source_from_spec turns the ratings into CSAT answers too; the reading says so.
            decisions.append(
                Decision(
                    "CSAT answers",
                    c.header,
                    "note",
                    round(c.score, 2),
                    "each rated ticket also counts as a customer-satisfaction (CSAT) answer",
                )
            )
    for canon in NEEDS[table]:
        if canon not in prop.columns:
            asks.append(
                Ask(
                    f"column:{canon}",
                    f"Which column holds the {WORDS.get(canon, canon)}?",
                    headers + [NONE],
                    None,
                )
            )
    if "channel" in prop.columns:
        found = value_table(by_header[prop.columns["channel"]], "channels", keep_unknown=True)
        if found:
            prop.values["channel"] = found
    if table == "responses":
        _survey(prop, questions)
    elif table in ("subscriptions", "payments", "renewals", "costs"):
        read_money(prop, by_header)
    if table == "subscriptions":
        read_intervals(prop, by_header)
    if table == "renewals" and "outcome" in prop.columns:
        prop.values["outcome"] = value_table(
            by_header[prop.columns["outcome"]], "outcomes", keep_unknown=False
        )
    return prop


def _table_evidence(table: str, chosen: dict[str, _Cand], questions: list[SurveyQuestion]) -> str:
    if table == "responses" and questions:
        return f"{len(questions)} score question(s)"
    found = [WORDS.get(c, c) for c in NEEDS[table] if c in chosen]
    return "columns for " + ", ".join(found) if found else "closest fit"


def _survey(prop: Proposal, questions: list[SurveyQuestion]) -> None:
    if not questions:
        prop.asks.append(
            Ask(
                "column:score",
                "Which column holds the satisfaction answer?",
                [d.column for d in prop.decisions if d.column] + [NONE],
                None,
            )
        )
        return
    for q in questions:
        kind_sure = q.sure and q.kind is not None
        if q.kind == "enps":
            prop.decisions.append(
                Decision(
                    "employee NPS", q.header, "note", 1.0, q.evidence + ": not a cxkpi metric, not loaded"
                )
            )
        else:
            label = KIND_WORDS.get(q.kind or q.suggested, q.suggested)
            prop.decisions.append(
                Decision(
                    f"survey question, {label}",
                    q.header,
                    "survey question",
                    0.9 if kind_sure else 0.5,
                    q.evidence,
                )
            )
        if not kind_sure:
            prop.asks.append(
                Ask(
                    f"kind:{q.header}",
                    f"What does '{q.header}' measure?",
                    KIND_CHOICES,
                    q.suggested,
                    q.header,
                )
            )
        if q.scale is None and q.kind != "enps":
            prop.asks.append(
                Ask(
                    f"scale:{q.header}",
                    f"What scale is '{q.header}' answered on?",
                    SCALE_CHOICES,
                    None,
                    q.header,
                )
            )
        elif q.scale is not None and q.kind != "enps":
            prop.decisions.append(
                Decision("scale", q.header, "scale", 0.9, f"{q.scale[0]:g}–{q.scale[1]:g} ({q.scale_why})")
            )
        prop.questions.append(
            {
                "column": q.header,
                "kind": q.kind if kind_sure else q.suggested,
                "scale": list(q.scale) if q.scale else None,
            }
        )
