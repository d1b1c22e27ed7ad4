"""The demo workspace: two years of a made-up SaaS company's customer-success data, loaded like any import.

Deterministic: everything comes from ``numpy.random.default_rng(seed)`` and the end month; the only
wall-clock input is the default end month (the last full month before today). The same seed and end
month give byte-identical rows on every run and on every backend.

The story a CS lead should recognise:
- accounts whose tickets are slow and get reopened answer lower CSAT/NPS and churn more (one hidden
  "friction" score per account drives all three; accounts in their last four months are rockier still);
- company-wide CSAT (share of 4–5) climbs from ~72 % across the 80 % line, then a product-incident quarter
  about nine months before the end drops it back under 80 % (slower replies, more reopens), and it recovers;
- NPS sits mostly between 20 and 45: a relationship survey every quarter, and a transactional NPS after
  solved tickets every month (so the last month always has an NPS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cxkpi.store import checkpoint, make_engine, record_load, relink
from cxkpi.store.bulk import bulk_insert
from cxkpi.store.loads import has_demo
from cxkpi.store.schema import CANONICAL, HISTORY, REMOVED, loads

DEMO_SYSTEM = "demo"
DEMO_SOURCE = "demo"
DEMO_FILE = "demo workspace"
MONTHS = 24
TARGET_TICKETS = 30_000
N_ACCOUNTS = 400
# Tables in load order (accounts first so a reader sees them first in the loads list).
DEMO_TABLES = ("accounts", "subscriptions", "renewals", "tickets", "responses", "costs")

SEGMENTS = ("SMB", "Mid-market", "Enterprise")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
PLANS = ("Starter", "Growth", "Enterprise")
PRICE_PER_SEAT = {"Starter": 19.0, "Growth": 49.0, "Enterprise": 89.0}  # USD per seat per month
OWNERS = {
    "SMB": ("Maya Chen", "Luis Ortega", "Priya Nair"),
    "Mid-market": ("Jonas Berg", "Amara Okafor"),
    "Enterprise": ("Sofia Rossi", "Daniel Kim"),
}
AGENTS = (
    "Alex Moreau",
    "Bea Lindqvist",
    "Chidi Eze",
    "Dana Novak",
    "Eli Haddad",
    "Farah Qureshi",
    "Gus Tanaka",
    "Hana Silva",
    "Ivan Petrov",
    "Julia Weber",
    "Kofi Mensah",
    "Lena Fischer",
)
LEADS = ("Marta Lopez", "Noah Brooks", "Olivia Grant")
STAFF_FIRST = (
    "Aiden",
    "Bianca",
    "Carlos",
    "Deepa",
    "Erik",
    "Fatima",
    "George",
    "Helen",
    "Isaac",
    "Jade",
    "Karim",
    "Laura",
    "Mateo",
    "Nadia",
    "Oscar",
    "Paula",
    "Rami",
    "Sara",
    "Tomas",
)
STAFF_LAST = (
    "Adams",
    "Baker",
    "Costa",
    "Dubois",
    "Evans",
    "Fox",
    "Garcia",
    "Hill",
    "Ito",
    "Jensen",
    "Khan",
    "Lee",
    "Meyer",
    "Nunez",
    "Olsen",
    "Park",
    "Quinn",
    "Reyes",
    "Stone",
    "Turner",
)
EMPLOYEE_DOMAIN = "northwind-demo.example"  # the demo company's own staff (ESAT respondents)

NAME_HEAD = (
    "Acme",
    "Blue",
    "Cedar",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Raven",
    "Summit",
    "Tidal",
    "Umber",
    "Vertex",
    "Willow",
    "Xenon",
    "Yarrow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cobalt",
    "Drift",
    "Echo",
    "Fjord",
    "Golden",
    "Helix",
    "Indigo",
    "Jasper",
)
NAME_TAIL = (
    "Analytics",
    "Logistics",
    "Health",
    "Foods",
    "Labs",
    "Retail",
    "Robotics",
    "Media",
    "Energy",
    "Finance",
    "Travel",
    "Studios",
    "Systems",
    "Legal",
)
FIRST_NAMES = ("ana", "ben", "carla", "dev", "emma", "felix", "grace", "hugo", "ines", "jake", "kira", "leo")
CHURN_REASONS = (
    "Budget cuts",
    "Switched to competitor",
    "Missing features",
    "Low adoption",
    "Company closed",
)
SUBJECTS = (
    "Cannot log in",
    "Invoice question",
    "Export fails",
    "Integration sync error",
    "How do I add users?",
    "Report shows wrong totals",
    "Feature request",
    "Slow dashboard",
    "Password reset",
    "API rate limit",
    "Billing address change",
    "SSO setup",
)
NPS_COMMENTS = {
    "promoter": (
        "Great product and the team is quick to help.",
        "Saves us hours every week.",
        "Support is excellent.",
        "Easy to roll out to the whole team.",
    ),
    "passive": (
        "Good overall, a few rough edges.",
        "Does the job; reporting could be better.",
        "Pricing is a bit high for what we use.",
        "Fine, but onboarding took a while.",
    ),
    "detractor": (
        "Tickets take days and keep coming back.",
        "Too many bugs since the last release.",
        "Support is slow to answer.",
        "We are evaluating alternatives.",
    ),
}
CSAT_COMMENTS = {
    "good": (
        "Quick and friendly, thanks!",
        "Solved on the first reply.",
        "Clear answer with a screenshot, perfect.",
        "Agent stayed until it worked.",
        "Faster than I expected.",
        "Helpful, and followed up the next day.",
    ),
    "bad": (
        "Took too long and the issue came back.",
        "Had to explain the problem three times.",
        "The fix only worked for a day.",
        "Waited two days for a first answer.",
        "Answer did not match our setup.",
        "Closed before it was actually solved.",
    ),
}
# The monthly transactional NPS asked after a solved ticket: comments about that experience.
TNPS_COMMENTS = {
    "promoter": (
        "The support team is the reason we stay.",
        "Every ticket gets sorted within a day.",
        "Reliable product, responsive people.",
        "Onboarding new colleagues is painless.",
        "Reports we trust in board meetings.",
    ),
    "passive": (
        "Good, but the mobile app lags behind.",
        "Solid tool; the admin settings are confusing.",
        "Support is fine, documentation could be better.",
        "Would like more integrations.",
        "Works well once it is set up.",
    ),
    "detractor": (
        "Same bug reported twice, still open.",
        "Invoices keep coming out wrong.",
        "Nobody answered over the weekend.",
        "Export broke our month-end close.",
        "Price went up, value did not.",
    ),
}
COST_CATEGORIES = ("CSM salaries", "Customer marketing", "Success tooling", "Onboarding services")

DAY = 86_400  # seconds


def _month_add(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + (d.month - 1) + months, 12)
    return dt.date(y, m + 1, 1)


def default_end_month(today: dt.date | None = None) -> dt.date:
    """The last full month before today (first day of it)."""
    today = today or dt.date.today()
    return _month_add(today.replace(day=1), -1)


def _epoch(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp())


def _ts(seconds: np.ndarray | list) -> pd.Series:
    """Whole seconds since the epoch -> naive UTC timestamps (NaN stays NaT)."""
    return pd.Series(pd.to_datetime(np.asarray(seconds, dtype="float64"), unit="s")).astype("datetime64[us]")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _add_years(t: int, years: int) -> int:
    d = dt.datetime.fromtimestamp(t, dt.UTC)
    try:
        return int(d.replace(year=d.year + years).timestamp())
    except ValueError:  # 29 February
        return int(d.replace(year=d.year + years, day=28).timestamp())


class _Calendar:
    """The 24 reporting months and the story's time-varying knobs."""

    def __init__(self, end_month: dt.date) -> None:
        end_month = end_month.replace(day=1)
        self.first = _month_add(end_month, -(MONTHS - 1))
        self.bounds = np.array([_epoch(_month_add(self.first, i)) for i in range(MONTHS + 1)], dtype=np.int64)
        self.start, self.end = int(self.bounds[0]), int(self.bounds[-1])  # end = 00:00 after the last day
        # The incident quarter: the calendar quarter holding the month eight months before the end.
        pivot = _month_add(end_month, -8)
        q_first = dt.date(pivot.year, 3 * ((pivot.month - 1) // 3) + 1, 1)
        first_idx = (q_first.year - self.first.year) * 12 + q_first.month - self.first.month
        self.incident = np.zeros(MONTHS, dtype=bool)
        self.incident[max(first_idx, 0) : first_idx + 3] = True
        m = np.arange(MONTHS)
        # Company-wide CSAT target (share of 4–5): 72 % rising to 86 % by month 12, 89 % at the end;
        # 70 % in the incident quarter.
        self.csat_target = np.where(m <= 12, 0.72 + 0.14 * m / 12, 0.86 + 0.03 * (m - 12) / 11)
        self.csat_target = np.where(self.incident, 0.70, self.csat_target)
        self.slow = (1.3 - 0.45 * m / (MONTHS - 1)) * np.where(self.incident, 1.9, 1.0)

    def month_of(self, t: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.bounds, t, side="right") - 1, 0, MONTHS - 1)


def _accounts(rng: np.random.Generator, cal: _Calendar) -> pd.DataFrame:
    n = N_ACCOUNTS
    seg = rng.choice(3, size=n, p=[0.55, 0.30, 0.15])
    plan_p = {0: [0.70, 0.28, 0.02], 1: [0.15, 0.70, 0.15], 2: [0.0, 0.20, 0.80]}
    plan = np.array([rng.choice(3, p=plan_p[int(s)]) for s in seg])
    region = rng.choice(4, size=n, p=[0.45, 0.30, 0.15, 0.10])
    existing = rng.random(n) < 0.55  # customers before the two years start
    created = np.where(
        existing,
        cal.start - rng.integers(30 * DAY, 1100 * DAY, size=n),
        # new customers arrive a little faster as the company grows
        cal.start + (np.sqrt(rng.random(n)) * (cal.end - cal.start - 20 * DAY)).astype(np.int64),
    )
    created = (
        created - created % DAY + rng.integers(8 * 60, 18 * 60, size=n) * 60
    )  # office hours, whole minutes
    friction = rng.normal(0.0, 1.0, size=n)  # hidden: slow, reopened tickets, lower scores, more churn
    names = rng.permutation(len(NAME_HEAD) * len(NAME_TAIL))[:n]
    seats = np.where(
        seg == 0,
        rng.integers(2, 16, size=n),
        np.where(seg == 1, rng.integers(15, 81, size=n), rng.integers(80, 401, size=n)),
    )
    interval = np.array(
        [rng.choice(3, p=[[0.80, 0.05, 0.15], [0.40, 0.05, 0.55], [0.0, 0.10, 0.90]][int(s)]) for s in seg]
    )  # 0 month, 1 quarter, 2 year
    owner = [OWNERS[SEGMENTS[int(s)]][int(rng.integers(len(OWNERS[SEGMENTS[int(s)]])))] for s in seg]
    order = np.argsort(created, kind="stable")
    rows = []
    for rank, i in enumerate(order, start=1):
        head, tail = divmod(int(names[i]), len(NAME_TAIL))
        name = f"{NAME_HEAD[head]} {NAME_TAIL[tail]}"
        domain = f"{NAME_HEAD[head].lower()}{NAME_TAIL[tail].lower()}.example"
        rows.append(
            {
                "account_id": f"DEMO-{rank:04d}",
                "name": name,
                "email": f"billing@{domain}",
                "domain": domain,
                "segment": SEGMENTS[seg[i]],
                "region": REGIONS[region[i]],
                "plan": PLANS[plan[i]],
                "owner": owner[i],
                "_created": int(created[i]),
                "_friction": float(friction[i]),
                "_seats": int(seats[i]),
                "_interval": int(interval[i]),
            }
        )
    return pd.DataFrame(rows)


def _subscriptions(rng: np.random.Generator, cal: _Calendar, acc: pd.DataFrame):
    """Subscriptions, renewals and each account's final churn (None when still a customer)."""
    subs: list[dict] = []
    renewals: list[dict] = []
    churned_at: list[int | None] = []
    gaps: dict[str, tuple[int, int]] = {}  # reactivated accounts: not a customer between these instants
    churn_reason: list[str | None] = []
    base_hazard = {"SMB": 0.022, "Mid-market": 0.012, "Enterprise": 0.006}  # monthly, at friction 0
    intervals = ("month", "quarter", "year")
    for a in (SimpleNamespace(**r) for r in acc.to_dict("records")):  # itertuples renames _columns
        created, z = a._created, a._friction
        plan_i, seats, iv = PLANS.index(a.plan), a._seats, a._interval
        seq = 0

        def add(
            start: int,
            end: int | None,
            plan_i: int,
            seats: int,
            iv: int,
            status: str,
            reason=None,
            discount=0.0,
            amount=None,
            _a=a,
        ) -> None:
            nonlocal seq
            seq += 1
            unit = PRICE_PER_SEAT[PLANS[plan_i]] * (1, 3, 12 * 0.85)[iv]
            subs.append(
                {
                    "subscription_id": f"{_a.account_id}-S{seq}",
                    "account_id": _a.account_id,
                    "email": _a.email,
                    "company": _a.name,
                    "plan": PLANS[plan_i],
                    "amount": round(unit, 2) if amount is None else amount,
                    "currency": "USD",
                    "interval": intervals[iv],
                    "interval_count": 1,
                    "quantity": float(seats),
                    "discount": discount,
                    "status": status,
                    "started_at": start,
                    "ended_at": end,
                    "cancel_reason": reason,
                }
            )

        paid_start = created
        new_in_window = created >= cal.start
        if new_in_window and rng.random() < 0.35:  # a 14-day trial first
            trial_end = created + 14 * DAY
            converts = rng.random() < 0.8
            if trial_end >= cal.end:
                add(created, None, plan_i, seats, 0, "trialing", amount=0.0)
                churned_at.append(None)
                churn_reason.append(None)
                continue
            if not converts:
                add(created, trial_end, plan_i, seats, 0, "canceled", "Trial not converted", amount=0.0)
                churned_at.append(trial_end)
                churn_reason.append("Trial not converted")
                continue
            add(created, trial_end, plan_i, seats, 0, "ended", amount=0.0)
            paid_start = trial_end
        discount = float(rng.choice([0.0, 0.05, 0.10, 0.15, 0.20], p=[0.72, 0.08, 0.10, 0.06, 0.04]))
        # When the account churns: exponential in months from max(paid start, window start).
        hazard = base_hazard[a.segment] * float(np.exp(0.9 * z))
        t0 = max(paid_start, cal.start)
        churn = t0 + int(rng.exponential(1.0 / hazard) * 30.4 * DAY)
        # A plan change (upgrade 3:1 over downgrade) for about a quarter of the accounts.
        change = None
        if rng.random() < 0.25:
            change = int(t0 + rng.random() * (cal.end - t0 - DAY))
            up = rng.random() < 0.75
        if iv == 2:  # annual contracts churn at an anniversary of the current contract
            anchor = change if change is not None and change < churn else paid_start
            k = 1
            while _add_years(anchor, k) < churn:
                k += 1
            churn = _add_years(anchor, k)
        churns = churn < cal.end
        if change is not None and (change >= churn or change <= paid_start):
            change = None
        react = None
        if churns and churn < cal.end - 150 * DAY and rng.random() < 0.2:
            react = churn + int(rng.integers(30, 121)) * DAY
        reason = None
        if churns:
            reason = (
                "Poor support experience"
                if rng.random() < _sigmoid(1.2 * z - 1.0)
                else str(rng.choice(CHURN_REASONS))
            )
        cur_end = churn if churns else None
        periods = []  # (start, end, plan, seats)
        if change is not None:
            periods.append((paid_start, change, plan_i, seats))
            if up:
                top = 1 if a.segment == "SMB" else 2  # small businesses top out at Growth
                if plan_i < top and rng.random() < 0.6:
                    plan_i, seats = plan_i + 1, seats
                else:
                    seats = int(np.ceil(seats * rng.uniform(1.2, 1.8)))
            elif plan_i > 0 and rng.random() < 0.4:
                plan_i -= 1
            else:
                seats = max(1, int(seats * rng.uniform(0.5, 0.8)))
            periods.append((change, cur_end, plan_i, seats))
        else:
            periods.append((paid_start, cur_end, plan_i, seats))
        for j, (s, e, p, q) in enumerate(periods):
            last = j == len(periods) - 1
            status = "active" if e is None else ("canceled" if last else "ended")
            add(s, e, p, q, iv, status, reason if last and e is not None else None, discount)
            if iv == 2:
                _renewals(renewals, cal, a.account_id, subs[-1], s, e)
        if react is not None:
            add(react, None, max(plan_i - 1, 0), max(1, int(seats * 0.7)), 0, "active", discount=0.0)
            churned_at.append(None)  # a customer again
            gaps[a.account_id] = (churn, react)
            churn_reason.append(None)
        else:
            churned_at.append(churn if churns else None)
            churn_reason.append(reason)
    return subs, renewals, churned_at, churn_reason, gaps


def _renewals(
    out: list[dict], cal: _Calendar, account_id: str, sub: dict, start: int, end: int | None
) -> None:
    """One renewal per contract anniversary from the window start to three months past its end."""
    value = round(sub["amount"] * sub["quantity"] * (1 - sub["discount"]), 2)
    k = 1
    while True:
        due = _add_years(start, k)
        k += 1
        if due >= cal.end + 92 * DAY:
            return
        if end is not None and due > end:
            return  # replaced by a plan change before this anniversary
        if due < cal.start:
            continue
        outcome = "open" if due >= cal.end else ("churned" if end is not None and due == end else "renewed")
        out.append(
            {
                "renewal_id": f"{sub['subscription_id']}-R{k - 1}",
                "account_id": account_id,
                "email": sub["email"],
                "company": sub["company"],
                "due_date": due,
                "outcome": outcome,
                "amount": value,
                "currency": "USD",
            }
        )
        if outcome == "churned":
            return


def _churn_seconds(acc: pd.DataFrame) -> np.ndarray:
    return acc["churned_at"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _tickets(rng: np.random.Generator, cal: _Calendar, acc: pd.DataFrame) -> pd.DataFrame:
    n_acc = len(acc)
    created = acc["_created"].to_numpy()
    churned = _churn_seconds(acc)  # NaN = still a customer
    t_from = np.maximum(created, cal.start).astype(np.float64)
    t_to = np.where(np.isnan(churned), cal.end, churned)
    span = np.clip(t_to - t_from, 0, None)
    z = acc["_friction"].to_numpy()
    seg_w = acc["segment"].map({"SMB": 1.0, "Mid-market": 1.6, "Enterprise": 2.4}).to_numpy()
    lam = seg_w * np.exp(0.5 * z) * span
    lam = lam / lam.sum() * TARGET_TICKETS
    counts = rng.poisson(lam)
    ai = np.repeat(np.arange(n_acc), counts)
    n = len(ai)
    t = (t_from[ai] + rng.random(n) * span[ai]).astype(np.int64)
    t = np.minimum(t, cal.end - 60)
    # no tickets while a reactivated account was away
    away = (t >= acc["_gap_from"].to_numpy()[ai]) & (t < acc["_gap_to"].to_numpy()[ai])
    ai, t = ai[~away], t[~away]
    n = len(ai)
    order = np.lexsort((ai, t))
    ai, t = ai[order], t[order]
    m = cal.month_of(t)
    zt = z[ai]
    # Accounts in their last four months before churning have a rockier time.
    left = np.where(np.isnan(churned), acc["_gap_from"].to_numpy(), churned)[ai]  # reactivated: first exit
    rocky = (~np.isnan(left)) & (t < left) & (left - t < 120 * DAY)
    incident = cal.incident[m]

    ch = rng.choice(4, size=n, p=[0.45, 0.30, 0.10, 0.15])  # email, chat, phone, web
    channel = np.array(["email", "chat", "phone", "web"])[ch]
    med_frt = np.array([240.0, 2.5, 1.0, 360.0])[ch]  # minutes: e-mail hours, chat minutes
    sigma = np.array([0.8, 0.6, 0.5, 0.8])[ch]
    slow = cal.slow[m] * np.exp(0.35 * zt) * np.where(rocky, 1.5, 1.0)
    frt = med_frt * slow * np.exp(rng.normal(0.0, 1.0, n) * sigma)
    frt_s = np.maximum(np.round(frt * 60), 5).astype(np.int64)
    no_reply = (ch % 3 == 0) & (rng.random(n) < 0.02)  # a little e-mail/web spam closed without a reply
    reply_at = np.where(no_reply, -1, t + frt_s)

    logit = -5.0 + 1.6 * zt + 1.3 * incident + 1.6 * rocky - 0.5 * m / (MONTHS - 1) + 0.5 * np.log(slow)
    reopened = rng.random(n) < _sigmoid(logit)
    reopens = np.where(reopened, 1 + (rng.random(n) < 0.25) + (rng.random(n) < 0.05), 0)
    extra = rng.poisson(np.array([1.0, 0.3, 0.2, 1.1])[ch])
    agent_replies = np.where(no_reply, 0, 1 + extra + reopens)
    per_reply = np.array([6.0, 7.0, 9.0, 6.0])[ch] * np.exp(rng.normal(0, 0.4, n))
    handle = np.round(per_reply * np.maximum(agent_replies, 1), 1)
    res_med = np.array([8 * 60.0, 15.0, 8.0, 12 * 60.0])[ch]  # minutes from first reply to solved
    res_s = (res_med * 60 * np.exp(rng.normal(0, 0.9, n)) * (1 + 2 * reopens)).astype(np.int64) + 60
    solved_at = np.where(no_reply, t + 3600, reply_at) + res_s
    is_solved = solved_at < cal.end
    status = np.where(is_solved, np.where(solved_at < cal.end - 4 * DAY, "closed", "solved"), "open")
    reply_known = (~no_reply) & (reply_at < cal.end)
    status = np.where(~is_solved & ~reply_known, "new", status)
    subj = np.array(SUBJECTS)[rng.integers(len(SUBJECTS), size=n)]
    agent = np.array(AGENTS)[rng.integers(len(AGENTS), size=n)]
    first = np.array(FIRST_NAMES)[rng.integers(len(FIRST_NAMES), size=n)]
    dom = acc["domain"].to_numpy()[ai]
    df = pd.DataFrame(
        {
            "ticket_id": [f"DT-{i:06d}" for i in range(1, n + 1)],
            "account_id": acc["account_id"].to_numpy()[ai],
            "email": np.char.add(np.char.add(first.astype(str), "@"), dom.astype(str)),
            "company": acc["name"].to_numpy()[ai],
            "channel": channel,
            "created_at": _ts(t),
            "first_reply_at": _ts(np.where(reply_known, reply_at, np.nan)),
            "first_reply_minutes": np.where(reply_known, frt_s / 60.0, np.nan),
            "solved_at": _ts(np.where(is_solved, solved_at, np.nan)),
            "status": status,
            "reopens": reopens,
            "agent_replies": np.where(reply_known | is_solved, agent_replies, 0),
            "handle_minutes": np.where(is_solved, handle, np.nan),
            "subject": subj,
            "agent": np.where(reply_known, agent, None),
        }
    )
    # Working columns for the surveys (dropped before insert).
    df["_ai"], df["_z"], df["_rocky"], df["_solved_s"] = ai, zt, rocky, np.where(is_solved, solved_at, -1)
    df["_exp"] = -0.45 * np.log(np.where(reply_known, frt / med_frt, 1.0)) - 1.3 * reopened - 0.5 * zt
    return df


def _calibrate(x: np.ndarray, month: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-month intercepts a so that mean(sigmoid(a[month] + x)) hits each month's target exactly."""
    a = np.zeros(MONTHS)
    for mi in range(MONTHS):
        xs = x[month == mi]
        if len(xs) == 0:
            continue
        for _ in range(30):  # Newton steps on a monotone function
            p = _sigmoid(a[mi] + xs)
            a[mi] -= (p.mean() - target[mi]) / max((p * (1 - p)).mean(), 1e-9)
    return a[month] + x


_erfc = np.frompyfunc(math.erfc, 1, 1)


def _ndtr(x: np.ndarray) -> np.ndarray:
    """The standard normal CDF (math.erfc: importing scipy would cost ~1 s at every `cxkpi demo`)."""
    return 0.5 * _erfc(-np.asarray(x, dtype=float) / math.sqrt(2)).astype(float)


NPS_SIGMA = 1.4  # answer noise around a respondent's expected score (0–10 points)


def _nps_level(x: np.ndarray, target: float, sigma: float) -> float:
    """The level c for which scores round(c + x + noise) give an expected NPS of ``target``."""
    lo, hi = -5.0, 20.0
    for _ in range(50):  # bisection: expected NPS rises with c
        c = (lo + hi) / 2
        promoters = 1 - _ndtr((8.5 - c - x) / sigma)  # rounds to 9 or 10
        detractors = _ndtr((6.5 - c - x) / sigma)  # rounds to 0..6
        lo, hi = (c, hi) if 100 * (promoters - detractors).mean() < target else (lo, c)
    return (lo + hi) / 2


def _responses(
    rng: np.random.Generator, cal: _Calendar, acc: pd.DataFrame, tk: pd.DataFrame, side: np.random.Generator
) -> pd.DataFrame:
    """Every survey answer. `side` draws what was added later (the monthly NPS, comment wording) so the
    main stream, and with it every earlier figure of the demo, stays as it was."""
    parts: list[pd.DataFrame] = []
    solved = tk[tk["_solved_s"] >= 0]
    # Post-ticket CSAT (1–5): about a quarter of solved tickets answer, a few hours after the solve.
    ans = solved[rng.random(len(solved)) < np.where(solved["channel"] == "chat", 0.30, 0.22)]
    sub_s = ans["_solved_s"].to_numpy() + (np.exp(rng.normal(np.log(3 * 3600), 1.0, len(ans)))).astype(
        np.int64
    )
    keep = sub_s < cal.end
    ans, sub_s = ans[keep], sub_s[keep]
    month = cal.month_of(sub_s)
    positive = rng.random(len(ans)) < _sigmoid(_calibrate(ans["_exp"].to_numpy(), month, cal.csat_target))
    score = np.where(
        positive,
        np.where(rng.random(len(ans)) < 0.6, 5, 4),
        rng.choice([1, 2, 3], size=len(ans), p=[0.2, 0.3, 0.5]),
    )
    has_comment = rng.random(len(ans)) < 0.15
    good = np.array(CSAT_COMMENTS["good"])[side.integers(len(CSAT_COMMENTS["good"]), size=len(ans))]
    bad = np.array(CSAT_COMMENTS["bad"])[side.integers(len(CSAT_COMMENTS["bad"]), size=len(ans))]
    csat_comment = np.where(has_comment, np.where(positive, good, bad), None)
    parts.append(
        pd.DataFrame(
            {
                "_t": sub_s,
                "_prefix": "CSAT",
                "account_id": ans["account_id"].to_numpy(),
                "email": ans["email"].to_numpy(),
                "company": ans["company"].to_numpy(),
                "survey": "Post-ticket CSAT",
                "kind": "csat",
                "score": score.astype(float),
                "scale_min": 1.0,
                "scale_max": 5.0,
                "reversed": False,
                "respondent": ans["email"].to_numpy(),
                "comment": csat_comment,
                "channel": ans["channel"].to_numpy(),
                "ticket_id": ans["ticket_id"].to_numpy(),
            }
        )
    )
    tk_sat = pd.Series(np.where(score >= 4, "good", "bad"), index=ans.index)

    # Customer effort (1–7, 7 = very easy) on about one solved ticket in ten.
    ces = solved[rng.random(len(solved)) < 0.10]
    ces_s = ces["_solved_s"].to_numpy() + rng.integers(600, 2 * DAY, len(ces))
    keep = ces_s < cal.end
    ces, ces_s = ces[keep], ces_s[keep]
    ces_m = cal.month_of(ces_s)
    ces_score = np.clip(
        np.round(
            5.3
            + 0.8 * ces["_exp"].to_numpy()
            + 0.5 * ces_m / (MONTHS - 1)
            - 0.6 * cal.incident[ces_m]
            + rng.normal(0, 1.0, len(ces))
        ),
        1,
        7,
    )
    parts.append(
        pd.DataFrame(
            {
                "_t": ces_s,
                "_prefix": "CES",
                "account_id": ces["account_id"].to_numpy(),
                "email": ces["email"].to_numpy(),
                "company": ces["company"].to_numpy(),
                "survey": "Support effort (CES)",
                "kind": "ces",
                "score": ces_score,
                "scale_min": 1.0,
                "scale_max": 7.0,
                "reversed": False,
                "respondent": ces["email"].to_numpy(),
                "comment": None,
                "channel": ces["channel"].to_numpy(),
                "ticket_id": ces["ticket_id"].to_numpy(),
            }
        )
    )

    # Relationship NPS (0–10): a wave in the second month of every quarter, contacts of active accounts.
    created = acc["_created"].to_numpy()
    churned = _churn_seconds(acc)
    z = acc["_friction"].to_numpy()
    # Each account's realised ticket experience: reopened share of its tickets (slow + reopened = unhappy).
    reopen_share = (
        tk.assign(r=tk["reopens"] > 0)
        .groupby("_ai")["r"]
        .mean()
        .reindex(range(len(acc)), fill_value=0.0)
        .to_numpy()
    )
    nps_rows = []
    for mi in range(1, MONTHS, 3):
        wave = int(cal.bounds[mi]) + 4 * DAY
        away = (acc["_gap_from"].to_numpy() <= wave) & (wave < acc["_gap_to"].to_numpy())
        active = (created <= wave) & (np.isnan(churned) | (churned > wave)) & ~away
        idx = np.flatnonzero(active & (rng.random(len(acc)) < 0.50))
        k = np.where(
            acc["segment"].to_numpy()[idx] == "Enterprise",
            3,
            np.where(acc["segment"].to_numpy()[idx] == "Mid-market", 2, 1),
        )
        k = 1 + (rng.random(len(idx)) * k).astype(int)
        ri = np.repeat(idx, k)
        nr = len(ri)
        rocky = ~np.isnan(churned[ri]) & (churned[ri] - wave < 120 * DAY)
        x = -0.9 * z[ri] - 6.0 * reopen_share[ri] - 1.5 * rocky
        # Company NPS drifts from ~24 to ~40, ~12 in the incident quarter: the wave's level is solved so
        # the expected NPS hits that, while who is a detractor still follows their own ticket experience.
        target = 12.0 if cal.incident[mi] else 24.0 + 16.0 * mi / (MONTHS - 1)
        latent = _nps_level(x, target, NPS_SIGMA) + x + rng.normal(0, NPS_SIGMA, nr)
        sc = np.clip(np.round(latent), 0, 10)
        t_sub = wave + rng.integers(0, 20 * DAY, nr)
        who = np.array(FIRST_NAMES)[rng.integers(len(FIRST_NAMES), size=nr)]
        cat = np.where(sc >= 9, "promoter", np.where(sc >= 7, "passive", "detractor"))
        has_c = rng.random(nr) < 0.6
        pick = rng.integers(4, size=nr)
        comment = [NPS_COMMENTS[c][p] if h else None for c, p, h in zip(cat, pick, has_c, strict=True)]
        email = [f"{w}@{d}" for w, d in zip(who, acc["domain"].to_numpy()[ri], strict=True)]
        nps_rows.append(
            pd.DataFrame(
                {
                    "_t": t_sub,
                    "_prefix": "NPS",
                    "account_id": acc["account_id"].to_numpy()[ri],
                    "email": email,
                    "company": acc["name"].to_numpy()[ri],
                    "survey": "Relationship NPS",
                    "kind": "nps",
                    "score": sc,
                    "scale_min": 0.0,
                    "scale_max": 10.0,
                    "reversed": False,
                    "respondent": email,
                    "comment": comment,
                    "channel": "email",
                    "ticket_id": None,
                }
            )
        )
    parts.extend(nps_rows)
    parts.append(_transactional_nps(side, cal, acc, solved))

    # ESAT (1–5): a quarterly employee pulse of the support and success team; no account.
    # The whole company (~60 people) is asked, so a quarter has enough answers to read.
    others = [
        f"{f} {STAFF_LAST[(i + 3 * (i // len(STAFF_FIRST))) % len(STAFF_LAST)]}"
        for i, f in enumerate(STAFF_FIRST * 2)
    ]
    staff = [
        n.lower().replace(" ", ".") + "@" + EMPLOYEE_DOMAIN
        for n in (*AGENTS, *LEADS, *(o for v in OWNERS.values() for o in v), *others)
    ]
    for mi in range(2, MONTHS, 3):
        who = [s for s in staff if rng.random() < 0.85]
        ne = len(who)
        # The support team feels the incident quarter too (more load, more escalations).
        sc = np.clip(
            np.round(4.25 + 0.3 * mi / (MONTHS - 1) - 0.8 * cal.incident[mi] + rng.normal(0, 0.9, ne)), 1, 5
        )
        parts.append(
            pd.DataFrame(
                {
                    "_t": int(cal.bounds[mi]) + 9 * DAY + rng.integers(0, 7 * DAY, ne),
                    "_prefix": "ESAT",
                    "account_id": None,
                    "email": None,
                    "company": None,
                    "survey": "Quarterly employee pulse",
                    "kind": "esat",
                    "score": sc,
                    "scale_min": 1.0,
                    "scale_max": 5.0,
                    "reversed": False,
                    "respondent": who,
                    "comment": None,
                    "channel": None,
                    "ticket_id": None,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["_t", "_prefix", "respondent"], kind="stable").reset_index(drop=True)
    out["response_id"] = [f"{p}-{i:06d}" for i, p in enumerate(out["_prefix"], start=1)]
    out["submitted_at"] = _ts(out["_t"].to_numpy())
    tk["satisfaction"] = tk_sat.reindex(tk.index)  # the desk's own good/bad rating, same answer as CSAT
    return out.drop(columns=["_t", "_prefix"])


def _transactional_nps(
    side: np.random.Generator, cal: _Calendar, acc: pd.DataFrame, solved: pd.DataFrame
) -> pd.DataFrame:
    """A monthly transactional NPS (0–10): about one solved ticket in ten gets "how likely are you to
    recommend us?" a day or two later, so every month, not only the quarterly wave months, has an NPS.

    Same story as the relationship survey: slow, reopened tickets and unhappy accounts answer lower, and
    the company level follows the relationship survey's drift (lower in the incident quarter).
    """
    ask = solved[side.random(len(solved)) < 0.10]
    t_sub = ask["_solved_s"].to_numpy() + side.integers(DAY, 3 * DAY, len(ask))
    keep = t_sub < cal.end
    ask, t_sub = ask[keep], t_sub[keep]
    month = cal.month_of(t_sub)
    x = 1.2 * ask["_exp"].to_numpy()
    latent = np.empty(len(ask))
    for mi in range(MONTHS):
        here = month == mi
        if here.any():
            target = 10.0 if cal.incident[mi] else 22.0 + 16.0 * mi / (MONTHS - 1)
            latent[here] = _nps_level(x[here], target, NPS_SIGMA) + x[here]
    sc = np.clip(np.round(latent + side.normal(0, NPS_SIGMA, len(ask))), 0, 10)
    cat = np.where(sc >= 9, "promoter", np.where(sc >= 7, "passive", "detractor"))
    has_c = side.random(len(ask)) < 0.45
    pick = side.integers(5, size=len(ask))
    comment = [TNPS_COMMENTS[c][p] if h else None for c, p, h in zip(cat, pick, has_c, strict=True)]
    return pd.DataFrame(
        {
            "_t": t_sub,
            "_prefix": "TNPS",
            "account_id": ask["account_id"].to_numpy(),
            "email": ask["email"].to_numpy(),
            "company": ask["company"].to_numpy(),
            "survey": "Transactional NPS (after support)",
            "kind": "nps",
            "score": sc,
            "scale_min": 0.0,
            "scale_max": 10.0,
            "reversed": False,
            "respondent": ask["email"].to_numpy(),
            "comment": comment,
            "channel": ask["channel"].to_numpy(),
            "ticket_id": ask["ticket_id"].to_numpy(),
        }
    )


def _costs(rng: np.random.Generator, cal: _Calendar) -> pd.DataFrame:
    rows = []
    for mi in range(MONTHS):
        d = _month_add(cal.first, mi)
        csms = 4 + (mi >= 8) + (mi >= 16)
        amounts = {
            "CSM salaries": csms * 8200.0,
            "Customer marketing": round(3000 + 150 * mi + float(rng.normal(0, 400)), 2),
            "Success tooling": 2400.0 if mi < 12 else 3100.0,
            "Onboarding services": round(1500 + float(rng.normal(0, 300)), 2),
        }
        for cat, amount in amounts.items():
            slug = cat.lower().replace(" ", "-")
            rows.append(
                {
                    "cost_id": f"{d:%Y-%m}-{slug}",
                    "date": d,
                    "category": cat,
                    "amount": amount,
                    "currency": "USD",
                }
            )
    return pd.DataFrame(rows)


def build_demo(end_month: dt.date | None = None, seed: int = 7) -> dict[str, pd.DataFrame]:
    """The demo tables as DataFrames in canonical columns (without load_id/system). Pure: no I/O."""
    end_month = (end_month or default_end_month()).replace(day=1)
    rng = np.random.default_rng(seed)
    cal = _Calendar(end_month)
    acc = _accounts(rng, cal)
    subs, ren, churned_at, churn_reason, gaps = _subscriptions(rng, cal, acc)
    acc["_gap_from"] = acc["account_id"].map(lambda a: gaps.get(a, (np.nan, np.nan))[0]).astype("float64")
    acc["_gap_to"] = acc["account_id"].map(lambda a: gaps.get(a, (np.nan, np.nan))[1]).astype("float64")
    acc["churned_at"] = pd.array(churned_at, dtype="Int64")
    acc["churn_reason"] = churn_reason
    tk = _tickets(rng, cal, acc)
    resp = _responses(rng, cal, acc, tk, np.random.default_rng([seed, 1]))
    sub_df = pd.DataFrame(subs)
    accounts = acc.assign(
        created_at=_ts(acc["_created"].to_numpy()),
        churned_at=_ts(_churn_seconds(acc)),
        # the plan the customer is on now (or left on), after upgrades and downgrades
        plan=acc["account_id"].map(sub_df.groupby("account_id")["plan"].last()).fillna(acc["plan"]),
    )
    sub_df["started_at"] = _ts(sub_df["started_at"].to_numpy())
    sub_df["ended_at"] = _ts(sub_df["ended_at"].to_numpy(dtype="float64"))
    ren_df = pd.DataFrame(ren)
    ren_df["due_date"] = _ts(ren_df["due_date"].to_numpy()).dt.normalize()
    return {
        "accounts": accounts[[c for c in accounts.columns if not c.startswith("_")]],
        "subscriptions": sub_df,
        "renewals": ren_df,
        "tickets": tk[[c for c in tk.columns if not c.startswith("_")]],
        "responses": resp,
        "costs": _costs(rng, cal),
    }


def _clear(conn: sa.Connection) -> None:
    """Delete every row any demo load wrote (also a removed one's leftovers) and mark active demo loads removed."""
    demo_loads = sa.select(loads.c.load_id).where(loads.c.is_demo)
    for name in CANONICAL:
        for t in (CANONICAL[name], HISTORY[name], REMOVED[name]):
            conn.execute(sa.delete(t).where(t.c.load_id.in_(demo_loads)))
    conn.execute(sa.update(loads).where(loads.c.is_demo, loads.c.status == "active").values(status="removed"))


def _sha(df: pd.DataFrame) -> str:
    # The load's fingerprint: a hash of the generated rows (same seed + end month -> same hash).
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()).hexdigest()


def load_demo(engine: sa.Engine, end_month: dt.date | None = None, seed: int = 7) -> dict[str, int]:
    """Load (or replace) the demo workspace; returns rows per table. User-loaded data is untouched."""
    tables = build_demo(end_month, seed)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        _clear(conn)  # loading again replaces the demo rather than doubling it
        for name in DEMO_TABLES:
            df = tables[name]
            load_id = record_load(
                conn,
                file_name=DEMO_FILE,
                sha256=_sha(df),
                source=DEMO_SOURCE,
                table_name=name,
                rows=len(df),
                rows_added=len(df),
                is_demo=True,
            )
            counts[name] = bulk_insert(conn, CANONICAL[name], df.assign(load_id=load_id, system=DEMO_SYSTEM))
        relink(conn)
    checkpoint(engine)
    return counts


def clear_demo(engine: sa.Engine) -> None:
    """Remove every row a demo load wrote and mark those loads removed; user-loaded data stays."""
    with engine.begin() as conn:
        _clear(conn)
        relink(conn)  # user rows that had linked to a demo account fall back to their own identity
    checkpoint(engine)


def is_demo_loaded(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return has_demo(conn)


def _parse_month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"--end takes YYYY-MM (e.g. 2025-12), got {text!r}") from e


def cmd_demo(args: argparse.Namespace) -> int:
    """`cxkpi demo [--db URL] [--end YYYY-MM]`: load the demo workspace and print rows per table."""
    try:
        end = _parse_month(args.end) if getattr(args, "end", None) else None
    except argparse.ArgumentTypeError as e:
        print(f"cxkpi demo: {e}")
        return 2
    engine = make_engine(getattr(args, "db", None))
    try:
        replacing = is_demo_loaded(engine)
        started = time.perf_counter()
        counts = load_demo(engine, end)
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    end_month = end or default_end_month()
    print(
        f"{'Replaced' if replacing else 'Loaded'} the demo workspace "
        f"({_month_add(end_month, -(MONTHS - 1)):%Y-%m} to {end_month:%Y-%m}) in {elapsed:.1f} s:"
    )
    width = max(len(k) for k in counts)
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>7,}")
    return 0
