"""The bylaws engine: load and validate the bylaws file, and answer rules from it.

Everything an organization's bylaws decide (quorum, apportionment, bodies,
candidacy, majorities, ties, certification) is read from one TOML document;
nothing here is specific to one organization, and every answer cites its article.
"""

from congress.core.bylaws.model import Bylaws
from congress.core.bylaws.reader import BylawsError, BylawsInvalid
from congress.core.bylaws.results import (
    Apportionment,
    Article,
    BallotRules,
    BranchCapSeats,
    CandidacyContext,
    CertificationRules,
    Cited,
    Electorate,
    EndorsementRules,
    MemberFacts,
    MotionResult,
    QuorumResult,
    QuotaSeats,
    Timeline,
)
from congress.core.bylaws.validate import example_path, load_bylaws, load_bylaws_file

__all__ = [
    "Apportionment",
    "Article",
    "BallotRules",
    "BranchCapSeats",
    "Bylaws",
    "BylawsError",
    "BylawsInvalid",
    "CandidacyContext",
    "CertificationRules",
    "Cited",
    "Electorate",
    "EndorsementRules",
    "MemberFacts",
    "MotionResult",
    "QuorumResult",
    "QuotaSeats",
    "Timeline",
    "example_path",
    "load_bylaws",
    "load_bylaws_file",
]
