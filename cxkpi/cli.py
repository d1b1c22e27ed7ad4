"""The `cxkpi` command (../shared/reference/cli.md): everything the pages do to data, scriptable.

This module only parses arguments; each command lives beside the code it drives and is imported lazily
so `cxkpi sources` does not pay for pandas and scipy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from cxkpi.i18n import DEFAULT_LOCALE, LOCALES, set_locale
from cxkpi.store import engine as store_engine
from cxkpi.store.engine import DEFAULT_URL

# command -> "module:function"; the function takes the parsed args and returns an exit code.
COMMANDS = {
    "ingest": "cxkpi.ingest.commands:cmd_ingest",
    "sources": "cxkpi.ingest.commands:cmd_sources",
    "scorecard": "cxkpi.metrics.commands:cmd_scorecard",
    "trend": "cxkpi.metrics.commands:cmd_trend",
    "explain": "cxkpi.metrics.commands:cmd_explain",
    "demo": "cxkpi.demo:cmd_demo",
    "loads": "cxkpi.ingest.commands:cmd_loads",
    "remove": "cxkpi.ingest.commands:cmd_remove",
    "restore": "cxkpi.ingest.restore:cmd_restore",
    "quality": "cxkpi.quality:cmd_quality",
    "user": "cxkpi.access.users:cmd_user",
    "report": "cxkpi.report.commands:cmd_report",
}

READ_ONLY_COMMANDS = {"scorecard", "trend", "explain", "loads", "quality"}


def _segment(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--segment takes KEY=VALUE (e.g. segment=Enterprise), got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), v.strip()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cxkpi", description="Customer-success KPI scorecard from your exports.")
    sub = p.add_subparsers(dest="command", required=True)

    def db(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", default=None, help=f"SQLAlchemy URL (default {DEFAULT_URL}, or $CXKPI_DB)")

    def period(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        sp.add_argument("--to", dest="date_to", required=True, help="last day (inclusive), YYYY-MM-DD")
        sp.add_argument(
            "--segment",
            action="append",
            type=_segment,
            default=[],
            metavar="K=V",
            help="filter: segment=, region=, plan=, channel=, survey= (repeatable)",
        )

    sp = sub.add_parser("ingest", help="load export files into the store")
    sp.add_argument("files", nargs="+", metavar="FILE")
    db(sp)
    sp.add_argument("--source", help="force a source shape (see `cxkpi sources`)")
    sp.add_argument("--mapping", help="a column mapping file (TOML) for an unrecognized export")
    sp.add_argument("--sheet", help="XLSX sheet name (default: the first sheet with data)")
    sp.add_argument("--dayfirst", choices=["auto", "yes", "no"], default="auto", help="ambiguous dates")
    sp.add_argument(
        "--accept-suggested",
        action="store_true",
        help="an export no known tool matches: load it with the reading cxkpi proposes (each open question "
        "answered with its suggested choice, as one click on the Data page does), print that reading, and "
        "keep it so the next export of that shape loads by itself. Without it such a file stops, printing "
        "the proposal and its questions.",
    )
    sp.add_argument("--format", choices=["table", "json"], default="table")

    sp = sub.add_parser("sources", help="list the export shapes cxkpi recognizes")
    sp.add_argument("--format", choices=["table", "json"], default="table")

    sp = sub.add_parser("scorecard", help="the ten-metric scorecard plus FRT, AHT and FCR")
    period(sp)
    db(sp)
    sp.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sp.add_argument("--option", action="append", default=[], metavar="K=V", help="metric option, e.g. csat.mode=mean")

    sp = sub.add_parser("trend", help="one metric over time")
    sp.add_argument("metric")
    period(sp)
    sp.add_argument("--by", choices=["month", "week", "quarter"], default="month")
    db(sp)
    sp.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sp.add_argument("--option", action="append", default=[], metavar="K=V")

    sp = sub.add_parser("explain", help="the rows behind a metric (numerator and denominator)")
    sp.add_argument("metric")
    period(sp)
    db(sp)
    sp.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sp.add_argument("--option", action="append", default=[], metavar="K=V")

    sp = sub.add_parser("demo", help="load the realistic demo workspace")
    db(sp)
    sp.add_argument("--end", help="last month of the demo (YYYY-MM); default last month")

    sp = sub.add_parser("loads", help="list the imports in the store")
    db(sp)
    sp.add_argument("--format", choices=["table", "json"], default="table")

    sp = sub.add_parser("remove", help="remove a load and restore what it replaced")
    sp.add_argument("load_id", type=int)
    db(sp)

    sp = sub.add_parser("restore", help="bring a removed load back, exactly the rows it had")
    sp.add_argument("load_id", type=int)
    db(sp)

    sp = sub.add_parser("quality", help="the data-quality report: what makes a number wrong and how to fix it")
    db(sp)
    sp.add_argument("--format", choices=["table", "json"], default="table")

    sp = sub.add_parser("user", help="local-mode sign-in: add an editor (password asked, stored hashed), or list")
    sp.add_argument("action", choices=["add", "list"])
    sp.add_argument("name", nargs="?", default="")
    sp.add_argument("--role", choices=["editor", "viewer"], default="editor")
    db(sp)

    sp = sub.add_parser("report", help="the Report page of a dashboard link as a PDF (Debian chromium)")
    sp.add_argument("--view", required=True, metavar="LINK", help="a share link, or the dashboard's link to a view")
    sp.add_argument("--pdf", required=True, metavar="FILE")
    sp.add_argument("--paper", choices=["A4", "Letter"], default="A4")
    db(sp)
    return p


def _add_lang(parser: argparse.ArgumentParser) -> None:
    """--lang on every command (after the command name, like --db): messages and tables meant for people."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for sp in sub.choices.values():
        sp.add_argument(
            "--lang",
            choices=LOCALES,
            default=os.environ.get("CXKPI_LANG") or DEFAULT_LOCALE,
            help="language of the human-readable output (default en, or $CXKPI_LANG); JSON/CSV keys stay English",
        )


def main(argv: list[str] | None = None) -> int:
    if argv is None and hasattr(signal, "SIGPIPE"):
        # `cxkpi scorecard | head` should end quietly, like any Unix tool
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    _add_lang(parser)
    args = parser.parse_args(argv)
    # --lang changes the human-readable output only; JSON and CSV keys stay English
    set_locale(getattr(args, "lang", None) or DEFAULT_LOCALE)
    module, func = COMMANDS[args.command].split(":")
    before = store_engine.READ_ONLY_BY_DEFAULT
    if args.command in READ_ONLY_COMMANDS:
        store_engine.READ_ONLY_BY_DEFAULT = True  # several readers may share a DuckDB file
    try:
        return int(getattr(importlib.import_module(module), func)(args) or 0)
    except store_engine.StoreBusy as e:  # the DuckDB file is another process's: one line, not a traceback
        print(f"cxkpi: {e}", file=sys.stderr)
        return 3
    finally:
        # main() called in-process (tests, a scheduler) must not leave later stores of that process read-only
        store_engine.READ_ONLY_BY_DEFAULT = before


if __name__ == "__main__":
    sys.exit(main())
