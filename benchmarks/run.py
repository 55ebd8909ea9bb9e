"""Performance check on a full-size synthetic register: demo build time, search-as-you-type
latency (against the simplest possible SQL on the same file) and start-up time to the login window.

    python benchmarks/run.py [--patients 20000] [--queries 200]

Prints one ``name value`` line per figure, so results can be diffed and grepped; see README.md.
Exit status 0 when every goal is met, 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

GOALS = {"search_storage_ms": 10, "search_p95_ms": 30, "search_ratio": 3, "startup_s": 1.5,
         "dispense_write_ms": 20, "card_pdf_ms": 300, "ledger_export_s": 3}  # all "at most"
PROBE_LINE = "startup_probe_shown"
BASELINE_SQL = ("SELECT id, name, id_number FROM patients "
                "WHERE name LIKE ? OR search_initials LIKE ? OR id_number LIKE ? LIMIT 500")


def emit(name: str, value) -> None:
    if isinstance(value, float):
        value = "nan" if value != value else f"{value:.3f}"
    print(f"{name} {value}", flush=True)


def build_database(path: Path, patients: int, seed: int, months: int = 12) -> float:
    """Seconds to create, migrate and fill the file, as ``clinic-app demo`` would."""
    from clinic_app.storage import demo
    from clinic_app.storage.db import open_database

    started = time.perf_counter()
    db = open_database(path)
    demo.write_demo(db, patients=patients, seed=seed, months=months)
    elapsed = time.perf_counter() - started
    db.conn.close()
    return elapsed


def make_queries(path: Path, count: int, seed: int) -> list[str]:
    """What staff type: pinyin initials (2–3 letters), name fragments (1–2 characters) and ID
    fragments (4–6 digits), each taken from a real stored patient, in equal shares."""
    from clinic_app.storage.db import open_file

    rng = random.Random(seed)
    conn = open_file(path)
    rows = conn.execute("SELECT name, id_number, search_initials FROM patients").fetchall()
    conn.close()
    makers = (_initials_query, _name_query, _id_query)
    return [makers[i % 3](rng, rng.choice(rows)) for i in range(count)]


def _initials_query(rng: random.Random, row) -> str:
    initials = rng.choice(row[2].split())
    return initials[:rng.randint(2, min(3, len(initials)))]


def _name_query(rng: random.Random, row) -> str:
    name = row[0]
    size = rng.randint(1, min(2, len(name)))
    start = rng.randrange(len(name) - size + 1)
    return name[start:start + size]


def _id_query(rng: random.Random, row) -> str:
    digits = row[1][:17]
    size = rng.randint(4, 6)
    start = rng.randrange(len(digits) - size + 1)
    return digits[start:start + size]


def query_ms(run, queries: list[str]) -> tuple[float, float]:
    """(median, 95th percentile) wall time of one query; a first pass warms the page cache for
    both contenders."""
    for q in queries[:20]:
        run(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 95)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def storage_search_ms(path: Path, queries: list[str]) -> tuple[float, float]:
    from clinic_app.storage import patients
    from clinic_app.storage.db import connect

    db = connect(path)
    try:
        return query_ms(lambda q: patients.search(db, q), queries)
    finally:
        db.conn.close()


def baseline_search_ms(path: Path, queries: list[str]) -> tuple[float, float]:
    from clinic_app.storage.db import open_file

    conn = open_file(path)  # the same file, with its key: a bare connection, no sqlite-utils
    try:
        return query_ms(lambda q: conn.execute(BASELINE_SQL, [f"%{q}%"] * 3).fetchall(), queries)
    finally:
        conn.close()


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def startup_once(path: Path, timeout: float) -> float | None:
    """Seconds from launch until the program says its login window is shown; None if never."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "clinic_app", "--db", str(path), "--startup-probe"]
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env,
                                cwd=str(ROOT), text=True, encoding="utf-8", errors="replace")
        shown = _wait_for_probe(proc, started, timeout)
        _finish(proc)
        if shown is None:
            errors.seek(0)
            print(f"# start-up probe gave no '{PROBE_LINE}' line (exit {proc.returncode}): "
                  f"{errors.read().strip()[-400:]}", file=sys.stderr)
    return shown


def _wait_for_probe(proc: subprocess.Popen, started: float, timeout: float) -> float | None:
    """Read stdout on a thread, so a hung program cannot hang the benchmark."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True).start()
    deadline = started + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
        except queue.Empty:
            return None
        if line is None:
            return None
        if line.strip() == PROBE_LINE:
            return time.perf_counter() - started


def _finish(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def startup_s(path: Path, runs: int, timeout: float) -> float:
    """Median over ``runs`` launches; NaN as soon as one launch never shows the window."""
    times = []
    for _ in range(runs):
        elapsed = startup_once(path, timeout)
        if elapsed is None:
            return float("nan")
        times.append(elapsed)
    return statistics.median(times)


def dispensing_figures(path: Path, args) -> dict[str, float]:
    from benchmarks import dispensing_bench as bench
    from clinic_app.storage.db import open_database

    db = open_database(path)
    started = time.perf_counter()
    entries = bench.fill_entries(db, args.entries)
    emit("dispensing_entries", entries)
    emit("fill_entries_s", time.perf_counter() - started)
    write_ms, signing_ms = bench.dispense_write_ms(db, args.dispense_runs)
    figures = {"dispense_write_ms": write_ms, "signature_check_ms": signing_ms,
               "card_pdf_ms": bench.card_pdf_ms(db, args.card_runs)}
    db.conn.close()
    return figures


def ledger_figures(path: Path, args) -> dict[str, float]:
    from benchmarks import ledger_bench as bench
    from clinic_app.storage.db import open_database

    db = open_database(path)
    seconds, lines = bench.ledger_export_s(db, args.ledger_lines, args.ledger_runs)
    emit("ledger_lines", lines)
    db.conn.close()
    return {"ledger_export_s": seconds}


def verdicts(figures: dict[str, float]) -> bool:
    ok = True
    for name, goal in GOALS.items():
        value = figures[name]
        passed = value == value and value <= goal  # NaN (not measured) fails
        emit(f"{name}_result", "PASS" if passed else "FAIL")
        ok = ok and passed
    return ok


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20190318)
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--startup-timeout", type=float, default=60.0,
                        help="seconds to wait for one launch to show its login window")
    parser.add_argument("--months", type=int, default=12, help="months of demo dispensing")
    parser.add_argument("--entries", type=int, default=1_000_000,
                        help="dispensing entries stored before timing a new one")
    parser.add_argument("--dispense-runs", type=int, default=50)
    parser.add_argument("--card-runs", type=int, default=10)
    parser.add_argument("--ledger-lines", type=int, default=30000,
                        help="ledger lines in the quarter whose package is exported")
    parser.add_argument("--ledger-runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="clinic_app_bench_"))
    path = folder / "clinic.db"
    try:
        emit("patients", args.patients)
        emit("demo_build_s", build_database(path, args.patients, args.seed, args.months))
        queries = make_queries(path, args.queries, args.seed)
        median, p95 = storage_search_ms(path, queries)
        base_median, base_p95 = baseline_search_ms(path, queries)
        figures = {"search_storage_ms": median, "search_p95_ms": p95,
                   "search_sql_baseline_ms": base_median, "search_sql_baseline_p95_ms": base_p95}
        figures["search_ratio"] = figures["search_storage_ms"] / figures["search_sql_baseline_ms"]
        figures["startup_s"] = startup_s(path, args.startup_runs, args.startup_timeout)
        figures.update(dispensing_figures(path, args))
        figures.update(ledger_figures(path, args))
        for name, value in figures.items():
            emit(name, value)
        for name, goal in GOALS.items():
            emit(f"{name}_goal", f"{goal:g}")
        return 0 if verdicts(figures) else 1
    finally:
        if args.keep:
            print(f"# database kept at {path}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
