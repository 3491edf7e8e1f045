#!/usr/bin/env python3
"""Soak benchmark: the RSS curve of one `thumbworker run` over many uploads, with and without the arena limit.

    benchmarks/soak.py THUMBWORKER_BINARY [ROUNDS] [PER_ROUND]

For each variant (the process's own allocator setting, and glibc's default of eight arenas per core forced with
MALLOC_ARENA_MAX), one worker runs on the local backend at imaging.concurrency 2 with a 512 MB memory budget; ROUNDS
rounds (default 10) of PER_ROUND uploads (default 200: one progressive 6-20 MP photo in ten, the rest 2725x2225
baseline crops, from benchmarks/corpus) are enqueued one round at a time. After each round has drained, the idle RSS is
read from /proc; the peak is VmHWM. Prints one table per variant and the idle-growth and peak figures the issue asks
for. Not a test: it asserts nothing.
"""
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus"
VARIANTS = [("arena limit (default)", {}), ("glibc default arenas", {"MALLOC_ARENA_MAX": str(8 * os.cpu_count())})]
BUDGET_MB = 512


def inputs(per_round):
    progressive = sorted(p for p in (CORPUS / "large").glob("*.progressive.jpg"))
    baseline = sorted((CORPUS / "2725x2225").glob("*.jpg"))
    if not progressive or not baseline:
        sys.exit("soak: run benchmarks/make-corpus.sh first")
    return [progressive[i % len(progressive)] if i % 10 == 0 else baseline[i % len(baseline)] for i in range(per_round)]


def status(pid, field):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def remaining(queue):
    with sqlite3.connect(queue) as db:
        return db.execute("SELECT COUNT(*) FROM message").fetchone()[0]


def soak(binary, rounds, per_round, extra_environment):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="soak."))
    try:
        (folder / "worker.conf").write_text(
            f"imaging:\n  concurrency: 2\n  memory_budget_mb: {BUDGET_MB}\nqueue:\n  wait_seconds: 1\n"
            "  drain_timeout_seconds: 5\nnotifiers: []\nmetrics:\n  port: 0\nlogging:\n  level: warning\n")
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("THUMBWORKER_", "MALLOC_"))}
        environment.update(extra_environment)
        files = inputs(per_round)
        subprocess.run([binary, "upload", "--prefix", "warmup/", str(files[0])], cwd=folder, env=environment,
                       check=True, stdout=subprocess.DEVNULL)
        worker = subprocess.Popen([binary, "run"], cwd=folder, env=environment)
        queue = folder / ".thumbworker" / "queue.sqlite"
        curve = []
        try:
            for _ in range(600):
                if remaining(queue) == 0:
                    break
                time.sleep(0.1)
            start = status(worker.pid, "VmRSS")
            for round_number in range(1, rounds + 1):
                began = time.monotonic()
                subprocess.run([binary, "upload", "--prefix", f"r{round_number}/"] + [str(f) for f in files],
                               cwd=folder, env=environment, check=True, stdout=subprocess.DEVNULL)
                for _ in range(36000):
                    if remaining(queue) == 0 or worker.poll() is not None:
                        break
                    time.sleep(0.1)
                if worker.poll() is not None:
                    sys.exit(f"soak: the worker exited with {worker.returncode}")
                seconds = time.monotonic() - began
                time.sleep(2)
                curve.append((round_number * per_round, status(worker.pid, "VmRSS"), seconds))
            peak = status(worker.pid, "VmHWM")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        return start, curve, peak
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    binary = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    per_round = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    print(f"soak: {rounds} rounds of {per_round} uploads (1 progressive in 10), concurrency 2, "
          f"memory_budget_mb {BUDGET_MB}")
    for name, extra in VARIANTS:
        start, curve, peak = soak(binary, rounds, per_round, extra)
        print(f"\n{name}{' ' + str(extra) if extra else ''}")
        print(f"{'images':>7} {'idle RSS MB':>12} {'round s':>8}")
        print(f"{0:>7} {start:>12}")
        for images, rss, seconds in curve:
            print(f"{images:>7} {rss:>12} {seconds:>8.1f}")
        first, last = curve[0][1], curve[-1][1]
        print(f"idle after {curve[-1][0]} / after {curve[0][0]}: {last / first:.2f}x ({first} -> {last} MB); "
              f"peak {peak} MB (budget {BUDGET_MB} MB + 200 = {BUDGET_MB + 200})")


if __name__ == "__main__":
    main()
