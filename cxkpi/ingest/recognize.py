"""Recognize an export by meaning: header words (the vocabulary) and value profiles combined into a proposal.

The proposal says which table the file feeds, which column feeds each canonical column, each survey
question's kind and scale, each duration's unit — every decision with a confidence and its evidence in
words. What the scorer is not sure of becomes a question in the user's terms, with a suggested answer.
``Proposal.spec(answers)`` is the mapping the importer applies (the same spec a mapping file holds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cxkpi.ingest.profile import Profile, profile_table
from cxkpi.ingest.questions import SurveyQuestion, survey_questions
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.vocabulary import (
    Concept,
    Target,
    concepts,
    contains,
    normalize,
    phrase_score,
    says,
    table_words,
    unit_in,
    value_words,
)

SURE = 0.7  # a decision at or above this confidence is proposed without a question
NONE = "(not in this file)"
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
# The user's words for canonical columns (questions never name `scale_min` or `handle_minutes`).
WORDS = {
    "ticket_id": "ticket number",
    "created_at": "creation time",
    "solved_at": "solve time",
    "first_reply_at": "first response time (a timestamp)",
    "first_reply_minutes": "first response time",
    "handle_minutes": "handle time",
    "reopens": "reopen count",
    "agent_replies": "number of agent replies",
    "status": "status",
    "channel": "channel",
    "subject": "subject",
    "agent": "agent",
    "satisfaction": "satisfaction rating",
    "submitted_at": "answer date",
    "response_id": "response id",
    "respondent": "respondent",
    "comment": "comment",
    "survey": "survey name",
    "subscription_id": "subscription id",
    "plan": "plan",
    "amount": "amount",
    "currency": "currency",
    "interval": "billing interval",
    "interval_count": "number of intervals per billing period",
    "quantity": "quantity",
    "discount": "discount",
    "started_at": "start date",
    "ended_at": "end / cancellation date",
    "cancel_reason": "cancellation reason",
    "payment_id": "payment id",
    "paid_at": "payment date",
    "renewal_id": "renewal id",
    "due_date": "renewal (close) date",
    "outcome": "outcome (won / lost / open)",
    "account_id": "customer id",
    "email": "e-mail",
    "company": "company",
    "name": "company name",
    "domain": "domain",
    "segment": "segment",
    "region": "region",
    "owner": "account owner",
    "churned_at": "churn date",
    "churn_reason": "churn reason",
    "date": "date",
    "category": "category",
    "cost_id": "cost id",
}
_TOTAL = (
    "total",
    "totale",
    "mrr",
    "arr",
    "gesamt",
    "summe",
    "总额",
    "總額",
    "合計",
    "montant total",
    "importe total",
    "valor total",
    "totaal",
)


@dataclass
class Decision:
    """One reading: `what` (the user's words) from `column`, with a confidence 0..1 and the evidence."""

    what: str
    column: str | None
    target: str  # "tickets.first_reply_minutes", "survey question", "unit", "table"
    confidence: float
    evidence: str

    def line(self) -> str:
        src = f"'{self.column}' → " if self.column else ""
        return f"{src}{self.what}: {self.evidence}"


@dataclass
class Ask:
    """A question in the user's terms, with the choice the proposal suggests (None: no suggestion)."""

    id: str
    prompt: str
    choices: list[str]
    suggested: str | None
    column: str | None = None


@dataclass
class Proposal:
    table: str
    decisions: list[Decision]
    asks: list[Ask]
    columns: dict[str, str]  # canonical column -> export header
    units: dict[str, str] = field(default_factory=dict)  # canonical duration column -> unit
    questions: list[dict[str, Any]] = field(default_factory=list)  # survey: {column, kind, scale}
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    table_scores: dict[str, float] = field(default_factory=dict)
    looks_like: str | None = None  # a registered tool this resembles

    @property
    def confidence(self) -> float:
        own = [d.confidence for d in self.decisions if d.target != "note"]
        return min(own) if own else 0.0

    @property
    def sure(self) -> bool:
        """Every needed column matched with high confidence: one click, no question."""
        return not self.asks

    def describe(self, answers: dict[str, Any] | None = None) -> list[str]:
        """The reading in plain words, one line per decision; with `answers`, each question's answer."""
        head = f"A {_TABLE_WORDS[self.table]} export"
        if self.looks_like:
            head += f" (it looks like {self.looks_like})"
        lines = [head + "."] + [d.line() for d in self.decisions]
        if answers is not None:
            for a in self.asks:
                got = answers.get(a.id)
                if got is not None:
                    how = "suggested" if got == a.suggested else "your answer"
                    lines.append(f"{a.prompt} → {got} ({how})")
        return lines

    def suggested_answers(self) -> dict[str, str]:
        return {a.id: a.suggested for a in self.asks if a.suggested is not None}

    def unanswerable(self, answers: dict[str, Any] | None = None) -> list[Ask]:
        """Questions with neither an answer nor a suggestion: the file cannot load with one click."""
        answers = answers or {}
        return [a for a in self.asks if a.id not in answers and a.suggested is None]

    def spec(self, answers: dict[str, Any] | None = None) -> dict[str, Any]:
        """The mapping to apply, each open question answered from `answers`, else with its suggestion."""
        got = {**self.suggested_answers(), **{k: v for k, v in (answers or {}).items() if v is not None}}
        columns = dict(self.columns)
        units = dict(self.units)
        for k, v in got.items():
            kind, _, key = k.partition(":")
            if kind == "column":
                if v == NONE:
                    columns.pop(key, None)
                else:
                    columns[key] = v
            elif kind == "unit":
                for canon, h in self.columns.items():
                    if h == key:
                        units[canon] = v
        questions = []
        for q in self.questions:
            kind = got.get(f"kind:{q['column']}", q["kind"])
            if kind in (None, "skip", "enps"):
                continue
            scale = got.get(f"scale:{q['column']}") or q.get("scale")
            questions.append({"column": q["column"], "kind": kind, "scale": _scale(scale)})
        spec: dict[str, Any] = {
            "table": self.table,
            "columns": columns,
            "options": {**self.options, "units": units, "system": self.options.get("system", "custom")},
        }
        if self.table == "responses":
            spec["survey"] = {"questions": questions}
        if self.values:
            spec["values"] = self.values
        constants = dict(self.constants)
        if "interval" in got and "interval" not in columns and self.table == "subscriptions":
            constants["interval"] = got["interval"]
        if constants:
            spec["constants"] = constants
        return spec


_TABLE_WORDS = {
    "tickets": "support tickets",
    "responses": "survey responses",
    "subscriptions": "subscriptions",
    "payments": "payments",
    "renewals": "renewals",
    "accounts": "customer accounts",
    "costs": "retention costs",
}


def _scale(v: Any) -> list[float] | None:
    if v is None:
        return None
    if isinstance(v, list | tuple):
        return [float(v[0]), float(v[1])]
    m = re.match(r"^\s*(-?\d+)\s*(?:-|–|to|\.\.)\s*(\d+)\s*$", str(v))
    return [float(m.group(1)), float(m.group(2))] if m else None


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
            _duration(prop, canon, p)
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
        found = _value_table(by_header[prop.columns["channel"]], "channels", keep_unknown=True)
        if found:
            prop.values["channel"] = found
    if table == "responses":
        _survey(prop, questions)
    elif table in ("subscriptions", "payments", "renewals", "costs"):
        _money(prop, by_header)
    if table == "subscriptions":
        _intervals(prop, by_header)
    if table == "renewals" and "outcome" in prop.columns:
        prop.values["outcome"] = _value_table(
            by_header[prop.columns["outcome"]], "outcomes", keep_unknown=False
        )
    return prop


def _table_evidence(table: str, chosen: dict[str, _Cand], questions: list[SurveyQuestion]) -> str:
    if table == "responses" and questions:
        return f"{len(questions)} score question(s)"
    found = [WORDS.get(c, c) for c in NEEDS[table] if c in chosen]
    return "columns for " + ", ".join(found) if found else "closest fit"


def _duration(prop: Proposal, canon: str, p: Profile) -> None:
    h = p.header
    if p.kind == "duration":
        prop.units[canon] = "minutes"  # clock / words / ISO cells carry their own unit
        if canon == "first_reply_minutes" and p.zero_share > 0:
            prop.options["zero_means_unanswered"] = True
            prop.decisions.append(
                Decision(
                    WORDS[canon],
                    h,
                    "note",
                    1.0,
                    "a zero duration means the ticket was never answered: left empty",
                )
            )
        return
    unit = unit_in(h)
    if unit:
        prop.units[canon] = unit
        prop.decisions.append(Decision(f"unit of {WORDS[canon]}", h, "unit", 0.95, f"the header says {unit}"))
        return
    # A plain number with no unit word: hundreds and more read best as seconds, else minutes. Ask.
    guess = "seconds" if (p.high or 0) >= 600 else "minutes"
    prop.units[canon] = guess
    prop.asks.append(
        Ask(f"unit:{h}", f"Is '{h}' in minutes or seconds?", ["minutes", "seconds", "hours"], guess, h)
    )


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


def _money(prop: Proposal, by_header: dict[str, Profile]) -> None:
    h = prop.columns.get("amount")
    if not h:
        return
    p = by_header[h]
    scales: dict[str, float] = {}
    if says(h, "minor_units"):
        scales["amount"] = 0.01
        prop.decisions.append(
            Decision("amount unit", h, "unit", 0.95, "the header says cents: divided by 100")
        )
    elif p.kind == "number":
        prop.decisions.append(
            Decision(
                "amount unit",
                h,
                "unit",
                0.9,
                "amounts read as major units ("
                + ("decimals" if not p.integers else "no cents named in the header")
                + ")",
            )
        )
    if scales:
        prop.options["scales"] = scales
    n = normalize(h)
    if prop.table == "subscriptions" and "quantity" in prop.columns and any(contains(n, w) for w in _TOTAL):
        prop.options["amount_is_total"] = True
        prop.decisions.append(
            Decision(
                "amount per unit",
                h,
                "note",
                0.9,
                f"'{h}' already includes the quantity: divided by "
                f"'{prop.columns['quantity']}', not multiplied again",
            )
        )


def _intervals(prop: Proposal, by_header: dict[str, Profile]) -> None:
    h = prop.columns.get("interval")
    if h:
        prop.values["interval"] = _value_table(by_header[h], "intervals", keep_unknown=True)
        return
    prop.asks.append(
        Ask(
            "interval",
            "How often are these subscriptions billed?",
            ["month", "year", "quarter", "week"],
            "month",
        )
    )


def _value_table(p: Profile, group: str, keep_unknown: bool) -> dict[str, str]:
    words = value_words(group)
    out: dict[str, str] = {}
    for v in p.distinct_values:
        hit = words.get(normalize(v))
        if hit:
            out[v] = hit
        elif not keep_unknown:
            out[v] = "open"  # a stage that is neither won nor lost: the renewal is still open
    return out
