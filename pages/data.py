"""Data page: upload exports (several at once), see what each would load before loading it, answer the
importer's questions, map an unknown shape (and save the mapping), see every problem, load per file or all,
the load history with remove, templates, the demo workspace and the data-quality report.

All the work is cxkpi.ingest.api (preview / commit / remove_load / template_csv) and cxkpi.store; this file
keeps per-session state (previews, answers, mappings) and draws. Uploaded bytes stay in this session's
memory only (never in st.cache_data, which every session shares)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import (
    i18n_pages,  # noqa: F401  (registers this page's catalogue entries)
    store,
)
from cxkpi.i18n import N_, get_locale, t
from cxkpi.i18n_messages import file_label, localize
from cxkpi.ingest.api import Preview
from cxkpi.method import safe_frame
from cxkpi.safety import markdown_text
from pages import common

TYPES = ["csv", "tsv", "txt", "xlsx", "xls"]
MAX_UPLOAD_MB = 200
PREVIEW_ROWS = 10
KEEP_ROWS = 200  # what a session keeps of a file between runs (the rows shown come from these)
NOT_MAPPED = ""
STATE = "data_state"  # session: {"previews": {key: Preview}, "answers": {sha: {...}}, "mappings": {sha: spec}}


def _state() -> dict[str, Any]:
    return st.session_state.setdefault(STATE, {"previews": {}, "answers": {}, "mappings": {}, "reports": []})


def _api():
    return common.optional("cxkpi.ingest.api")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _preview_key(sha: str, name: str, answers: dict, mapping: dict | None) -> str:
    return json.dumps([sha, name, answers, mapping], sort_keys=True, default=str)


def _full_preview(api, data: bytes, name: str, answers: dict, mapping: dict | None, progress: Any = None):
    # the upload cap holds for what a ZIP/gzip/XLSX inflates to, not only for the bytes sent
    return api.preview(
        data, name, engine=common.engine(), progress=progress, answers=answers or None, mapping=mapping,
        max_bytes=MAX_UPLOAD_MB * 1_000_000,
    )  # fmt: skip


@dataclasses.dataclass
class KeptPreview(Preview):
    """What a session keeps of a preview: the rows shown and the verdict, not the frames of the whole file
    (a 150 MB export once kept 2.2 GB per session). Loading previews the uploaded bytes again."""

    loadable: bool = False

    @property
    def ok(self) -> bool:
        return self.loadable


def _kept(p: Preview) -> KeptPreview:
    fields = {f.name: getattr(p, f.name) for f in dataclasses.fields(Preview)}
    return KeptPreview(**{**fields, "rows": p.rows.head(KEEP_ROWS), "_mapped": None}, loadable=p.ok)


def _read_all(files: list, api) -> list[tuple[Any, bytes, str, Any]]:
    """Preview every uploaded file (cached per session by bytes, answers and mapping), with a progress bar."""
    st_ = _state()
    items, todo = [], []
    for f in files:
        data = f.getvalue()
        sha = _sha(data)
        answers = st_["answers"].get(sha, {})
        mapping = st_["mappings"].get(sha)
        key = _preview_key(sha, f.name, answers, mapping)
        items.append((f, data, sha, key))
        if key not in st_["previews"]:
            todo.append((f, data, sha, key, answers, mapping))
    if todo:
        bar = st.progress(0.0, text=t("data.reading", name=todo[0][0].name))
        for i, (f, data, _, key, answers, mapping) in enumerate(todo):

            def report(frac: float, i: int = i, name: str = f.name) -> None:
                bar.progress(min(1.0, (i + max(0.0, min(1.0, frac))) / len(todo)), text=t("data.reading", name=name))

            st_["previews"][key] = _kept(_full_preview(api, data, f.name, answers, mapping, progress=report))
        bar.progress(1.0, text=t("data.read_done", n=len(todo)))
    # forget previews of files no longer in the uploader
    keep = {k for *_, k in items}
    for k in [k for k in st_["previews"] if k not in keep]:
        del st_["previews"][k]
    return [(f, data, sha, st_["previews"][key]) for f, data, sha, key in items]


def _status(p) -> tuple[str, str]:
    if p.already_loaded is not None:
        return "already", ":material/check_circle:"
    if getattr(p, "needs_confirmation", False):
        return "proposed", ":material/lightbulb:"  # no known tool, but a reading by meaning to confirm
    if p.source is None and getattr(p, "proposal", None) is not None and p.questions:
        return "questions", ":material/live_help:"  # a reading by meaning waiting for an answer
    if p.source is None:
        return "unknown", ":material/help:"
    if p.errors:
        return "errors", ":material/error:"
    if p.questions:
        return "questions", ":material/live_help:"
    return "ready", ":material/task_alt:"


def _problems_frame(problems: list) -> pd.DataFrame:
    return pd.DataFrame({
        t("data.col_file"): [p.file for p in problems],
        t("data.col_row"): [p.row if p.row is not None else "" for p in problems],
        t("data.col_column"): [p.column or "" for p in problems],
        t("data.col_value"): [p.value or "" for p in problems],
        t("data.col_severity"): [t(f"data.severity.{p.severity}") for p in problems],
        t("data.col_todo"): [localize(p.message) for p in problems],
    })  # fmt: skip


def _set_answer(sha: str, qid: str, key: str) -> None:
    value = st.session_state.get(key)
    if value is not None:
        _state()["answers"].setdefault(sha, {})[qid] = value


def question_text(q) -> str:
    """The importer's question in the viewer's language (its English prompt as the library wrote it)."""
    if get_locale() == "en":
        return q.prompt
    said = localize(q.prompt)  # the whole question, its reason included, when the sentence table knows it
    if said != q.prompt:
        return said
    column = q.column or ""
    if q.id == "dayfirst":
        return t("data.q.dayfirst", column=column, samples=", ".join(q.samples))
    if q.id == "kind" or q.id.startswith("kind:"):
        return t("data.q.kind", column=column)
    if q.id == "scale" or q.id.startswith("scale:"):
        return t("data.q.scale", column=column)
    return q.prompt  # a question this page does not know yet: the library's English


def choice_text(choice: str) -> str:
    """yes / no and survey kinds read in the viewer's language; scales and names as they are."""
    known = {"yes": N_("data.choice.yes"), "no": N_("data.choice.no"), "skip": N_("data.choice.skip"),
             "csat": N_("data.choice.csat"), "esat": N_("data.choice.esat"), "ces": N_("data.choice.ces"),
             "nps": N_("data.choice.nps")}  # fmt: skip
    return t(known[choice]) if choice in known else localize(choice)


def _questions(p, sha: str) -> None:
    st.markdown(f"**{t('data.questions')}**")
    for q in p.questions:
        key = f"data_q_{sha[:12]}_{q.id}"
        default = q.choices.index(q.default) if q.default in q.choices else None
        st.radio(question_text(q), q.choices, index=default, key=key, horizontal=len(q.choices) <= 4,
                 format_func=choice_text, on_change=_set_answer, args=(sha, q.id, key))  # fmt: skip
        unanswered = default is not None and q.id not in _state()["answers"].get(sha, {})
        if unanswered and st.button(t("data.accept_default", choice=choice_text(q.default)), key=f"{key}_ok"):
            _set_answer(sha, q.id, key)
            st.rerun()


def _mapping_step(p, sha: str, name: str, api) -> None:
    """An unknown shape: the suggested mapping in editable selectboxes, saved under a name, then previewed."""
    from cxkpi.ingest.mapping import REQUIRED, canonical_columns

    sug = p.suggestion
    headers = list(p.read_info.get("header") or [])
    st.markdown(f"**{t('data.mapping_step')}**")
    st.caption(t("data.mapping_help"))
    tables = list(store.CANONICAL)
    table = st.selectbox(t("data.mapping_table"), tables, index=tables.index(sug.table) if sug.table in tables else 0,
                         key=f"data_map_table_{sha[:12]}", format_func=lambda x: t(f"table.{x}"))  # fmt: skip
    required = set(REQUIRED.get(table, ()))
    chosen: dict[str, str] = {}
    cols = st.columns(3)
    for i, canon in enumerate(c for c in canonical_columns(table) if c != "linked_account_id"):
        suggested = sug.columns.get(canon) if table == sug.table else None
        options = [NOT_MAPPED, *headers]
        label = canon + (" *" if canon in required else "")
        pick = cols[i % 3].selectbox(
            label, options, index=options.index(suggested) if suggested in options else 0,
            key=f"data_map_{sha[:12]}_{table}_{canon}", format_func=lambda h: h or t("data.not_in_file"),
        )  # fmt: skip
        if pick:
            chosen[canon] = pick
    missing = sorted(required - set(chosen))
    if missing:
        st.warning(t("data.mapping_missing", columns=", ".join(missing)), icon=":material/warning:")
    mname = st.text_input(t("data.mapping_name"), value=Path(name).stem, key=f"data_map_name_{sha[:12]}")
    if st.button(t("data.mapping_save"), key=f"data_map_save_{sha[:12]}", disabled=bool(missing) or not mname.strip(),
                 icon=":material/save:"):  # fmt: skip
        spec = {"table": table, "columns": chosen}
        api.confirm_mapping(common.engine(), p, mname.strip(), spec)
        _state()["mappings"][sha] = spec
        st.rerun()


def _proposal_box(p, sha: str, name: str, data: bytes, api) -> None:
    """An export no known tool matches: the proposed reading in plain words, with its evidence, and one
    click that loads it (each open question answered with its selected, by default suggested, choice)."""
    st.markdown(f"**{t('data.proposal_heading')}**")
    st.caption(t("data.proposal_help"))
    lines = p.proposal.describe()
    st.markdown("\n".join(f"- {_md(localize(line))}" for line in lines), help=None)
    if p.questions:
        _questions(p, sha)
    # Blocked until every question without a suggestion is answered (the preview is then made again).
    if st.button(t("data.proposal_load"), key=f"data_accept_{sha[:12]}", type="primary", icon=":material/done_all:",
                 disabled=not p.needs_confirmation):  # fmt: skip
        answers = dict(_state()["answers"].get(sha, {}))
        with st.spinner(t("data.loading", name=markdown_text(name))):
            accepted = api.preview(data, name, engine=common.engine(), answers=answers or None, accept_suggested=True)
            rep = api.commit(common.engine(), accepted)
        _state()["reports"].append(rep)
        _state()["previews"].clear()
        if not rep.rejected:
            st.session_state["data_proposal_saved"] = True
        st.rerun()


def _md(text: str) -> str:
    # Export headers are user text: keep Markdown from reading '*', '_' or '#' in them as formatting.
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|~" else c for c in text)


def _commit(api, p, data: bytes, sha: str) -> None:
    # The session kept only what was shown: read the uploaded bytes again, with the same answers and mapping.
    answers, mapping = _state()["answers"].get(sha, {}), _state()["mappings"].get(sha)
    full = _full_preview(api, data, p.file_name, answers, mapping)
    # Imports take turns (cxkpi.store): say so while this one waits, instead of failing.
    waiting = st.empty()
    if store.import_running(common.engine()):
        waiting.info(t("data.waiting_for_import"), icon=":material/hourglass_top:")
    rep = api.commit(common.engine(), full)
    del full  # the whole file's frames go as soon as they are written
    waiting.empty()
    _state()["reports"].append(rep)


def _file_card(f, data: bytes, sha: str, p, api) -> None:
    status, icon = _status(p)
    with st.container(border=True, key=f"data_card_{sha[:12]}"):
        st.markdown(f"**{markdown_text(f.name)}** · {t('data.status.' + status)}")
        # A reading by meaning is shown as such even while a question blocks it (a scale cxkpi cannot
        # suggest): the user answers in the proposal's terms, never in canonical column names.
        proposed = getattr(p, "proposal", None) is not None and (p.needs_confirmation or p.source is None)
        if p.source and not proposed:  # a proposal says what it recognized in its own box, not "Recognized as"
            st.caption(t("data.recognized", label=localize(p.source_label or p.source),
                         tables=", ".join(t(f"table.{x}") for x in p.tables)))  # fmt: skip
        rows_line = t("data.rows_line", rows=fmt.count(p.row_count),
                      load=", ".join(f"{fmt.count(n)} {t(f'table.{tb}').lower()}" for tb, n in p.rows_to_load.items())
                      or fmt.DASH, left=fmt.count(p.rows_left_out))  # fmt: skip
        st.caption(rows_line)
        if p.already_loaded is not None:
            st.info(t("data.already_loaded", load_id=p.already_loaded), icon=icon)
        if p.mapping:
            with st.expander(t("data.mapped_columns"), expanded=False):
                rows = [(t(f"table.{tb}"), canon, str(src)) for tb, m in p.mapping.items() for canon, src in m.items()]
                # st.table, not st.dataframe: a small static table (escaped text), nothing hidden to wait for
                st.table(pd.DataFrame(rows, columns=[t("data.col_table"), t("data.col_canonical"), t("data.col_export")])
                         .set_index(t("data.col_table")))  # fmt: skip
        if not p.rows.empty:
            st.markdown(f"**{t('data.first_rows', n=min(PREVIEW_ROWS, len(p.rows)))}**")
            shown = p.rows.drop(columns=[c for c in p.rows.columns if str(c).startswith("_")]).head(PREVIEW_ROWS)
            st.dataframe(safe_frame(shown.astype(str).fillna("").replace({"None": "", "NaT": "", "nan": "", "<NA>": ""})), hide_index=True,
                         width="stretch")  # fmt: skip
        if proposed:
            _proposal_box(p, sha, f.name, data, api)
        elif p.questions:
            _questions(p, sha)
        if p.suggestion is not None and proposed:
            with st.expander(t("data.mapping_step")):  # the reading, changed column by column instead
                _mapping_step(p, sha, f.name, api)
        elif p.suggestion is not None and p.source is None:
            _mapping_step(p, sha, f.name, api)
        if p.problems:
            errors, warns = len(p.errors), len(p.warnings)
            st.markdown(f"**{t('data.problems', errors=errors, warnings=warns)}**")
            st.dataframe(_problems_frame(p.problems), hide_index=True, width="stretch",
                         height=min(320, 38 + 35 * len(p.problems)))  # fmt: skip
        can_load = p.ok and p.already_loaded is None
        if proposed:
            return
        if st.button(t("data.load_one"), key=f"data_load_{sha[:12]}", disabled=not can_load, type="primary",
                     icon=":material/upload:"):  # fmt: skip
            with st.spinner(t("data.loading", name=markdown_text(f.name))):
                _commit(api, p, data, sha)
            _state()["previews"].clear()  # re-preview: the file is now "already loaded"
            st.rerun()


def _reports() -> None:
    reps = _state()["reports"]
    if reps and st.session_state.pop("data_proposal_saved", False):
        st.info(t("data.proposal_saved"), icon=":material/bookmark_added:")
    for rep in reps:
        if rep.rejected:
            st.error(t("data.report_rejected", name=markdown_text(rep.file_name), n=len([p for p in rep.problems if p.severity == "error"])),
                     icon=":material/block:")  # fmt: skip
        elif rep.already_loaded:
            st.info(t("data.report_already", name=markdown_text(rep.file_name), load_id=rep.load_id), icon=":material/check_circle:")
        else:
            st.success(t("data.report_loaded", name=markdown_text(rep.file_name), load_id=rep.load_id, added=fmt.count(rep.rows_added),
                         updated=fmt.count(rep.rows_updated), unchanged=fmt.count(rep.rows_unchanged),
                         rejected=fmt.count(rep.rows_rejected)), icon=":material/task_alt:")  # fmt: skip
            for fnd in _load_findings(rep.load_id):
                st.warning(t("data.report_quality", load_id=rep.load_id, title=localize(fnd.title),
                             detail=localize(fnd.detail), fix=localize(fnd.fix)), icon=":material/rule:")  # fmt: skip
    reps.clear()


def _load_findings(load_id: int | None) -> list:
    """What the data-quality report says about one fresh load (errors and warnings; info stays below)."""
    quality = common.optional("cxkpi.quality")
    if quality is None or load_id is None:
        return []
    try:
        found = quality.findings_for_load(common.engine(), load_id)
    except Exception:  # advice only: a failing check must not hide the load report
        return []
    return [f for f in found if f.severity in ("error", "warning")]


def _upload_section(api) -> None:
    st.subheader(t("data.upload_heading"))
    st.caption(t("data.upload_help"))
    files = st.file_uploader(t("data.upload"), type=TYPES, accept_multiple_files=True, key="data_upload",
                             max_upload_size=MAX_UPLOAD_MB)  # fmt: skip
    _reports()
    if not files:
        return
    previews = _read_all(files, api)
    ready = [(f, data, sha, p) for f, data, sha, p in previews if p.ok and p.already_loaded is None]
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.caption(t("data.summary", files=len(previews), ready=len(ready)))
    if c2.button(t("data.load_all", n=len(ready)), key="data_load_all", disabled=not ready, type="primary",
                 icon=":material/upload:"):  # fmt: skip
        with st.spinner(t("data.loading_all", n=len(ready))):
            for _, data, sha, p in ready:
                _commit(api, p, data, sha)
        _state()["previews"].clear()
        st.rerun()
    for f, data, sha, p in previews:
        _file_card(f, data, sha, p, api)


@st.cache_data(max_entries=8, ttl=600, show_spinner=False)
def _quality_report(url: str, version: str) -> list:
    # keyed by store and data version: the report only changes when a load is added or removed
    return common.optional("cxkpi.quality").report(common.engine())


def _quality_section() -> None:
    quality = common.optional("cxkpi.quality")
    if quality is None or not hasattr(quality, "report"):
        return
    st.subheader(t("data.quality_heading"))
    try:
        findings = _quality_report(store.normalize_url(store.default_url()), common.data_version())
    except Exception as e:  # the report is advice; a failing check must not take the Data page down
        st.warning(t("data.quality_failed", error=str(e)), icon=":material/warning:")
        return
    if not findings:
        st.success(t("data.quality_none"), icon=":material/verified:")
        return
    rows = []
    for fnd in findings:
        d = dataclasses.asdict(fnd) if dataclasses.is_dataclass(fnd) else dict(fnd)
        rows.append({
            t("data.col_severity"): t(f"data.severity.{d.get('severity', 'info')}"),
            t("data.q_title"): localize(d.get("title", "")),
            t("data.q_detail"): localize(d.get("detail", "")),
            t("data.q_affects"): ", ".join(d.get("affects") or []),
            t("data.col_todo"): localize(d.get("fix", "")),
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(420, 38 + 35 * len(rows)))


def _history_section(api) -> None:
    st.subheader(t("data.history_heading"))
    with common.engine().connect() as conn:
        loads = store.list_loads(conn)
    if not loads:
        st.info(t("data.history_empty"), icon=":material/history:")
        return
    df = pd.DataFrame(loads)
    table = pd.DataFrame({
        t("data.col_load"): df["load_id"],
        t("data.col_file"): [file_label(x) for x in df["file_name"]],
        t("data.col_source"): df["source"],
        t("data.col_table"): [t(f"table.{x}") for x in df["table_name"]],
        t("data.col_rows"): [fmt.count(x) for x in df["rows"]],
        t("data.col_added"): [fmt.count(x) for x in df["rows_added"]],
        t("data.col_updated"): [fmt.count(x) for x in df["rows_updated"]],
        t("data.col_loaded_at"): [common.shown_time(x) for x in df["loaded_at"]],  # the viewer's zone
        t("data.col_status"): [t(f"data.load_status.{s}") + (" · demo" if d else "") for s, d in
                               zip(df["status"], df["is_demo"], strict=True)],
    })  # fmt: skip
    st.dataframe(safe_frame(table), hide_index=True, width="stretch", height=min(360, 38 + 35 * len(table)))
    if api is None:
        return
    from cxkpi.ingest.restore import restore_load

    _history_action(loads, REMOVE, lambda load_id: api.remove_load(common.engine(), load_id))
    _history_action(loads, RESTORE, lambda load_id: restore_load(common.engine(), load_id))


@dataclasses.dataclass(frozen=True)
class HistoryAction:
    """Remove or restore: the same steps (pick a load, asked first, done or refused) with their own texts,
    widget keys (data_<name>_pick, data_<name>, data_<name>_yes, data_<name>_no) and icon."""

    name: str
    status: str  # the loads it applies to
    pick: str
    button: str
    confirm: str
    confirm_yes: str
    done: str  # placeholders load_id, n (rows)
    icon: str
    refused: str | None = None  # placeholders load_id, why; shown when the library refuses


REMOVE = HistoryAction("remove", "active", N_("data.remove_pick"), N_("data.remove"), N_("confirm.remove"),
                       N_("confirm.remove_yes"), N_("data.removed"), ":material/delete:")  # fmt: skip
RESTORE = HistoryAction("restore", "removed", N_("data.restore_pick"), N_("data.restore"), N_("confirm.restore"),
                        N_("confirm.restore_yes"), N_("data.restored"), ":material/restore:",
                        refused=N_("data.cannot_restore"))  # fmt: skip


def _history_action(loads: list[dict], action: HistoryAction, act: Callable[[int], dict]) -> None:
    """One load picked from the history, asked first (nothing lost by one click), then `act(load_id)` → rows
    per table. A refusal the library explains (cxkpi.ingest.restore.CannotRestore) is shown, not raised."""
    from cxkpi.ingest.restore import CannotRestore

    key = f"data_{action.name}"
    asked, done, refused = f"{key}_asked", f"{key}_done", f"{key}_refused"
    candidates = [r for r in loads if r["status"] == action.status]
    if candidates:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        choice = int(c1.selectbox(t(action.pick), [r["load_id"] for r in candidates], key=f"{key}_pick",
                                  format_func=lambda i: next(f"#{r['load_id']} · {file_label(r['file_name'])}" for r in candidates
                                                             if r["load_id"] == i)))  # fmt: skip
        if c2.button(t(action.button), key=key, icon=action.icon):
            st.session_state[asked] = choice
        if st.session_state.get(asked) == choice:
            st.warning(t(action.confirm, load_id=choice), icon=":material/help:")
            y, n = st.columns(2)
            if y.button(t(action.confirm_yes), key=f"{key}_yes", type="primary"):
                st.session_state.pop(asked, None)
                try:
                    counts = act(choice)
                except CannotRestore as e:
                    if action.refused is None:
                        raise
                    st.session_state[refused] = (choice, str(e))
                else:
                    _state()["previews"].clear()  # a file's "already loaded" may have changed
                    st.session_state[done] = (choice, sum(int(v) for v in counts.values()))
                st.rerun()
            if n.button(t("confirm.cancel"), key=f"{key}_no"):
                st.session_state.pop(asked, None)
                st.rerun()
    if done in st.session_state:
        lid, rows = st.session_state.pop(done)
        st.success(t(action.done, load_id=lid, n=fmt.count(rows)), icon=action.icon)
    if refused in st.session_state:
        lid, why = st.session_state.pop(refused)
        st.error(t(action.refused or "", load_id=lid, why=why), icon=":material/block:")


def _templates_section(api) -> None:
    st.subheader(t("data.templates_heading"))
    st.caption(t("data.templates_help"))
    cols = st.columns(4)
    for i, table in enumerate(store.CANONICAL):
        cols[i % 4].download_button(
            t(f"table.{table}"), api.template_csv(table), file_name=f"cxkpi-{table}-template.csv", mime="text/csv",
            key=f"data_tpl_{table}", icon=":material/download:", width="stretch",
        )  # fmt: skip


def _demo_section() -> None:
    st.subheader(t("demo.section"))
    if common.optional("cxkpi.demo") is None:
        st.info(t("demo.unavailable"), icon=":material/hourglass_empty:")
    elif common.demo_loaded():
        st.write(t("demo.is_loaded"))
        if st.button(t("demo.clear_button"), icon=":material/delete_sweep:", key="clear_demo"):
            st.session_state["clear_demo_asked"] = True  # nothing lost by one click: ask first
        if st.session_state.get("clear_demo_asked"):
            st.warning(t("confirm.clear_demo"), icon=":material/help:")
            y, n = st.columns(2)
            if y.button(t("confirm.clear_demo_yes"), key="clear_demo_yes", type="primary"):
                st.session_state.pop("clear_demo_asked", None)
                common.clear_demo()
                _state()["previews"].clear()
                st.success(t("demo.cleared"))
                st.rerun()
            if n.button(t("confirm.cancel"), key="clear_demo_no"):
                st.session_state.pop("clear_demo_asked", None)
                st.rerun()
    else:
        st.write(t("demo.not_loaded"))
        if st.button(t("demo.load_button"), icon=":material/science:", key="load_demo"):
            with st.spinner(t("demo.load_button")):
                common.load_demo()
            st.rerun()


# controls=False: the period and filters do not apply to imports, so the sidebar does not offer them here
with common.page("data", "page.data.intro", controls=False):
    api = _api()
    if api is None:
        st.info(t("data.no_importer"), icon=":material/hourglass_empty:")
    else:
        _upload_section(api)
    _history_section(api)
    _quality_section()
    if api is not None:
        _templates_section(api)
    _demo_section()
    common.counts_section()
