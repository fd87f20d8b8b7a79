"""Verifiable polls (issue 16): the booth page in Chromium, the server's check of a ballot,
and the whole tally of 500 voters.

    .venv/bin/python bench/verifiable.py [--repeat 5] [--rates 1,4] [--voters 500] [--quick]

1. **The booth, as a voter meets it.** A scratch SQLite database gets the demo organization,
   82 present delegates, 80 approved Central Council candidates, the trustees' key (the
   demo's in-process rounds) and an open verifiable block election: 80 candidates, 1 to 40
   marks, blank allowed (Article 15.1), its public credentials published. A gunicorn serves
   it; Debian's headless Chromium (Playwright, 360x740, Arabic) logs in as a delegate, opens
   /polls/N/booth (templates/verifiable/booth.html, booth-page.js, belenios.js, under the
   site's own CSP), waits for the page to have fetched and prepared the election, ticks 40
   of the 80 candidates and types the credential. Timed in the page (performance.now):
   from the click on "Encrypt my ballot" to the tracker on the screen, every step of
   booth-page.js included, at normal speed and with the CPU slowed by Chrome DevTools'
   `Emulation.setCPUThrottlingRate` (4x: a mid-range phone); median and worst of --repeat
   ("Change my choices", then encrypt again). Goal: under 10 s at 4x. The last ballot is
   cast: the request's wall time, and the receipt must show the tracker the page showed.
   (bench/booth.py times belenios.js alone, without the page, per step.)

2. **The server's check of one ballot**: `congress.core.belenios.check_ballot` (every
   proof, the signature, the credential on the list), best of --repeat, with gmpy2 when
   installed: the block ballot the browser made, a motion ballot (yes / no / abstain,
   exactly one) and a single-office ballot (1 of 10), both made with the Python core.

3. **The tally of --voters voters** (500), for a motion and for the 40-of-80 block, with a
   3-of-5 threshold key made by the five trustees' rounds (`pedersen_step1..6`). Ballots
   are made with the Python core (gmpy2) in one process per core, cached under
   $CONGRESS_BENCH_CACHE (default /tmp/congress-bench) with their election, keys and
   credentials; they are the voters' work, not timed as the server's. Then, as the server
   and the trustees do it (congress/verifiable/polls.py):
   - *close*: `check_ballot(proofs=False)` of every ballot (on_close re-checks each
     signature and credential; the proofs were checked at the cast) and
     `compute_encrypted_tally`, the encrypted sum; a full re-check is timed for comparison;
   - *decrypt*: three trustees' `compute_partial_decryption` (each on their own computer),
     each checked on arrival by `accept_partial_decryption`, then `combine_factors` and
     `compute_result` (the totals must be the plaintexts' column sums);
   - *archive*: the UUID.bel written (`Archive`), then the count's check of it
     (`verify_archive_full(ballot_proofs=False)`, check_record) and `verify_archive`
     over it all, as `congress verify`, belenios-tool and anyone do.
   The full re-check of the block's ballots (for comparison) is timed on --block-sample
   of them (50; 0: all) and scaled to all, said so in the output. That keeps the run to 5-7
   minutes on 2 cores, 2 of them making the 500 block ballots the first time.

Timings are wall clock on this machine (its load is in the results). Reports, never
asserts. Results: bench/results/verifiable.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from common import (
    REPO_DIR,
    app_settings,
    best_of,
    fmt_seconds,
    package_versions,
    print_table,
    write_results,
)

sys.path.insert(0, str(REPO_DIR))

from congress.core import belenios as bl
from congress.core.belenios import groups as _groups

CHROMIUM = os.environ.get("CONGRESS_CHROMIUM", "/usr/bin/chromium")
CACHE = Path(os.environ.get("CONGRESS_BENCH_CACHE", "/tmp/congress-bench"))
GOAL_S = 10.0  # the 40-of-80 block ballot in the booth at 4x throttling
PHONE = {"width": 360, "height": 740}
PASSWORD = "bench-booth-password"
CANDIDATES, MARKS = 80, 40
SECRET = "bench-verifiable-secret-" + "z" * 32
SEED = 16  # the voters' choices


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- 1. the booth page in Chromium ----------------------------------------------------------


def build_site(work: Path) -> dict[str, Any]:
    """The scratch database: an open verifiable 40-of-80 block election with its public
    credentials, and the delegates' credentials (as the credential authority keeps them)."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from congress import create_app
    from congress.auth.models import User
    from congress.auth.passwords import hash_password
    from congress.candidacy.listing import ballot_list
    from congress.candidacy.models import Candidacy
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.demo import DEMO_LOGINS, load_demo
    from congress.demo_delegates import add_present_voters
    from congress.extensions import db
    from congress.members.models import Member
    from congress.models_common import utcnow
    from congress.verifiable import demo as verifiable_demo
    from congress.verifiable import polls as vpolls
    from congress.verifiable import trustees
    from congress.voting import polls

    url = f"sqlite:///{work / 'bench.sqlite3'}"
    app = create_app({**app_settings(url, work / "instance"), "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        with write_intent():
            load_demo()
            db.session.commit()
            conference = db.session.execute(select(Conference)).scalar_one()
            voters = add_present_voters(
                conference,
                CANDIDATES + 2,
                password_hash=hash_password(PASSWORD),
                email_domain="bench.example.org",
            )
            listed = {c.member_id for c in ballot_list(conference, "central_council")}
            for member_id in [v for v in voters if v not in listed][: CANDIDATES - len(listed)]:
                db.session.add(
                    Candidacy(
                        conference_id=conference.id,
                        body="central_council",
                        member_id=member_id,
                        status="approved",
                        submitted_at=utcnow(),
                        decided_at=utcnow(),
                    )
                )
            db.session.flush()
            admin = db.session.execute(
                select(User).where(User.email == DEMO_LOGINS[0][1])
            ).scalar_one()
            authority = db.session.execute(
                select(User).where(User.email == DEMO_LOGINS[-1][1])
            ).scalar_one()
            verifiable_demo.make_key(conference, admin)
            poll = polls.create_election(
                conference, "central_council", actor=admin, level="verifiable"
            )
            polls.open_poll(poll, actor=admin)
            vp = vpolls.of(poll)
            election = bl.parse_election(vp.election)
            numbers = vpolls.roll_numbers(poll)
            issued = {n: bl.generate_credential() for n in numbers}
            group = bl.get_group(trustees.GROUP)
            public = bl.make_public_credentials(
                [bl.public_credential(group, vp.uuid, issued[n]) for n in numbers]
            )
            vpolls.upload_credentials(poll, public, actor=authority)
            db.session.commit()
            voter = db.session.execute(select(Member).where(Member.id == voters[-1])).scalar_one()
            site = {
                "url": url,
                "poll": poll.id,
                "election": vp.election,
                "credentials": public,
                "question": {
                    "answers": len(election.questions[0].answers),
                    "min": election.questions[0].min,
                    "max": election.questions[0].max,
                    "blank": election.questions[0].blank,
                },
                "email": voter.email,
                "credential": issued[voter.number],
                "electorate": poll.electorate_size,
            }
        db.session.remove()
        db.engine.dispose()
    return site


SHIM = """import os
from congress import create_app
app = create_app({"INSTANCE_PATH": os.environ["BENCH_INSTANCE"]})
"""


class Server:
    """gunicorn (gthread) on the scratch database, its own instance folder, its own group."""

    def __init__(self, work: Path, url: str):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        (work / "bench_verifiable_wsgi.py").write_text(SHIM)
        self.log = open(work / "gunicorn.log", "ab")  # noqa: SIM115
        env = {
            **os.environ,
            "CONGRESS_DATABASE_URL": url,
            "CONGRESS_SECRET_KEY": SECRET,
            "CONGRESS_ENV": "development",
            "BENCH_INSTANCE": str(work / "instance-server"),
            "PYTHONPATH": os.pathsep.join([str(work), str(REPO_DIR)]),
        }
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{self.port}",
            "bench_verifiable_wsgi:app",
        ]
        self.proc = subprocess.Popen(
            argv, cwd=work, env=env, stdout=self.log, stderr=self.log, start_new_session=True
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start (see gunicorn.log)")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# From the click on "Encrypt my ballot" to the tracker on the screen (booth-page.js shows
# #booth-ready once the ballot is made), in the page's own clock.
ENCRYPT = """() => new Promise((resolve, reject) => {
    const ready = document.getElementById('booth-ready');
    const problem = document.querySelector('#booth .booth-problem');
    const t0 = performance.now();
    const watch = new MutationObserver(() => {
        if (!ready.hidden) {
            watch.disconnect();
            resolve({ms: performance.now() - t0,
                     tracker: ready.querySelector('.tracker').textContent.trim(),
                     raw: document.querySelector('#booth-cast input[name=ballot]').value});
        } else if (!problem.hidden) {
            watch.disconnect();
            reject(new Error('the booth refused: ' + problem.textContent));
        }
    });
    watch.observe(document.getElementById('main'), {attributes: true, subtree: true});
    document.querySelector('#booth button[type=submit]').click();
})"""

# The election and the public credentials fetched: what the page prepares while the voter
# reads (booth-page.js fetches them as soon as it runs).
FETCHED = """() => ['election.json', 'public-credentials.json'].every(name =>
    performance.getEntriesByType('resource').some(e => e.name.split('?')[0].endsWith(name)
        && e.responseEnd > 0))"""


def booth_figures(site: dict, server: Server, rates: list[float], repeat: int) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    out: dict[str, Any] = {"rates": {}}
    booth = f"{server.base}/polls/{site['poll']}/booth"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        out["chromium"] = browser.version
        try:
            for rate in rates:
                context = browser.new_context(
                    viewport=PHONE, is_mobile=True, has_touch=True, locale="ar"
                )
                context.set_default_timeout(120_000)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on(
                    "console",
                    lambda m, errors=errors: m.type == "error" and errors.append(m.text),
                )
                page.goto(f"{server.base}/login")
                page.fill("input[name=email]", site["email"])
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.click("main form button[type=submit]")
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                t = time.perf_counter()
                page.goto(booth, wait_until="load")
                loaded_s = time.perf_counter() - t
                page.wait_for_function(FETCHED)
                page.wait_for_load_state("networkidle")
                boxes = page.locator("#booth input[name=mark]")
                assert boxes.count() == CANDIDATES, boxes.count()
                for i in range(0, CANDIDATES, CANDIDATES // MARKS):
                    boxes.nth(i).check()
                page.fill("#credential", site["credential"])
                runs = []
                for i in range(repeat):
                    if i:
                        page.click("#booth-change")
                    runs.append(page.evaluate(ENCRYPT))
                last = runs[-1]
                t = time.perf_counter()
                with page.expect_navigation():
                    page.click("#booth-cast button[type=submit]")
                cast_s = time.perf_counter() - t
                receipt = page.locator("main .tracker").inner_text().strip()
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
                context.close()
                times = [r["ms"] / 1000 for r in runs]
                out["rates"][str(rate)] = {
                    "booth_load_s": loaded_s,
                    "encrypt_s": times,
                    "median_s": statistics.median(times),
                    "worst_s": max(times),
                    "cast_request_s": cast_s,
                    "receipt_matches": receipt == last["tracker"],
                    "ballot_bytes": len(last["raw"]),
                    "errors": errors,
                }
                out.setdefault("ballots", []).extend(r["raw"] for r in runs)
                log(
                    f"booth {rate:g}x: encrypt median {statistics.median(times):.3f} s,"
                    f" cast {cast_s:.2f} s, receipt {'ok' if receipt == last['tracker'] else '!!'}"
                )
        finally:
            browser.close()
    return out


# -- 2. the server's check of one ballot -------------------------------------------------------


def threshold_key(group: bl.Group, n: int = 5, k: int = 3) -> dict[str, Any]:
    """The five trustees' rounds (each trustee's own steps, the server's routing)."""
    seeds, certs = [], []
    for _ in range(n):
        seed, cert = bl.pedersen_step1(group)
        seeds.append(seed)
        certs.append(cert)
    polynomials = [bl.pedersen_step3(group, certs, s, k) for s in seeds]
    vinputs = bl.pedersen_step4(group, certs, polynomials)
    voutputs = [bl.pedersen_step5(group, certs, s, v) for s, v in zip(seeds, vinputs, strict=True)]
    params = bl.pedersen_step6(group, certs, polynomials, voutputs)
    return {
        "trustees": bl.make_trustees([("Pedersen", params)]),
        "seeds": seeds,
        "private_keys": [json.loads(v)["private_key"] for v in voutputs],
    }


QUESTIONS = {
    "block": lambda: bl.HomomorphicQuestion(
        "Central Council", tuple(f"Candidate {i}" for i in range(CANDIDATES)), 1, MARKS, blank=True
    ),
    "motion": lambda: bl.HomomorphicQuestion("Motion", ("yes", "no", "abstain"), 1, 1),
    "single": lambda: bl.HomomorphicQuestion(
        "General Coordinator", tuple(f"C{i}" for i in range(10)), 1, 1
    ),
}


def vote_of(kind: str, rng: random.Random) -> list[list[int]]:
    """One voter's plaintext: a motion answer (60/30/10), one of 10, or 1 to 40 marks of
    80 (blank 2 %)."""
    if kind == "motion":
        answer = rng.choices(range(3), weights=(6, 3, 1))[0]
        return [[1 if i == answer else 0 for i in range(3)]]
    if kind == "single":
        pick = rng.randrange(10)
        return [[1 if i == pick else 0 for i in range(10)]]
    if rng.random() < 0.02:
        return [[1] + [0] * CANDIDATES]
    chosen = set(rng.sample(range(CANDIDATES), rng.randint(1, MARKS)))
    return [[0] + [1 if i in chosen else 0 for i in range(CANDIDATES)]]


def make_election(kind: str, key: dict[str, Any]) -> str:
    group = bl.BELENIOS_2048
    trustees = bl.parse_trustees(key["trustees"])
    return bl.make_election(
        uuid=bl.new_uuid(),
        group=group,
        public_key=bl.combine_keys(group, trustees),
        name=kind,
        description="bench/verifiable.py",
        questions=[QUESTIONS[kind]()],
    )


def server_checks(block_raw: str | None, site: dict | None, repeat: int) -> dict[str, Any]:
    """check_ballot of one ballot of each kind, best of `repeat`."""
    key = threshold_key(bl.BELENIOS_2048)
    out: dict[str, Any] = {"gmpy2": _groups.HAVE_GMPY2}
    rng = random.Random(SEED)
    for kind in ("block", "motion", "single"):
        if kind == "block" and block_raw is not None and site is not None:
            election_raw, public, raw, made_in = (
                site["election"],
                site["credentials"],
                block_raw,
                "Chromium",
            )
        else:
            election_raw = make_election(kind, key)
            election = bl.parse_election(election_raw)
            credential = bl.generate_credential()
            public = bl.make_public_credentials(
                [bl.public_credential(election.group, election.uuid, credential)]
            )
            raw = bl.create_ballot(election, credential, vote_of(kind, rng)).raw
            made_in = "Python"
        election = bl.parse_election(election_raw)
        pcs = bl.parse_public_credentials(election.group, public)
        bl.check_ballot(election, raw, pcs)  # warm-up (and it must pass)
        timing = best_of(lambda e=election, r=raw, c=pcs: bl.check_ballot(e, r, c), repeat)
        out[kind] = {
            "best_s": timing["best_s"],
            "times_s": timing["times_s"],
            "ballot_bytes": len(raw),
            "made_in": made_in,
        }
        log(f"check_ballot {kind}: {timing['best_s']:.3f} s ({len(raw) / 1024:.0f} KB)")
    return out


# -- 3. the tally of 500 voters ----------------------------------------------------------------


def _make_ballot(args: tuple[str, str, list[list[int]]]) -> str:
    election_raw, credential, vote = args
    return bl.create_ballot(bl.parse_election(election_raw), credential, vote).raw


def voters_ballots(kind: str, voters: int) -> dict[str, Any]:
    """The poll, its key, its credentials and its ballots: cached, else made in parallel."""
    path = CACHE / f"verifiable-{kind}-{voters}-seed{SEED}-v1.json"
    if path.exists():
        log(f"{kind}: {voters} ballots from the cache {path}")
        data = json.loads(path.read_text())
        data["build_s"] = None
        return data
    key = threshold_key(bl.BELENIOS_2048)
    election_raw = make_election(kind, key)
    election = bl.parse_election(election_raw)
    rng = random.Random(SEED)
    credentials = [bl.generate_credential() for _ in range(voters)]
    votes = [vote_of(kind, rng) for _ in range(voters)]
    public = bl.make_public_credentials(
        [bl.public_credential(election.group, election.uuid, c) for c in credentials]
    )
    log(f"{kind}: making {voters} ballots in Python on {os.cpu_count()} cores...")
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        ballots = list(
            pool.map(
                _make_ballot,
                [(election_raw, c, v) for c, v in zip(credentials, votes, strict=True)],
                chunksize=8,
            )
        )
    build_s = time.perf_counter() - t
    data = {
        "election": election_raw,
        "key": key,
        "credentials": public,
        "votes": votes,
        "ballots": ballots,
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)
    data["build_s"] = build_s
    return data


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def tally(kind: str, voters: int, sample: int) -> dict[str, Any]:
    data = voters_ballots(kind, voters)
    election_raw, ballots = data["election"], data["ballots"]
    election = bl.parse_election(election_raw)
    group = election.group
    pcs = bl.parse_public_credentials(group, data["credentials"])
    trustees = bl.parse_trustees(data["key"]["trustees"])
    out: dict[str, Any] = {
        "voters": voters,
        "ballot_bytes_mean": statistics.mean(len(b) for b in ballots),
        "build_s": data["build_s"],
    }

    # the close: every ballot's signature and credential checked again (its proofs were
    # checked at the cast; congress verify checks them all), then the encrypted sum
    log(f"{kind}: the close (signatures of {voters} ballots, encrypted sum)...")
    parsed, out["close_check_s"] = timed(
        lambda: [bl.check_ballot(election, r, pcs, proofs=False) for r in ballots]
    )
    if sample and sample < voters:  # what a full re-check would cost, for comparison
        _, full_s = timed(lambda: [bl.check_ballot(election, r, pcs) for r in ballots[:sample]])
        out["full_check_s"] = full_s * voters / sample
        out["full_check_sampled"] = {"ballots": sample, "measured_s": full_s}
    else:
        _, out["full_check_s"] = timed(lambda: [bl.check_ballot(election, r, pcs) for r in ballots])
    encrypted, out["close_sum_s"] = timed(lambda: bl.compute_encrypted_tally(election, parsed))
    log(f"{kind}: close {out['close_check_s']:.1f} s + sum {out['close_sum_s']:.2f} s")

    # three of the five trustees decrypt; each partial decryption is checked on arrival
    tally_raw = encrypted.raw
    t_parsed = bl.parse_tally(election, tally_raw)
    keys = dict(bl.owners(trustees))
    deciders = (1, 3, 5)
    partials, out["trustee_decrypt_s"], out["server_accept_s"] = {}, {}, {}
    for owner in deciders:
        x = bl.threshold_decryption_key(
            group, data["key"]["seeds"][owner - 1], data["key"]["private_keys"][owner - 1]
        )
        pd, out["trustee_decrypt_s"][owner] = timed(
            lambda x=x: bl.compute_partial_decryption(election, t_parsed, x)
        )
        _, out["server_accept_s"][owner] = timed(
            lambda pd=pd, owner=owner: bl.accept_partial_decryption(
                election, t_parsed, pd.raw, keys[owner].public_key
            )
        )
        partials[owner] = bl.parse_partial_decryption(pd.raw, t_parsed)
    factors, combine_s = timed(lambda: bl.combine_factors(election, trustees, partials))
    result, result_s = timed(
        lambda: bl.compute_result(election, t_parsed, factors, encrypted.total_weight)
    )
    out["combine_and_result_s"] = combine_s + result_s
    expected = [sum(v[0][j] for v in data["votes"]) for j in range(election.questions[0].size)]
    out["result"] = [list(r) for r in result]
    out["result_correct"] = out["result"] == [expected]

    # the archive, then its verification
    def archive() -> bytes:
        a = bl.Archive.create(election_raw, data["key"]["trustees"], data["credentials"], 1)
        for raw in sorted(ballots, key=bl.tracker):
            a.add_ballot(raw)
        a.end_ballots()
        a.add_encrypted_tally(tally_raw, encrypted.sized_raw)
        for owner in deciders:
            a.add_partial_decryption(partials[owner].raw, owner)
        a.add_result(bl.result_json(election, result))
        return a.to_bytes()

    archive_bytes, out["archive_write_s"] = timed(archive)
    out["archive_bytes"] = len(archive_bytes)
    log(f"{kind}: verify_archive of {len(archive_bytes) / 2**20:.1f} MiB...")
    light, out["count_check_s"] = timed(
        lambda: bl.verify_archive_full(archive_bytes, ballot_proofs=False)
    )  # the count's check of the record (check_record): every step but ballot proofs
    out["count_check_ok"] = light.ok
    checks, out["verify_archive_s"] = timed(lambda: bl.verify_archive(archive_bytes))
    out["verify_ok"] = all(c.ok for c in checks)
    out["verify_failures"] = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
    out["server_total_s"] = (
        out["close_check_s"]
        + out["close_sum_s"]
        + sum(out["server_accept_s"].values())
        + out["combine_and_result_s"]
        + out["count_check_s"]
    )
    verdict = "ok" if out["verify_ok"] else "FAILED"
    log(
        f"{kind}: verify_archive {out['verify_archive_s']:.1f} s, {verdict}; "
        f"result {'ok' if out['result_correct'] else '!!'}"
    )
    return out


# -- the report ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed ballots per rate and kind")
    parser.add_argument("--rates", default="1,4", help="CPU throttling rates (1 = normal speed)")
    parser.add_argument("--voters", type=int, default=500, help="voters of the tallies")
    parser.add_argument(
        "--block-sample",
        type=int,
        default=50,
        help="time the close's re-check of the block on this many ballots, scaled (0: all)",
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the booth in Chromium")
    parser.add_argument("--quick", action="store_true", help="--repeat 2 --voters 50")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.voters = 2, 50
    rates = [float(r) for r in args.rates.split(",")]
    started = time.perf_counter()

    work = Path(tempfile.mkdtemp(prefix="bench-verifiable-"))
    site: dict[str, Any] | None = None
    booth: dict[str, Any] = {"skipped": "--no-browser"}
    try:
        if not args.no_browser:
            log("the booth: a scratch database and a gunicorn...")
            site = build_site(work)
            server = Server(work, site["url"])
            try:
                booth = booth_figures(site, server, rates, args.repeat)
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # every ballot the booth made must pass the ballot box
    rejected = []
    block_raw = None
    if site is not None and booth.get("ballots"):
        election = bl.parse_election(site["election"])
        pcs = bl.parse_public_credentials(election.group, site["credentials"])
        for raw in booth["ballots"]:
            try:
                bl.check_ballot(election, raw, pcs)
            except bl.BallotRejected as e:
                rejected.append(str(e))
        block_raw = booth["ballots"][-1]
        booth["accepted"] = {"ballots": len(booth.pop("ballots")), "rejected": rejected}
    checks = server_checks(None if rejected else block_raw, site, args.repeat)
    tallies = {
        kind: tally(kind, args.voters, args.block_sample if kind == "block" else 0)
        for kind in ("motion", "block")
    }

    # tables
    rows = []
    for rate in rates:
        f = booth.get("rates", {}).get(str(rate))
        if f is None:
            continue
        rows.append(
            [
                "normal" if rate == 1 else f"{rate:g}x slower",
                fmt_seconds(f["median_s"]),
                fmt_seconds(f["worst_s"]),
                fmt_seconds(f["booth_load_s"]),
                fmt_seconds(f["cast_request_s"]),
                "yes" if f["receipt_matches"] else "NO",
            ]
        )
    if rows:
        print_table(
            [
                "CPU",
                "encrypt (median)",
                "encrypt (worst)",
                "booth page load",
                "cast request",
                "receipt = tracker",
            ],
            rows,
            title=f"The booth in Chromium: a 40-of-80 block ballot, click to tracker "
            f"({args.repeat} runs)",
        )
    else:
        print(f"\nThe booth in Chromium: skipped ({booth.get('skipped')})")
    print_table(
        ["ballot", "size", "check_ballot (best)", "made in"],
        [
            [k, f"{v['ballot_bytes'] / 1024:.1f} KB", fmt_seconds(v["best_s"]), v["made_in"]]
            for k, v in checks.items()
            if isinstance(v, dict)
        ],
        title=f"The server's check of one ballot (gmpy2: {checks['gmpy2']})",
    )
    trows = []
    for kind, t in tallies.items():
        trows.append(
            [
                kind,
                str(t["voters"]),
                fmt_seconds(t["close_check_s"]),
                fmt_seconds(t["full_check_s"]) + (" (scaled)" if "full_check_sampled" in t else ""),
                fmt_seconds(t["close_sum_s"]),
                fmt_seconds(statistics.mean(t["trustee_decrypt_s"].values())),
                fmt_seconds(sum(t["server_accept_s"].values())),
                fmt_seconds(t["combine_and_result_s"]),
                fmt_seconds(t["count_check_s"]),
                fmt_seconds(t["verify_archive_s"]),
                f"{t['archive_bytes'] / 2**20:.1f} MiB",
                "ok"
                if t["verify_ok"] and t["count_check_ok"] and t["result_correct"]
                else "FAILED",
            ]
        )
    print_table(
        [
            "poll",
            "voters",
            "close: signatures",
            "(full re-check)",
            "close: sum",
            "1 trustee decrypts",
            "3 partials checked",
            "combine + result",
            "count: record check",
            "verify_archive (anyone)",
            "archive",
            "record",
        ],
        trows,
        title="The tally (3-of-5 threshold key; three trustees decrypt)",
    )
    goal: dict[str, Any] = {"goal_s": GOAL_S}
    four = booth.get("rates", {}).get("4.0") or booth.get("rates", {}).get("4")
    if four:
        goal.update({"median_s": four["median_s"], "worst_s": four["worst_s"]})
        goal["met"] = four["worst_s"] < GOAL_S
        print(
            f"\n40-of-80 block in the booth at 4x: {fmt_seconds(four['median_s'])} median, "
            f"{fmt_seconds(four['worst_s'])} worst (goal: under {GOAL_S:g} s): "
            f"{'met' if goal['met'] else 'NOT met'}"
        )
    if rejected:
        print(f"!! {len(rejected)} booth ballot(s) rejected by check_ballot: {rejected[0]}")

    wall = time.perf_counter() - started
    path = write_results(
        "verifiable",
        {
            "parameters": {
                "repeat": args.repeat,
                "rates": rates,
                "voters": args.voters,
                "block_sample": args.block_sample,
                "block": {"candidates": CANDIDATES, "max_marks": MARKS, "blank": True},
                "threshold": "3 of 5",
                "seed": SEED,
                "site": {k: site[k] for k in ("question", "electorate")} if site else None,
                "scripts_sha256": hashlib.sha256(
                    b"".join(
                        (REPO_DIR / "congress" / "static" / "booth" / n).read_bytes()
                        for n in ("belenios.js", "booth-page.js")
                    )
                ).hexdigest(),
            },
            "packages": package_versions(["playwright", "gmpy2"]),
            "chromium": booth.get("chromium"),
            "booth": booth,
            "server_check": checks,
            "tally": tallies,
            "goal_block_40_of_80_at_4x": goal,
            "wall_s": wall,
        },
    )
    print(f"\nwrote {path.relative_to(REPO_DIR)} in {wall:.0f} s")


if __name__ == "__main__":
    main()
