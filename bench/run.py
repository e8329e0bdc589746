"""Run every benchmark, print one table, and write it to docs/performance.md.

    scripts/with-services.sh .venv/bin/python bench/run.py [--profile] [--no-write]

(``make bench`` does exactly this.) Each benchmark is a script in ``bench/`` run in its own
process on its own throwaway database; it prints its figures as ``BENCH-ROW {json}`` lines
(key, what, value, unit, target, ok, and optionally ratio / p95 / detail). A script that prints
none still gets a row saying whether it succeeded, so new benchmarks can be added to BENCHES
before they speak the protocol.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Surge day (issue 5)"
BENCHES = [
    "bench_import.py",
    "bench_surge.py",
    "bench_notifications.py",
    "bench_pdf.py",
    "bench_replay.py",
    "bench_handover.py",
    "bench_statistics.py",
]
# Benchmarks that take --profile (``make bench BENCH_ARGS=--profile``).
PROFILED = {"bench_surge.py", "bench_pdf.py"}
# Benchmarks whose table is a section of its own (the others share SECTION).
SECTIONS = {
    "bench_replay.py": "## Taps replayed after an outage (issue 13)",
    "bench_statistics.py": "## Statistics over three years of national history (issue 18)",
}


def _machine() -> dict[str, str]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pg = ""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(url)
        with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres"))) as conn:
            row = conn.execute("show server_version").fetchone()
            pg = f"PostgreSQL {row[0]}" if row else ""
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "postgres": pg,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
    }


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (1 min) / {five:.2f} (5 min)"


def _run(script: str, args: list[str]) -> tuple[list[dict[str, Any]], int]:
    rows: list[dict[str, Any]] = []
    print(f"\n### {script}", flush=True)
    before = os.getloadavg()[0]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("BENCH-ROW "):
            rows.append(json.loads(line.removeprefix("BENCH-ROW ")))
        else:
            print(line, end="", flush=True)
    status = process.wait()
    after = os.getloadavg()[0]
    if rows:
        # Each verdict is a ratio to a floor measured by the same script; the load beside it
        # says how busy the machine was while both were measured.
        rows.append(
            {
                "key": f"load:{script}",
                "what": f"load average (1 min) before / after {script}",
                "value": after,
                "unit": "",
                "detail": f"{before:.2f} / {after:.2f}",
            }
        )
    if not rows:
        rows.append(
            {
                "key": script,
                "what": script,
                "value": status,
                "unit": "exit code",
                "target": "0",
                "ok": status == 0,
            }
        )
    return rows, status


def _figure(row: dict[str, Any]) -> str:
    value = row["value"]
    if row["key"].startswith("load:"):
        return str(row["detail"])
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}".removesuffix(".00")
    text = f"{text} {row['unit']}"
    if "p95" in row:
        text += f" (p95 {row['p95']:g} ms)"
    if "p50" in row:
        text += f" (p50 {row['p50']:g} ms)"
    if "detail" in row:
        text += f": {row['detail']}"
    return text


def _table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| what | figure | target | ratio to the floor | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        verdict = {True: "pass", False: "**FAIL**", None: ""}[row.get("ok")]
        lines.append(
            f"| {row['what']} | {_figure(row)} | {row.get('target', '')} "
            f"| {row.get('ratio', '')} | {verdict} |"
        )
    return lines


def _with_floor_ratios(rows: list[dict[str, Any]]) -> None:
    """Times without a ratio of their own (the import) in units of the floor's one-client time."""
    floor = next((r for r in rows if r["key"] == "floor_seq"), None)
    if floor is None:
        return
    for row in rows:
        if "ratio" not in row and row["unit"] == "s" and row["key"].startswith("import"):
            row["ratio"] = f"{row['value'] * 1000 / floor['value']:,.0f}× floor"


def _write(lines: list[str]) -> None:
    """Replace the section in place (the prose after it stays), or add it at the end."""
    text = DOC.read_text() if DOC.exists() else "# Performance figures\n"
    section = "\n".join(lines) + "\n"
    pattern = re.compile(rf"^{re.escape(lines[0])}\n.*?(?=^## |\Z)", flags=re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text.rstrip() + "\n")


def main() -> int:
    """``bench/run.py [--profile] [--no-write] [--only bench_x.py ...]``"""
    args = [a for a in sys.argv[1:] if a == "--profile"]
    only = [a for a in sys.argv[1:] if a.endswith(".py")]
    machine = _machine()
    failed = []
    by_section: dict[str, list[dict[str, Any]]] = {}
    load_before = _load()
    started = dt.datetime.now(dt.UTC)
    for script in BENCHES:
        if only and script not in only:
            continue
        if (ROOT / "bench" / script).exists():
            found, status = _run(script, args if script in PROFILED else [])
            by_section.setdefault(SECTIONS.get(script, SECTION), []).extend(found)
            if status:
                failed.append(script)
    for section, rows in by_section.items():
        _with_floor_ratios(rows)
        _report(section, rows, machine, started, load_before)
    return 1 if failed else 0


def _report(
    section: str,
    rows: list[dict[str, Any]],
    machine: dict[str, str],
    started: dt.datetime,
    load_before: str,
) -> None:
    minutes = (dt.datetime.now(dt.UTC) - started).total_seconds() / 60
    table = _table(rows)
    print("\n" + "\n".join(table))
    lines = [
        section,
        "",
        f"Measured by `make bench` (`bench/run.py`; see `bench/README.md`) on "
        f"{started:%Y-%m-%d %H:%M} UTC, in {minutes:.1f} minutes.",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['postgres']} on "
        f"loopback (fsync off, throwaway), Python {machine['python']}, {machine['os']}; gunicorn "
        f"with {os.environ.get('BENCH_GUNICORN_WORKERS', '3')} sync workers (the Dockerfile runs "
        "3). Load average before the run: "
        f"{load_before}; after: {_load()} (other work on the machine adds noise).",
        "",
        *table,
    ]
    if "--no-write" not in sys.argv:
        _write(lines)
        print(f"\nwritten to {DOC.relative_to(ROOT)} (section “{section.removeprefix('## ')}”)")


if __name__ == "__main__":
    sys.exit(main())
