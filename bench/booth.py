"""The verifiable poll's booth: encrypting and proving a ballot in the voter's browser, and
checking it on the server.

    .venv/bin/python bench/booth.py [--repeat 5] [--rates 1,4] [--no-pure]

Issue 16 ("The booth"): the booth script (congress/static/booth/belenios.js) encrypts,
proves and signs the ballot in the browser; its cost on a phone is measured, with the goal
of a 40-of-80 block ballot in under 10 s at 4x CPU throttling. Four polls are made with the
Python core (congress.core.belenios), one trustee key and one credential each:

- block: 40 marks out of 80 candidates, blank allowed, 1 to 40 marks (BELENIOS-2048);
- motion: yes / no / abstain, exactly one (BELENIOS-2048);
- single: one office, 1 of 10 candidates (BELENIOS-2048);
- ranked: 12 candidates ranked 1..12 (non-homomorphic, RFC-3526-2048).

In Debian's headless Chromium (Playwright), the script is served from a fake https origin
(Web Crypto needs a secure context) under a CSP of script-src 'self', at normal speed and
with the CPU slowed down by Chrome DevTools' `Emulation.setCPUThrottlingRate` (4x: a
mid-range phone). For each poll, in the page:

- *first ballot*: the fixed-base tables emptied, then parsing the election (its
  fingerprint, the key's membership), building the tables of g and the election key,
  PBKDF2 of the credential and the ballot: what a voter waits for when the page did not
  prepare anything while she chose;
- *prepare*: `CongressBooth.prepare` alone (the tables), which a page can run while the
  voter reads the ballot;
- *ballot*: `createBallot` once the tables exist (PBKDF2, encryption, proofs, signature,
  tracker): best and median of --repeat runs. This is the wait after "encrypt".

Every ballot made is checked with `congress.core.belenios.check_ballot` (a ballot that
fails is reported, not timed). The server's side: `check_ballot` of one such ballot (every
proof, the signature, the credential on the list), best of --repeat, with gmpy2 (as
deployed) and with the pure-Python fallback (fixed-base tables, `pow`) unless --no-pure.

The page also times the arithmetic under each rate: a 2048-bit modular multiplication,
sliding-window exponentiations with 256-bit and 2047-bit exponents, and the comb tables
(build, one exponentiation) for each group.

Timings are wall clock (performance.now in the page, perf_counter in Python); the machine
and its load are in the results. Reports, never asserts. Results: bench/results/booth.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import REPO_DIR, best_of, fmt_seconds, package_versions, print_table, write_results

sys.path.insert(0, str(REPO_DIR))

from congress.core import belenios as bl
from congress.core.belenios import groups as _groups

CHROMIUM = os.environ.get("CONGRESS_CHROMIUM", "/usr/bin/chromium")
SCRIPT = REPO_DIR / "congress" / "static" / "booth" / "belenios.js"
ORIGIN = "https://booth.test"
SCRIPT_URL = ORIGIN + "/static/booth/belenios.js"
CSP = "default-src 'none'; script-src 'self'"
GOAL_S = 10.0  # the 40-of-80 block ballot at 4x throttling
PAGE = "<!doctype html><html lang=en><meta charset=utf-8><title>booth</title></html>"


def polls() -> dict[str, dict[str, Any]]:
    """The four elections, a credential each (on the list) and the vote to encrypt."""
    specs = {
        "block 40 of 80": (
            bl.BELENIOS_2048,
            bl.HomomorphicQuestion(
                "Central Council", tuple(f"Candidate {i}" for i in range(80)), 1, 40, blank=True
            ),
            [[0] + [1 if i % 2 == 0 else 0 for i in range(80)]],
        ),
        "motion": (
            bl.BELENIOS_2048,
            bl.HomomorphicQuestion("Motion", ("Yes", "No", "Abstain"), 1, 1),
            [[1, 0, 0]],
        ),
        "single 1 of 10": (
            bl.BELENIOS_2048,
            bl.HomomorphicQuestion("General Coordinator", tuple(f"C{i}" for i in range(10)), 1, 1),
            [[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]],
        ),
        "ranked 12": (
            bl.RFC_3526_2048,
            bl.NonHomomorphicQuestion("Coordination Office", tuple(f"R{i}" for i in range(12))),
            [[3, 1, 2, 12, 11, 10, 4, 5, 6, 9, 8, 7]],
        ),
    }
    out = {}
    for name, (group, question, vote) in specs.items():
        x = group.random_exponent()
        uuid = bl.new_uuid()
        raw = bl.make_election(
            uuid=uuid,
            group=group,
            public_key=group.g_pow(x),
            name=name,
            description="bench/booth.py",
            questions=[question],
        )
        credential = bl.generate_credential()
        public = bl.make_public_credentials([bl.public_credential(group, uuid, credential)])
        out[name] = {"raw": raw, "credential": credential, "public": public, "vote": vote}
    return out


MICRO = """async () => {
    const I = CongressBooth.internals;
    const out = {};
    // mean time per call, over at least n calls and 250 ms (throttling is time-sliced)
    const time = (n, f) => {
        for (let i = 0; i < 3; i++) { f(i); }  // warm-up: JIT, allocation
        let k = 0, elapsed = 0;
        const t = performance.now();
        do { f(k++); elapsed = performance.now() - t; } while (k < n || elapsed < 250);
        return elapsed / k;
    };
    for (const G of Object.values(CongressBooth.groups)) {
        const e256 = G.randomExponent() % (1n << 256n), eq = G.randomExponent();
        const x = G.gPow(G.randomExponent()), y = G.gPow(G.randomExponent());
        let z = x;
        const r = {};
        r.mulmod_ms = time(2000, () => { z = z * y % G.p; });
        r.pow_sliding_256bit_ms = time(20, () => I.modPow(x, e256, G.p));
        r.pow_sliding_q_ms = time(3, () => I.modPow(x, eq, G.p));
        let table;
        r.comb_build_ms = time(3, () => {
            table = new I.FixedBase(x, G.p, G.qBits, 8, G.qBits <= 512 ? 4 : 2); });
        r.comb_pow_q_ms = time(50, () => table.pow(eq));
        r.q_bits = G.qBits;
        out[G.name] = r;
    }
    return out;
}"""

RUN = """async ([raw, credential, vote, repeat]) => {
    const B = CongressBooth;
    B.internals.clearTables();
    let t = performance.now();
    const election = await B.parseElection(raw);
    const parsed = performance.now() - t;
    const first = await B.createBallot(election, credential, vote);
    const firstMs = performance.now() - t;
    B.forget(first);
    B.internals.clearTables();
    t = performance.now();
    B.prepare(election);
    const prepareMs = performance.now() - t;
    const times = [], raws = [first.raw];
    for (let i = 0; i < repeat; i++) {
        t = performance.now();
        const b = await B.createBallot(election, credential, vote);
        times.push(performance.now() - t);
        B.forget(b);
        raws.push(b.raw);
    }
    return {parse_ms: parsed, first_ms: firstMs, prepare_ms: prepareMs, ballot_ms: times,
            raws: raws};
}"""


def browser_figures(made: dict, rates: list[float], repeat: int) -> dict[str, Any]:
    """Per throttling rate: the arithmetic and each poll's ballot, timed in Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    out: dict[str, Any] = {"rates": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        out["chromium"] = browser.version
        try:
            for rate in rates:
                context = browser.new_context()
                page = context.new_page()

                def serve(route) -> None:
                    if route.request.url == ORIGIN + "/":
                        route.fulfill(
                            status=200,
                            headers={"Content-Security-Policy": CSP},
                            content_type="text/html; charset=utf-8",
                            body=PAGE,
                        )
                    elif route.request.url == SCRIPT_URL:
                        route.fulfill(
                            status=200, content_type="text/javascript", body=SCRIPT.read_bytes()
                        )
                    else:
                        route.abort()

                context.route("**/*", serve)
                page.goto(ORIGIN + "/")
                page.add_script_tag(url=SCRIPT_URL)
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                figures: dict[str, Any] = {"micro": page.evaluate(MICRO), "polls": {}}
                for name, poll in made.items():
                    figures["polls"][name] = page.evaluate(
                        RUN, [poll["raw"], poll["credential"], poll["vote"], repeat]
                    )
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
                context.close()
                out["rates"][str(rate)] = figures
        finally:
            browser.close()
    return out


def server_figures(made: dict, repeat: int, pure: bool) -> dict[str, Any]:
    """check_ballot of each poll's ballot (made in the browser), gmpy2 and pure Python."""
    modes = [("gmpy2", _groups._gmpy2)] if _groups.HAVE_GMPY2 else []
    if pure or not modes:
        modes.append(("pure Python", None))
    saved = _groups._gmpy2
    out: dict[str, Any] = {}
    try:
        for mode, module in modes:
            _groups._gmpy2 = module
            out[mode] = {}
            for name, poll in made.items():
                # parsed anew: the pure-Python fixed-base table of the key is registered then
                election = bl.parse_election(poll["raw"])
                pcs = bl.parse_public_credentials(election.group, poll["public"])
                raw = poll["ballot"]
                if raw is None:
                    continue
                bl.check_ballot(election, raw, pcs)  # warm the tables
                timing = best_of(lambda e=election, r=raw, c=pcs: bl.check_ballot(e, r, c), repeat)
                out[mode][name] = {"best_s": timing["best_s"], "times_s": timing["times_s"]}
    finally:
        _groups._gmpy2 = saved
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed ballots per poll and rate")
    parser.add_argument("--rates", default="1,4", help="CPU throttling rates (1 = normal speed)")
    parser.add_argument("--no-pure", action="store_true", help="skip the pure-Python check")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    started = time.perf_counter()
    made = polls()
    browser = browser_figures(made, rates, args.repeat)

    # every ballot the browser made must pass the ballot box
    accepted: dict[str, Any] = {}
    for name, poll in made.items():
        election = bl.parse_election(poll["raw"])
        pcs = bl.parse_public_credentials(election.group, poll["public"])
        raws = [
            raw
            for figures in browser.get("rates", {}).values()
            for raw in figures["polls"][name].pop("raws")
        ]
        problems = []
        for raw in raws:
            try:
                bl.check_ballot(election, raw, pcs)
            except bl.BallotRejected as e:
                problems.append(str(e))
        accepted[name] = {"ballots": len(raws), "rejected": problems}
        poll["ballot"] = raws[-1] if raws and not problems else None
        if poll["ballot"] is None:  # no browser: time the server on a ballot made in Python
            poll["ballot"] = bl.create_ballot(election, poll["credential"], poll["vote"]).raw
        poll["ballot_bytes"] = len(poll["ballot"])
    server = server_figures(made, args.repeat, not args.no_pure)

    rows = []
    for name, poll in made.items():
        row: list[Any] = [name, f"{poll['ballot_bytes'] / 1024:.0f} KB"]
        for rate in rates:
            f = browser.get("rates", {}).get(str(rate), {}).get("polls", {}).get(name)
            if f is None:
                row += ["-", "-", "-"]
                continue
            row += [
                fmt_seconds(f["first_ms"] / 1000),
                fmt_seconds(f["prepare_ms"] / 1000),
                fmt_seconds(statistics.median(f["ballot_ms"]) / 1000),
            ]
        for mode in server:
            row.append(fmt_seconds(server[mode].get(name, {}).get("best_s")))
        rows.append(row)
    headers = ["poll", "ballot"]
    for rate in rates:
        label = "normal" if rate == 1 else f"{rate:g}x slower"
        headers += [f"first ({label})", f"prepare ({label})", f"ballot ({label})"]
    headers += [f"server check ({mode})" for mode in server]
    print_table(headers, rows, title="Booth: in Chromium (median ballot) and on the server")

    micro_rows = []
    for rate in rates:
        micro = browser.get("rates", {}).get(str(rate), {}).get("micro", {})
        for group, m in micro.items():
            micro_rows.append(
                [
                    f"{rate:g}x",
                    group,
                    f"{m['mulmod_ms'] * 1000:.1f} us",
                    fmt_seconds(m["pow_sliding_256bit_ms"] / 1000),
                    fmt_seconds(m["pow_sliding_q_ms"] / 1000),
                    fmt_seconds(m["comb_build_ms"] / 1000),
                    fmt_seconds(m["comb_pow_q_ms"] / 1000),
                ]
            )
    if micro_rows:
        print_table(
            [
                "rate",
                "group",
                "mulmod",
                "sliding 256-bit",
                "sliding |q|-bit",
                "comb build",
                "comb |q|-bit",
            ],
            micro_rows,
            title="Arithmetic in Chromium (BigInt, 2048-bit modulus)",
        )

    block = browser.get("rates", {}).get("4", browser.get("rates", {}).get("4.0"))
    goal: dict[str, Any] = {"goal_s": GOAL_S}
    if block is not None:
        f = block["polls"]["block 40 of 80"]
        goal.update(
            {
                "first_ballot_s": f["first_ms"] / 1000,
                "median_ballot_s": statistics.median(f["ballot_ms"]) / 1000,
            }
        )
        goal["met"] = goal["first_ballot_s"] < GOAL_S
        print(
            f"\n40-of-80 block at 4x throttling: first ballot {fmt_seconds(goal['first_ballot_s'])}"
            f", then {fmt_seconds(goal['median_ballot_s'])} (goal: under {GOAL_S:g} s)"
        )
    for name, a in accepted.items():
        if a["rejected"]:
            print(f"!! {name}: {len(a['rejected'])} ballot(s) rejected: {a['rejected'][0]}")

    path = write_results(
        "booth",
        {
            "parameters": {
                "repeat": args.repeat,
                "rates": rates,
                "script": str(SCRIPT.relative_to(REPO_DIR)),
                "script_bytes": SCRIPT.stat().st_size,
                "polls": {
                    name: {
                        "group": bl.parse_election(p["raw"]).group.name,
                        "question": bl.parse_election(p["raw"]).questions[0].question,
                        "size": bl.parse_election(p["raw"]).questions[0].size,
                        "ballot_bytes": p["ballot_bytes"],
                    }
                    for name, p in made.items()
                },
            },
            "packages": package_versions(["playwright", "gmpy2"]),
            "chromium": browser.get("chromium"),
            "browser": browser,
            "accepted": accepted,
            "server": server,
            "goal_block_40_of_80_at_4x": goal,
            "wall_s": time.perf_counter() - started,
        },
    )
    print(f"\nwrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
