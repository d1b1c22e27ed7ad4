"""`cxkpi report --view LINK --pdf FILE`: the Report page's PDF from the command line, for a scheduler.

A share link already lets a viewer in, so it is printed as it is (no store needed). A plain view link (the
dashboard's address with the view in its query string) gets a short-lived print pass signed with the
store's key: that needs $CXKPI_SECRET or the store (--db; a DuckDB file the dashboard holds open cannot be
opened alongside it, so use PostgreSQL or set the same $CXKPI_SECRET for both).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

VIEW_KEYS = ("period", "from", "to", "compare", "segment", "region", "plan", "channel", "csat", "frt")


def print_url(link: str, db: str | None) -> str:
    """The URL the printer opens for `link`."""
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--view takes the dashboard link (http://…), got {link!r}")
    query = dict(parse_qsl(parts.query))
    path = parts.path.rstrip("/")
    base = f"{parts.scheme}://{parts.netloc}{path.rsplit('/', 1)[0] if path else ''}/"
    if "share" in query:
        return base + "?" + urlencode({"share": query["share"]})
    from cxkpi.access import shares as sh
    from cxkpi.store.engine import make_engine

    view = {k: v for k, v in query.items() if k in VIEW_KEYS}
    engine = None if os.environ.get(sh.ENV_SECRET) and not db else make_engine(db)
    return base + "?" + urlencode({"print": sh.print_pass(engine, query=view)})


def cmd_report(args: argparse.Namespace) -> int:
    from cxkpi.report.pdf import render_pdf

    try:
        url = print_url(args.view, args.db)
        pdf = render_pdf(url, args.paper)
    except (ValueError, FileNotFoundError) as e:
        print(str(e), file=sys.stderr)
        return 1
    except Exception as e:  # the dashboard did not answer, or the page never finished
        print(f"could not print {args.view}: {e}", file=sys.stderr)
        return 1
    Path(args.pdf).write_bytes(pdf)
    print(f"{args.pdf}: {len(pdf):,} bytes, {args.paper}")
    return 0
