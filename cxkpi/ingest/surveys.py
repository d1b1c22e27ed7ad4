"""Survey exports: which columns are score questions, each question's kind (csat / ces / nps / esat) and
scale, and the comment that goes with it; one responses row per respondent × answered question.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cxkpi.ingest.frame import KINDS, MISSING, Frame, frame_of
from cxkpi.ingest.problems import Question
from cxkpi.ingest.scales import infer_scale, scale_answer, score_values
from cxkpi.ingest.vocabulary import normalize, words_in
from cxkpi.sources.base import Survey, norm

_CES = re.compile(r"\b(easy|easier|ease|effort|effortless|difficult|hard to)\b|容易|费力|facile|semplice")
_NPS = re.compile(r"recommend|raccomand|consiglier|推荐|\bnps\b")
_ENPS = re.compile(r"recommend (working|(us|\w+) as an? (employer|place to work))|place to work|\benps\b")
_SAT = re.compile(
    r"satisf|happy|happiness|rate (the|your|our)|rating|how (good|well)|满意|soddisf|voto|punteggio"
)
_EMPLOYEE = re.compile(
    r"\b(job|your work|at work|working (at|in|for|here)|workplace|employee|employer|colleagues"
    r"|your (team|manager|role)|career|place to work)\b|员工|工作|lavoro|dipendent"
)
_CUSTOMER = re.compile(
    r"\b(support|service|product|agent|purchase|order|ticket|experience with (us|our)|"
    r"the help|customer|resolved|answer)\b|客服|产品|服务|assistenza|prodotto|servizio"
)
_COMMENT = re.compile(
    r"why|reason|comment|what could|what one thing|one thing|feedback|suggest|remark|improve|"
    r"anything else|tell us|explain|原因|建议|意见|perché|commento|motivo|suggeriment"
)


def question_text(fr: Frame, header: str, survey: Survey) -> str:
    i = list(fr.text.columns).index(header)
    texts = [header]
    for row in fr.raw.extra_header_rows[:1] if survey.text_row else []:
        if i < len(row) and row[i].strip():
            texts.insert(0, row[i].strip())
    return " — ".join(dict.fromkeys(texts))


def kind_from_text(text: str, *, employee_tool: bool = False) -> tuple[str | None, bool]:
    """(kind, sure) from a question's text; kind None = not a score question we know."""
    t = text.casefold()
    if "nps_group" in t or t.endswith("- group") or "nps group" in t:
        return None, True
    emp = bool(_EMPLOYEE.search(t))
    cust = bool(_CUSTOMER.search(t))
    n = normalize(text)
    # The vocabulary (nine languages) as well as the English/Italian/Chinese patterns: "¿... nos recomiende a
    # un amigo?", "友人や同僚に薦める". Only recommending the company as a place to work is employee NPS.
    if _NPS.search(t) or words_in(n, "nps"):
        if _ENPS.search(t) or words_in(n, "employer") or (emp and not cust and not words_in(n, "friend")):
            return "enps", True  # employee NPS: not a cxkpi metric, not loaded
        return "nps", True
    if _CES.search(t):
        return "ces", True
    if _SAT.search(t):
        if emp and not cust:
            return "esat", True
        if cust and not emp:
            return "csat", True
        return "csat", not employee_tool and not (emp and cust)
    return None, True


def explode_survey(fr: Frame, survey: Survey) -> pd.DataFrame:
    """One responses row per respondent × answered score question."""
    used = set(fr.origin.values())
    skip = {norm(s) for s in survey.skip}
    opts_kind = fr.options.get("kind")
    opts_scale = scale_answer(
        fr.options.get("scale")
        or ((fr.options["scale_min"], fr.options["scale_max"]) if "scale_min" in fr.options else None)
    )
    found: list[tuple[str, str, tuple[float, float] | None, pd.Series]] = []  # header, kind, scale, scores
    explicit = {}
    for names, kind, scale in survey.questions:
        h = fr.col(*names)
        if h:
            explicit[h] = (kind, scale)
    candidates = [h for h in fr.text.columns if h not in used and norm(h) not in skip]
    if explicit:  # a tool whose score columns are known: nothing else is a question
        candidates = [h for h in candidates if h in explicit]
    comment_cols: list[str] = []
    for h in candidates:
        text = question_text(fr, h, survey)
        qid = f"kind:{h}"
        if h in explicit:
            kind, scale = explicit[h]
            if kind is None:  # the kind is the user's (answers/options) or the tool's default
                kind = fr.answers.get(qid) or opts_kind or survey.default_kind
                if kind != survey.default_kind:
                    scale = None
            sure = True
        else:
            kind, sure = kind_from_text(text, employee_tool=survey.employee)
            scale = None
        sv = score_values(fr, h)
        if sv is None:  # free text
            if _COMMENT.search(text.casefold()):
                comment_cols.append(h)
            continue
        if kind is None and survey.default_kind and not found and h not in explicit:
            kind, sure = survey.default_kind, True
            scale = survey.default_scale
        answered = fr.answers.get(qid) or (opts_kind if opts_kind and kind is not None else None)
        if answered:
            kind, sure = str(answered).lower(), True
        if kind is None:
            nums = sv[0][fr.keep].dropna()
            if len(nums) and sv[1] is None and nums.min() >= 0 and nums.max() <= 10 and (nums % 1 == 0).all():
                # Answers that look like scores are never dropped without a word.
                fr.problems.add(
                    "warning",
                    "looks like a score question (answers 0–10) but its text says neither "
                    "satisfaction, ease nor recommend: not loaded. Map it in a mapping file to load it.",
                    column=h,
                )
            continue  # a numeric column that is not a question we know (e.g. Duration, Progress)
        if kind in ("enps", "skip"):
            fr.problems.add(
                "warning", "employee NPS / skipped question: not a cxkpi metric, not loaded.", column=h
            )
            continue
        if not sure:
            fr.questions.append(
                Question(
                    id=qid,
                    prompt=f"Is '{text}' a customer (csat) or employee (esat) satisfaction question?",
                    choices=["csat", "esat", "ces", "nps", "skip"],
                    column=h,
                    default="csat",
                )
            )
            continue
        if kind not in KINDS:
            fr.problems.add("error", f"kind {kind!r} is not one of {', '.join(KINDS)} or skip.", column=h)
            continue
        nums, label_scale, bad = sv
        fr._bad(h, fr.cells(h), bad, "is not a score.")
        scale = scale_answer(fr.answers.get(f"scale:{h}")) or scale or label_scale or opts_scale
        if scale is None:
            scale, why = infer_scale(kind, text, nums[fr.keep])
            if scale is None:
                fr.questions.append(
                    Question(
                        id=f"scale:{h}",
                        prompt=f"What scale is '{text}' on? ({why})",
                        choices=["1-5", "1-7", "0-10", "1-10"],
                        column=h,
                    )
                )
                continue
        found.append((h, kind, scale, nums))
    if not found and not fr.questions:
        fr.problems.add(
            "error",
            "no score question found (satisfaction, ease, likely-to-recommend). Map the "
            'score column in a mapping file ([columns] score = "…", [options] kind/scale).',
        )
    base = frame_of(fr, "responses")
    keep_idx = np.flatnonzero(fr.keep)
    parts = []
    per_kind: dict[str, int] = {}
    for i, (h, kind, scale, nums) in enumerate(found):
        per_kind[kind] = per_kind.get(kind, 0) + 1
        suffix = kind if per_kind[kind] == 1 else f"{kind}{per_kind[kind]}"
        part = base.copy()
        part["score"] = nums.to_numpy()[keep_idx]
        part["kind"] = kind
        part["scale_min"], part["scale_max"] = scale
        part["survey"] = (
            fr.options.get("survey") or fr.source.survey.survey_name or question_text(fr, h, survey)[:200]
        )
        part["_column"] = h
        if "response_id" in part:
            part["response_id"] = part["response_id"].map(lambda v, sfx=suffix: f"{v}:{sfx}" if v else v)
        # A comment column belongs to the nearest score question on its left.
        cols = list(fr.text.columns)
        mine = [
            c
            for c in comment_cols
            if cols.index(c) > cols.index(h)
            and all(not (cols.index(h) < cols.index(o) < cols.index(c)) for o, *_ in found)
        ]
        if "comment" not in fr.origin and (
            mine
            or (
                i == 0
                and comment_cols
                and not any(cols.index(c) > cols.index(found[0][0]) for c in comment_cols)
            )
        ):
            cc = mine[0] if mine else comment_cols[0]
            part["comment"] = fr.cells(cc).where(lambda x: x != "", None).to_numpy()[keep_idx]
            fr.origin.setdefault(f"comment ({kind})", cc)
        fr.origin[f"score ({suffix})"] = h
        answered = part["score"].notna()
        parts.append(part[answered.to_numpy()])
    if not parts:
        return base.iloc[0:0].assign(score=pd.Series(dtype="float64"))
    out = pd.concat(parts, ignore_index=True)
    kc = fr.col(*survey.kind_column) if survey.kind_column else None
    if kc is not None and not fr.answers.get(f"kind:{found[0][0]}") and not opts_kind:
        out = kinds_per_row(fr, survey, kc, out)
    return out


def kinds_per_row(fr: Frame, survey: Survey, kc: str, out: pd.DataFrame) -> pd.DataFrame:
    """A `Survey type` column gives each row its kind and scale (Delighted exports several surveys)."""
    table = survey.kind_values or {}
    pos = {int(r): i for i, r in enumerate(fr.rownum)}
    types = fr.cells(kc)
    kinds, mins, maxs, keep = [], [], [], []
    for r in out["_row"]:
        t = types.iloc[pos[int(r)]].casefold()
        if t == "":
            kinds.append(None)
            mins.append(None)
            maxs.append(None)
            keep.append(True)
            continue
        hit = table.get(t, MISSING)
        if hit is MISSING:
            fr.problems.add(
                "error",
                f"survey type not known ({', '.join(table)}); give [options] kind in a mapping file.",
                row=int(r),
                column=kc,
                value=t,
            )
            hit = None
        keep.append(hit is not None)
        kinds.append(hit[0] if hit else None)
        mins.append(hit[1][0] if hit else None)
        maxs.append(hit[1][1] if hit else None)
    k = pd.Series(kinds, index=out.index)
    out["kind"] = k.where(k.notna(), out["kind"])
    out["scale_min"] = pd.Series(mins, index=out.index, dtype="float64").fillna(out["scale_min"])
    out["scale_max"] = pd.Series(maxs, index=out.index, dtype="float64").fillna(out["scale_max"])
    out["response_id"] = out["response_id"].str.replace(r":[a-z]+\d*$", "", regex=True) + ":" + out["kind"]
    return out[keep].reset_index(drop=True)


def plain_responses(fr: Frame, df: pd.DataFrame) -> pd.DataFrame:
    """A responses file with one answer per row (the canonical template, a user's mapping): fill kind and
    scale from options/answers, or infer the scale; ask when unsure."""
    opts = fr.options
    if "survey" not in df or df["survey"].isna().all():
        # The survey's name: the user's, else the question text of the score column.
        name = opts.get("survey") or (fr.origin.get("score") if fr.source.system != "cxkpi" else None)
        if name:
            df["survey"] = str(name)[:200]
    if "kind" not in df or df["kind"].isna().all():
        kind = fr.answers.get("kind") or opts.get("kind")
        if not kind and "score" in fr.origin:
            kind, sure = kind_from_text(fr.origin["score"])
            if not sure:
                kind = None
        if not kind:
            fr.questions.append(
                Question(
                    id="kind",
                    prompt="Which kind of survey are these scores?",
                    choices=list(KINDS),
                    column=fr.origin.get("score"),
                )
            )
            return df
        df["kind"] = str(kind).lower()
    if "scale_min" not in df or df["scale_min"].isna().all():
        scale = (
            scale_answer(fr.answers.get("scale") or opts.get("scale"))
            or ((float(opts["scale_min"]), float(opts["scale_max"])) if "scale_min" in opts else None)
            or fr.label_scale
        )
        if scale is None and "score" in df:
            kinds = df["kind"].dropna().unique()
            if len(kinds) == 1:
                scale, why = infer_scale(kinds[0], fr.origin.get("score", ""), df["score"])
            else:
                why = "several kinds in one file"
            if scale is None:
                fr.questions.append(
                    Question(
                        id="scale",
                        prompt=f"What scale are the scores on? ({why})",
                        choices=["1-5", "1-7", "0-10", "1-10"],
                        column=fr.origin.get("score"),
                    )
                )
                return df
        if scale:
            df["scale_min"], df["scale_max"] = scale
    return df
