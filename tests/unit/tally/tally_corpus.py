"""Reading the tally corpus: its manifest, its BLT files and Droop's reference reports."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congress.core.tally import Ballot, Candidate, CountRules, Report, count, read_blt

CORPUS_ENV = "CONGRESS_TALLY_CORPUS"

METHODS = {
    "scottish_stv": "stv-scottish",
    "meek_stv_prf_reference": "stv-meek-prf",
    "meek_stv_parametric_omega1e-9": "stv-meek-omega9",
    "wigm_prf_reference": "stv-wigm",
    "approval_voting_top_k (== block vote with up-to-k marks)": "approval",
}

_STATE = re.compile(r"^\t(Elected|Pending|Hopeful|Defeated):\s+(.*) \(([0-9.]+)\)$")


def corpus_dir() -> Path | None:
    """The corpus folder named by the environment, if any."""
    value = os.environ.get(CORPUS_ENV)
    return Path(value) if value else None


def manifest_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of the manifest (empty when the corpus is not available)."""
    root = corpus_dir()
    if root is None or not (root / "manifest.json").is_file():
        return []
    return sorted(json.loads((root / "manifest.json").read_text(encoding="utf-8")).items())


@dataclass
class CorpusCount:
    """A corpus case counted by our engine, with names for the ids."""

    report: Report
    names: dict[str, str]
    candidates: tuple[Candidate, ...]
    ballots: tuple[Ballot, ...]

    def winner_names(self) -> list[str]:
        """The winners by name, as the manifest spells them."""
        return [self.names[w] for w in self.report.winners]


def count_case(root: Path, case: dict[str, Any]) -> CorpusCount:
    """Count a case as the reference did: its method, seats, and lot order.

    Droop, which produced the reference counts, breaks ties by lot in the order of
    a `[tie]` line or else in the order the candidates are listed in the file.
    """
    blt = read_blt((root / case["file"]).read_text(encoding="utf-8"))
    method = METHODS[case["method"]]
    order = blt.tie_order or tuple(c.id for c in blt.candidates)
    rules = CountRules(method=method, seats=case["seats"], tie_order=order)
    report = count(blt.candidates, blt.ballots, rules)
    names = {c.id: c.name for c in blt.candidates}
    return CorpusCount(report, names, blt.candidates, blt.ballots)


def collapse_spaces(name: str) -> str:
    """Droop's reports print names with runs of spaces collapsed to one."""
    return re.sub(r"\s+", " ", name)


def reference_stages(path: Path) -> list[dict[str, str]]:
    """Each stage's votes in a Droop report: first count, then after every transfer.

    A stage is read from the candidate lines after 'Begin Count', 'Surplus
    transferred' and 'Transfer defeated'; several names at zero share one line.
    """
    stages: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("Action:"):
            if current is not None:
                stages.append(current)
            action = line[len("Action: ") :]
            keep = action == "Begin Count" or action.startswith(
                ("Surplus transferred", "Transfer defeated")
            )
            current = {} if keep else None
            continue
        if current is None:
            continue
        m = _STATE.match(line)
        if m:
            names, value = m.group(2), m.group(3)
            parts = names.split(", ") if m.group(1) == "Defeated" and float(value) == 0 else [names]
            for part in parts:
                current[part] = value
    if current is not None:
        stages.append(current)
    return _distinct(stages)


def our_stages(counted: CorpusCount) -> list[dict[str, str]]:
    """Our rounds in the same shape: collapsed name -> votes, distinct states only."""
    out = []
    for r in counted.report.rounds:
        out.append({collapse_spaces(counted.names[cid]): value for cid, value in r.counts})
    return _distinct(out)


def _distinct(stages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop stages that change nothing (zero surpluses, which Droop still 'transfers')."""
    out: list[dict[str, str]] = []
    for s in stages:
        if not out or s != out[-1]:
            out.append(s)
    return out
