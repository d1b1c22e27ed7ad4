"""Shared UI helpers every page imports: the one store engine, the demo label, counts, view state.

Pages stay thin: they read the view from here, call the cxkpi library, and draw. Nothing in here
computes a metric; it only caches and formats what the library returns.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gc
import hashlib
import html
import importlib
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from types import ModuleType
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import store
from cxkpi.i18n import LOCALES, cjk_face, font_family, set_locale, t
from cxkpi.safety import clamp_buckets, clamp_period, markdown_text
from cxkpi.store import schema
from cxkpi.view import COMPARES, CSAT_MODES, FILTER_FIELDS, FRT_STATS, PRESETS, View, filter_choices

# Demo-clear marker in the settings key/value table: once a user clears the demo, a restart must not
# bring it back even though the store is empty again.
DEMO_CLEARED_KEY = "app.demo_cleared"


def optional(module: str) -> ModuleType | None:
    """A library module another engineer is still writing, or None (the page shows an empty state)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


@st.cache_resource(show_spinner=False)
def _open_engine(url: str) -> sa.Engine:
    # One engine per store URL per server process: DuckDB allows one writer process, and within it every
    # session shares this engine (a cursor per pooled connection; imports take turns, reads never wait).
    # Checkpoints run in the background, never inside a visitor's request.
    eng = store.make_engine(url, background_checkpoints=True)
    if not sa.event.contains(eng, "commit", _forget_run):
        sa.event.listen(eng, "commit", _forget_run)
    return eng


# ---------------------------------------------------------------------------------------- one run
# What a script run reads from the store once — the data version, the workspace settings, the goals —
# is kept for that run only (page() and app.py open the scope). Why not st.cache_data: these small reads
# must see any change at the very next run (an import in another session, a goal saved on Settings).

T = TypeVar("T")
_RUN: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("cxkpi_run", default=None)


@contextlib.contextmanager
def one_run() -> Iterator[None]:
    """The scope of one script run; nested scopes (app.py, then the page) share the outer one."""
    if _RUN.get() is not None:
        yield
        return
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


def once_per_run(name: str, read: Callable[[], T]) -> T:
    """`read()` at most once per run (every time outside a run: the command line, a bare script)."""
    memo = _RUN.get()
    if memo is None:
        return read()
    if name not in memo:
        memo[name] = read()
    return memo[name]


def _forget_run(conn: sa.Connection, *_: Any) -> None:
    """A commit in this run (an import, saved settings, a new goal) may change what it read: read again —
    except one that only wrote figures derived from what was read (the daily rollups)."""
    if conn.get_execution_options().get("cxkpi_derived_only"):
        return
    memo = _RUN.get()
    if memo is not None:
        memo.clear()


_FREEZE_LOCK = threading.Lock()
# Tracked objects outside the frozen heap above which a run's end folds them in. A plain rerun leaves ~1 k;
# a new view leaves its compiled statements (~20 k for a channel filter's), a page's first visit its modules.
REFREEZE_ABOVE = 10_000
# The frozen heap is collected as a whole (unfrozen first) when it has grown by half since that was last done:
# cyclic garbage among frozen objects (an evicted view's results) waits until then, bounded by the growth.
REFREEZE_GROWTH = 1.5
_FULL_AT = 0  # frozen objects after the last whole collection (0: none yet)


def freeze_long_lived() -> None:
    """At the end of a run that left many new long-lived objects: one full collection over everything
    (the frozen heap included), then what is alive moved out of the cyclic collector's sight (gc.freeze).
    Called by app.py at the end of each run.

    Why: Streamlit runs a full collection after every script run (runner.postScriptGC), and it walks every
    tracked object — ~250 k after the first load (modules, Plotly's classes, the store's engine and its
    compiled statements): 150–200 ms of a 10 M-ticket rerun's ~240 ms of server CPU. Frozen, they are
    skipped; what runs create is still collected. Unfrozen and collected as a whole when the frozen heap has
    grown by half since that was last done, so garbage caught in a cycle among frozen objects is collected
    then, not kept for good. Not under AppTest (no server).
    """
    from streamlit import config as st_config

    if st_config.get_option("global.appTest") or len(gc.get_objects()) <= REFREEZE_ABOVE:
        return
    global _FULL_AT
    with _FREEZE_LOCK:
        if not _FULL_AT or gc.get_freeze_count() > _FULL_AT * REFREEZE_GROWTH:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            _FULL_AT = gc.get_freeze_count()
        else:  # only this run's objects walked (a few ms, not the ~0.19 s of everything): a new view stays quick
            gc.collect()
            gc.freeze()


def _engine_for(url: str) -> sa.Engine:
    try:
        return _open_engine(url)
    except store.StoreBusy as e:  # not cached: the next visit tries again
        store_busy_page(str(e))
        raise  # st.stop() above ends the run; this only satisfies the type checker


def store_busy_page(detail: str) -> None:
    """A plain page instead of a driver error: the store is another process's right now."""
    st.title("The store is busy")
    st.write(
        "Another program has the data file open (a long command-line import, or a second dashboard), and "
        "DuckDB lets one process use a file at a time. Try again in a minute; if it stays busy, stop the other "
        "program, import through this dashboard's Data page instead, or put the store on PostgreSQL "
        "(CXKPI_DB=postgresql://…) so many people and commands can use it at once."
    )
    st.caption(markdown_text(detail))
    st.stop()


def engine() -> sa.Engine:
    return _engine_for(store.normalize_url(store.default_url()))


def _workspace_state() -> tuple[str, dict[str, str]]:
    """(data version, the settings rows), read together once per run."""

    def read() -> tuple[str, dict[str, str]]:
        with engine().connect() as conn:
            loads_version = store.data_version(conn)
            rows = conn.execute(
                sa.select(schema.settings.c.key, schema.settings.c.value).order_by(schema.settings.c.key)
            ).all()
        digest = hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()[:12]
        return f"{loads_version}:{digest}", {k: v for k, v in rows}

    return once_per_run("workspace", read)


def data_version() -> str:
    """The cache key of every metric result: the loads (store.data_version) plus the workspace settings,
    since time zone, currency, survey scales and margin change the numbers too. Read once per run."""
    return _workspace_state()[0]


def row_counts() -> dict[str, int]:
    with engine().connect() as conn:
        return store.row_counts(conn)


@st.cache_data(max_entries=32, show_spinner=False)
def _demo_loaded(url: str, version: str) -> bool:
    demo = optional("cxkpi.demo")
    if demo is not None and hasattr(demo, "is_demo_loaded"):
        return bool(demo.is_demo_loaded(_engine_for(url)))
    with _engine_for(url).connect() as conn:
        return store.has_demo(conn)


def demo_loaded() -> bool:
    """Whether the demo's loads are active: they are part of the data version, so it keys the answer."""
    return _demo_loaded(store_url(), data_version())


def _store_is_fresh(eng: sa.Engine) -> bool:
    """True when nothing was ever loaded and the demo was never cleared: a first start."""
    with eng.connect() as conn:
        loads = conn.execute(sa.select(sa.func.count()).select_from(schema.loads)).scalar() or 0
        cleared = conn.execute(
            sa.select(schema.settings.c.value).where(schema.settings.c.key == DEMO_CLEARED_KEY)
        ).scalar()
    return loads == 0 and not cleared


@st.cache_resource(show_spinner=False)
def _first_start(url: str) -> bool:
    """Load the demo workspace into an empty, never-used store, once per server process and store."""
    eng = _engine_for(url)
    demo = optional("cxkpi.demo")
    if demo is None or not _store_is_fresh(eng):
        return False
    demo.load_demo(eng)
    return True


def _mark_demo_cleared(cleared: bool) -> None:
    tbl = schema.settings
    with engine().begin() as conn:
        conn.execute(sa.delete(tbl).where(tbl.c.key == DEMO_CLEARED_KEY))
        if cleared:
            conn.execute(sa.insert(tbl).values(key=DEMO_CLEARED_KEY, value=json.dumps(True)))


def clear_demo() -> bool:
    demo = optional("cxkpi.demo")
    if demo is None:
        return False
    demo.clear_demo(engine())
    _mark_demo_cleared(True)
    return True


def load_demo() -> bool:
    demo = optional("cxkpi.demo")
    if demo is None:
        return False
    demo.load_demo(engine())
    _mark_demo_cleared(False)
    return True


def startup() -> None:
    """Called by app.py on every run before the page: the first-start demo load."""
    from cxkpi.access import SYSTEM, acting_as

    # the first-start demo is the system's doing, not the visitor's (who may be a viewer)
    with st.spinner(t("demo.loaded_on_first_start")), acting_as(SYSTEM):
        _first_start(store.normalize_url(store.default_url()))


def page_header(title_key: str, intro_key: str | None = None) -> None:
    """Deprecated (the first shell API): heading and demo label only. Use ``with common.page(name):``."""
    if demo_loaded():
        demo_banner()
    st.title(t(title_key))
    if intro_key:
        st.caption(t(intro_key))


def _leave_pages_directory_mode() -> None:
    """Make sure app.py's st.navigation is in charge, even when a session's first URL is a page.

    Why: Streamlit still auto-detects the legacy `pages/` folder. Until some run calls st.navigation, the
    server treats pages/*.py as v1 pages; a fresh server whose first request is /trends then runs
    pages/trends.py alone (no page config, a menu listing every file in pages/, common.py included) and
    stays in that mode. Clearing the flag and rerunning runs app.py, whose st.navigation picks this page.
    """
    try:
        from streamlit import config as st_config
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy flag
        return
    # AppTest resets the flag before every run, so the rerun would swallow each button click; there the
    # page simply runs on its own (common.page draws everything a page needs either way).
    if st_config.get_option("global.appTest"):
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# page name -> its URL path (the default page lives at the root).
URL_PATHS = {
    "scorecard": "",
    "trends": "trends",
    "support": "support",
    "voice": "voice",
    "revenue": "revenue",
    "data": "data",
    "settings": "settings",
    "explain": "explain",
}


@contextlib.contextmanager
def page(name: str, intro_key: str | None = None, controls: bool = True) -> Iterator[View]:
    """Every page body runs inside this: first-start demo, sidebar controls, demo label, heading; on exit the
    URL and the share link are brought up to date (the page may have changed view state, e.g. its metric).
    The whole page is one run's scope (`one_run`): the data version and settings are read once.

    Why per page and not in app.py: Streamlit runs only the page script on reruns under AppTest, and a page
    must draw the same whether it is reached through the menu, a shared link or a test.
    """
    with one_run(), _page(name, intro_key, controls) as v:
        yield v


@contextlib.contextmanager
def _page(name: str, intro_key: str | None, controls: bool) -> Iterator[View]:
    _leave_pages_directory_mode()
    set_current_page(URL_PATHS.get(name, name))
    startup()
    from pages import auth  # late: auth reads the engine from here

    auth.enforce(name)  # this run's actor for every library write; an editor-only page stops for a viewer
    set_locale(session_language())
    viewer_timezone()  # read ?tz= now: it is kept for the session, the URL is rewritten below
    cjk_font_css()
    v = sidebar_controls() if controls else view()
    share_slot = st.sidebar.container()
    if demo_loaded():
        demo_banner(link=name != "data")  # on the Data page the clear button is right there
    st.title(t(f"nav.{name}"))
    if intro_key:
        st.caption(t(intro_key))
    yield v
    write_url()
    with share_slot:
        share_box()


def page_link(page: str, where: Any = None, **kw: Any) -> bool:
    """st.page_link to a page this session may open; nothing (False) for a page left out of its menu.

    Why: a viewer's navigation has no Data or Settings page, and st.page_link to a page outside the
    navigation raises instead of drawing.
    """
    from streamlit.errors import StreamlitPageNotFoundError

    try:
        (where or st).page_link(page, **kw)
    except StreamlitPageNotFoundError:
        return False
    return True


def demo_banner(link: bool = True) -> None:
    with st.container(key="demo_banner"):
        if not link:
            st.info(t("demo.banner"), icon=":material/science:")
            return
        c1, c2 = st.columns([5, 2], vertical_alignment="center")  # room for the whole link text at 1280 px
        c1.info(t("demo.banner"), icon=":material/science:")
        page_link("pages/data.py", c2, label=t("demo.clear_hint"), icon=":material/delete_sweep:")


def counts_section() -> None:
    """The row count of every canonical table: what the store holds right now."""
    counts = row_counts()
    st.subheader(t("counts.heading"))
    if not any(counts.values()):
        st.info(t("counts.empty"), icon=":material/inbox:")
    items = list(counts.items())
    for row in range(0, len(items), 4):  # row by row, so a phone stacks them in reading order
        for col, (name, n) in zip(st.columns(4), items[row : row + 4], strict=False):
            col.metric(t(f"table.{name}"), fmt.count(n))


def counts_frame() -> pd.DataFrame:
    counts = row_counts()
    return pd.DataFrame(
        {t("counts.table"): [t(f"table.{k}") for k in counts], t("counts.rows"): list(counts.values())}
    )


# ------------------------------------------------------------------------------------------ view state
# One View per session (st.session_state["cx_view"]), mirrored into the URL query string on every run.
# Widgets carry their own keys ("w_*"); they are seeded from the View when missing, so a page's widgets
# pick the view back up after the user visited another page (Streamlit drops state of unrendered widgets).

VIEW_KEY = "cx_view"
_current_page: dict[str, str] = {"url_path": ""}


def today() -> dt.date:
    """Today in the workspace time zone (presets are calendar periods there)."""
    tz = workspace_timezone()
    try:
        return dt.datetime.now(ZoneInfo(tz)).date()
    except Exception:  # an unknown zone name in settings: fall back to UTC rather than fail the page
        return dt.datetime.now(dt.UTC).date()


def cjk_font_css() -> None:
    """Chinese pages name the Chinese Noto CJK face for text and Plotly charts (else glyphs come out Japanese).

    Why @font-face and not font-family on every element: the app's own font families gain the Chinese face
    for CJK code points only, so Latin text and the Material icon ligatures keep their fonts.
    """
    face, family = cjk_face(), font_family()
    if not face:
        return
    cjk = "U+2E80-2FFF, U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF"
    rules = [
        f'@font-face {{ font-family: "{fam}"; src: local("{face}{bold}"); font-weight: {weight};'
        f" unicode-range: {cjk}; }}"
        for fam in ("Source Sans", "Source Sans Pro", "Open Sans")
        for bold, weight in (("", "100 500"), (" Bold", "600 900"))
    ]
    rules.append(f".stApp .js-plotly-plot .main-svg text {{ font-family: {family} !important; }}")
    st.html("<style>" + "\n".join(rules) + "</style>")


def session_language() -> str:
    """This viewer's language: ``?lang=`` in the link they opened (kept for the session), else the workspace's.

    Why per session: t() reads a context variable, so two viewers on one server can read two languages.
    """
    asked = st.query_params.get("lang")
    if asked in LOCALES:
        st.session_state["cx_language"] = asked
    return st.session_state.get("cx_language") or workspace_language()


def workspace_language() -> str:
    """The workspace language (Settings): t() and every number/date format follow it."""
    settings_mod = optional("cxkpi.settings")
    if settings_mod is None:
        return "en"

    def read() -> str:
        try:
            return settings_mod.get_settings(engine()).language
        except ValueError:  # invalid saved settings: the Settings page says so; pages stay readable
            return "en"

    return once_per_run("language", read)


def viewer_timezone() -> str:
    """The zone this viewer's timestamps are shown in: ``?tz=`` in the link they opened (kept for the
    session), else their browser's (``st.context.timezone``), else UTC.

    Why per viewer and not Settings: a manager in Singapore and one in Rome read the same link. Metric
    periods stay in the workspace zone (``workspace_timezone``); only displayed timestamps follow this.
    """
    for asked in (st.query_params.get("tz"), st.session_state.get("cx_timezone"), _browser_timezone()):
        if asked and _known_zone(asked):
            st.session_state["cx_timezone"] = asked
            return asked
    return "UTC"


def _browser_timezone() -> str | None:
    try:
        return st.context.timezone
    except Exception:  # no browser behind this run (AppTest, a bare script run)
        return None


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # an unknown or malformed zone name from a link: ignored, not an error page
        return False
    return True


def shown_time(moment: dt.datetime | str | None, zone: str | None = None) -> str:
    """A stored UTC timestamp (naive, or an ISO string) as this viewer reads it: date, hh:mm, zone name."""
    if moment is None or (not isinstance(moment, str) and pd.isna(moment)):
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(ZoneInfo(zone or viewer_timezone()))
    return f"{fmt.date(local.date())} {local:%H:%M} {local.tzname()}"


def workspace_timezone() -> str:
    raw = _workspace_state()[1].get("timezone")  # the settings rows this run already read
    try:
        return json.loads(raw) if raw else "UTC"
    except ValueError:
        return raw or "UTC"


def _workspace_defaults() -> View:
    """The view a new session starts from: workspace metric options (Settings) as the defaults."""
    metrics = optional("cxkpi.metrics")
    if metrics is None:
        return View()
    try:
        with engine().connect() as conn:
            opts = metrics.workspace_options(conn)
        return View(csat_mode=opts.get("csat.mode"), frt_stat=opts.get("frt.stat"))
    except Exception:  # settings being edited by hand: the built-in defaults still work
        return View()


PERIOD_NOTE_KEY = "cx_period_note"


def view() -> View:
    """The current view; on a session's first run it comes from the URL."""
    if VIEW_KEY not in st.session_state:
        v = View.from_query(st.query_params.to_dict(), _workspace_defaults())
        if v.start and v.end:  # a shared link may carry any year: keep it to 2000–2100, and say so
            s, e, note = clamp_period(v.start, v.end)
            if note:
                v = v.with_(start=s, end=e)
                st.session_state[PERIOD_NOTE_KEY] = (s, e, note)  # shown under the dates while they stay
        st.session_state[VIEW_KEY] = v
    return st.session_state[VIEW_KEY]


def set_view(v: View) -> None:
    st.session_state[VIEW_KEY] = v
    write_url(v)


def write_url(v: View | None = None) -> None:
    q = (v or view()).to_query()
    if st.query_params.to_dict() != q:
        st.query_params.from_dict(q)


def set_current_page(url_path: str) -> None:
    _current_page["url_path"] = url_path
    st.session_state["cx_page"] = url_path


def share_url(v: View | None = None) -> str:
    """Absolute link to this page with the whole view in its query string."""
    base = ""
    try:
        ctx_url = st.context.url or ""
    except Exception:
        ctx_url = ""
    if ctx_url:
        parts = urlsplit(ctx_url)
        base = f"{parts.scheme}://{parts.netloc}"
        # a reverse proxy may serve the app under a prefix: keep the path up to the current page's path
        page_path = st.session_state.get("cx_page", "")
        path = parts.path.rstrip("/")
        if page_path and path.endswith("/" + page_path):
            path = path[: -len(page_path) - 1]
        base += path
    page_path = st.session_state.get("cx_page", "")
    return f"{base}/{page_path}?{urlencode((v or view()).to_query())}"


def period_and_compare(
    v: View | None = None,
) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date] | None]:
    """The selected period and its comparison period (None without the metric engine)."""
    v = v or view()
    start, end = v.period(today())
    metrics = optional("cxkpi.metrics")
    if metrics is None:
        return (start, end), None
    p = metrics.Period(start, end)
    cp = metrics.previous_period(p) if v.compare == "prev" else metrics.same_period_last_year(p)
    return (start, end), (cp.start, cp.end)


@st.cache_data(max_entries=32, ttl=600, show_spinner=False)
def _filter_choices(url: str, version: str) -> dict[str, list[str]]:
    return filter_choices(_engine_for(url))


def filter_choices_cached() -> dict[str, list[str]]:
    url = store.normalize_url(store.default_url())
    return _filter_choices(url, data_version())


def _sync(key: str, field: str) -> None:
    """on_change: copy a widget's new value into the view (runs before the script reruns)."""
    value = st.session_state[key]
    default = getattr(View(), field)
    if value is None or value == "":
        if default not in (None, ""):
            return  # a required choice was cleared (e.g. a deselected segmented control): keep the view's value
        value = default  # filters clear to None, the Trends split to ""
    changes: dict[str, object] = {field: value}
    if field == "preset" and value == "custom":
        (d0, d1) = view().period(today())
        changes.update(start=d0, end=d1)
    set_view(view().with_(**changes))


def bind(key: str, field: str) -> dict:
    """Widget kwargs bound to a View field: the widget shows the view's value on every page and run.

    Why not plain keyed widgets: Streamlit treats the same key on another page as a new widget and resets
    it, so the view (in session state and the URL) is the source of truth and widgets are re-seeded from it.
    """
    value = getattr(view(), field)
    st.session_state[key] = "" if value is None else value
    return {"key": key, "on_change": _sync, "args": (key, field)}


def sidebar_controls() -> View:
    """Global controls in the sidebar: period, comparison, filters, metric options."""
    v = view()
    choices = filter_choices_cached()
    sb = st.sidebar
    sb.subheader(t("sidebar.view"))
    sb.selectbox(
        t("period.label"), PRESETS, format_func=lambda p: t(f"period.{p}"), **bind("w_preset", "preset")
    )
    if view().preset == "custom":
        # one under the other: side by side, the sidebar cut the dates to "2026-10-…"
        sb.date_input(t("period.from"), format="YYYY-MM-DD", **bind("w_from", "start"))
        sb.date_input(t("period.to"), format="YYYY-MM-DD", **bind("w_to", "end"))
        s, e, note = st.session_state.get(PERIOD_NOTE_KEY, (None, None, ""))
        if note and (view().start, view().end) == (s, e):
            sb.warning(note, icon=":material/date_range:")

    sb.selectbox(
        t("compare.label"), tuple(COMPARES), format_func=lambda c: t(f"compare.{COMPARES[c]}"),
        **bind("w_compare", "compare"),
    )  # fmt: skip
    for name in FILTER_FIELDS:
        options = ["", *choices.get(name, [])]
        current = getattr(v, name) or ""
        if current and current not in options:
            options.append(current)  # a value from a shared link that this store does not have (yet)
        sb.selectbox(
            t(f"filter.{name}"),
            options,
            format_func=lambda x: x or t("filter.all"),
            **bind(f"w_{name}", name),
        )
    with sb.expander(t("options.heading")):
        st.radio(
            t("options.csat_mode"), CSAT_MODES, horizontal=True,
            format_func=lambda m: t(f"options.csat_mode.{m}"), **bind("w_csat_mode", "csat_mode"),
        )  # fmt: skip
        st.radio(
            t("options.frt_stat"), FRT_STATS, horizontal=True,
            format_func=lambda m: t(f"options.frt_stat.{m}"), **bind("w_frt_stat", "frt_stat"),
        )  # fmt: skip
    new = view()
    write_url(new)
    (s, e), cmp_period = period_and_compare(new)
    sb.caption(
        fmt.period(s, e)
        + ("" if cmp_period is None else " · " + t("compare.vs", period=fmt.period(*cmp_period)))
    )
    return new


def share_box() -> None:
    """The 'Copy share link' control: the full URL of this view, with a copy button."""
    url = share_url()
    with st.container():
        st.subheader(t("share.heading"))
        st.caption(t("share.help"))
        # A real button that copies (Clipboard API, with the textarea fallback for plain-http hosts); the URL
        # travels in an escaped data attribute, never spliced into the script.
        st.html(
            _COPY_BUTTON.format(
                url=html.escape(url, quote=True),
                label=html.escape(t("share.copy")),
                done=html.escape(t("share.copied"), quote=True),
            ),
            unsafe_allow_javascript=True,
        )
        st.code(url, language=None, wrap_lines=True)


_COPY_BUTTON = """
<button class="cx-copy" data-url="{url}" data-done="{done}" type="button"
  style="font: inherit; font-size: 0.9rem; padding: 0.35rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
         border: 1px solid rgba(49, 51, 63, 0.2); background: white; color: rgb(49, 51, 63);">{label}</button>
<script>
document.querySelectorAll("button.cx-copy:not([data-bound])").forEach(function (b) {{
  b.dataset.bound = "1";
  b.addEventListener("click", function () {{
    var u = b.dataset.url, label = b.textContent;
    var ok = function () {{ b.textContent = "✓ " + b.dataset.done; setTimeout(function () {{ b.textContent = label; }}, 1500); }};
    var fallback = function () {{
      var a = document.createElement("textarea"); a.value = u; document.body.appendChild(a); a.select();
      try {{ document.execCommand("copy"); ok(); }} finally {{ a.remove(); }}
    }};
    if (navigator.clipboard && window.isSecureContext) {{ navigator.clipboard.writeText(u).then(ok, fallback); }}
    else {{ fallback(); }}
  }});
}});
</script>
"""


# ------------------------------------------------------------------------------------- cached metric calls
# Keyed by store URL + data version + view: a rerun with the same view runs no metric query, and any
# import or removal (a new data version) recomputes. Results are small (a dict of MetricResult).

SPARK_MONTHS = 12


def store_url() -> str:
    return store.normalize_url(store.default_url())


def _frozen(d: dict) -> tuple:
    return tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in d.items()))


class Kept:
    """Results by key for every session of this server, the newest `size` kept, one computation per key.

    Why not st.cache_data: a page must know whether a result is ready before it asks for it (to draw a light
    placeholder instead of leaving the previous view's numbers on screen), and built Plotly figures are
    reused as they are (`copy=False`) instead of being pickled and rebuilt on every rerun. The key holds the
    store URL and the data version, so nothing here can go stale: a new load is a new key.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, tuple[bool, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def _get(self, key: Hashable) -> tuple[bool, Any] | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def get(self, key: Hashable, compute: Callable[[], T], copy: bool = True) -> T:
        """The kept value, else `compute()` kept; `copy` hands each caller its own copy (results a page may
        change), without it the one object (figures, which nothing changes)."""
        found = self._get(key)
        if found is None:
            with self._lock:
                computing = self._computing.setdefault(key, threading.Lock())
            with computing:  # a second session asking for the same view waits for the first one's result
                try:
                    found = self._get(key)
                    if found is None:
                        value = compute()
                        found = (copy, pickle.dumps(value) if copy else value)
                        with self._lock:
                            self._items[key] = found
                            while len(self._items) > self._size:
                                self._items.popitem(last=False)
                finally:
                    with self._lock:
                        self._computing.pop(key, None)
        pickled, value = found
        return pickle.loads(value) if pickled else value


@st.cache_resource(show_spinner=False)
def kept() -> Kept:
    """The server's kept results (scorecards, sparkline points, sparkline figures)."""
    return Kept(256)


def view_key(
    kind: str, start: dt.date, end: dt.date, v: View | None = None, filters: dict | None = None
) -> tuple:
    """What a result depends on: store, data version, period, filters and metric options."""
    v = v or view()
    f = v.filters() if filters is None else filters
    return (kind, store_url(), data_version(), start, end, tuple(sorted(f.items())), _frozen(v.options()))


@st.cache_data(max_entries=512, ttl=900, show_spinner=False)
def _trend(
    url: str, version: str, key: str, start: dt.date, end: dt.date, by: str, filters: tuple, options: tuple
) -> list:
    import cxkpi.metrics as metrics

    opts = {k: json.loads(v) for k, v in options}
    # rollups: the daily figures kept per data version (this cache's key too); the same numbers, far less read
    return metrics.trend(
        _engine_for(url), key, start, end, by, metrics.Filters(**dict(filters)), opts, rollups=True
    )


def scorecard(start: dt.date, end: dt.date, v: View | None = None, filters: dict | None = None) -> dict:
    """Every metric for one period under the view's filters and options (kept by store, data version, view)."""
    import cxkpi.metrics as metrics

    v = v or view()
    f = v.filters() if filters is None else filters
    return kept().get(
        view_key("scorecard", start, end, v, f),
        lambda: metrics.scorecard(
            engine(), metrics.Period(start, end), metrics.Filters(**f), v.options(), rollups=True
        ),
    )


def scorecard_pair(
    start: dt.date, end: dt.date, cstart: dt.date, cend: dt.date, v: View | None = None
) -> tuple[dict, dict]:
    """The view's scorecard and its comparison's, each kept under its own `scorecard` key.

    Why one call: when neither is kept, `metrics.scorecards` computes both in one statement (each fact table
    read once for the two periods, one statement compiled); a period kept already is not computed again.
    """
    import cxkpi.metrics as metrics

    v = v or view()
    f = v.filters()
    if not (scorecard_ready(start, end, v) or scorecard_ready(cstart, cend, v)):
        pair: list[dict] = []

        def both() -> dict:
            pair.extend(
                metrics.scorecards(
                    engine(), [metrics.Period(start, end), metrics.Period(cstart, cend)], metrics.Filters(**f),
                    v.options(), rollups=True,
                )
            )  # fmt: skip
            return pair[0]

        kept().get(view_key("scorecard", start, end, v, f), both)
        if pair:  # computed here (not by another session meanwhile): keep the comparison too
            kept().get(view_key("scorecard", cstart, cend, v, f), lambda: pair[1])
    return scorecard(start, end, v), scorecard(cstart, cend, v)


def scorecard_ready(start: dt.date, end: dt.date, v: View | None = None) -> bool:
    """True when `scorecard` answers without a query (this view was computed since the last load)."""
    return view_key("scorecard", start, end, v) in kept()


def spark_window(end: dt.date) -> tuple[dt.date, dt.date]:
    """The sparklines' months: the `SPARK_MONTHS` months ending with the period's month."""
    return months_back(end, SPARK_MONTHS), end


def sparklines(keys: list[str], end: dt.date, v: View | None = None) -> dict[str, list]:
    """Monthly points of several metrics over the sparkline window, in one library call (one reading of the
    workspace facts, each metric one grouped query), kept by store, data version and view."""
    import cxkpi.metrics as metrics

    v = v or view()
    start, end = spark_window(end)
    key = (*view_key("sparklines", start, end, v), tuple(keys))
    f = v.filters()
    return kept().get(
        key,
        lambda: metrics.trends(
            engine(), keys, start, end, "month", metrics.Filters(**f), v.options(), rollups=True
        ),
    )


def reuse(key: tuple, build: Callable[[], T]) -> T:
    """Built once per key and reused as the same objects on every rerun: Plotly figures (st.plotly_chart only
    reads them), Arrow tables, CSV bytes — e.g. the Scorecard's sparklines under a `view_key(...)`."""
    return kept().get(key, build, copy=False)


def is_kept(key: tuple) -> bool:
    return key in kept()


def trend(key: str, start: dt.date, end: dt.date, by: str = "month", v: View | None = None,
          filters: dict | None = None) -> list:  # fmt: skip
    """One metric per bucket (cached); `filters` overrides the view's (segment lines on Trends)."""
    v = v or view()
    f = v.filters() if filters is None else filters
    start, _ = clamp_buckets(start, end, by)  # a bound on the work one link can ask for (Trends says so)
    return _trend(
        store_url(), data_version(), key, start, end, by, tuple(sorted(f.items())), _frozen(v.options())
    )


def months_back(end: dt.date, months: int) -> dt.date:
    """The first day of the month `months - 1` months before `end`'s month: a window of `months` months."""
    y, m = divmod(end.month - 1 - (months - 1), 12)
    return dt.date(end.year + y, m + 1, 1)


def metric_label(key: str, fallback: str | None = None) -> str:
    """The metric's display name: a translation when the catalogue has one, else the registry's label."""
    text = t(f"metric.{key}")
    return text if text != f"metric.{key}" else (fallback or key)


@st.cache_data(max_entries=32, ttl=600, show_spinner=False)
def _metrics_with_data(url: str, version: str) -> frozenset[str]:
    from cxkpi.view import metrics_with_data

    return metrics_with_data(_engine_for(url))


def metrics_with_data() -> frozenset[str]:
    """Metric keys the workspace has any data for (any date): export advice only for the others."""
    return _metrics_with_data(store_url(), data_version())


def goals_for(key: str) -> list:
    """The goals on one metric; every metric's goals are read in one query, once per run."""
    goals = optional("cxkpi.goals")
    if goals is None:
        return []

    def read() -> dict[str, list]:
        by_metric: dict[str, list] = {}
        for g in goals.list_goals(engine()):
            by_metric.setdefault(g.metric, []).append(g)
        return by_metric

    return once_per_run("goals", read).get(key, [])


# ---------------------------------------------------------------------------------- shared by the pages


def st_delta(text: str | None) -> str | None:
    """A formatted change for st.metric.

    cxkpi.formatting writes a true minus sign; st.metric reads the direction from a leading ASCII "-".
    """
    return None if text is None or text == fmt.DASH else text.replace("\u2212", "-", 1)


def delta_arrow(text: str | None) -> str:
    """st.metric's arrow for a formatted change: none for one that rounds to ±0 (it drew an up arrow)."""
    return "off" if text and text.startswith("±") else "auto"


def titled(fig, title: str, legend_rows: int = 0):
    """Title wrapped to phone width (plotly does not wrap), legend rows kept clear of it, above the plot."""
    words, lines, cur = title.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > 44:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    top = 34 + 22 * len(lines) + 22 * legend_rows
    fig.update_layout(
        title=dict(text="<br>".join(lines), y=1.0, yref="container", yanchor="top", pad=dict(t=14)),
        margin=dict(l=10, r=10, t=top, b=10),
    )  # fmt: skip
    if legend_rows:
        fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=11)))
    return fig


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def cached_scorecard(url: str, version: str, period, filters, options: dict, keys: tuple[str, ...]) -> dict:
    """Some metrics for a page, cached by store and data version; `keys` is part of the cache key."""
    from cxkpi.metrics import scorecard

    return scorecard(engine(), period, filters, options, keys=list(keys))


class MetricScope(NamedTuple):
    metrics: ModuleType
    period: Any  # cxkpi.metrics.Period
    cmp_period: tuple[dt.date, dt.date] | None
    filters: Any  # cxkpi.metrics.Filters
    options: dict
    url: str
    version: str


def metric_scope(v: View) -> MetricScope:
    """What an analysis page computes for: the engine module, the view's period, comparison, filters and
    options, and the store URL + data version its caches are keyed by. Stops the page if there is no engine."""
    metrics = optional("cxkpi.metrics")
    if metrics is None:
        st.info(t("trends.no_engine"), icon=":material/hourglass_empty:")
        st.stop()
    (start, end), cmp_period = period_and_compare(v)
    return MetricScope(
        metrics,
        metrics.Period(start, end),
        cmp_period,
        metrics.Filters(**v.filters()),
        v.options(),
        store_url(),
        data_version(),
    )
