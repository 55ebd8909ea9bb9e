"""The ledger figure for ``benchmarks/run.py``: exporting a quarter of 30,000 ledger lines as the
whole, verified package (Excel, CSV, PDF, manifest; written, renamed and read back).

The quarter is the last one that has ended. Its real demo collections are topped up to the wanted
number of lines by copying stored collections into it with plain SQL (``INSERT … SELECT``), dates
spread over the quarter, so filling takes a second and the rows look like real ones (names, ID
numbers, cards, specifications, split amounts).

    python benchmarks/ledger_bench.py [--lines 30000] [--runs 3]   # on its own, with a small demo
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dispensing_bench import ENTRY_COLUMNS, LINE_COLUMNS  # noqa: E402

GOAL_S = 3.0


def bench_quarter():
    from clinic_app.domain import quarters as dq
    from clinic_app.storage import clock

    return dq.quarter_of(clock.today()).previous()


def line_count(db, quarter) -> int:
    first, last = quarter.first_day.isoformat(), quarter.last_day.isoformat()
    return db.execute("SELECT count(*) FROM dispensing_lines l JOIN dispensings d ON d.id = l.dispensing_id "
                      "WHERE d.date BETWEEN ? AND ?", [first, last]).fetchone()[0]


def fill_quarter(db, quarter, target: int) -> int:
    """Copy stored collections (with their lines) into ``quarter`` until it has ``target`` lines."""
    first = quarter.first_day.isoformat()
    days = (quarter.last_day - quarter.first_day).days + 1
    while True:
        count = line_count(db, quarter)
        if count >= target:
            return count
        base_entry = db.execute("SELECT max(id) FROM dispensings").fetchone()[0]
        base_line = db.execute("SELECT max(id) FROM dispensing_lines").fetchone()[0]
        if base_entry is None:
            return count
        # about 1.2 lines an entry: take enough entries for what is missing, newest first
        take = max(1, (target - count) * 5 // 6 + 1)
        with db.atomic():
            cols = ", ".join(ENTRY_COLUMNS)
            picked = ", ".join(f"date(?, '+' || (id % {days}) || ' days')" if c == "date"
                               else "NULL" if c in ("next_appointment", "voids_id") else
                               "'dispense'" if c == "kind" else c for c in ENTRY_COLUMNS)
            db.execute("CREATE TEMP TABLE picked AS SELECT id FROM dispensings WHERE kind = 'dispense' "
                       "ORDER BY id DESC LIMIT ?", [take])
            db.execute(f"INSERT INTO dispensings (id, {cols}) SELECT id + ?, {picked} FROM dispensings "
                       f"WHERE id IN (SELECT id FROM picked)", [base_entry, first])
            line_cols = ", ".join(LINE_COLUMNS)
            db.execute(f"INSERT INTO dispensing_lines (id, dispensing_id, {line_cols}) "
                       f"SELECT id + ?, dispensing_id + ?, {line_cols} FROM dispensing_lines "
                       f"WHERE dispensing_id IN (SELECT id FROM picked)", [base_line, base_entry])
            db.execute("DROP TABLE picked")


def ledger_export_s(db, lines: int = 30000, runs: int = 3) -> tuple[float, int]:
    """Median seconds of ``services.exports.export_ledger`` for a quarter of ``lines``
    lines, and the number of lines it held."""
    from clinic_app.services.exports import export_ledger
    from clinic_app.storage import accounts

    quarter = bench_quarter()
    count = fill_quarter(db, quarter, lines)
    admin = next(u for u in accounts.list_users(db) if u["username"] == "demo")  # the demo's administrator
    folder = Path(tempfile.mkdtemp(prefix="clinic_app_ledger_"))
    try:
        times = []
        for n in range(runs):
            started = time.perf_counter()
            export_ledger(db, admin, quarter.code, folder / str(n))
            times.append(time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return statistics.median(times), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from clinic_app.storage import demo
    from clinic_app.storage.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="clinic_app_ledger_db_"))
    try:
        db = open_database(folder / "clinic.db")
        demo.write_demo(db, patients=args.patients, months=6)
        seconds, count = ledger_export_s(db, args.lines, args.runs)
        db.conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"ledger_lines {count}")
    print(f"ledger_export_s {seconds:.3f}")
    print(f"ledger_export_s_goal {GOAL_S:g}")
    print(f"ledger_export_s_result {'PASS' if seconds <= GOAL_S else 'FAIL'}")
    return 0 if seconds <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
