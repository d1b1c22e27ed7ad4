"""The Scorecard page in Debian chromium on a large store, against hand-written DuckDB queries, in one run.

    .venv/bin/python bench/app.py --store <file.duckdb>     # e.g. the 10 M-ticket store of bench/scorecard.py

The store is copied first (the app opens its store for writing, and DuckDB allows one process a file), or
used in place with --in-place. A real `streamlit run app.py` is started on a free port against the copy, with
the clock held at 2026-11-15 (as the browser tests do), so "last month" is October 2026 compared with
September 2026, the store's last two months. Playwright drives Debian chromium and measures:
1. first load: a new browser session on a freshly started server (nothing computed yet);
2. a second visitor: another session opening the same view (computed by the first);
3. a channel filter (chat), chosen in the sidebar;
4. back to all channels: a view computed before (a cached rerun);
5. a plain rerun of the same view (the "r" key).
What is timed: from the user's action to the page's answer. Steps 1–2 start at the navigation
(page.goto); steps 3–4 at the click on the option in the Channel box, which is opened (and the option seen)
before the clock starts: opening a box is the browser's work alone, and on a busy machine a swallowed click
on the box would otherwise count its retries into the step; step 5 at the "r" key press (the focus is moved
out of any input before). For each: wall seconds until the 13 tiles show their numbers, wall seconds until
the run is over (all sparklines drawn), and the server's CPU seconds over the step (/proc/<pid>/stat: all
its threads, DuckDB's included). Baseline, in the same run before the server starts: `hand_scorecard` of
bench/scorecard.py (one DuckDB statement computing the scorecard's aggregates, each table scanned once) for
the two periods the tiles show, and for those plus the twelve months of the sparklines; with the channel
filter for step 3. `--reruns N` measures step 5 N times in a row.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scorecard import hand_scorecard, machine  # noqa: E402  (bench/scorecard.py)

from tests.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS, start_server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
MONTHS = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]  # sparklines
VIEW = "period=last_month&compare=prev"
TILES = 13
COMPUTING = "Computing…"

# The page's 13 tiles, each with its number, none left from before the step (marked), no light placeholder.
TILES_SHOWN = f"""() => {{
  const tiles = [...document.querySelectorAll('[class*="st-key-tile_"]')];
  const main = document.querySelector('[data-testid="stMain"]');
  return tiles.length === {TILES} && tiles.every(e => !e.dataset.cxOld && e.querySelector('[data-testid="stMetric"]'))
    && !(main && main.textContent.includes('{COMPUTING}'));
}}"""
MARK_OLD = (
    """() => document.querySelectorAll('[class*="st-key-tile_"]').forEach(e => { e.dataset.cxOld = '1'; })"""
)
# The script-state attribute goes running → notRunning; watched from the start of a step so a short run is seen.
WATCH_RUN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const w = window.__cxRun = {running: false, done: false};
  new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') w.running = true;
    if (w.running && state === 'notRunning') w.done = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
RUN_OVER = "() => window.__cxRun && window.__cxRun.done"
# Every message the page receives from the server, timed (installed before the app's scripts run): a rerun
# served from kept results can end before the script-state attribute is ever drawn as "running".
RECORD_MESSAGES = """(() => {
  const Real = window.WebSocket;
  window.__cxMessages = [];
  window.WebSocket = function (...args) {
    const ws = new Real(...args);
    ws.addEventListener('message', () => window.__cxMessages.push(performance.now()));
    return ws;
  };
  window.WebSocket.prototype = Real.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""
# ms from `t0` (the page's clock) to the last message, once none came for 1.5 s
LAST_MESSAGE = """(t0) => {
  const after = window.__cxMessages.filter(t => t > t0);
  if (!after.length || performance.now() - after[after.length - 1] < 1500) return null;
  return after[after.length - 1] - t0;
}"""
CHARTS_DRAWN = """() => document.querySelectorAll('[data-testid="stPlotlyChart"]').length
  === document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot').length"""


def month_bounds(month: str) -> tuple[str, str]:
    y, m = map(int, month.split("-"))
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y}-{m:02d}-01 00:00:00", f"{ny}-{nm:02d}-01 00:00:00"


def channel_only(sql: str, channel: str) -> str:
    """hand_scorecard with the tickets and the answers of one channel (a channel filter leaves the
    subscription metrics not available in cxkpi; the hand query keeps computing them: a little more work)."""
    return sql.replace("FROM tickets)", f"FROM tickets WHERE channel = '{channel}')").replace(
        "FROM responses WHERE", f"FROM responses WHERE channel = '{channel}' AND"
    )


def hand(path: Path, months: list[str], channel: str | None = None) -> tuple[float, float]:
    """(wall s, CPU s of this process) for hand_scorecard over each month, one statement each."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        for month in months:
            sql = hand_scorecard(*month_bounds(month))
            con.execute(channel_only(sql, channel) if channel else sql).fetchall()
        return time.perf_counter() - t0, time.process_time() - c0
    finally:
        con.close()


def best(fn: Callable[[], tuple[float, float]], repeat: int) -> tuple[float, float]:
    return min(fn() for _ in range(repeat))


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its threads so far (0 once it has exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def browser_cpu_seconds(server_pid: int) -> float:
    """CPU so far of chromium's processes: this process's descendants other than the server's tree."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0.0, [c for c in children.get(os.getpid(), []) if c != server_pid]
    while todo:
        pid = todo.pop()
        total += cpu_seconds(pid)
        todo += children.get(pid, [])
    return total


class Step:
    """Wall time until the tiles show and until the run is over, and the server CPU, of one step."""

    def __init__(self, page, pid: int, timeout_ms: float) -> None:
        self.page, self.pid, self.timeout = page, pid, timeout_ms

    def measure(
        self,
        name: str,
        action: Callable[[], None],
        fresh_page: bool = False,
        computed: bool = False,
        prepare: Callable[[], None] | None = None,
    ) -> dict:
        """Time `action` (the user's one click or key); `prepare` runs before the clock starts (opening a
        box). `computed`: the view was computed before, so its tiles come with the run's end (no
        placeholder)."""
        page = self.page
        if not fresh_page:
            if not computed:
                page.evaluate(MARK_OLD)
            page.evaluate(WATCH_RUN)
        page.bring_to_front()  # the combobox opens on focus: a page behind another one would not
        if prepare is not None:
            prepare()
        c0, b0, t0 = cpu_seconds(self.pid), browser_cpu_seconds(self.pid), time.perf_counter()
        page_t0 = None if fresh_page else page.evaluate("() => performance.now()")
        action()
        if computed:
            # a kept view: the run is over with the server's last message (its numbers come with it)
            last = page.wait_for_function(LAST_MESSAGE, arg=page_t0, timeout=self.timeout, polling=100)
            tiles = over = last.json_value() / 1000
        else:
            if fresh_page:
                page.wait_for_selector('[data-testid="stApp"]', timeout=self.timeout)
            page.wait_for_function(TILES_SHOWN, timeout=self.timeout, polling=20)
            tiles = time.perf_counter() - t0
            if fresh_page:
                page.wait_for_selector(
                    '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=self.timeout
                )
            else:
                page.wait_for_function(RUN_OVER, timeout=self.timeout, polling=20)
            over = time.perf_counter() - t0
        page.wait_for_function(CHARTS_DRAWN, timeout=self.timeout)
        drawn = time.perf_counter() - t0
        time.sleep(0.5)  # the server's last messages and checkpoints settle before its CPU is read
        cpu = cpu_seconds(self.pid) - c0
        browser = browser_cpu_seconds(self.pid) - b0
        row = {"step": name, "tiles": tiles, "over": over, "drawn": drawn, "cpu": cpu, "browser": browser}
        print(
            f"{name:40} tiles {tiles:6.2f} s  run over {over:6.2f} s  charts {drawn:6.2f} s"
            f"  server CPU {cpu:6.2f} s  chromium CPU {browser:6.2f} s",
            flush=True,
        )
        return row


def channel_option(page, label: str):
    """The option `label` of the sidebar's Channel box."""
    return page.get_by_role("listbox").get_by_role("option", name=label, exact=True)


def open_channel_box(page, label: str) -> None:
    """Open the sidebar's Channel box until it offers `label` (its arrow button, else the input; tried again
    when a busy machine swallowed the first click). Not timed: the step starts with the option's click."""
    option = channel_option(page, label)
    for opener in ('button[aria-label="Open"]', "[role=combobox]", 'button[aria-label="Open"]'):
        page.locator(f".st-key-w_channel {opener}").click()
        try:
            option.wait_for(timeout=10_000)
        except Exception:  # playwright's TimeoutError: the list did not open
            page.keyboard.press("Escape")
            continue
        return
    raise RuntimeError(f"the Channel box did not offer {label!r}")


def pick_channel(page, label: str) -> None:
    """The timed part of a filter change: the click on the option of the open box."""
    channel_option(page, label).click()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--store", required=True, help="a cxkpi DuckDB store (bench/scorecard.py --store builds one)"
    )
    ap.add_argument("--in-place", action="store_true", help="run the app on the store itself, not a copy")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each hand query (the best is kept)")
    ap.add_argument("--channel", default="chat")
    ap.add_argument("--timeout", type=float, default=600, help="seconds a step may take")
    ap.add_argument("--screenshot", help="a PNG of the page after the filter change")
    ap.add_argument("--no-hand", action="store_true", help="skip the hand queries (the page's steps only)")
    ap.add_argument("--reruns", type=int, default=1, help="plain reruns measured one after another (step 5)")
    ap.add_argument(
        "--cold-rollups",
        action="store_true",
        help="empty the daily rollups first: the first load then builds them, as the first view after a load does",
    )
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="cxkpi-bench-app-")
    path = Path(args.store)
    if not args.in_place:
        copy = Path(tmp.name) / "store.duckdb"
        shutil.copy(path, copy)
        path = copy
    print(machine(), flush=True)
    if args.cold_rollups:
        from cxkpi.store import make_engine
        from cxkpi.store.schema import ROLLUPS

        eng = make_engine(f"duckdb:///{path}")
        with eng.begin() as conn:
            for table in ROLLUPS:
                conn.execute(table.delete())
        eng.dispose()

    tiles_months = ["2026-10", "2026-09"]  # the period and its comparison
    hand_rows = {}
    if not args.no_hand:
        hand_rows = {
            "tiles": best(lambda: hand(path, tiles_months), args.repeat),
            "page": best(lambda: hand(path, tiles_months + MONTHS), args.repeat),
            "tiles, channel": best(lambda: hand(path, tiles_months, args.channel), args.repeat),
            "page, channel": best(lambda: hand(path, tiles_months + MONTHS, args.channel), args.repeat),
        }
    for name, (wall, cpu) in hand_rows.items():
        print(f"hand query, {name:32} wall {wall:7.2f} s  CPU {cpu:6.2f} s", flush=True)

    from playwright.sync_api import sync_playwright

    server = start_server(timeout=300, store_url=f"duckdb:///{path}")
    rows = []
    try:
        c0 = cpu_seconds(server.proc.pid)
        time.sleep(3)
        print(
            f"server idle: {cpu_seconds(server.proc.pid) - c0:.2f} CPU s over 3 s (not subtracted below)",
            flush=True,
        )
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            timeout = args.timeout * 1000
            ctx = browser.new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1)
            ctx.add_init_script(RECORD_MESSAGES)
            page = ctx.new_page()
            step = Step(page, server.proc.pid, timeout)
            rows.append(
                step.measure("first load (new server)", lambda: page.goto(f"{server.url}/?{VIEW}"), True)
            )
            other = browser.new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1).new_page()
            rows.append(
                Step(other, server.proc.pid, timeout).measure(
                    "a second visitor, same view", lambda: other.goto(f"{server.url}/?{VIEW}"), True
                )
            )
            rows.append(
                step.measure(
                    f"channel filter ({args.channel})",
                    lambda: pick_channel(page, args.channel),
                    prepare=lambda: open_channel_box(page, args.channel),
                )
            )
            if args.screenshot:
                page.screenshot(path=args.screenshot, full_page=True)
            rows.append(
                step.measure(
                    "back to all channels (computed before)",
                    lambda: pick_channel(page, "All"),
                    computed=True,
                    prepare=lambda: open_channel_box(page, "All"),
                )
            )
            for _ in range(args.reruns):
                rows.append(
                    step.measure(
                        "rerun, nothing changed ('r')",
                        lambda: page.keyboard.press("r"),  # Streamlit's rerun key
                        computed=True,
                        # the key reruns only with the focus outside any input
                        prepare=lambda: page.evaluate(
                            "() => document.activeElement && document.activeElement.blur()"
                        ),
                    )
                )
            browser.close()
    finally:
        server.stop()
        tmp.cleanup()

    print()
    print(
        "| step | tiles shown, wall s | run over, wall s | server CPU s | chromium CPU s | hand query, CPU s"
        " | ratio (server CPU) |"
    )
    print("|---|---|---|---|---|---|---|")
    # the tiles' two periods: what the page must compute before its numbers can show
    baselines = [hand_rows.get("tiles"), None, hand_rows.get("tiles, channel")] + [None] * (len(rows) - 3)
    for row, base in zip(rows, baselines, strict=True):
        ratio = f"{row['cpu'] / base[1]:.1f}×" if base else "–"
        hand_cpu = f"{base[1]:.2f}" if base else "–"
        print(
            f"| {row['step']} | {row['tiles']:.2f} | {row['over']:.2f} | {row['cpu']:.2f} | {row['browser']:.2f}"
            f" | {hand_cpu} | {ratio} |"
        )


if __name__ == "__main__":
    main()
