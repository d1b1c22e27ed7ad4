"""`cxkpi ingest | sources | loads | remove` (argument parsing lives in cxkpi/cli.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cxkpi.i18n import t
from cxkpi.i18n_messages import localize
from cxkpi.store.engine import StoreBusy, make_engine


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _how_to_answer(q: Any, mapping_used: bool, proposed: bool = False) -> str:
    if proposed and q.default:
        return t("cli.ingest.suggested", choice=q.default)
    if q.id == "dayfirst":
        return t("cli.ingest.dayfirst_hint")
    return (t("cli.ingest.mapping_hint") + "\n"
            f"        [answers]\n        {json.dumps(q.id, ensure_ascii=False)} = \"{q.choices[0]}\"   "
            f"# one of {', '.join(q.choices)}")


def cmd_ingest(args: argparse.Namespace) -> int:
    from cxkpi.ingest.api import LoadReport, commit, load_mapping_file, preview, save_mapping

    engine = make_engine(args.db)
    spec: dict[str, Any] | None = None
    if args.mapping:
        try:
            spec = load_mapping_file(args.mapping)
        except (OSError, ValueError) as e:
            _out(f"cannot use mapping {args.mapping}: {e}")
            return 2
    dayfirst = {"yes": True, "no": False}.get(args.dayfirst)
    reports: list[LoadReport] = []
    quality: dict[int, list] = {}  # load id -> findings right after that load, before the next file
    for name in args.files:
        path = Path(name)
        if not spec and path.is_file():
            # A large UTF-8 CSV streams in chunks (bounded memory); anything else returns None here.
            from cxkpi.ingest.chunked import ingest_large

            try:
                big = ingest_large(engine, path, path.name, source=args.source, sheet=args.sheet, dayfirst=dayfirst,
                                   accept_suggested=bool(getattr(args, "accept_suggested", False)))
            except StoreBusy:  # the whole store is another process's: one line for the run, not one per file
                raise
            except Exception as e:  # same promise as below: a message, and the next file still loads
                from cxkpi.ingest.problems import Problem, printable

                big = LoadReport(path.name, None, [], rejected=True)
                big.problems = [Problem(path.name, None, None, None, f"could not be loaded, nothing was changed "
                                        f"({type(e).__name__}: {printable(str(e)[:300])})")]
            if big is not None:
                reports.append(big)
                if not big.rejected and big.load_id is not None and not big.already_loaded:
                    quality[big.load_id] = _quality_of(engine, big.load_id)
                if args.format != "json":
                    _print_report(big, mapping_used=False)
                    for f in quality.get(big.load_id, []):
                        _out(_quality_line(f))
                continue
        try:
            data = path.read_bytes()
        except OSError as e:
            rep = LoadReport(path.name, None, [], rejected=True)
            from cxkpi.ingest.problems import Problem

            rep.problems = [Problem(path.name, None, None, None, f"cannot read the file: {e.strerror}")]
            reports.append(rep)
            if args.format != "json":
                _print_report(rep, mapping_used=bool(spec))
            continue
        try:
            p = preview(data, path.name, source=args.source, mapping=spec, engine=engine, sheet=args.sheet,
                        dayfirst=dayfirst, accept_suggested=bool(getattr(args, "accept_suggested", False)))
            if p.already_loaded is not None:
                rep = LoadReport(path.name, p.source, list(p.tables), load_id=p.already_loaded,
                                 already_loaded=True, source_label=p.source_label)
            else:
                rep = commit(engine, p)
                if not rep.rejected and rep.load_id is not None:
                    quality[rep.load_id] = _quality_of(engine, rep.load_id)
                if not rep.rejected and spec and spec.get("columns") and p.read_info.get("header"):
                    save_mapping(engine, str(spec.get("name", "mapping")), p.read_info["header"],
                                 p._mapped.source.table if p._mapped else spec["table"], spec)
        except StoreBusy:
            raise
        except Exception as e:  # one bad file: its own message, and the next file still loads
            from cxkpi.ingest.problems import Problem, printable

            rep = LoadReport(path.name, None, [], rejected=True)
            rep.problems = [Problem(path.name, None, None, None, f"could not be loaded, nothing was changed "
                                    f"({type(e).__name__}: {printable(str(e).splitlines()[0][:300] if str(e) else '')})")]
        reports.append(rep)
        if args.format != "json":  # each file's report as soon as it is known, committed or not
            _print_report(rep, mapping_used=bool(spec))
            for f in quality.get(rep.load_id, []):
                _out(_quality_line(f))
    if args.format == "json":
        _out(json.dumps([{**r.to_dict(), "quality": [f.to_dict() for f in quality.get(r.load_id, [])]}
                         for r in reports], ensure_ascii=False, indent=2, default=str))
    return 1 if any(r.rejected for r in reports) else 0


def _quality_line(f: Any) -> str:
    """One finding after a load, in the --lang language (JSON keeps the English finding)."""
    return t("cli.ingest.quality", severity=t(f"data.severity.{f.severity}"), title=localize(f.title),
             detail=localize(f.detail), fix=localize(f.fix))  # fmt: skip


def _quality_of(engine: Any, load_id: int) -> list:
    """Errors and warnings the data-quality report finds in one fresh load (after it is stored)."""
    from cxkpi.quality import findings_for_load

    return [f for f in findings_for_load(engine, load_id) if f.severity in ("error", "warning")]


def _print_reading(r: Any) -> None:
    """The reading proposed for an export no known tool matches, in plain words, with its evidence."""
    lines = getattr(r, "reading", None) or []
    if lines:
        _out(t("cli.ingest.reading", line=localize(lines[0])))
        for line in lines[1:]:
            _out("    " + localize(line))


def _print_report(r: Any, mapping_used: bool) -> None:
    label = r.source_label
    src = f"{label} ({r.source})" if label else (r.source or t("cli.ingest.not_recognized"))
    from cxkpi.ingest.problems import printable

    r.file_name = printable(r.file_name)  # a name with terminal escapes is shown, not executed
    if r.already_loaded:
        _out(t("cli.ingest.already", file=r.file_name, source=src, load_id=r.load_id))
        return
    if r.rejected and getattr(r, "reading", None) and not any(p.severity == "error" for p in r.problems):
        _out(t("cli.ingest.proposed", file=r.file_name, n=len(r.questions)))
        _print_reading(r)
        for q in r.questions:
            _out(t("cli.ingest.question", prompt=localize(q.prompt)) + f"\n      {_how_to_answer(q, mapping_used, proposed=True)}")
        _out(t("cli.ingest.accept_hint"))
        return
    if r.rejected:
        errors = [p for p in r.problems if p.severity == "error"]
        _out(t("cli.ingest.rejected", file=r.file_name, source=src, errors=len(errors), questions=len(r.questions)))
        for p in r.problems:
            _out("  " + p.shown())
        _print_reading(r)
        for q in r.questions:
            _out(t("cli.ingest.question", prompt=localize(q.prompt)) + f"\n      {_how_to_answer(q, mapping_used)}")
        if getattr(r, "reading", None):
            _out(t("cli.ingest.accept_hint"))
        return
    parts = [t("cli.ingest.counts", table=tb, added=c["added"], updated=c["updated"], unchanged=c["unchanged"])
             for tb, c in r.counts.items()]
    _out(t("cli.ingest.loaded", file=r.file_name, source=src, parts=t("cli.ingest.parts_sep").join(parts),
           left=r.rows_rejected, load_id=r.load_id))  # fmt: skip
    _print_reading(r)
    for p in r.warnings:
        _out("  " + p.shown())


def cmd_sources(args: argparse.Namespace) -> int:
    from cxkpi.sources import all_sources

    srcs = all_sources()
    if getattr(args, "format", "table") == "json":
        _out(json.dumps([{"name": s.name, "table": "+".join(s.tables), "system": s.system, "label": s.label}
                         for s in srcs], ensure_ascii=False, indent=2))
        return 0
    w = max(len(s.name) for s in srcs)
    tw = max(len("+".join(s.tables)) for s in srcs)
    for s in srcs:
        _out(f"{s.name:<{w}}  {'+'.join(s.tables):<{tw}}  {localize(s.label)}")  # the label in --lang
    return 0


def cmd_loads(args: argparse.Namespace) -> int:
    from cxkpi.store.loads import list_loads

    engine = make_engine(args.db)
    with engine.connect() as conn:
        rows = list_loads(conn)
    if args.format == "json":
        _out(json.dumps([{k: v for k, v in r.items() if k not in ("mapping", "warnings")} for r in rows],
                        default=str, indent=2))
        return 0
    if not rows:
        _out(t("cli.loads.none"))
        return 0
    for r in rows:
        when = r["loaded_at"].strftime("%Y-%m-%d %H:%M") if r["loaded_at"] else ""
        rows_text = t("cli.loads.rows", rows=f"{r['rows']:>6}", added=r["rows_added"], updated=r["rows_updated"])
        _out(f"{r['load_id']:>5}  {r['status']:<7}  {when}  {r['source']:<24}  {r['table_name']:<20}  "
             f"{rows_text}  {r['file_name']}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from cxkpi.ingest.api import remove_load

    engine = make_engine(args.db)
    try:
        summary = remove_load(engine, args.load_id)
    except LookupError as e:
        _out(localize(str(e)))
        return 1
    parts = [t("cli.remove.parts", table=tb, removed=n, restored=summary.get(tb + "_restored", 0))
             for tb, n in summary.items() if not tb.endswith("_restored")]  # fmt: skip
    done = t("cli.remove.done", load_id=args.load_id)
    _out(done + (t("cli.summary_sep") + t("cli.ingest.parts_sep").join(parts) if parts else t("cli.remove.empty")))
    return 0
