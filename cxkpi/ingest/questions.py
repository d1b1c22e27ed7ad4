"""Survey questions by meaning: which columns of a file are score questions, what each measures (its kind:
csat / ces / nps / esat, or employee NPS not loaded) and on what scale, with the evidence in words. The
words are data (cxkpi/vocabulary/scores.toml); the recognizer (cxkpi.ingest.recognize) calls this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cxkpi.ingest.profile import Profile
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.vocabulary import contains, normalize, words_in

_SCALE_IN_TEXT = re.compile(r"\b(0|1)\s*(?:-|–|to|a|~|—|al|à|bis|até)\s*(3|5|7|10)\b")
_SCORE_WORDS = (
    "score",
    "punteggio",
    "voto",
    "评分",
    "分数",
    "評分",
    "分數",
    "note",
    "puntuación",
    "pontuação",
    "nota",
    "bewertung",
    "punkte",
    "点数",
    "スコア",
)


@dataclass
class SurveyQuestion:
    header: str
    kind: str | None  # csat / ces / nps / esat / enps / None (to ask)
    suggested: str
    scale: tuple[float, float] | None
    sure: bool
    evidence: str
    scale_why: str


def question_text(raw: RawTable, p: Profile) -> str:
    texts = [p.header]
    for row in raw.extra_header_rows[:1]:
        if p.index < len(row) and row[p.index].strip() and not row[p.index].lstrip().startswith("{"):
            texts.append(row[p.index])
    return normalize(" ".join(texts))


def survey_questions(raw: RawTable, profiles: list[Profile]) -> list[SurveyQuestion]:
    texts = {p.header: question_text(raw, p) for p in profiles}
    employee_file = any(words_in(t, "employee") for t in texts.values())
    found: list[SurveyQuestion] = []
    for p in profiles:
        t = texts[p.header]
        numeric = (
            p.kind == "number"
            and p.integers
            and p.low is not None
            and p.low >= 0
            and (p.high or 0) <= 10
            and p.distinct <= 11
        )
        if p.kind != "labels" and not numeric:
            continue
        nps, ces, sat = words_in(t, "nps"), words_in(t, "ces"), words_in(t, "csat")
        emp, cust = words_in(t, "employee"), words_in(t, "customer")
        said = [w for w in _SCORE_WORDS if contains(t, w)]
        lad = p.ladder
        if not (nps or ces or sat or said or lad):
            continue  # a number column that is no question we know (duration, progress, a count)
        kind: str | None
        sure = True
        friend = words_in(t, "friend")
        if not nps and numeric and friend and (p.high or 0) > 5:
            nps = friend  # "... to a friend?" answered 0–10 is the recommend question
        if nps:
            # Only recommending the company as a place to work is employee NPS; a colleague alone is not.
            employer = words_in(t, "employer")
            kind, why = (
                ("enps", f"'{nps[0]}' about working there ('{employer[0]}')")
                if employer
                else ("nps", f"'{nps[0]}'" + (f" to '{friend[0]}'" if friend and friend != nps else ""))
            )
        elif ces:
            kind, why = "ces", f"'{ces[0]}'"
        elif sat or (lad is not None and lad.kind == "csat"):
            word = f"'{sat[0]}'" if sat else "a satisfaction label scale"
            if emp and not cust:
                kind, why = "esat", f"{word} about the respondent's own job ('{emp[0]}')"
            elif employee_file and not cust:
                kind, why, sure = (
                    None,
                    f"{word}, in an employee survey, not about the job nor the company's service",
                    False,
                )
            else:
                kind, why = "csat", word + (f" about '{cust[0]}'" if cust else "")
        elif lad is not None and lad.kind == "ces":
            kind, why = "ces", "an ease label scale"
        else:  # a bare 'Score' column, an agreement scale with no subject we know
            kind, why, sure = None, "the question does not say what it measures", False
        scale, scale_why = None, ""
        m = _SCALE_IN_TEXT.search(t)
        if p.ladder_scale:
            scale, scale_why = p.ladder_scale, f"{lad.size} answer labels" if lad else ""
        elif m:
            scale, scale_why = (float(m.group(1)), float(m.group(2))), "stated in the question"
        elif kind in ("nps", "enps"):
            scale, scale_why = (0.0, 10.0), "NPS is 0–10"
        elif p.high == 10:
            scale, scale_why = (0.0 if p.low == 0 else 1.0, 10.0), "highest answer is 10"
        elif p.high in (5.0, 7.0) and (p.low or 0) >= 1:
            scale, scale_why = (1.0, float(p.high)), f"highest answer is {p.high:g}"
        elif p.high == 1 and p.low == 0:
            scale, scale_why = (0.0, 1.0), "answers are 0 and 1"
        suggested = kind or (
            "skip"
            if employee_file or lad is not None and not lad.kind
            else "nps"
            if (p.high or 0) > 7
            else "csat"
        )
        if kind is None and suggested == "nps" and not p.ladder_scale and not m:
            scale, scale_why = (0.0, 10.0), "NPS is 0–10"
        ev = f"question text says {why}; {p.describe()}"
        found.append(SurveyQuestion(p.header, kind, suggested, scale, sure, ev, scale_why))
    return found
