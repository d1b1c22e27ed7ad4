"""A proposed column mapping for a file no source recognizes: headers fuzzy-matched to canonical columns
(English, Chinese and Italian synonyms), the table whose required columns and words fit best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cxkpi.ingest.frame import REQUIRED, canonical_columns
from cxkpi.ingest.read import RawTable
from cxkpi.sources.base import norm
from cxkpi.store.schema import CANONICAL

SYNONYMS: dict[str, list[str]] = {
    "account_id": [
        "account id",
        "customer id",
        "client id",
        "company id",
        "external id",
        "external reference",
        "客户编号",
        "客户id",
        "id cliente",
        "codice cliente",
    ],
    "company": [
        "company",
        "company name",
        "organization",
        "organisation",
        "account name",
        "customer",
        "client",
        "客户",
        "公司",
        "公司名称",
        "客户名称",
        "azienda",
        "cliente",
        "società",
        "ragione sociale",
    ],
    "email": [
        "email",
        "e-mail",
        "email address",
        "mail",
        "requester email",
        "customer email",
        "邮箱",
        "电子邮件",
        "邮件",
        "posta elettronica",
        "indirizzo email",
    ],
    "name": ["name", "company name", "account name", "名称", "公司名称", "nome", "ragione sociale"],
    "submitted_at": [
        "submitted at",
        "submit date",
        "timestamp",
        "date",
        "response date",
        "completed at",
        "提交答卷时间",
        "提交时间",
        "日期",
        "时间",
        "data",
        "data risposta",
        "data invio",
    ],
    "score": [
        "score",
        "rating",
        "satisfaction",
        "csat",
        "nps",
        "满意度",
        "满意",
        "评分",
        "分数",
        "打分",
        "punteggio",
        "voto",
        "valutazione",
        "soddisfazione",
    ],
    "comment": [
        "comment",
        "comments",
        "feedback",
        "remark",
        "reason",
        "意见",
        "建议",
        "评论",
        "commento",
        "note",
    ],
    "response_id": ["response id", "respondent id", "id", "#", "序号", "编号", "id risposta"],
    "ticket_id": [
        "ticket id",
        "ticket",
        "case number",
        "case id",
        "conversation id",
        "id",
        "工单",
        "工单号",
        "工单编号",
        "numero ticket",
        "ticket n",
        "id ticket",
    ],
    "channel": ["channel", "via", "source", "medium", "渠道", "来源", "canale"],
    "created_at": [
        "created at",
        "created",
        "created date",
        "date opened",
        "opened",
        "创建时间",
        "data creazione",
        "data apertura",
        "data",
    ],
    "solved_at": [
        "solved at",
        "resolved at",
        "closed at",
        "resolved time",
        "closed date",
        "date closed",
        "解决时间",
        "关闭时间",
        "data chiusura",
        "data risoluzione",
    ],
    "first_reply_at": ["first reply at", "first response at", "首次响应时间", "data prima risposta"],
    "status": ["status", "state", "stage", "状态", "stato"],
    "amount": ["amount", "price", "total", "value", "mrr", "金额", "importo", "valore", "prezzo"],
    "currency": ["currency", "货币", "币种", "valuta"],
    "date": ["date", "day", "period", "month", "日期", "data", "periodo", "mese"],
    "category": ["category", "type", "类别", "categoria", "tipo"],
    "due_date": [
        "due date",
        "renewal date",
        "close date",
        "end date",
        "到期日",
        "续约日期",
        "data rinnovo",
        "scadenza",
    ],
    "outcome": ["outcome", "result", "stage", "结果", "esito"],
    "started_at": ["start date", "started at", "start", "开始时间", "data inizio"],
    "ended_at": ["end date", "ended at", "canceled at", "cancelled at", "结束时间", "data fine"],
    "plan": ["plan", "product", "套餐", "piano"],
    "interval": ["interval", "billing period", "计费周期", "periodicità"],
    "paid_at": ["paid at", "payment date", "date", "支付时间", "data pagamento"],
    "payment_id": ["payment id", "invoice id", "invoice number", "id", "fattura", "numero fattura"],
    "subscription_id": ["subscription id", "id", "订阅编号", "abbonamento"],
    "renewal_id": ["renewal id", "opportunity id", "deal id", "id"],
    "cost_id": ["cost id", "id"],
    "agent": ["agent", "assignee", "owner", "客服", "负责人", "operatore", "agente"],
    "subject": ["subject", "title", "主题", "标题", "oggetto"],
    "respondent": ["respondent", "name", "full name", "姓名", "nome"],
    "reopens": ["reopens", "reopened", "重开次数", "riaperture"],
    "agent_replies": ["agent replies", "replies", "agent interactions", "回复次数", "risposte"],
    "segment": ["segment", "tier", "细分", "segmento"],
    "region": ["region", "country", "地区", "区域", "regione", "paese"],
    "owner": ["owner", "csm", "account owner", "负责人", "responsabile"],
    "created_at_accounts": [],
}

TABLE_WORDS: dict[str, list[str]] = {
    "tickets": ["ticket", "case", "conversation", "工单", "solved", "reply", "reopen", "agent", "priority"],
    "responses": [
        "score",
        "rating",
        "satisf",
        "recommend",
        "满意",
        "survey",
        "response",
        "punteggio",
        "questionario",
        "问卷",
        "答卷",
    ],
    "subscriptions": ["subscription", "plan", "interval", "mrr", "abbonamento"],
    "payments": ["invoice", "payment", "paid", "fattura", "pagamento"],
    "renewals": ["renewal", "opportunity", "rinnovo", "续约"],
    "accounts": ["company", "domain", "segment", "industry", "azienda"],
    "costs": ["cost", "expense", "spend", "costo", "spesa", "费用"],
}


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
    """Fuzzy-match headers to canonical columns (English, Chinese and Italian synonyms)."""
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
