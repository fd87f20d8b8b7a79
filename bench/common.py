"""Helpers shared by the benchmarks under bench/: machine facts, versions, timing, output.

Standard library only: a benchmark may run this module under another interpreter
(a throwaway venv of comparison packages), where `congress` is not installed.

Each benchmark is a script run as ``python bench/NAME.py``; it prints a table and
writes ``bench/results/NAME.json`` through `write_results`, which adds the machine,
the Python version and the git revision to the figures. Benchmarks report; they
never assert timings.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


# -- machine and software facts ------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.platform()


def machine_facts() -> dict[str, Any]:
    """CPU model, cores, RAM, OS and kernel of this machine."""
    ram = _ram_bytes()
    return {
        "cpu_model": _cpu_model(),
        "cpu_cores": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_bytes": ram,
        "ram_gib": round(ram / 2**30, 1) if ram else None,
        "os": _os_name(),
        "kernel": platform.release(),
        "machine": platform.machine(),
        # Other work on the machine skews timings; the 1, 5 and 15 minute load averages
        # when the results were written say whether there was any.
        "load_average": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
    }


def python_facts(executable: str | None = None) -> dict[str, str]:
    """Version and implementation of this interpreter (or of `executable`, asked directly)."""
    if executable is None:
        return {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        }
    code = "import platform,sys;print(platform.python_version(),platform.python_implementation())"
    out = subprocess.run([executable, "-c", code], capture_output=True, text=True, check=True)
    version, implementation = out.stdout.split()
    return {"version": version, "implementation": implementation, "executable": executable}


def package_versions(names: Iterable[str]) -> dict[str, str | None]:
    """Installed versions of distribution `names` in this interpreter (None when absent)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_revision() -> dict[str, Any]:
    """The commit the work tree is at, and whether it has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": head, "dirty": bool(dirty)}


# -- measuring ---------------------------------------------------------------------


def best_of(fn: Callable[[], Any], repeat: int, *, budget: float | None = None) -> dict[str, Any]:
    """Call `fn` up to `repeat` times; the best (minimum) wall time, every time, the last result.

    With `budget` (seconds), stop repeating once the runs so far took longer than that,
    so a slow subject is timed once instead of holding the benchmark up.
    """
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if budget is not None and sum(times) > budget:
            break
    return {"best_s": min(times), "times_s": times, "runs": len(times), "result": result}


def _proc_status(field: str) -> int | None:
    """A size field of /proc/self/status (VmHWM, VmRSS) in bytes, or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def peak_rss_bytes() -> int:
    """This process's peak resident set size: VmHWM on Linux, else ru_maxrss.

    VmHWM belongs to the process's own address space since exec. ru_maxrss is not
    used on Linux because a child inherits its parent's high-water mark at fork, so it
    can never read lower than the parent's size when the child was started.
    """
    hwm = _proc_status("VmHWM")
    if hwm is not None:
        return hwm
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def current_rss_bytes() -> int | None:
    """This process's resident set size now (VmRSS), or None off Linux."""
    return _proc_status("VmRSS")


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs).

    Then `peak_rss_bytes()` measures the peak of what runs next. False when the
    kernel does not allow it; the peak then still counts everything before.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def run_measured(
    argv: Sequence[str],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """Run `argv` as a child process; its output, exit code, wall time and peak RSS.

    `peak_rss_bytes` is the child's ru_maxrss from wait4. On Linux it is floored at
    this (parent) process's RSS when the child was forked, so a child that needs an
    exact figure should report its own `peak_rss_bytes()` (VmHWM) on stdout. A child
    still running after `timeout` seconds is killed and reported as timed out, with
    whatever it printed so far.
    """
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        deadline = start + timeout
        status = usage = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        timed_out = wall > timeout
        rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
        return {
            "returncode": proc.returncode,
            "timed_out": timed_out,
            "wall_s": wall,
            "peak_rss_bytes": rss,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


# -- output ------------------------------------------------------------------------


def fmt_seconds(value: float | None) -> str:
    """A duration for a table: ms below a second, s above."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def fmt_bytes(value: int | None) -> str:
    """A size in MiB for a table."""
    if value is None:
        return "-"
    return f"{value / 2**20:.0f} MiB"


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> None:
    """Print rows under headers, columns padded to their widest cell (numbers right-aligned)."""
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def numeric(cell: str) -> bool:
        head = cell.split(" ")[0].rstrip("x%")
        return bool(head) and head.replace(".", "", 1).replace("-", "", 1).isdigit()

    def line(row: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if numeric(cell) else cell.ljust(w)
            for cell, w in zip(row, widths, strict=False)
        ]
        return "  ".join(parts).rstrip()

    if title:
        print(f"\n{title}")
    print(line(list(headers)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def app_settings(url: str, instance: Path) -> dict[str, Any]:
    """The settings of an in-process app on a scratch database (cheap password hashes)."""
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key-" + "x" * 32,
        "INSTANCE_PATH": str(instance),
        "PASSWORD_HASH_PROFILE": "test",
        "SERVER_NAME": None,
    }


def write_results(name: str, figures: dict[str, Any]) -> Path:
    """Write bench/results/NAME.json: `figures` plus when, where and on what it ran."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    data = {
        "benchmark": name,
        "finished_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "python": python_facts(),
        "machine": machine_facts(),
        "git": git_revision(),
        **figures,
    }
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
