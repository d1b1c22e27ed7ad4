"""A proposed reading of a file, in the user's words: the table, each decision with its confidence and
evidence, the questions left for the user (each with a suggested answer), and ``spec(answers)``, the
mapping the importer applies (the same spec a mapping file holds)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NONE = "(not in this file)"
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
