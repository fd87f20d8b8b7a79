"""Short bilingual renderings of each rule, for the bylaws page (one anchor per article)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from congress.core.bylaws import schema as s
from congress.core.bylaws import summaries_org as o
from congress.core.bylaws import summaries_process as p
from congress.core.bylaws.results import Article
from congress.core.rules import Text

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws

RENDERERS: dict[type, Callable[[Any, Any], Text]] = {
    s.Organization: o.organization,
    s.Branches: o.branches,
    s.GoodStanding: o.good_standing,
    s.Group: o.group,
    s.Notice: o.notice,
    s.Quorum: o.quorum,
    s.Chair: o.chair,
    s.ApportionmentRule: o.apportionment,
    s.Alternates: o.alternates,
    s.Proxies: o.proxies,
    s.Body: o.body,
    s.Quota: o.quota,
    s.BranchCap: o.cap,
    s.Endorsements: p.endorsements,
    s.NominationWindow: p.window,
    s.Eligibility: p.eligibility,
    s.SeveralBodies: p.several,
    s.Statement: p.statement,
    s.ElectorateRule: p.electorate,
    s.BallotOrder: p.ballot_order,
    s.Security: p.security,
    s.Turnout: p.turnout,
    s.Majority: p.majority,
    s.Category: p.category,
    s.Ties: p.ties,
    s.Signatures: p.signatures,
    s.Objections: p.objections,
}


def articles_of(b: Bylaws, rules: Sequence[s.Rule]) -> tuple[Article, ...]:
    """One `Article` per rule, in the order given (document order)."""
    return tuple(Article(r.article, r.title, r.path, RENDERERS[type(r)](b, r)) for r in rules)
