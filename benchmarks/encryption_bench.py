"""What encryption at rest costs: the same figures on an encrypted database and on a plain one.

    python benchmarks/encryption_bench.py [--patients 20000] [--entries 200000] [--rounds 3]

Two databases are built from the same seed, one encrypted (as the program always makes them) and
one plain (``storage.encryption.plain_files_for_benchmark``, which nothing in the program uses).
Each figure is then measured on both in alternating rounds — plain, encrypted, plain, … — so a
load that comes and goes on the machine falls on both alike; the median of the rounds is kept.

Prints, per figure, ``<name>_plain``, ``<name>_encrypted`` and ``<name>_cost_pct``
(encrypted ÷ plain − 1, in percent), then ``<name>_result`` PASS when the cost is at most the
goal (15 %) for the figures of ``run.py`` that staff wait for. The figures that read a whole
file once (``cold_scan_ms``, ``backup_s``, ``verify_s``) are reported beside them without a goal:
they show the floor of SQLCipher's per-page cost, and run on worker threads. Exit status 0 when
every figure with a goal passes.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import emit, make_queries  # noqa: E402

GOAL_PCT = 15.0
WHOLE_FILE = ("cold_scan_ms", "backup_s", "verify_s")  # reported, no goal (see the docstring)


def mode(plain: bool):
    from clinic_app.storage import encryption

    return encryption.plain_files_for_benchmark() if plain else nullcontext()


def build(path: Path, plain: bool, args) -> None:
    from benchmarks import dispensing_bench, ledger_bench
    from clinic_app.storage import demo
    from clinic_app.storage.db import open_database

    with mode(plain):
        db = open_database(path)
        demo.write_demo(db, patients=args.patients, seed=args.seed, months=args.months)
        dispensing_bench.fill_entries(db, args.entries)
        ledger_bench.fill_quarter(db, ledger_bench.bench_quarter(), args.ledger_lines)
        db.conn.close()


@contextmanager
def opened(path: Path, plain: bool):
    from clinic_app.storage.db import connect

    with mode(plain):
        db = connect(path)
    try:
        yield db
    finally:
        db.conn.close()


def connect_ms(path: Path, plain: bool) -> float:
    """Opening the database as every command and the program do (key, pragmas, checks)."""
    from clinic_app.storage.db import connect

    times = []
    with mode(plain):
        for _ in range(30):
            started = time.perf_counter()
            connect(path).conn.close()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def search_ms(path: Path, plain: bool, queries: list[str]) -> float:
    from clinic_app.storage import patients

    with opened(path, plain) as db:
        for q in queries[:20]:
            patients.search(db, q)  # warm the page cache, as in run.py
        times = []
        for q in queries:
            started = time.perf_counter()
            patients.search(db, q)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def cold_scan_ms(path: Path, plain: bool) -> float:
    """Reading every dispensing line from a new connection: page decryption dominates."""
    with opened(path, plain) as db:
        started = time.perf_counter()
        db.execute("SELECT sum(total_fen), count(*) FROM dispensing_lines").fetchone()
        return (time.perf_counter() - started) * 1000


def dispense_ms(path: Path, plain: bool, runs: int) -> float:
    from benchmarks import dispensing_bench

    with opened(path, plain) as db:
        return dispensing_bench.dispense_write_ms(db, runs)[0]


def card_ms(path: Path, plain: bool, runs: int) -> float:
    from benchmarks import dispensing_bench

    with opened(path, plain) as db, mode(plain):
        return dispensing_bench.card_pdf_ms(db, runs)


def ledger_s(path: Path, plain: bool) -> float:
    from benchmarks import ledger_bench

    with opened(path, plain) as db, mode(plain):
        return ledger_bench.ledger_export_s(db, 0, runs=1)[0]


def backup_s(path: Path, plain: bool, folder: Path) -> float:
    from clinic_app.storage import backup

    with mode(plain):
        started = time.perf_counter()
        made = backup.backup_to(path, folder)
        elapsed = time.perf_counter() - started
    made.unlink()
    return elapsed


def verify_s(path: Path, plain: bool) -> float:
    from clinic_app.storage import integrity

    with opened(path, plain) as db:
        started = time.perf_counter()
        integrity.verify(db)
        return time.perf_counter() - started


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--ledger-lines", type=int, default=30000)
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--dispense-runs", type=int, default=20)
    parser.add_argument("--card-runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20190318)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="clinic_app_crypto_bench_"))
    paths = {True: folder / "plain" / "clinic.db", False: folder / "encrypted" / "clinic.db"}
    try:
        for plain, path in paths.items():
            path.parent.mkdir()
            started = time.perf_counter()
            build(path, plain, args)
            emit(f"build_s_{'plain' if plain else 'encrypted'}", time.perf_counter() - started)
        from clinic_app.storage import driver

        assert driver.is_plain(paths[True]) and not driver.is_plain(paths[False])
        queries = make_queries(paths[False], args.queries, args.seed)
        figures = {
            "connect_ms": lambda p, plain: connect_ms(p, plain),
            "search_ms": lambda p, plain: search_ms(p, plain, queries),
            "cold_scan_ms": cold_scan_ms,
            "dispense_write_ms": lambda p, plain: dispense_ms(p, plain, args.dispense_runs),
            "card_pdf_ms": lambda p, plain: card_ms(p, plain, args.card_runs),
            "ledger_export_s": ledger_s,
            "backup_s": lambda p, plain: backup_s(p, plain, folder / "backups"),
            "verify_s": verify_s,
        }
        ok = True
        results = {}
        for name, measure in figures.items():
            taken = {True: [], False: []}
            for _ in range(args.rounds):
                for plain in (True, False):
                    taken[plain].append(measure(paths[plain], plain))
            plain_value, encrypted_value = (statistics.median(taken[True]), statistics.median(taken[False]))
            cost = (encrypted_value / plain_value - 1) * 100 if plain_value else float("nan")
            results[name] = cost
            emit(f"{name}_plain", plain_value)
            emit(f"{name}_encrypted", encrypted_value)
            emit(f"{name}_cost_pct", cost)
        emit("cost_pct_goal", f"{GOAL_PCT:g}")
        for name, cost in results.items():
            if name in WHOLE_FILE:
                continue
            passed = cost == cost and cost <= GOAL_PCT
            emit(f"{name}_result", "PASS" if passed else "FAIL")
            ok = ok and passed
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
