"""Counting benchmark: our engine against other Python counters on the same ballots.

    .venv/bin/python bench/tally.py            # the full run (about half an hour)
    .venv/bin/python bench/tally.py --quick    # 10x fewer ballots, to try things out

What it does:

1. Generates seeded, realistic ballots (see `generate_ranked`, `generate_block`):
   100,000 ranked ballots ranking 1 to 15 of 30 candidates for 21 seats, and
   1,000,000 block ballots of 1 to 40 marks among 80 candidates for 40 seats.
   Voters and candidates belong to four branches (SY, TR, EU, US) and sit on a
   left/right axis; a voter prefers her own branch, nearby candidates and the
   more popular ones, with noise. The ballots are cached under
   $CONGRESS_BENCH_CACHE (default /tmp/congress-bench), keyed by their parameters.
2. Installs the comparison packages (pinned in `OTHER_PACKAGES`) into a throwaway
   venv in that cache directory, never into the project's venv.
3. Runs every counter in its own child process (ours under .venv/bin/python,
   theirs under the throwaway venv's python), so their imports never meet ours
   and each child's peak RSS (ru_maxrss from wait4) is its own. A child loads
   the ballots, converts them to the counter's documented input (timed apart as
   "build"), then counts best-of-N (timed as "count").
4. Profiles our count of each method with cProfile and keeps the hot spots.
5. Prints a table and writes bench/results/tally.json.

It reports; it asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common

BRANCHES = ("SY", "TR", "EU", "US")

RANKED = {
    "seed": 20260101,
    "ballots": 100_000,
    "candidates": 30,
    "seats": 21,
    "min_ranked": 1,
    "max_ranked": 15,
    # candidates per branch, and the share of voters per branch
    "candidate_branches": {"SY": 10, "TR": 8, "EU": 7, "US": 5},
    "voter_branches": {"SY": 0.40, "TR": 0.30, "EU": 0.20, "US": 0.10},
    # utility = appeal + own_branch_bonus [same branch] - axis_weight * |distance| + noise
    "appeal_sd": 0.4,
    "own_branch_bonus": 1.0,
    "axis_weight": 0.8,
    "noise_sd": 0.7,
}

BLOCK = {
    "seed": 20260102,
    "ballots": 1_000_000,
    "candidates": 80,
    "seats": 40,
    "max_marks": 40,
    "full_ballot_share": 0.4,  # the rest mark 1..39 candidates, uniformly
    "candidate_branches": {"SY": 26, "TR": 22, "EU": 18, "US": 14},
    "voter_branches": {"SY": 0.40, "TR": 0.30, "EU": 0.20, "US": 0.10},
    "appeal_sd": 0.4,
    "own_branch_bonus": 1.0,
    "axis_weight": 0.8,
    "noise_width": 2.0,  # uniform noise in [0, noise_width)
    "axis_buckets": 61,  # voter positions are rounded to this many points in [-3, 3]
}

CACHE = Path(os.environ.get("CONGRESS_BENCH_CACHE", "/tmp/congress-bench"))
OTHERS_VENV = CACHE / "others-venv"
OURS_PYTHON = str(common.REPO_DIR / ".venv" / "bin" / "python")

# Pinned so that a re-run compares against the same code.
OTHER_PACKAGES = {
    "stvpoll": "0.5.6",
    "pref_voting": "1.18.2",
    "votekit": "3.5.0",
    "pyrcv": "1.2.6",
    "votelib": "0.4.0",
    "pyrankvote": "2.0.6",
}


# -- ballots ---------------------------------------------------------------------------


def _candidates(rng: random.Random, params: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Candidate ids, branches, axis positions and appeal, drawn from `rng`."""
    branches = [b for b, n in params["candidate_branches"].items() for _ in range(n)]
    assert len(branches) == params["candidates"]
    rng.shuffle(branches)
    width = len(str(params["candidates"]))
    return {
        "ids": [f"{prefix}{i + 1:0{width}d}" for i in range(params["candidates"])],
        "branches": branches,
        "positions": [rng.gauss(0.0, 1.0) for _ in branches],
        "appeal": [rng.gauss(0.0, params["appeal_sd"]) for _ in branches],
    }


def generate_ranked(params: dict[str, Any]) -> dict[str, Any]:
    """Ranked ballots: each voter ranks her top L candidates by noisy utility.

    L is drawn from 1..max_ranked, skewed towards short ballots
    (L = 1 + floor(max_ranked * U**1.6)), which gives a mean of about 6.8.
    """
    rng = random.Random(params["seed"])
    cands = _candidates(rng, params, "C")
    n = params["candidates"]
    pos, appeal, cbranch = cands["positions"], cands["appeal"], cands["branches"]
    voter_branches = list(params["voter_branches"])
    weights = list(params["voter_branches"].values())
    bonus, axis, noise = params["own_branch_bonus"], params["axis_weight"], params["noise_sd"]
    lo, hi = params["min_ranked"], params["max_ranked"]
    gauss, rand = rng.gauss, rng.random
    ballots: list[tuple[int, ...]] = []
    order = range(n)
    for vb in rng.choices(voter_branches, weights, k=params["ballots"]):
        x = gauss(0.0, 1.0)
        util = [
            appeal[c]
            + (bonus if cbranch[c] == vb else 0.0)
            - axis * abs(x - pos[c])
            + gauss(0, noise)
            for c in order
        ]
        length = min(hi, max(lo, 1 + int(hi * rand() ** 1.6)))
        ballots.append(tuple(sorted(order, key=util.__getitem__, reverse=True)[:length]))
    return {"kind": "ranked", "params": params, **cands, "ballots": ballots}


def generate_block(params: dict[str, Any]) -> dict[str, Any]:
    """Block ballots: each voter marks her top k candidates by noisy utility.

    k is max_marks for `full_ballot_share` of the voters, else uniform in 1..max_marks-1.
    For speed the voter's axis position is rounded to one of `axis_buckets` points, so
    the deterministic part of the utility comes from a table; the noise is uniform.
    """
    rng = random.Random(params["seed"])
    cands = _candidates(rng, params, "B")
    n = params["candidates"]
    pos, appeal, cbranch = cands["positions"], cands["appeal"], cands["branches"]
    bonus, axis = params["own_branch_bonus"], params["axis_weight"]
    buckets = params["axis_buckets"]
    points = [-3.0 + 6.0 * i / (buckets - 1) for i in range(buckets)]
    table = {
        (vb, i): [
            appeal[c] + (bonus if cbranch[c] == vb else 0.0) - axis * abs(x - pos[c])
            for c in range(n)
        ]
        for vb in BRANCHES
        for i, x in enumerate(points)
    }
    voter_branches = list(params["voter_branches"])
    weights = list(params["voter_branches"].values())
    width, full, top = params["noise_width"], params["full_ballot_share"], params["max_marks"]
    gauss, rand, randint = rng.gauss, rng.random, rng.randint
    order = range(n)
    ballots: list[tuple[int, ...]] = []
    for vb in rng.choices(voter_branches, weights, k=params["ballots"]):
        bucket = min(buckets - 1, max(0, round((gauss(0.0, 1.0) + 3.0) * (buckets - 1) / 6.0)))
        base = table[vb, bucket]
        util = [b + width * rand() for b in base]
        k = top if rand() < full else randint(1, top - 1)
        ballots.append(tuple(sorted(order, key=util.__getitem__, reverse=True)[:k]))
    return {"kind": "block", "params": params, **cands, "ballots": ballots}


def ballots_file(kind: str, params: dict[str, Any]) -> Path:
    """Generate (or reuse) the ballots of `params` and return the cached pickle's path."""
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    path = CACHE / f"{kind}-{params['ballots']}-{key}.pickle"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    data = generate_ranked(params) if kind == "ranked" else generate_block(params)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    took = time.perf_counter() - start
    print(f"  generated {len(data['ballots']):,} {kind} ballots in {took:.1f} s")
    return path


def ballot_stats(data: dict[str, Any]) -> dict[str, Any]:
    """What the generated ballots look like: lengths, distinct ballots, who leads."""
    ballots = data["ballots"]
    lengths = Counter(map(len, ballots))
    out: dict[str, Any] = {
        "ballots": len(ballots),
        "distinct": len(set(ballots)),
        "mean_length": round(sum(k * v for k, v in lengths.items()) / len(ballots), 2),
        "length_histogram": {str(k): lengths[k] for k in sorted(lengths)},
    }
    if data["kind"] == "ranked":
        tops = Counter(b[0] for b in ballots if b)
        what = "first_preferences"
    else:
        tops = Counter(c for b in ballots for c in b)
        what = "marks"
    by_branch: Counter[str] = Counter()
    for c, n in tops.items():
        by_branch[data["branches"][c]] += n
    out[f"{what}_by_candidate_branch"] = dict(by_branch.most_common())
    out[f"most_{what}"] = {data["ids"][c]: n for c, n in tops.most_common(5)}
    return out


# -- the counters ------------------------------------------------------------------------
#
# Each counter is two functions run inside its child process: `build(data)` turns the
# generated ballots into the counter's own input (timed apart), `count(inp, data)`
# returns the winners as candidate ids. Imports happen inside, so this file loads
# under either interpreter.


def _collapsed(data: dict[str, Any]) -> Counter[tuple[int, ...]]:
    """Identical ballots merged with their number, for counters that take weighted ballots."""
    return Counter(data["ballots"])


def _ids(data: dict[str, Any], winners: Any) -> list[str]:
    return [data["ids"][c] if isinstance(c, int) else str(c) for c in winners]


def build_congress(data: dict[str, Any]) -> Any:
    from congress.core.tally import Ballot, Candidate

    ids = data["ids"]
    single = [(i,) for i in ids]  # one shared 1-tuple per candidate, as a loader would intern
    candidates = [
        Candidate(id=i, name=i, branch=b) for i, b in zip(ids, data["branches"], strict=True)
    ]
    ballots = [Ballot(tuple(map(single.__getitem__, b))) for b in data["ballots"]]
    return candidates, ballots


def _count_congress(method: str) -> Callable[[Any, dict[str, Any]], list[str]]:
    def run(inp: Any, data: dict[str, Any]) -> list[str]:
        from congress.core.tally import CountRules, count

        candidates, ballots = inp
        rules = CountRules(
            method=method,
            seats=data["params"]["seats"],
            max_marks=data["params"].get("max_marks"),
            seed=b"bench",
        )
        return list(count(candidates, ballots, rules).winners)

    return run


def build_stvpoll(data: dict[str, Any]) -> Any:
    ids = data["ids"]
    return {tuple(ids[c] for c in b): n for b, n in _collapsed(data).items()}


def count_stvpoll(inp: Any, data: dict[str, Any]) -> list[str]:
    from stvpoll.scottish_stv import calculate_scottish_stv

    random.seed(0)  # its tie-break by lot draws from the random module
    result = calculate_scottish_stv(
        candidates=tuple(data["ids"]), ballots=inp, winners=data["params"]["seats"]
    )
    return list(result.elected_as_tuple())


def build_pref_voting(data: dict[str, Any]) -> Any:
    from pref_voting.profiles_with_ties import ProfileWithTies

    counts = _collapsed(data)
    rankings = [{c: r + 1 for r, c in enumerate(b)} for b in counts]
    return ProfileWithTies(
        rankings, rcounts=list(counts.values()), candidates=list(range(len(data["ids"])))
    )


def count_pref_voting_scottish(inp: Any, data: dict[str, Any]) -> list[str]:
    from pref_voting.proportional_methods import stv_scottish

    return _ids(data, stv_scottish(inp, num_seats=data["params"]["seats"], rng=random.Random(0)))


def count_pref_voting_meek(inp: Any, data: dict[str, Any]) -> list[str]:
    from pref_voting.proportional_methods import stv_meek

    return _ids(data, stv_meek(inp, num_seats=data["params"]["seats"]))


def build_votekit_rank(data: dict[str, Any]) -> Any:
    from votekit.ballot import RankBallot
    from votekit.pref_profile import RankProfile

    ids = data["ids"]
    sets = [frozenset({i}) for i in ids]
    ballots = [
        RankBallot(ranking=tuple(sets[c] for c in b), weight=n) for b, n in _collapsed(data).items()
    ]
    longest = max(map(len, data["ballots"]))
    return RankProfile(ballots=ballots, candidates=ids, max_ranking_length=longest)


def count_votekit_fast_stv(inp: Any, data: dict[str, Any]) -> list[str]:
    from votekit.elections import FastSTV

    election = FastSTV(
        inp, n_seats=data["params"]["seats"], transfer="fractional", tiebreak="random", rng_seed=0
    )
    return [c for group in election.get_elected() for c in group]


def count_votekit_stv(inp: Any, data: dict[str, Any]) -> list[str]:
    from votekit.elections import STV

    election = STV(inp, n_seats=data["params"]["seats"], tiebreak="random", rng_seed=0)
    return [c for group in election.get_elected() for c in group]


def build_pyrcv(data: dict[str, Any]) -> Any:
    from pyrcv import RaceData, RaceMetadata

    counts = _collapsed(data)
    return RaceData(
        RaceMetadata("bench", data["params"]["seats"], list(data["ids"])),
        [[c + 1 for c in b] for b in counts],
        list(counts.values()),
    )


def count_pyrcv(inp: Any, data: dict[str, Any]) -> list[str]:
    import numpy as np
    from pyrcv import RoundMode, run_rcv

    np.random.seed(0)  # its tie-break by lot draws from numpy's global generator
    result = run_rcv(inp, RoundMode.ADD_ONE_FLOOR)
    return [data["ids"][e - 1] for r in result.rounds for e in r.elected]


def build_votelib_ranked(data: dict[str, Any]) -> Any:
    ids = data["ids"]
    return {tuple(ids[c] for c in b): n for b, n in _collapsed(data).items()}


def count_votelib_stv(inp: Any, data: dict[str, Any]) -> list[str]:
    from votelib.evaluate.sequential import TransferableVoteSelector

    selector = TransferableVoteSelector(transferer="Gregory", quota_function="droop")
    return [str(c) for c in selector.evaluate(inp, data["params"]["seats"])]


def build_pyrankvote(data: dict[str, Any]) -> Any:
    from pyrankvote import Ballot, Candidate

    candidates = [Candidate(i) for i in data["ids"]]
    ballots = [Ballot(ranked_candidates=[candidates[c] for c in b]) for b in data["ballots"]]
    return candidates, ballots


def count_pyrankvote(inp: Any, data: dict[str, Any]) -> list[str]:
    import pyrankvote

    candidates, ballots = inp
    result = pyrankvote.single_transferable_vote(candidates, ballots, data["params"]["seats"])
    return [c.name for c in result.get_winners()]


def count_votekit_block(inp: Any, data: dict[str, Any]) -> list[str]:
    from votekit.elections import BlockPlurality

    seats, budget = data["params"]["seats"], data["params"]["max_marks"]
    election = BlockPlurality(inp, n_seats=seats, budget=budget, tiebreak="random", rng_seed=0)
    return [c for group in election.get_elected() for c in group]


def build_votelib_approval(data: dict[str, Any]) -> Any:
    ids = data["ids"]
    return {frozenset(ids[c] for c in b): n for b, n in _collapsed(data).items()}


def count_votelib_block(inp: Any, data: dict[str, Any]) -> list[str]:
    from votelib.convert import ApprovalToSimpleVotes
    from votelib.evaluate.core import Plurality

    simple = ApprovalToSimpleVotes().convert(inp)
    return [str(c) for c in Plurality().evaluate(simple, data["params"]["seats"])]


def build_counter_baseline(data: dict[str, Any]) -> Any:
    return data["ballots"]


def count_counter_baseline(inp: Any, data: dict[str, Any]) -> list[str]:
    from itertools import chain

    votes = Counter(chain.from_iterable(inp))
    return [data["ids"][c] for c, _ in votes.most_common(data["params"]["seats"])]


@dataclass(frozen=True)
class Subject:
    """One counter of one method: where it runs, how it is fed, and how its rule differs."""

    key: str
    method: str
    package: str | None  # the PyPI distribution; None for ours and the stdlib baseline
    label: str
    build: Callable[[dict[str, Any]], Any]
    count: Callable[[Any, dict[str, Any]], list[str]]
    same_rule: bool  # claims the very rule we count (Scottish STV, Meek, block vote)
    rule: str
    modules: tuple[str, ...] = ()  # imported before the build is timed
    reference: bool = False  # ours, or a baseline: not "another counter"


SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "congress-scottish",
        "stv-scottish",
        None,
        "congress stv-scottish",
        build_congress,
        _count_congress("stv-scottish"),
        True,
        "Scottish STV (SSI 2007/42): integer Droop quota; all the papers of a surplus go on "
        "at a value truncated to 5 decimals; exact integer arithmetic; largest surplus "
        "first; ties by lookback, then a seeded lot.",
        ("congress.core.tally",),
        reference=True,
    ),
    Subject(
        "stvpoll-scottish",
        "stv-scottish",
        "stvpoll",
        "stvpoll ScottishSTV",
        build_stvpoll,
        count_stvpoll,
        True,
        "Claims Scottish STV. Droop quota, Decimal values, but each ballot's multiplier is "
        "multiplied by (votes-quota)/votes and ROUNDED (half-even) to 5 places, not "
        "truncated; everyone at quota is elected together and all their surpluses go on "
        "in the same stage; ties by history, then random.",
        ("stvpoll.scottish_stv",),
    ),
    Subject(
        "pref_voting-scottish",
        "stv-scottish",
        "pref_voting",
        "pref_voting stv_scottish",
        build_pref_voting,
        count_pref_voting_scottish,
        True,
        "Claims Scottish STV. Integer Droop quota; per-paper transfer value truncated to 5 "
        "decimals, but in binary floats with a 1e-12 tolerance, and from each paper's "
        "current value rather than its value when received.",
        ("pref_voting.proportional_methods",),
    ),
    Subject(
        "votekit-faststv",
        "stv-scottish",
        "votekit",
        "votekit FastSTV",
        build_votekit_rank,
        count_votekit_fast_stv,
        False,
        "Gregory STV, fractional transfer in float64 (numpy), no truncation; quota "
        "floor(N/(seats+1))+1; all at quota elected together; random tie-break.",
        ("votekit.elections",),
    ),
    Subject(
        "votekit-stv",
        "stv-scottish",
        "votekit",
        "votekit STV",
        build_votekit_rank,
        count_votekit_stv,
        False,
        "votekit's general STV class (pandas profile, transfers in Python): fractional "
        "transfer in floats, no truncation; same quota and election order as FastSTV.",
        ("votekit.elections",),
    ),
    Subject(
        "pyrcv-stv",
        "stv-scottish",
        "pyrcv",
        "pyrcv run_rcv",
        build_pyrcv,
        count_pyrcv,
        False,
        "Gregory STV (every paper the winner holds, at its weight) in float64 numpy, no "
        "truncation; quota floor(1+N/(seats+1)); all at quota elected together; random "
        "tie-break.",
        ("pyrcv", "numpy"),
    ),
    Subject(
        "votelib-stv",
        "stv-scottish",
        "votelib",
        "votelib Gregory STV",
        build_votelib_ranked,
        count_votelib_stv,
        False,
        "Weighted inclusive Gregory in exact Fractions, no rounding; Droop quota "
        "int(N/(seats+1))+1.",
        ("votelib.evaluate.sequential",),
    ),
    Subject(
        "pyrankvote-stv",
        "stv-scottish",
        "pyrankvote",
        "pyrankvote STV",
        build_pyrankvote,
        count_pyrankvote,
        False,
        "Its own STV, not Gregory: quota N/(seats+1) with no +1; a surplus is shared "
        "equally among the papers the winner holds, whatever each is worth; several sure "
        "losers excluded at once; floats. No weighted ballots: one object per voter.",
        ("pyrankvote",),
    ),
    Subject(
        "congress-meek",
        "stv-meek",
        None,
        "congress stv-meek",
        build_congress,
        _count_congress("stv-meek"),
        True,
        "PR Foundation reference Meek rule: 9-decimal fixed point, keep factors rounded "
        "up; iterate until the surplus is below 1e-6 or stops falling; quota "
        "total/(seats+1) + 1e-9.",
        ("congress.core.tally",),
        reference=True,
    ),
    Subject(
        "pref_voting-meek",
        "stv-meek",
        "pref_voting",
        "pref_voting stv_meek",
        build_pref_voting,
        count_pref_voting_meek,
        True,
        "Meek (Hill, Wichmann, Woodall 1987) in binary floats: iterates until no keep "
        "factor moves more than 1e-10 and every elected tally is within 1e-9 of the quota "
        "(at most 2,000 iterations per round), not until the surplus is below omega; "
        "quota (total-excess)/(seats+1) with no 1e-9 added; ties by candidate order.",
        ("pref_voting.proportional_methods",),
    ),
    Subject(
        "congress-block",
        "block",
        None,
        "congress block",
        build_congress,
        _count_congress("block"),
        True,
        "Block vote: up to 40 marks per ballot; every ballot validated (unknown or "
        "duplicate candidate, too many marks, blank); most marks win; ties by seeded lot.",
        ("congress.core.tally",),
        reference=True,
    ),
    Subject(
        "votekit-block",
        "block",
        "votekit",
        "votekit BlockPlurality",
        build_votekit_rank,
        count_votekit_block,
        True,
        "Block plurality over a RankProfile: the first 40 ranked each get a point "
        "(a score vector through its Borda machinery); random tie-break.",
        ("votekit.elections",),
    ),
    Subject(
        "votelib-block",
        "block",
        "votelib",
        "votelib Plurality(approval)",
        build_votelib_approval,
        count_votelib_block,
        True,
        "Approval ballots (frozensets) converted to one vote per mark, then the 40 most "
        "voted; no check of the number of marks.",
        ("votelib.convert", "votelib.evaluate.core"),
    ),
    Subject(
        "baseline-block",
        "block",
        None,
        "stdlib Counter (baseline)",
        build_counter_baseline,
        count_counter_baseline,
        True,
        "Not a counter package: Counter(chain(ballots)).most_common(40) with no validation, "
        "no tie-break and no report: the floor under any pure-Python block count.",
        reference=True,
    ),
)
BY_KEY = {s.key: s for s in SUBJECTS}
OURS = {"stv-scottish": "congress-scottish", "stv-meek": "congress-meek", "block": "congress-block"}
KIND = {"stv-scottish": "ranked", "stv-meek": "ranked", "block": "block"}
# When another counter cannot finish on the full ballots, both are also run on the
# first N of the same ballots, to see whether the winners agree where it can finish.
SUBSAMPLE = {"stv-meek": 1_000, "stv-scottish": 10_000, "block": 100_000}


# -- the child process -------------------------------------------------------------------


class TimeUp(BaseException):
    """Raised by the alarm in a child whose count ran past its deadline."""


def _emit(stage: str, **fields: Any) -> None:
    print(json.dumps({"stage": stage, **fields}), flush=True)


def worker(
    key: str,
    data_path: str,
    repeat: int,
    budget: float,
    deadline: float,
    limit: int | None,
    profile: bool,
) -> None:
    """Load ballots, build the counter's input, count best-of-N; print JSON lines."""
    import importlib
    import signal

    subject = BY_KEY[key]
    for module in subject.modules:
        importlib.import_module(module)
    with open(data_path, "rb") as f:
        data = pickle.load(f)
    if limit:
        data["ballots"] = data["ballots"][:limit]
    start = time.perf_counter()
    inp = subject.build(data)
    build_s = time.perf_counter() - start
    rss_before = common.current_rss_bytes()
    versions = common.package_versions([subject.package]) if subject.package else {}
    load = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews the times
    _emit("built", build_s=build_s, ballots=len(data["ballots"]), versions=versions, load=load)
    if profile:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        winners = subject.count(inp, data)
        prof.disable()
        _emit("done", hotspots=_hotspots(pstats.Stats(prof, stream=io.StringIO())), winners=winners)
        return

    def time_up(_signum: int, _frame: Any) -> None:
        raise TimeUp

    signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, deadline)
    common.reset_peak_rss()
    count_start = time.perf_counter()
    try:
        timing = common.best_of(lambda: subject.count(inp, data), repeat, budget=budget)
    except TimeUp:
        _emit("timeout", count_s_at_least=time.perf_counter() - count_start)
        return
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    _emit(
        "done",
        count_s=timing["best_s"],
        times_s=timing["times_s"],
        runs=timing["runs"],
        winners=timing["result"],
        rss_before_count_bytes=rss_before,
        rss_peak_counting_bytes=common.peak_rss_bytes(),
    )


def _hotspots(stats: Any, top: int = 12) -> list[dict[str, Any]]:
    """The functions with the most time of their own (tottime), and their share of the count."""
    total = stats.total_tt or 1e-9
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        rows.append((tottime, cumtime, calls, f"{_short(filename)}:{line}({name})"))
    rows.sort(reverse=True)
    return [
        {
            "function": where,
            "own_s": round(own, 4),
            "own_share": round(own / total, 3),
            "cumulative_s": round(cum, 4),
            "calls": calls,
        }
        for own, cum, calls, where in rows[:top]
    ]


def _short(filename: str) -> str:
    for marker in ("/congress/", "/site-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename if filename.startswith("<") or filename == "~" else Path(filename).name


# -- the parent ------------------------------------------------------------------------


def ensure_others_venv() -> str:
    """The throwaway venv with the comparison packages; created on first use."""
    python = OTHERS_VENV / "bin" / "python"
    stamp = OTHERS_VENV / ".installed"
    wanted = json.dumps(OTHER_PACKAGES, sort_keys=True)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return str(python)
    print(f"  installing {', '.join(OTHER_PACKAGES)} into {OTHERS_VENV} ...", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(OTHERS_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    pins = [f"{name}=={version}" for name, version in OTHER_PACKAGES.items()]
    subprocess.run(pip + pins, check=True)
    stamp.write_text(wanted)
    return str(python)


@dataclass(frozen=True)
class Limits:
    repeat: int
    budget: float
    deadline: float


def run_subject(
    subject: Subject,
    python: str,
    data_path: Path,
    limits: Limits,
    *,
    limit: int | None = None,
    profile: bool = False,
) -> dict[str, Any]:
    """Run one counter in its own child process and gather what it printed."""
    argv = [python, __file__, "--worker", subject.key, "--data", str(data_path)]
    argv += ["--repeat", str(limits.repeat), "--budget", str(limits.budget)]
    argv += ["--deadline", str(limits.deadline)]
    argv += (["--limit", str(limit)] if limit else []) + (["--profile"] if profile else [])
    env = dict(os.environ, PYTHONHASHSEED="0")
    # The child stops its own count at the deadline; this only catches a stuck build.
    res = common.run_measured(argv, timeout=limits.deadline * 2 + 600, env=env, cwd=common.REPO_DIR)
    out: dict[str, Any] = {
        "wall_s": res["wall_s"],
        "process_ru_maxrss_bytes": res["peak_rss_bytes"],
    }
    for line in res["stdout"].splitlines():
        if line.startswith("{"):
            msg = json.loads(line)
            out.update({k: v for k, v in msg.items() if k != "stage"}, stage=msg["stage"])
    if res["timed_out"]:
        out["status"] = "timeout"
    elif res["returncode"] != 0 or out.get("stage") not in ("done", "timeout"):
        tail = [ln for ln in res["stderr"].strip().splitlines() if ln.strip()][-1:]
        out.update(status="error", error=" | ".join(tail) or f"exit {res['returncode']}")
    else:
        out["status"] = "ok" if out["stage"] == "done" else "timeout"
    out.pop("stage", None)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x fewer ballots")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="stop repeating a counter once its runs took this many seconds (default 60)",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=600.0,
        help="stop one counter's counting after this many seconds (default 600); its time "
        "is then reported as a lower bound",
    )
    parser.add_argument("--only", nargs="*", help="counter keys to run (default: all)")
    parser.add_argument("--no-others", action="store_true", help="run only our engine")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(
            args.worker,
            args.data,
            args.repeat,
            args.budget,
            args.deadline,
            args.limit,
            args.profile,
        )
        return 0

    began = time.perf_counter()
    ranked, block = dict(RANKED), dict(BLOCK)
    if args.quick:
        ranked["ballots"] //= 10
        block["ballots"] //= 10
    limits = Limits(args.repeat, args.budget, args.deadline)
    print("Counting benchmark (bench/tally.py)", flush=True)
    paths = {"ranked": ballots_file("ranked", ranked), "block": ballots_file("block", block)}
    stats = {}
    for kind, path in paths.items():
        with path.open("rb") as f:
            stats[kind] = ballot_stats(pickle.load(f))
    others_python = None if args.no_others else ensure_others_venv()

    chosen = [
        s
        for s in SUBJECTS
        if (not args.only or s.key in args.only) and (s.package is None or others_python)
    ]
    results: dict[str, dict[str, Any]] = {}
    for subject in chosen:
        python = OURS_PYTHON if subject.package is None else str(others_python)
        print(f"  {subject.method:12} {subject.label:32}", end=" ", flush=True)
        res = run_subject(subject, python, paths[KIND[subject.method]], limits)
        results[subject.key] = res
        print(_status(res), flush=True)

    subsamples: dict[str, dict[str, Any]] = {}
    for method, our_key in OURS.items():
        unfinished = [
            s
            for s in chosen
            if s.method == method and s.key != our_key and results[s.key]["status"] == "timeout"
        ]
        if not unfinished or our_key not in results:
            continue
        n = min(SUBSAMPLE[method], stats[KIND[method]]["ballots"] // 10)
        print(f"  {method}: on the first {n:,} ballots, for those that did not finish:")
        part: dict[str, Any] = {"ballots": n, "results": {}}
        for subject in [BY_KEY[our_key], *unfinished]:
            python = OURS_PYTHON if subject.package is None else str(others_python)
            print(f"  {subject.method:12} {subject.label:32}", end=" ", flush=True)
            res = run_subject(subject, python, paths[KIND[method]], limits, limit=n)
            part["results"][subject.key] = res
            print(_status(res), flush=True)
        subsamples[method] = part

    hotspots = {}
    for method, key in OURS.items():
        if key in results and results[key]["status"] == "ok":
            print(f"  profiling {key} (cProfile) ...", flush=True)
            prof = run_subject(BY_KEY[key], OURS_PYTHON, paths[KIND[method]], limits, profile=True)
            hotspots[method] = prof.get("hotspots", [])

    report = summarise(results, subsamples, hotspots)
    print_report(report)
    figures = {
        "parameters": {
            "ranked": ranked,
            "block": block,
            "repeat": args.repeat,
            "repeat_budget_s": args.budget,
            "count_deadline_s": args.deadline,
            "subsample_ballots": SUBSAMPLE,
            "quick": args.quick,
        },
        "method_notes": {
            "timing": "Best of N wall-clock runs (time.perf_counter) of the count call, inside the "
            "counter's own child process, after its modules are imported. Turning the generated "
            "ballots into the counter's input is timed apart (build_s). Our count call "
            "validates and collapses the 100,000 (1,000,000) Ballot objects itself; counters "
            "whose API takes weighted ballots get them already collapsed (identical ballots "
            "merged, in build_s). Repeats stop once a counter's runs took repeat_budget_s; a "
            "count still running after count_deadline_s is stopped and reported as a lower "
            "bound.",
            "memory": "Peak RSS read from /proc/self/status in each child: "
            "rss_before_count_bytes is VmRSS after loading and building; "
            "rss_peak_counting_bytes is VmHWM after resetting it (clear_refs 5) just before "
            "counting, so their difference is what counting added at its peak. "
            "process_ru_maxrss_bytes (wait4) is the child's whole-life ru_maxrss, floored at "
            "the parent's RSS at fork.",
            "ratio": "ours_over_theirs = our best count time / theirs: below 0.1 meets the goal.",
        },
        "ballots": stats,
        "other_packages": OTHER_PACKAGES,
        "others_python": common.python_facts(others_python) if others_python else None,
        "ours_versions": common.package_versions(["congress"]),
        **report,
        "wall_s": round(time.perf_counter() - began, 1),
    }
    path = common.write_results("tally", figures)
    print(f"\nwrote {path.relative_to(common.REPO_DIR)}")
    return 0


def _status(res: dict[str, Any]) -> str:
    if res["status"] == "ok":
        return f"{common.fmt_seconds(res['count_s'])} (best of {res['runs']})"
    if res["status"] == "timeout" and "count_s_at_least" in res:
        return f"stopped after {common.fmt_seconds(res['count_s_at_least'])}"
    return f"{res['status']}: {res.get('error', '')}"


def _row(subject: Subject, res: dict[str, Any], our: dict[str, Any] | None) -> dict[str, Any]:
    """One counter's figures, compared with ours on the same ballots."""
    row: dict[str, Any] = {
        "key": subject.key,
        "label": subject.label,
        "package": subject.package,
        "version": (res.get("versions") or {}).get(subject.package or ""),
        "same_rule": subject.same_rule,
        "reference": subject.reference,
        "rule": subject.rule,
        "status": res["status"],
        "build_s": res.get("build_s"),
        "load_average_before_count": res.get("load"),
    }
    our_time = our.get("count_s") if our and our["status"] == "ok" else None
    our_winners = set(our.get("winners") or ()) if our else set()
    if res["status"] == "ok":
        winners = res["winners"]
        before, peak = res.get("rss_before_count_bytes"), res.get("rss_peak_counting_bytes")
        row.update(
            count_s=res["count_s"],
            times_s=res["times_s"],
            runs=res["runs"],
            rss_before_count_bytes=before,
            rss_peak_counting_bytes=peak,
            count_rss_increase_bytes=(peak - before) if before and peak else None,
            process_ru_maxrss_bytes=res.get("process_ru_maxrss_bytes"),
            ours_over_theirs=(our_time / res["count_s"]) if our_time else None,
            winners=sorted(winners),
            same_winners=set(winners) == our_winners,
            only_theirs=sorted(set(winners) - our_winners),
            only_ours=sorted(our_winners - set(winners)),
        )
    elif res["status"] == "timeout" and "count_s_at_least" in res:
        at_least = res["count_s_at_least"]
        row.update(
            count_s_at_least=at_least,
            ours_over_theirs_at_most=(our_time / at_least) if our_time else None,
        )
    else:
        row["error"] = res.get("error")
    return row


def summarise(
    results: dict[str, dict[str, Any]], subsamples: dict[str, Any], hotspots: dict[str, Any]
) -> dict[str, Any]:
    """Per method: every counter's figures, the ratio to ours, agreement, the goal."""
    methods: dict[str, Any] = {}
    for method, our_key in OURS.items():
        if our_key not in results:
            continue
        ours = results[our_key]
        rows = [
            _row(s, results[s.key], ours)
            for s in SUBJECTS
            if s.method == method and s.key in results
        ]
        entry: dict[str, Any] = {"counters": rows}
        if method in subsamples:
            part = subsamples[method]
            sub_ours = part["results"].get(our_key)
            entry["subsample"] = {
                "ballots": part["ballots"],
                "counters": [_row(BY_KEY[k], r, sub_ours) for k, r in part["results"].items()],
            }
        entry["goal"] = _goal(rows, ours)
        entry["hotspots"] = hotspots.get(method, [])
        methods[method] = entry
    return {"methods": methods, "notes": _notes(methods)}


def _goal(rows: list[dict[str, Any]], ours: dict[str, Any]) -> dict[str, Any]:
    """Ours against the fastest other counter: of the very rule, and of any variant."""
    goal: dict[str, Any] = {
        "target": "ours at least 10x faster than the fastest other counter "
        "of the method, with the same winners"
    }
    our_time = ours.get("count_s")
    others = [r for r in rows if not r["reference"]]
    for scope, pool in (
        ("same_rule", [r for r in others if r["same_rule"]]),
        ("any_variant", others),
    ):
        done = [r for r in pool if r["status"] == "ok"]
        if not our_time or not pool:
            goal[scope] = None
            continue
        if done:
            fastest = min(done, key=lambda r: r["count_s"])
            speedup = fastest["count_s"] / our_time
            goal[scope] = {
                "fastest_other": fastest["key"],
                "their_count_s": fastest["count_s"],
                "our_count_s": our_time,
                "speedup": round(speedup, 2),
                "speed_met": speedup >= 10,
                "same_winners": fastest["same_winners"],
                "met": speedup >= 10 and fastest["same_winners"],
                "short_by_factor": None if speedup >= 10 else round(10 / speedup, 2),
            }
        else:  # nobody finished: a lower bound from the one that ran longest
            longest = max(pool, key=lambda r: r.get("count_s_at_least") or 0)
            at_least = longest.get("count_s_at_least")
            goal[scope] = {
                "fastest_other": longest["key"],
                "their_count_s_at_least": at_least,
                "our_count_s": our_time,
                "speedup_at_least": round(at_least / our_time, 1) if at_least else None,
                "speed_met": bool(at_least and at_least / our_time >= 10),
                "same_winners": None,
                "met": None,
                "why_unknown": "no other counter finished on the full ballots; see subsample",
            }
    return goal


def _notes(methods: dict[str, Any]) -> list[str]:
    """Plain sentences about the goal and, where it is missed, what limits our count."""
    notes = []
    for method, entry in methods.items():
        for scope in ("same_rule", "any_variant"):
            g = entry["goal"].get(scope)
            if not g:
                continue
            if "speedup" in g:
                agree = "same winners" if g["same_winners"] else "DIFFERENT winners"
                state = "met" if g["met"] else "missed"
                text = (
                    f"{method} vs fastest {scope.replace('_', ' ')} counter "
                    f"({g['fastest_other']}): goal {state}, ours {g['speedup']}x faster ({agree})"
                )
                if not g["speed_met"]:
                    text += f"; {g['short_by_factor']}x short of 10x"
            else:
                text = (
                    f"{method} vs {scope.replace('_', ' ')} counters: none finished within the "
                    f"deadline; ours at least {g['speedup_at_least']}x faster than "
                    f"{g['fastest_other']}"
                )
            notes.append(text)
        missed = any(
            g and g.get("speed_met") is False
            for g in (entry["goal"].get("same_rule"), entry["goal"].get("any_variant"))
        )
        if missed and entry["hotspots"]:
            top = ", ".join(f"{h['function']} {h['own_share']:.0%}" for h in entry["hotspots"][:4])
            notes.append(f"{method} hot spots (cProfile, own time): {top}")
    return notes


def print_report(report: dict[str, Any]) -> None:
    headers = [
        "method",
        "counter",
        "rule",
        "count",
        "runs",
        "build",
        "ours/theirs",
        "RSS before",
        "+RSS counting",
        "same winners",
    ]
    rows = []

    def add(method: str, r: dict[str, Any], our_key: str) -> None:
        kind = (
            "ours"
            if r["key"] == our_key
            else ("baseline" if r["reference"] else ("same" if r["same_rule"] else "variant"))
        )
        if r["status"] == "ok":
            ratio = r["ours_over_theirs"]
            rows.append(
                [
                    method,
                    r["label"],
                    kind,
                    common.fmt_seconds(r["count_s"]),
                    r["runs"],
                    common.fmt_seconds(r["build_s"]),
                    "-" if r["key"] == our_key else (f"{ratio:.3f}" if ratio else "-"),
                    common.fmt_bytes(r["rss_before_count_bytes"]),
                    common.fmt_bytes(r["count_rss_increase_bytes"]),
                    "yes"
                    if r["same_winners"]
                    else f"no (+{len(r['only_theirs'])}/-{len(r['only_ours'])})",
                ]
            )
        elif "count_s_at_least" in r:
            ratio = r.get("ours_over_theirs_at_most")
            rows.append(
                [
                    method,
                    r["label"],
                    kind,
                    f"> {common.fmt_seconds(r['count_s_at_least'])}",
                    0,
                    common.fmt_seconds(r["build_s"]),
                    f"< {ratio:.3f}" if ratio else "-",
                    "-",
                    "-",
                    "unknown",
                ]
            )
        else:
            rows.append(
                [
                    method,
                    r["label"],
                    kind,
                    r["status"],
                    0,
                    "-",
                    "-",
                    "-",
                    "-",
                    (r.get("error") or "")[:40],
                ]
            )

    for method, entry in report["methods"].items():
        our_key = OURS[method]
        for r in entry["counters"]:
            add(method, r, our_key)
        if "subsample" in entry:
            n = entry["subsample"]["ballots"]
            for r in entry["subsample"]["counters"]:
                add(f"{method} [first {n:,}]", r, our_key)
    common.print_table(
        headers, rows, "Counting: best-of-N count time; ours/theirs below 0.1 meets the goal"
    )
    print("\nGoal: ours >= 10x faster than the fastest other counter, same winners")
    for note in report["notes"]:
        print(f"  - {note}")


if __name__ == "__main__":
    sys.exit(main())
