"""Roll import benchmark: a 5,000-member CSV through parse, preview and apply.

    .venv/bin/python bench/import_roll.py
    CONGRESS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_roll.py        # SQLite and PostgreSQL

Issue: "A roll of 5,000 members imports in under 10 seconds". The benchmark writes a
seeded 5,000-row roll (Arabic names, branches SY/TR/EU/US, dates, emails, phones,
dues) the way a spreadsheet saves it (UTF-8 with BOM, CRLF, Arabic headers), makes
a fresh migrated database with the example bylaws' branches, and times, best of N,
each on a fresh copy of that database:

- parse:              `parse_roll` alone, no database;
- preview (all new):  `members.operations.preview` on the empty roll;
- apply + commit:     `apply` (all rows new) and the commit;
- preview (unchanged): the same file again, every row now unchanged;
- apply (unchanged) + commit: applying it again, nothing to write;
- preview (errors):   a 5,000-row file with an error on every row, previewed with
                      the page's cap (`PREVIEW_ERRORS`); it stops at the cap, and
                      `parse (errors, uncapped)` shows what reading it all costs.

With CONGRESS_BENCH_DATABASE_URL naming a PostgreSQL server, the same runs on a
scratch database created there (and dropped after). The time an officer waits is
preview + apply + commit (the two requests of an import); it is reported against
the 10-second target, never asserted. Results go to bench/results/import_roll.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import common

ROWS = 5_000
SEED = 20260201
BRANCH_SHARE = {"SY": 0.40, "TR": 0.30, "EU": 0.20, "US": 0.10}
HEADER = (  # the Arabic column names a spreadsheet of the credentials officer would have
    "رقم العضوية",
    "الاسم بالعربية",
    "الاسم باللاتينية",
    "البريد الإلكتروني",
    "الهاتف",
    "الفرع",
    "تاريخ الميلاد",
    "تاريخ الانتساب",
    "الجنس",
    "الحالة",
    "الاشتراك مدفوع",
)
GIVEN = (
    ("أحمد", "Ahmad", "m"),
    ("محمد", "Mohammad", "m"),
    ("عمر", "Omar", "m"),
    ("خالد", "Khaled", "m"),
    ("يوسف", "Yousef", "m"),
    ("إبراهيم", "Ibrahim", "m"),
    ("سامر", "Samer", "m"),
    ("طارق", "Tareq", "m"),
    ("باسل", "Basel", "m"),
    ("علاء", "Alaa", "m"),
    ("مصطفى", "Mustafa", "m"),
    ("حسام", "Hussam", "m"),
    ("فاطمة", "Fatima", "f"),
    ("ليلى", "Layla", "f"),
    ("هدى", "Huda", "f"),
    ("رنا", "Rana", "f"),
    ("سلمى", "Salma", "f"),
    ("آمنة", "Amina", "f"),
    ("نور", "Nour", "f"),
    ("مريم", "Maryam", "f"),
    ("رزان", "Razan", "f"),
    ("دعاء", "Duaa", "f"),
    ("لمى", "Lama", "f"),
    ("غادة", "Ghada", "f"),
)
FAMILY = (
    ("الحلبي", "al-Halabi"),
    ("الخطيب", "al-Khatib"),
    ("المصري", "al-Masri"),
    ("الشامي", "al-Shami"),
    ("عبد الله", "Abdallah"),
    ("الأيوبي", "al-Ayyoubi"),
    ("النابلسي", "al-Nabulsi"),
    ("حداد", "Haddad"),
    ("الزعبي", "al-Zoubi"),
    ("يافاوي", "Yafawi"),
    ("قاسم", "Qasem"),
    ("درويش", "Darwish"),
    ("العلي", "al-Ali"),
    ("الحسن", "al-Hasan"),
    ("السوري", "al-Souri"),
    ("الفلسطيني", "al-Filistini"),
    ("البيطار", "al-Bitar"),
    ("الجابري", "al-Jabiri"),
)
PHONE = {  # per branch: country code and a local number pattern (x = a digit)
    "SY": "+963 9xx xxx xxx",
    "TR": "+90 5xx xxx xx xx",
    "EU": "+49 15x xxxxxxxx",
    "US": "+1 (xxx) xxx-xxxx",
}


# -- the files -------------------------------------------------------------------------


def _phone(rng: random.Random, branch: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "x" else ch for ch in PHONE[branch])


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def roll_rows(rows: int, seed: int, today: date) -> list[list[str]]:
    """`rows` valid members, as the cells of a spreadsheet (varied but correct spellings)."""
    rng = random.Random(seed)
    males = [g for g in GIVEN if g[2] == "m"]
    out = []
    for n in range(1, rows + 1):
        given_ar, given_en, gender = rng.choice(GIVEN)
        father_ar, father_en, _ = rng.choice(males)
        family_ar, family_en = rng.choice(FAMILY)
        branch = rng.choices(list(BRANCH_SHARE), list(BRANCH_SHARE.values()))[0]
        born = _day(rng, date(1945, 1, 1), date(2006, 12, 31))
        adult = born.replace(year=born.year + 18) if (born.month, born.day) != (2, 29) else born
        joined = _day(rng, max(adult, date(2011, 3, 15)), today)
        local = f"{given_en}.{family_en}".lower().replace("-", "").replace("'", "")
        status = rng.choices(["active", "suspended", "resigned", "فعال"], [85, 6, 4, 5])[0]
        dues = rng.choices(["yes", "no", "نعم", "لا", ""], [60, 15, 10, 5, 10])[0]
        out.append(
            [
                f"M{n:05d}",
                f"{given_ar} {father_ar} {family_ar}",
                f"{given_en} {father_en} {family_en}",
                f"{local}{n}@example.org" if rng.random() < 0.93 else "",
                _phone(rng, branch) if rng.random() < 0.95 else "",
                branch if rng.random() < 0.9 else branch.lower(),
                born.isoformat(),
                joined.isoformat(),
                rng.choice([gender, gender, "ذكر" if gender == "m" else "أنثى"]),
                status,
                dues,
            ]
        )
    return out


# One error per row, in turn; each leaves the rest of the row valid.
BREAKERS: tuple[tuple[str, Callable[[list[str], int], None]], ...] = (
    ("unknown_branch", lambda r, n: r.__setitem__(5, "XX")),
    ("bad_email", lambda r, n: r.__setitem__(3, f"member{n}-at-example.org")),
    ("future_date", lambda r, n: r.__setitem__(6, "2099-01-01")),
    ("bad_phone", lambda r, n: r.__setitem__(4, "call me")),
    ("bad_status", lambda r, n: r.__setitem__(9, "maybe")),
    ("bad_date", lambda r, n: r.__setitem__(7, "31/12/2015")),
    ("formula", lambda r, n: r.__setitem__(2, "=HYPERLINK(1)")),
    ("bad_dues", lambda r, n: r.__setitem__(10, "perhaps")),
)


def broken_rows(rows: list[list[str]]) -> list[list[str]]:
    """The same members with one error on every row (the error kinds in turn)."""
    out = []
    for n, row in enumerate(rows):
        row = list(row)
        BREAKERS[n % len(BREAKERS)][1](row, n)
        out.append(row)
    return out


def to_csv(rows: list[list[str]]) -> bytes:
    """A spreadsheet's CSV: UTF-8 with BOM, CRLF, Arabic header."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


# -- databases -------------------------------------------------------------------------


def _prepare(url: str, instance: Path) -> None:
    """Migrate the database at `url` and upload the example bylaws (which add the branches)."""
    from flask_migrate import upgrade

    from congress import create_app
    from congress.bylaws.operations import ensure_example
    from congress.database import write_intent
    from congress.extensions import db

    app = create_app(common.app_settings(url, instance))
    with app.app_context():
        logging.disable(logging.INFO)  # alembic's "Running upgrade ..." lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        with write_intent():
            ensure_example()
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Backend:
    """Fresh copies of one migrated database with the branches in it."""

    name = ""

    def fresh(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:
        pass


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite3"
        _prepare(f"sqlite:///{self.template}", root / "instance")
        import sqlalchemy as sa

        engine = sa.create_engine(f"sqlite:///{self.template}", poolclass=sa.pool.NullPool)
        with engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        self.copies = 0

    def fresh(self) -> str:
        self.copies += 1
        path = self.root / f"copy{self.copies}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"


class PostgresBackend(Backend):
    """A scratch template database and copies of it; all dropped by `close`."""

    name = "postgresql"

    def __init__(self, url: str, root: Path) -> None:
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        self.base = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = sa.create_engine(
            self.base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
        )
        self.prefix = f"congress_bench_{os.getpid()}"
        self.names: list[str] = []
        self.template = self._create(f"{self.prefix}_tmpl")
        _prepare(self._url(self.template), root / "pg-instance")

    def _url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> str:
        with self.admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            suffix = f' TEMPLATE "{template}"' if template else ""
            c.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
        self.names.append(name)
        return name

    def fresh(self) -> str:
        return self._url(self._create(f"{self.prefix}_{len(self.names)}", self.template))

    def close(self) -> None:
        with self.admin.connect() as c:
            for name in reversed(self.names):
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()

    def server_version(self) -> str:
        with self.admin.connect() as c:
            return str(c.exec_driver_sql("SHOW server_version").scalar())


# -- timing ----------------------------------------------------------------------------


@contextmanager
def _measured(into: dict[str, list[Any]], name: str) -> Iterator[dict[str, Any]]:
    """Time the block and the peak RSS it added, into a record appended to into[name].

    The record is yielded, so what the phase produced can be noted in it after the block.
    """
    before = common.current_rss_bytes()
    common.reset_peak_rss()
    record: dict[str, Any] = {}
    start = time.perf_counter()
    yield record
    took = time.perf_counter() - start
    peak = common.peak_rss_bytes()
    record.update(s=took, rss_increase_bytes=(peak - before) if before else None)
    into.setdefault(name, []).append(record)


def run_backend(
    backend: Backend, good: bytes, bad: bytes, repeat: int, expected: int
) -> dict[str, Any]:
    """Every phase, `repeat` times, each time on a fresh copy of the database."""
    from sqlalchemy import func, select

    from congress import create_app
    from congress.core.roll import parse_roll
    from congress.database import write_intent
    from congress.extensions import db
    from congress.members import operations
    from congress.members.models import Branch, Member

    runs: dict[str, list[Any]] = {}
    instance = Path(tempfile.mkdtemp(prefix="congress-bench-instance-"))
    try:
        for _ in range(repeat):
            app = create_app(common.app_settings(backend.fresh(), instance))
            with app.app_context():
                codes = db.session.execute(select(Branch.code)).scalars().all()
                db.session.remove()
                today = date.today()

                with _measured(runs, "parse") as extra:
                    parsed = parse_roll(good, branches=codes, today=today)
                extra.update(rows=len(parsed.rows), errors=len(parsed.errors))
                if parsed.errors or len(parsed.rows) != expected:
                    raise SystemExit(f"generated roll does not parse cleanly: {parsed.errors[:3]}")

                with _measured(runs, "preview_new") as extra:
                    result = operations.preview(good)
                extra.update(new=result.count("new"), errors=len(result.errors))
                db.session.remove()

                with _measured(runs, "apply_commit_new") as extra, write_intent():
                    result = operations.apply(good)
                    db.session.commit()
                extra.update(new=result.count("new"))
                db.session.remove()
                stored = db.session.execute(select(func.count(Member.id))).scalar_one()
                db.session.remove()

                with _measured(runs, "preview_unchanged") as extra:
                    result = operations.preview(good)
                extra.update(unchanged=result.count("unchanged"), errors=len(result.errors))
                db.session.remove()

                with _measured(runs, "apply_commit_unchanged") as extra, write_intent():
                    result = operations.apply(good)
                    db.session.commit()
                extra.update(unchanged=result.count("unchanged"))
                db.session.remove()

                with _measured(runs, "preview_errors") as extra:
                    result = operations.preview(bad)
                extra.update(
                    errors=len(result.errors),
                    truncated=result.truncated,
                    last_error_line=max((e.line for e in result.errors), default=0),
                    rows_parsed=len(result.outcomes),
                )
                db.session.remove()

                with _measured(runs, "parse_errors_capped") as extra:
                    capped = parse_roll(
                        bad, branches=codes, today=today, max_errors=operations.PREVIEW_ERRORS
                    )
                extra.update(errors=len(capped.errors), truncated=capped.truncated)

                with _measured(runs, "parse_errors_uncapped") as extra:
                    full = parse_roll(bad, branches=codes, today=today)
                extra.update(errors=len(full.errors), truncated=full.truncated)

                runs.setdefault("members_stored", []).append(stored)
                db.session.remove()
                db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return runs


def summarise(runs: dict[str, list[Any]]) -> dict[str, Any]:
    """Best time of each phase, every time, the largest RSS increase, and what it saw."""
    phases: dict[str, Any] = {}
    for name, items in runs.items():
        if name == "members_stored":
            continue
        times = [i["s"] for i in items]
        best = min(items, key=lambda i: i["s"])
        rss = [i["rss_increase_bytes"] for i in items if i["rss_increase_bytes"] is not None]
        phases[name] = {
            "best_s": best["s"],
            "times_s": times,
            "rss_increase_bytes_max": max(rss) if rss else None,
            **{k: v for k, v in best.items() if k not in ("s", "rss_increase_bytes")},
        }
    wait = phases["preview_new"]["best_s"] + phases["apply_commit_new"]["best_s"]
    return {
        "phases": phases,
        "members_stored": runs["members_stored"],
        "import_wait_s": wait,
        "target_s": 10.0,
        "under_target": wait < 10.0,
    }


LABELS = {
    "parse": "parse only",
    "preview_new": "preview, all new",
    "apply_commit_new": "apply + commit, all new",
    "preview_unchanged": "preview again, all unchanged",
    "apply_commit_unchanged": "apply + commit, all unchanged",
    "preview_errors": "preview, error on every row (capped)",
    "parse_errors_capped": "parse only, errors, capped",
    "parse_errors_uncapped": "parse only, errors, uncapped",
}


def _outcome(phase: dict[str, Any]) -> str:
    keys = ("rows", "new", "unchanged", "errors", "truncated", "last_error_line")
    return ", ".join(f"{k}={phase[k]}" for k in keys if k in phase)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS, help=f"roll size (default {ROWS:,})")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    args = parser.parse_args(argv)

    from congress.members.operations import PREVIEW_ERRORS

    began = time.perf_counter()
    today = date.today()
    rows = roll_rows(args.rows, SEED, today)
    good, bad = to_csv(rows), to_csv(broken_rows(rows))
    print("Roll import benchmark (bench/import_roll.py)")
    sizes = f"{len(good) / 1024:.0f} KiB; broken roll {len(bad) / 1024:.0f} KiB"
    print(f"  roll: {args.rows:,} rows, {sizes}")

    backends: dict[str, Any] = {}
    root = Path(tempfile.mkdtemp(prefix="congress-bench-roll-"))
    try:
        pg_url = os.environ.get("CONGRESS_BENCH_DATABASE_URL", "").strip()
        makers: list[tuple[str, Callable[[], Backend]]] = [("sqlite", lambda: SqliteBackend(root))]
        if pg_url:
            makers.append(("postgresql", lambda: PostgresBackend(pg_url, root)))
        for name, make in makers:
            print(f"  {name}: {args.repeat} runs ...", flush=True)
            backend = make()
            try:
                entry = summarise(run_backend(backend, good, bad, args.repeat, args.rows))
                if isinstance(backend, PostgresBackend):
                    entry["server_version"] = backend.server_version()
                backends[name] = entry
            finally:
                backend.close()
        if not pg_url:
            backends["postgresql"] = {"skipped": "CONGRESS_BENCH_DATABASE_URL is not set"}
    finally:
        shutil.rmtree(root, ignore_errors=True)

    table = []
    for name, entry in backends.items():
        if "phases" not in entry:
            continue
        for phase, figures in entry["phases"].items():
            table.append(
                [
                    name,
                    LABELS[phase],
                    common.fmt_seconds(figures["best_s"]),
                    common.fmt_bytes(figures["rss_increase_bytes_max"]),
                    _outcome(figures),
                ]
            )
    common.print_table(
        ["database", "phase", "best", "+RSS", "outcome"],
        table,
        f"Roll import: best of {args.repeat}, each run on a fresh database",
    )
    print(f"\nTarget: preview + apply + commit of {args.rows:,} new members under 10 s")
    for name, entry in backends.items():
        if "phases" in entry:
            verdict = "met" if entry["under_target"] else "MISSED"
            print(f"  - {name}: {entry['import_wait_s']:.2f} s ({verdict})")
        else:
            print(f"  - {name}: skipped ({entry['skipped']})")

    figures = {
        "parameters": {
            "rows": args.rows,
            "seed": SEED,
            "repeat": args.repeat,
            "branch_share": BRANCH_SHARE,
            "preview_errors_cap": PREVIEW_ERRORS,
            "error_kinds": [name for name, _ in BREAKERS],
            "file_bytes": len(good),
            "broken_file_bytes": len(bad),
            "csv": "UTF-8 with BOM, CRLF, Arabic header names",
        },
        "method_notes": {
            "timing": "Wall clock (time.perf_counter) of each phase in this process, inside an app "
            "context, with a new database session per phase as a request would have. Every "
            "run uses a fresh copy of a migrated database holding the example bylaws' "
            "branches; best of N is reported, with every time.",
            "memory": "rss_increase_bytes_max: VmHWM after the phase (reset by clear_refs 5 just "
            "before it) minus VmRSS before it: what the phase added at its peak, the largest "
            "over the runs.",
            "import_wait_s": "preview (all new) + apply + commit (all new): the two requests of "
            "an import, without page rendering or the upload itself.",
        },
        "versions": common.package_versions(["congress", "SQLAlchemy", "Flask", "psycopg"]),
        "backends": backends,
        "wall_s": round(time.perf_counter() - began, 1),
    }
    path = common.write_results("import_roll", figures)
    print(f"\nwrote {path.relative_to(common.REPO_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
