"""Workspace settings: one row per setting in the `settings` table, the value as JSON.

The metric engine reads the same rows (keys `timezone`, `currency`, `metric_options`), so what is saved
here is what the numbers are computed with. The gross margin is also written into `metric_options` as
`clv.margin` (percent), the option the CLV metric reads.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from cxkpi.access import guarded
from cxkpi.benchmarks import BENCHMARK_IDS
from cxkpi.store.schema import settings as settings_table

# The CLV option the metric engine reads, in percent; kept in step with gross_margin (a fraction).
CLV_MARGIN_OPTION = "clv.margin"


@dataclass
class WorkspaceSettings:
    timezone: str = "UTC"
    currency: str | None = None  # None: the currency found in the data
    gross_margin: float = 1.0  # fraction in (0, 1]; CLV = ARPA × margin × lifespan
    metric_options: dict[str, Any] = field(default_factory=dict)  # e.g. {"csat.mode": "top2box"}
    benchmarks: list[str] = field(default_factory=lambda: list(BENCHMARK_IDS))  # ids shown beside metrics
    language: str = "en"

    def validated(self) -> WorkspaceSettings:
        """A normalised copy (currency upper-case, language as a locale id), or ValueError saying what is wrong."""
        return WorkspaceSettings(
            timezone=_timezone(self.timezone),
            currency=_currency(self.currency),
            gross_margin=_margin(self.gross_margin),
            metric_options=_options(self.metric_options),
            benchmarks=_benchmarks(self.benchmarks),
            language=_language(self.language),
        )


KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(WorkspaceSettings))


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone(tz: Any) -> str:
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError("timezone must be a time zone name such as 'UTC' or 'Europe/Berlin'")
    tz = tz.strip()
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}; use an IANA name such as 'Europe/Berlin'") from None
    # ZoneInfo also opens odd files under the zone folder; the IANA list is the contract (when present)
    if _zones() and tz not in _zones():
        raise ValueError(f"unknown time zone {tz!r}; use an IANA name such as 'Europe/Berlin'")
    return tz


def _currency(cur: Any) -> str | None:
    if cur is None or (isinstance(cur, str) and not cur.strip()):
        return None
    if not isinstance(cur, str) or not re.fullmatch(r"[A-Za-z]{3}", cur.strip()):
        raise ValueError(f"currency must be a three-letter ISO 4217 code such as 'EUR', not {cur!r}")
    code = cur.strip().upper()
    from babel.numbers import list_currencies

    if code not in list_currencies():
        raise ValueError(f"unknown currency code {code!r}")
    return code


def _margin(m: Any) -> float:
    if isinstance(m, bool) or not isinstance(m, int | float):
        raise ValueError(f"gross margin must be a number in (0, 1], not {m!r}")
    m = float(m)
    if not math.isfinite(m) or not 0.0 < m <= 1.0:
        raise ValueError(f"gross margin must be in (0, 1] (a fraction: 0.8 = 80 %), not {m}")
    return m


def _options(opts: Any) -> dict[str, Any]:
    if not isinstance(opts, dict) or not all(isinstance(k, str) and k.strip() for k in opts):
        raise ValueError("metric options must be a mapping of 'metric.option' names to values")
    if CLV_MARGIN_OPTION in opts:
        raise ValueError(f"set gross_margin instead of the {CLV_MARGIN_OPTION!r} option")
    try:
        json.dumps(opts)
    except (TypeError, ValueError) as e:
        raise ValueError(f"metric options must be JSON values: {e}") from None
    return {k.strip(): v for k, v in opts.items()}


def _benchmarks(ids: Any) -> list[str]:
    if isinstance(ids, str) or not isinstance(ids, list | tuple):
        raise ValueError("benchmarks must be a list of benchmark ids")
    unknown = [i for i in ids if i not in BENCHMARK_IDS]
    if unknown:
        raise ValueError(f"unknown benchmark(s) {unknown}; known: {', '.join(BENCHMARK_IDS)}")
    return list(dict.fromkeys(ids))  # drop repeats, keep order


def _language(lang: Any) -> str:
    if not isinstance(lang, str) or not lang.strip():
        raise ValueError("language must be a locale id such as 'en' or 'de_CH'")
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(lang.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown language {lang!r}") from None


def _decode(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:  # a bare string written without JSON quoting (the engine tolerates it too)
        return raw


def get_settings(engine: sa.Engine) -> WorkspaceSettings:
    """The saved settings, defaults where nothing is saved; ValueError when a saved value is invalid."""
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.select(settings_table.c.key, settings_table.c.value)).all())
    values: dict[str, Any] = {k: _decode(rows[k]) for k in KEYS if k in rows}
    opts = values.get("metric_options")
    if isinstance(opts, dict) and CLV_MARGIN_OPTION in opts:
        opts = dict(opts)
        clv_margin = opts.pop(CLV_MARGIN_OPTION)
        values["metric_options"] = opts
        # written by someone other than save_settings: take it as the margin when none is saved
        if "gross_margin" not in values and isinstance(clv_margin, int | float):
            values["gross_margin"] = clv_margin / 100.0
    try:
        return WorkspaceSettings(**values).validated()
    except ValueError as e:
        raise ValueError(f"the saved workspace settings are invalid: {e}") from None


@guarded("save workspace settings")
def save_settings(engine: sa.Engine, s: WorkspaceSettings) -> WorkspaceSettings:
    """Validate and store every setting (other keys in the table are left alone); returns what was saved."""
    s = s.validated()
    stored = dataclasses.asdict(s)
    # the CLV metric reads its margin from metric_options, in percent
    stored["metric_options"] = {**s.metric_options, CLV_MARGIN_OPTION: s.gross_margin * 100.0}
    rows = [{"key": k, "value": json.dumps(stored[k])} for k in KEYS]
    stmt = pg_insert(settings_table).values(rows)
    stmt = stmt.on_conflict_do_update(index_elements=[settings_table.c.key], set_={"value": stmt.excluded.value})
    with engine.begin() as conn:
        conn.execute(stmt)
    return s


def update_settings(engine: sa.Engine, **changes: Any) -> WorkspaceSettings:
    """Change some settings, keep the rest: update_settings(engine, timezone="Europe/Berlin")."""
    unknown = set(changes) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {', '.join(KEYS)}")
    return save_settings(engine, dataclasses.replace(get_settings(engine), **changes))
