"""Session fixtures: one election of each kind made with our code, and with belenios-tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from belenios_support import (
    HOMOMORPHIC_QUESTIONS,
    HOMOMORPHIC_VOTES,
    RANKED_QUESTIONS,
    RANKED_VOTES,
    TEMPLATE,
    TEMPLATE_NH,
    OurElection,
    ToolElection,
    run_election,
    tool_election,
    tool_path,
)

from congress.core import belenios as bl


@pytest.fixture(scope="session")
def our_homomorphic() -> OurElection:
    """BELENIOS-2048, 3-of-5 threshold trustees, a block, a single-choice and a blank-able motion."""
    return run_election(
        bl.BELENIOS_2048,
        HOMOMORPHIC_QUESTIONS,
        HOMOMORPHIC_VOTES,
        n=5,
        k=3,
        revotes={1: [[1, 0, 0, 0], [0, 0, 1], [1, 0, 0]]},
        deciders=(1, 3, 5),
    )


@pytest.fixture(scope="session")
def our_ranked() -> OurElection:
    """RFC-3526-2048, a ranked question, 2-of-3 trustees: two shuffle, two decrypt."""
    return run_election(
        bl.RFC_3526_2048,
        RANKED_QUESTIONS,
        RANKED_VOTES,
        n=3,
        k=2,
        revotes={0: [[3, 1, 2, 0]]},
        shufflers=(3, 1),
        deciders=(3, 1),
    )


@pytest.fixture(scope="session")
def belenios_tool() -> str:
    """The path of belenios-tool (skip, or fail when CONGRESS_BELENIOS_REQUIRED=1)."""
    return tool_path()


@pytest.fixture(scope="session")
def tool_elections(
    belenios_tool: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ToolElection]:
    """Elections run by belenios-tool alone, as its demo.sh (weighted voters, as there),
    demo-threshold.sh and demo-nh.sh."""
    base: Path = tmp_path_factory.mktemp("belenios-tool")
    votes = ["[[1,0],[1,0,0]]", "[[0,1],[0,0,1]]", "[[0,0],[0,1,0]]"]
    votes_nh = ["[[1,0],[1,0,0],[1,2,3]]", "[[0,1],[0,0,1],[3,1,2]]", "[[0,0],[0,1,0],[2,3,1]]"]
    return {
        "homomorphic": tool_election(
            base / "h",
            "BELENIOS-2048",
            TEMPLATE,
            votes,
            threshold=False,
            shuffle=False,
            weights=[1000000000, 2000000000, 90000000000],
        ),
        "threshold": tool_election(
            base / "t", "BELENIOS-2048", TEMPLATE, votes, threshold=True, shuffle=False
        ),
        "nh": tool_election(
            base / "nh", "RFC-3526-2048", TEMPLATE_NH, votes_nh, threshold=False, shuffle=True
        ),
    }
