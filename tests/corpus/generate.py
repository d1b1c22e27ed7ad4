"""A corpus of export variants written from a few generating records: support desks, survey tools, billing
and CRM exports in nine UI languages, as CSV (UTF-8, GBK, European Excel re-saves), XLSX, report-style XLSX
with a title block, and gzip. Each variant carries the figures its records imply (computed here from the
records, not by cxkpi), so tests/test_corpus.py can load it and compare.

Headers are written the way the tools write them; none is taken from cxkpi's vocabulary.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openpyxl

D = dt.datetime

# --- the generating records ---------------------------------------------------------------------------

TICKETS = [  # id, created, solved, first reply (min, None = never answered), handle (min), replies, reopens, channel
    dict(id=5001, created=D(2025, 3, 3, 9, 12), solved=D(2025, 3, 3, 15, 40), frt=42, handle=35, replies=2, reopens=0,
         channel="email", email="ana@alpha.example", company="Alpha Srl"),
    dict(id=5002, created=D(2025, 3, 5, 10, 30), solved=D(2025, 3, 6, 11, 0), frt=75, handle=12, replies=3, reopens=1,
         channel="chat", email="ben@beta.example", company="Beta GmbH"),
    dict(id=5003, created=D(2025, 3, 13, 14, 5), solved=None, frt=None, handle=0, replies=0, reopens=0,
         channel="phone", email="cai@gamma.example", company="Gamma Ltd"),
    dict(id=5004, created=D(2025, 3, 14, 8, 45), solved=D(2025, 3, 14, 9, 30), frt=15, handle=20, replies=1, reopens=0,
         channel="email", email="dora@delta.example", company="Delta SA"),
    dict(id=5005, created=D(2025, 3, 18, 16, 20), solved=D(2025, 3, 20, 10, 0), frt=130, handle=45, replies=4,
         reopens=2, channel="web", email="eli@epsilon.example", company="Epsilon Inc"),
    dict(id=5006, created=D(2025, 3, 20, 11, 0), solved=D(2025, 3, 20, 11, 25), frt=8, handle=5, replies=1, reopens=0,
         channel="chat", email="fay@zeta.example", company="Zeta BV"),
    dict(id=5007, created=D(2025, 3, 25, 13, 10), solved=D(2025, 3, 26, 9, 0), frt=60, handle=30, replies=2, reopens=0,
         channel="email", email="gus@eta.example", company="Eta Oy"),
    dict(id=5008, created=D(2025, 3, 27, 17, 55), solved=None, frt=None, handle=10, replies=0, reopens=0,
         channel="phone", email="hal@theta.example", company="Theta AB"),
]
ANSWERS = [  # one respondent each: csat 1–5, nps 0–10
    dict(id=i + 1, at=D(2025, 3, 2 + 2 * i, 9 + i, 15, 30), email=f"r{i + 1}@cust.example", csat=c, esat=c, nps=n,
         comment=["", "Quick", "", "Slow", "Too slow", "", "Great", "Rude", "", "Fine"][i])
    for i, (c, n) in enumerate(zip([5, 4, 5, 3, 2, 4, 5, 1, 4, 5], [10, 9, 8, 7, 10, 6, 9, 3, 10, 9], strict=True))
]
SUBSCRIPTIONS = [  # id, customer, plan, unit price (major units), quantity, interval, started, ended
    dict(id="S1", customer="Alpha Srl", email="ana@alpha.example", plan="Pro", price=49.00, qty=3, interval="month",
         started=D(2025, 1, 10), ended=None),
    dict(id="S2", customer="Beta GmbH", email="ben@beta.example", plan="Team", price=29.50, qty=1, interval="month",
         started=D(2025, 1, 15), ended=None),
    dict(id="S3", customer="Gamma Ltd", email="cai@gamma.example", plan="Enterprise", price=1200.00, qty=1,
         interval="year", started=D(2024, 11, 1), ended=None),
    dict(id="S4", customer="Delta SA", email="dora@delta.example", plan="Pro", price=49.00, qty=2, interval="month",
         started=D(2024, 12, 20), ended=D(2025, 3, 1)),
    dict(id="S5", customer="Epsilon Inc", email="eli@epsilon.example", plan="Starter", price=9.99, qty=5,
         interval="month", started=D(2025, 2, 14), ended=None),
]
PAYMENTS = [
    dict(id=f"P{i + 1}", customer=c, email=e, amount=a, at=D(2025, 3, 1 + 3 * i, 10, 0))
    for i, (c, e, a) in enumerate([("Alpha Srl", "ana@alpha.example", 147.00), ("Beta GmbH", "ben@beta.example", 29.50),
                                   ("Gamma Ltd", "cai@gamma.example", 1200.00), ("Delta SA", "dora@delta.example", 98.00),
                                   ("Epsilon Inc", "eli@epsilon.example", 49.95),
                                   ("Alpha Srl", "ana@alpha.example", 147.00)])
]
DEALS = [  # id, account, close date, outcome, amount
    dict(id="D1", account="Alpha Srl", close=D(2025, 3, 31), outcome="renewed", amount=1764.0),
    dict(id="D2", account="Beta GmbH", close=D(2025, 4, 15), outcome="churned", amount=354.0),
    dict(id="D3", account="Gamma Ltd", close=D(2025, 5, 1), outcome="open", amount=1200.0),
    dict(id="D4", account="Delta SA", close=D(2025, 3, 20), outcome="churned", amount=1176.0),
    dict(id="D5", account="Epsilon Inc", close=D(2025, 6, 30), outcome="renewed", amount=599.4),
    dict(id="D6", account="Zeta BV", close=D(2025, 4, 30), outcome="open", amount=900.0),
]

# --- words of each UI language ------------------------------------------------------------------------

CHANNEL = {
    "en": {"email": "Email", "chat": "Chat", "phone": "Phone", "web": "Web"},
    "it": {"email": "Email", "chat": "Chat", "phone": "Telefono", "web": "Modulo web"},
    "fr": {"email": "E-mail", "chat": "Chat", "phone": "Téléphone", "web": "Formulaire web"},
    "de": {"email": "E-Mail", "chat": "Chat", "phone": "Telefon", "web": "Webformular"},
    "es": {"email": "Correo", "chat": "Chat", "phone": "Teléfono", "web": "Formulario web"},
    "pt": {"email": "E-mail", "chat": "Chat", "phone": "Telefone", "web": "Formulário"},
    "zh": {"email": "邮件", "chat": "在线客服", "phone": "电话", "web": "网页"},
    "zhtw": {"email": "電子郵件", "chat": "線上客服", "phone": "電話", "web": "網頁"},
    "ja": {"email": "メール", "chat": "チャット", "phone": "電話", "web": "フォーム"},
}
CSAT_LABELS = {  # 5 … 1
    "en": ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"],
    "it": ["Molto soddisfatto", "Soddisfatto", "Neutrale", "Insoddisfatto", "Molto insoddisfatto"],
    "fr": ["Très satisfait", "Satisfait", "Neutre", "Insatisfait", "Très insatisfait"],
    "de": ["Sehr zufrieden", "Zufrieden", "Neutral", "Unzufrieden", "Sehr unzufrieden"],
    "es": ["Muy satisfecho", "Satisfecho", "Neutral", "Insatisfecho", "Muy insatisfecho"],
    "pt": ["Muito satisfeito", "Satisfeito", "Neutro", "Insatisfeito", "Muito insatisfeito"],
    "zh": ["非常满意", "满意", "一般", "不满意", "非常不满意"],
    "zhtw": ["非常滿意", "滿意", "普通", "不滿意", "非常不滿意"],
    "ja": ["非常に満足", "満足", "どちらでもない", "不満", "非常に不満"],
}
INTERVAL = {
    "en": {"month": "monthly", "year": "yearly"}, "it": {"month": "Mensile", "year": "Annuale"},
    "fr": {"month": "Mensuel", "year": "Annuel"}, "de": {"month": "Monatlich", "year": "Jährlich"},
    "es": {"month": "Mensual", "year": "Anual"}, "pt": {"month": "Mensal", "year": "Anual"},
    "zh": {"month": "月付", "year": "年付"}, "ja": {"month": "月額", "year": "年額"},
}
OUTCOME = {
    "en": {"renewed": "won", "churned": "lost", "open": "open"},
    "en_sf": {"renewed": "Closed Won", "churned": "Closed Lost", "open": "Negotiation"},
    "it": {"renewed": "Chiuso vinto", "churned": "Chiuso perso", "open": "Negoziazione"},
    "de": {"renewed": "Gewonnen", "churned": "Verloren", "open": "Verhandlung"},
    "fr": {"renewed": "Gagné", "churned": "Perdu", "open": "Proposition"},
    "zh": {"renewed": "赢单", "churned": "输单", "open": "谈判中"},
}

# --- cell writers ---------------------------------------------------------------------------------------


def _date(fmt: str) -> Callable[[Any], str]:
    def one(v: Any) -> str:
        if v is None:
            return ""
        if fmt == "zh":
            return f"{v.year}/{v.month}/{v.day} {v:%H:%M:%S}"
        return v.strftime(fmt)

    return one


ISO = _date("%Y-%m-%d %H:%M:%S")
ISO_DAY = _date("%Y-%m-%d")
EU = _date("%d/%m/%Y %H:%M")
EU_DAY = _date("%d/%m/%Y")
DE = _date("%d.%m.%Y %H:%M")
DE_DAY = _date("%d.%m.%Y")
ZH = _date("zh")
JA = _date("%Y/%m/%d %H:%M")
US = _date("%m/%d/%Y %I:%M %p")


def _dur(form: str) -> Callable[[Any], str]:
    def one(m: Any) -> str:
        if m is None:
            return ""
        h, mm = divmod(int(m), 60)
        return {"hhmm": f"{h:02d}:{mm:02d}", "hhmmss": f"{h}:{mm:02d}:00", "min": str(m), "sec": str(m * 60),
                "hours": f"{m / 60:.4f}", "iso": f"PT{h}H{mm}M" if h else f"PT{mm}M",
                "words": f"{h}h {mm}m" if h else f"{mm}m", "zh": f"{m}分钟", "ja": f"{m}分"}[form]

    return one


def money(v: float, decimal: str = ".") -> str:
    return f"{v:.2f}".replace(".", decimal)


# --- shapes ---------------------------------------------------------------------------------------------


@dataclass
class Shape:
    tool: str
    kind: str  # desk / survey / billing / payments / crm
    lang: str
    columns: list[tuple[str, Callable[[dict], Any]]]
    records: list[dict]
    expect: dict[str, Any]
    registered: bool = False
    encoding: str = "utf-8"
    delimiter: str = ","
    forms: tuple[str, ...] = ("csv", "xlsx")


@dataclass
class Variant:
    name: str
    tool: str
    kind: str
    lang: str
    file_name: str
    data: bytes
    expect: dict[str, Any]
    registered: bool
    notes: list[str] = field(default_factory=list)


def _desk(tool: str, lang: str, cols: list[tuple[str, Callable[[dict], Any]]], **kw: Any) -> Shape:
    fields = {getattr(f, "field", None) for _, f in cols}
    expect: dict[str, Any] = {"tickets": len(TICKETS)}
    if "solved" in fields:
        expect["solved"] = sum(1 for t in TICKETS if t["solved"])
    if "frt" in fields:
        answered = [t["frt"] for t in TICKETS if t["frt"] is not None]
        expect["frt"] = (len(answered), float(sum(answered)))
    if "handle" in fields:
        expect["handle"] = float(sum(t["handle"] for t in TICKETS))
    if "channel" in fields:
        expect["channels"] = sorted({t["channel"] for t in TICKETS})
    if "reopens" in fields:
        expect["reopens"] = sum(t["reopens"] for t in TICKETS)
    return Shape(tool, "desk", lang, cols, TICKETS, expect, **kw)


def _survey(tool: str, lang: str, cols: list[tuple[str, Callable[[dict], Any]]], **kw: Any) -> Shape:
    fields = {getattr(f, "field", None) for _, f in cols}
    expect: dict[str, Any] = {}
    if "csat" in fields:
        expect["csat"] = (len(ANSWERS), float(sum(a["csat"] for a in ANSWERS)), (1.0, 5.0))
    if "nps" in fields:
        expect["nps"] = (len(ANSWERS), float(sum(a["nps"] for a in ANSWERS)), (0.0, 10.0))
    if "esat" in fields:
        expect["esat"] = (len(ANSWERS), float(sum(a["csat"] for a in ANSWERS)), (1.0, 5.0))
    expect.update(kw.pop("expect", {}))
    return Shape(tool, "survey", lang, cols, ANSWERS, expect, **kw)


def _billing(tool: str, lang: str, cols: list[tuple[str, Callable[[dict], Any]]], **kw: Any) -> Shape:
    expect = {"subscriptions": len(SUBSCRIPTIONS),
              "recurring": round(sum(s["price"] * s["qty"] for s in SUBSCRIPTIONS), 2),
              "intervals": sorted(s["interval"] for s in SUBSCRIPTIONS)}
    return Shape(tool, "billing", lang, cols, SUBSCRIPTIONS, expect, **kw)


def _payments(tool: str, lang: str, cols: list[tuple[str, Callable[[dict], Any]]], **kw: Any) -> Shape:
    expect = {"payments": len(PAYMENTS), "paid": round(sum(p["amount"] for p in PAYMENTS), 2)}
    return Shape(tool, "payments", lang, cols, PAYMENTS, expect, **kw)


def _crm(tool: str, lang: str, cols: list[tuple[str, Callable[[dict], Any]]], **kw: Any) -> Shape:
    expect = {"renewals": {o: sum(1 for d in DEALS if d["outcome"] == o) for o in ("renewed", "churned", "open")}}
    return Shape(tool, "crm", lang, cols, DEALS, expect, **kw)


def f(name: str, write: Callable[[Any], Any] = str) -> Callable[[dict], Any]:
    """A cell from record field `name`, written by `write`; the field name is kept for the expectations."""

    def cell(r: dict) -> Any:
        return write(r[name])

    cell.field = name  # type: ignore[attr-defined]
    return cell


def const(v: Any) -> Callable[[dict], Any]:
    return lambda r: v


def ch(lang: str) -> Callable[[Any], str]:
    return lambda v: CHANNEL[lang][v]


def lab(lang: str) -> Callable[[Any], str]:
    return lambda v: CSAT_LABELS[lang][5 - int(v)]


def status(lang: str) -> Callable[[dict], str]:
    words = {"en": ("Solved", "Open"), "it": ("Chiuso", "Aperto"), "fr": ("Résolu", "Ouvert"),
             "de": ("Gelöst", "Offen"), "es": ("Resuelto", "Abierto"), "pt": ("Resolvido", "Aberto"),
             "zh": ("已解决", "处理中"), "zhtw": ("已解決", "處理中"), "ja": ("解決済み", "対応中")}[lang]
    return lambda r: words[0] if r["solved"] else words[1]


def shapes() -> list[Shape]:
    S = []
    # --- support desks no registered source matches ---
    S.append(_desk("Zoho Desk", "en", [
        ("Ticket Id", f("id")), ("Subject", const("Help")), ("Status", status("en")), ("Channel", f("channel", ch("en"))),
        ("Created Time", f("created", ISO)), ("Ticket Closed Time", f("solved", ISO)),
        ("First Response Time (in mins)", f("frt", _dur("min"))), ("Email", f("email")),
        ("Account Name", f("company")), ("Resolution Time in Business Hours", const("3"))]))
    S.append(_desk("Help Scout", "en", [
        ("Conversation ID", f("id")), ("Customer Email", f("email")), ("Mailbox", const("Support")),
        ("Status", status("en")), ("Created At", f("created", ISO)), ("Closed At", f("solved", ISO)),
        ("First Response Time", f("frt", _dur("words"))), ("Replies Sent", f("replies"))]))
    S.append(_desk("Kayako", "en", [
        ("ID", f("id")), ("Subject", const("Question")), ("Status", status("en")), ("Channel", f("channel", ch("en"))),
        ("Created", f("created", US)), ("Completed", f("solved", US)),
        ("Time to first reply (seconds)", f("frt", _dur("sec"))), ("Requester email", f("email")),
        ("Organization", f("company"))]))
    S.append(_desk("Jira Service Management", "en", [
        ("Issue key", f("id", lambda v: f"SD-{v}")), ("Summary", const("Access")), ("Status", status("en")),
        ("Created", f("created", ISO)), ("Resolved", f("solved", ISO)),
        ("Time to first response", f("frt", _dur("iso"))), ("Reporter Email", f("email"))]))
    S.append(_desk("ServiceNow", "en", [
        ("Number", f("id", lambda v: f"INC00{v}")), ("Short description", const("Issue")), ("State", status("en")),
        ("Contact type", f("channel", ch("en"))), ("Opened", f("created", ISO)), ("Resolved", f("solved", ISO)),
        ("Company", f("company")), ("Reopen count", f("reopens"))]))
    S.append(_desk("Gorgias", "fr", [
        ("ID du ticket", f("id")), ("Sujet", const("Commande")), ("Statut", status("fr")),
        ("Canal", f("channel", ch("fr"))), ("Créé le", f("created", EU)), ("Fermé le", f("solved", EU)),
        ("Délai de première réponse (minutes)", f("frt", _dur("min"))), ("Temps passé (minutes)", f("handle", str)),
        ("Adresse e-mail", f("email")), ("Entreprise", f("company"))], delimiter=";"))
    S.append(_desk("Front", "de", [
        ("Ticket-ID", f("id")), ("Betreff", const("Frage")), ("Status", status("de")), ("Kanal", f("channel", ch("de"))),
        ("Erstellt am", f("created", DE)), ("Gelöst am", f("solved", DE)),
        ("Zeit bis zur ersten Antwort (Sek.)", f("frt", _dur("sec"))), ("Bearbeitungszeit (Min.)", f("handle", str)),
        ("E-Mail-Adresse", f("email")), ("Unternehmen", f("company"))], delimiter=";"))
    S.append(_desk("LiveAgent", "es", [
        ("Número de ticket", f("id")), ("Asunto", const("Pedido")), ("Estado", status("es")),
        ("Canal", f("channel", ch("es"))), ("Fecha de creación", f("created", EU)),
        ("Fecha de resolución", f("solved", EU)), ("Tiempo de primera respuesta", f("frt", _dur("hhmmss"))),
        ("Tiempo de gestión (minutos)", f("handle", str)), ("Correo electrónico", f("email")),
        ("Empresa", f("company")), ("Respuestas", f("replies"))]))
    S.append(_desk("Groove", "pt", [
        ("Número do ticket", f("id")), ("Assunto", const("Dúvida")), ("Situação", status("pt")),
        ("Canal", f("channel", ch("pt"))), ("Data de criação", f("created", EU)),
        ("Data de resolução", f("solved", EU)), ("Tempo de primeira resposta (min)", f("frt", _dur("min"))),
        ("E-mail", f("email")), ("Empresa", f("company")), ("Reaberturas", f("reopens"))]))
    S.append(_desk("Deskero", "it", [
        ("Numero ticket", f("id")), ("Oggetto", const("Richiesta")), ("Stato", status("it")),
        ("Canale", f("channel", ch("it"))), ("Data apertura", f("created", EU)), ("Data chiusura", f("solved", EU)),
        ("Tempo di prima risposta", f("frt", _dur("hhmm"))), ("Tempo di gestione (minuti)", f("handle", str)),
        ("Email", f("email")), ("Azienda", f("company")), ("Riaperture", f("reopens"))], delimiter=";"))
    S.append(_desk("Udesk", "zh", [
        ("工单编号", f("id")), ("主题", const("咨询")), ("状态", status("zh")), ("渠道", f("channel", ch("zh"))),
        ("创建时间", f("created", ZH)), ("解决时间", f("solved", ZH)), ("首次响应时长", f("frt", _dur("zh"))),
        ("处理时长(分钟)", f("handle", str)), ("客户邮箱", f("email")), ("公司名称", f("company")),
        ("重开次数", f("reopens"))], encoding="gbk"))
    S.append(_desk("KF5", "zhtw", [
        ("工單編號", f("id")), ("標題", const("詢問")), ("狀態", status("zhtw")), ("來源", f("channel", ch("zhtw"))),
        ("建立時間", f("created", ISO)), ("解決時間", f("solved", ISO)), ("首次回覆時間", f("frt", _dur("hhmmss"))),
        ("電子郵件", f("email")), ("公司名稱", f("company"))], encoding="utf-8-sig"))
    S.append(_desk("Re:lation", "ja", [
        ("チケットID", f("id")), ("件名", const("問い合わせ")), ("ステータス", status("ja")),
        ("チャネル", f("channel", ch("ja"))), ("作成日時", f("created", JA)), ("解決日時", f("solved", JA)),
        ("初回応答時間", f("frt", _dur("ja"))), ("メールアドレス", f("email")), ("会社名", f("company"))],
        encoding="utf-8-sig"))
    # --- registered desks: known tools, also with reordered and extra columns ---
    S.append(_desk("Zendesk", "en", [
        ("Id", f("id")), ("Subject", const("Help")), ("Status", f("solved", lambda v: "Solved" if v else "Open")),
        ("Via", f("channel", lambda v: {"email": "Mail", "chat": "Chat", "phone": "Phone call (incoming)",
                                        "web": "Web form"}[v])),
        ("Created at", f("created", ISO)), ("Solved at", f("solved", ISO)), ("Requester email", f("email")),
        ("Organization", f("company")), ("Reopens", f("reopens")), ("Replies", f("replies")),
        ("First reply time in minutes", f("frt", lambda v: "" if v is None else str(v))),
        ("Total time spent (min)", f("handle", str)), ("Our own column", const("x"))], registered=True))
    S.append(_desk("Freshdesk", "en", [
        ("Ticket ID", f("id")), ("Subject", const("Help")), ("Status", status("en")), ("Source", f("channel", ch("en"))),
        ("Created time", f("created", ISO)), ("Resolved time", f("solved", ISO)),
        # An unanswered ticket shows 0:00:00, not an empty cell.
        ("First response time (in hrs)", f("frt", lambda v: "0:00:00" if v is None else _dur("hhmmss")(v))),
        ("Agent interactions", f("replies")), ("Customer interactions", const("1")), ("Email", f("email")),
        ("Company Name", f("company"))], registered=True))
    # --- surveys ---
    num = str
    S.append(_survey("Wenjuanxing", "zh", [
        ("序号", f("id")), ("提交答卷时间", f("at", ZH)), ("所用时间", const("55秒")), ("来源", const("微信")),
        ("来源详情", const("N/A")), ("来自IP", const("10.0.0.1(上海)")), ("1、您对我们的客服满意吗？", f("csat", lab("zh"))),
        ("2、您向朋友推荐我们的可能性有多大？", f("nps", num)), ("3、您有什么建议？", f("comment")),
        ("邮箱", f("email"))], encoding="gbk"))
    S.append(_survey("Tencent Survey", "zh", [
        ("编号", f("id")), ("提交时间", f("at", ISO)), ("1. 您对本次服务的满意度（1-5分）", f("csat", num)),
        ("2. 您有多大可能向朋友推荐我们？", f("nps", num))]))
    S.append(_survey("SurveyCake", "zhtw", [
        ("填寫時間", f("at", ISO)), ("電子郵件", f("email")), ("您對我們的服務滿意嗎？", f("csat", lab("zhtw"))),
        ("您向朋友推薦我們的可能性？", f("nps", num))], encoding="utf-8-sig"))
    S.append(_survey("Moduli (Italian survey)", "it", [
        ("ID risposta", f("id")), ("Data invio", f("at", EU)), ("Indirizzo email", f("email")),
        ("Quanto è soddisfatto del nostro servizio di assistenza?", f("csat", lab("it"))),
        ("Quanto è probabile che ci consigli a un amico o collega?", f("nps", num)), ("Commenti", f("comment"))],
        delimiter=";"))
    S.append(_survey("Jotform", "en", [
        ("Submission Date", f("at", ISO)), ("Submission ID", f("id", lambda v: f"58{v:04d}")), ("E-mail", f("email")),
        ("How satisfied are you with our support?", f("csat", num)),
        ("How likely are you to recommend us to a friend?", f("nps", num)), ("Any other comments?", f("comment"))]))
    S.append(_survey("SurveySparrow", "en", [
        ("Submission Id", f("id")), ("Submitted Time", f("at", ISO)), ("Email", f("email")),
        ("How satisfied were you with the support you received?", f("csat", lab("en"))),
        ("How likely are you to recommend us to a friend or colleague?", f("nps", num)), ("Feedback", f("comment"))]))
    S.append(_survey("Alchemer", "en", [
        ("Response ID", f("id")), ("Date Submitted", f("at", ISO)), ("Status", const("Complete")),
        ("Email", f("email")), ("How would you rate our customer service? (1-5)", f("csat", num)),
        ("How likely is it that you would recommend us?", f("nps", num))]))
    S.append(_survey("Zoho Survey", "es", [
        ("ID de respuesta", f("id")), ("Fecha de respuesta", f("at", EU)), ("Correo electrónico", f("email")),
        ("¿Qué tan satisfecho está con nuestro servicio?", f("csat", lab("es"))),
        ("¿Qué probabilidad hay de que nos recomiende?", f("nps", num))]))
    S.append(_survey("Survio", "de", [
        ("Antwort-ID", f("id")), ("Antwortdatum", f("at", DE)), ("E-Mail", f("email")),
        ("Wie zufrieden sind Sie mit unserem Kundendienst?", f("csat", lab("de"))),
        ("Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?", f("nps", num)), ("Kommentar", f("comment"))],
        delimiter=";"))
    S.append(_survey("LimeSurvey", "fr", [
        ("ID de réponse", f("id")), ("Date de soumission", f("at", ISO)), ("Adresse e-mail", f("email")),
        ("Êtes-vous satisfait de notre support ?", f("csat", lab("fr"))),
        ("Quelle est la probabilité que vous nous recommandiez à un ami ?", f("nps", num))]))
    S.append(_survey("QuestionPro", "pt", [
        ("ID da resposta", f("id")), ("Data da resposta", f("at", ISO)), ("E-mail", f("email")),
        ("Qual o seu nível de satisfação com o nosso atendimento?", f("csat", lab("pt"))),
        ("Qual a probabilidade de você nos recomendar?", f("nps", num))]))
    S.append(_survey("Questant", "ja", [
        ("回答ID", f("id")), ("回答日時", f("at", JA)), ("メールアドレス", f("email")),
        ("サポートにどの程度満足していますか？", f("csat", lab("ja"))),
        ("友人に勧める可能性はどのくらいありますか？", f("nps", num))], encoding="utf-8-sig"))
    S.append(_survey("Retently", "en", [
        ("Customer email", f("email")), ("Date", f("at", ISO)), ("Score", f("nps", num)), ("Feedback", f("comment"))]))
    # An employee survey: the job question is ESAT; an opinion question is asked about (suggested: not loaded);
    # "recommend working here" is employee NPS, not loaded.
    S.append(_survey("Employee pulse (Culture Amp style)", "en", [
        ("Response ID", f("id")), ("Submitted At", f("at", ISO)),
        ("How satisfied are you with your job?", f("esat", num)),
        ("How would you rate the new office design?", lambda r: str(6 - r["csat"])),
        ("How likely are you to recommend working here to a friend?", f("nps", num))],
        expect={"nps": None}))
    # --- billing ---
    S.append(_billing("Paddle", "en", [
        ("Subscription ID", f("id")), ("Customer Email", f("email")), ("Plan", f("plan")), ("Quantity", f("qty")),
        ("Unit Price", f("price", money)), ("Currency", const("USD")),
        ("Billing Interval", f("interval", lambda v: {"month": "month", "year": "year"}[v])), ("Status", const("active")),
        ("Start Date", f("started", ISO_DAY)), ("Cancellation Date", f("ended", ISO_DAY))]))
    S.append(_billing("Recurly", "en", [
        ("subscription_id", f("id")), ("account_code", f("customer")), ("plan_name", f("plan")),
        ("quantity", f("qty")), ("unit_amount_in_cents", f("price", lambda v: str(round(v * 100)))),
        ("currency", const("EUR")), ("plan_interval_unit", f("interval", lambda v: v + "s")),
        ("activated_at", f("started", ISO)), ("canceled_at", f("ended", ISO))]))
    S.append(_billing("Maxio (Chargify)", "en", [
        ("Subscription ID", f("id")), ("Customer Email", f("email")), ("Product Name", f("plan")),
        ("Quantity", f("qty")), ("Total Amount", lambda r: money(r["price"] * r["qty"])),
        ("Billing Period", f("interval", INTERVAL["en"].get)), ("Created At", f("started", ISO)),
        ("Canceled At", f("ended", ISO))]))
    S.append(_billing("Fatture in Cloud", "it", [
        ("ID abbonamento", f("id")), ("Cliente", f("customer")), ("Email", f("email")), ("Piano", f("plan")),
        ("Quantità", f("qty")), ("Prezzo unitario", f("price", lambda v: money(v, ","))), ("Valuta", const("EUR")),
        ("Periodicità", f("interval", INTERVAL["it"].get)), ("Data inizio", f("started", EU_DAY)),
        ("Data fine", f("ended", EU_DAY))], delimiter=";"))
    S.append(_billing("Axonaut", "fr", [
        ("Abonnement", f("id")), ("Client", f("customer")), ("Formule", f("plan")), ("Quantité", f("qty")),
        ("Prix unitaire", f("price", lambda v: money(v, ","))), ("Devise", const("EUR")),
        ("Fréquence de facturation", f("interval", INTERVAL["fr"].get)), ("Date de début", f("started", EU_DAY)),
        ("Date de fin", f("ended", EU_DAY))], delimiter=";"))
    # --- payments ---
    S.append(_payments("Paddle transactions", "en", [
        ("Transaction ID", f("id")), ("Customer Email", f("email")), ("Amount", f("amount", money)),
        ("Currency", const("USD")), ("Billed At", f("at", ISO))]))
    S.append(_payments("Lexoffice", "de", [
        ("Rechnungsnummer", f("id")), ("Kunde", f("customer")), ("Betrag", f("amount", lambda v: money(v, ","))),
        ("Währung", const("EUR")), ("Zahlungsdatum", f("at", DE_DAY))], delimiter=";"))
    S.append(_payments("Youzan", "zh", [
        ("交易号", f("id")), ("客户", f("customer")), ("金额", f("amount", money)), ("币种", const("CNY")),
        ("付款时间", f("at", ZH))]))
    # --- CRM ---
    S.append(_crm("Pipedrive", "en", [
        ("Deal - ID", f("id")), ("Deal - Title", const("Renewal")), ("Deal - Value", f("amount", money)),
        ("Deal - Currency", const("USD")), ("Deal - Status", f("outcome", OUTCOME["en"].get)),
        ("Deal - Expected close date", f("close", ISO_DAY)), ("Organization - Name", f("account"))]))
    S.append(_crm("Zoho CRM", "en", [
        ("Record Id", f("id", lambda v: f"zcrm_{v}")), ("Deal Name", const("Renewal 2025")),
        ("Account Name", f("account")), ("Stage", f("outcome", OUTCOME["en_sf"].get)),
        ("Closing Date", f("close", ISO_DAY)), ("Amount", f("amount", money))]))
    S.append(_crm("Vtiger (Italian)", "it", [
        ("ID opportunità", f("id")), ("Cliente", f("account")), ("Fase", f("outcome", OUTCOME["it"].get)),
        ("Data di chiusura prevista", f("close", EU_DAY)), ("Importo", f("amount", lambda v: money(v, ",")))],
        delimiter=";"))
    S.append(_crm("Pipeliner (German)", "de", [
        ("Verkaufschance", f("id")), ("Kunde", f("account")), ("Phase", f("outcome", OUTCOME["de"].get)),
        ("Abschlussdatum", f("close", DE_DAY)), ("Betrag", f("amount", lambda v: money(v, ",")))], delimiter=";"))
    S.append(_crm("Salesforce", "en", [
        ("Opportunity Owner", const("Dana")), ("Account Name", f("account")), ("Opportunity Name", f("id")),
        ("Type", const("Renewal")), ("Stage", f("outcome", OUTCOME["en_sf"].get)), ("Amount Currency", const("USD")),
        ("Amount", f("amount", money)), ("Close Date", f("close", lambda v: f"{v.month}/{v.day}/{v.year}")),
        ("Created Date", const("1/2/2025"))], registered=True))
    return S


# --- files ------------------------------------------------------------------------------------------------


def _rows(shape: Shape) -> list[list[str]]:
    head = [h for h, _ in shape.columns]
    body = [[("" if (v := w(r)) is None else str(v)) for _, w in shape.columns] for r in shape.records]
    return [head, *body]


def to_csv(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def to_xlsx(rows: list[list[str]], title: list[str] | None = None, lead_col: bool = False) -> bytes:
    """An Excel re-save (numbers as numbers); with `title`, a report: title lines and a blank row on top."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in title or []:
        ws.append([None, line] if lead_col else [line])
    if title:
        ws.append([])
    for n, r in enumerate(rows):
        cells = [_typed(v) if n else v for v in r]
        ws.append([None, *cells] if lead_col else cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _typed(v: str) -> Any:
    if re.fullmatch(r"[1-9]\d{0,7}", v) or v == "0":
        return int(v)
    if re.fullmatch(r"\d+\.\d+", v):
        return float(v)
    return v


def variants() -> list[Variant]:
    out: list[Variant] = []
    for s in shapes():
        rows = _rows(s)
        slug = "".join(c if c.isalnum() else "_" for c in s.tool.lower()).strip("_")
        base = dict(tool=s.tool, kind=s.kind, lang=s.lang, expect=s.expect, registered=s.registered)
        out.append(Variant(f"{slug}-csv", file_name=f"{slug}.csv",
                           data=to_csv(rows, s.delimiter, s.encoding), **base))
        if s.kind in ("desk", "survey", "billing", "crm") and s.encoding != "gbk":
            # Excel re-save: numbers typed as numbers, dates as text the way the tool wrote them.
            out.append(Variant(f"{slug}-xlsx", file_name=f"{slug}.xlsx", data=to_xlsx(rows), **base))
        if s.kind in ("desk", "billing", "payments") and not s.registered:
            title = [f"{s.tool} — report", "Period: 01/03/2025 - 31/03/2025"]
            out.append(Variant(f"{slug}-report", file_name=f"{slug}_report.xlsx",
                               data=to_xlsx(rows, title=title, lead_col=True), **base,
                               notes=["report-style XLSX: title block, table starting in column B"]))
        if s.kind in ("survey", "payments", "crm") and s.encoding == "utf-8":
            out.append(Variant(f"{slug}-gz", file_name=f"{slug}.csv.gz",
                               data=gzip.compress(to_csv(rows, s.delimiter, s.encoding)), **base))
    return out
