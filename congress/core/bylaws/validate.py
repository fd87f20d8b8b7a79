"""Load a bylaws TOML document and validate it, collecting every error.

Reading is done section by section with typed getters that never stop at the
first problem; cross-references are checked afterwards on the typed parts; the
`Bylaws` object is built only when nothing at all was wrong.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from congress.core.bylaws import bodies as body_section
from congress.core.bylaws import crosscheck, sections
from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.lines import LineIndex
from congress.core.bylaws.messages import describe, expect, hint, listing, message
from congress.core.bylaws.model import Bylaws
from congress.core.bylaws.reader import BylawsError, BylawsInvalid, Reader, Table
from congress.core.bylaws.render import articles_of
from congress.core.bylaws.schema import Branches, Meta, Organization, Rule
from congress.core.rules import Text

TOP = (
    "bylaws",
    "organization",
    "membership",
    "delegates",
    "conference",
    "bodies",
    "candidacy",
    "voting",
    "motions",
    "ties",
    "certification",
)
RULE = ("article", "title")
LANGUAGES = ("ar", "en")
BRANCH_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
_SYNTAX_LINE = re.compile(r"at line (\d+)")
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4000,}")


def load_bylaws(text: str) -> Bylaws:
    """Parse and validate; raise `BylawsInvalid` listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        found = _SYNTAX_LINE.search(detail)
        line = int(found.group(1)) if found else None
        error = BylawsError("", message("toml_syntax", detail=detail), line, "toml_syntax")
        raise BylawsInvalid([error]) from None
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        long_run = _LONG_NUMBER.search(text)
        line = text.count("\n", 0, long_run.start()) + 1 if long_run else None
        detail = f"a number too long to read ({str(exc).split(':')[0]})"
        error = BylawsError("", message("toml_syntax", detail=detail), line, "toml_syntax")
        raise BylawsInvalid([error]) from None
    except RecursionError:  # tables or arrays nested hundreds deep: no bylaws look like that
        detail = "nested too deeply"
        error = BylawsError("", message("toml_syntax", detail=detail), None, "toml_syntax")
        raise BylawsInvalid([error]) from None
    reader = Reader(LineIndex(text))
    bylaws = _read(data, reader, hashlib.sha256(text.encode("utf-8")).hexdigest())
    if reader.errors or bylaws is None:
        errors = sorted(reader.errors, key=lambda e: (e.line is None, e.line or 0))
        raise BylawsInvalid(errors)
    return bylaws


def load_bylaws_file(path: str | Path) -> Bylaws:
    """Read a bylaws file as UTF-8 and load it (OSError propagates if unreadable)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = BylawsError("", message("not_utf8", detail=str(exc)), None, "not_utf8")
        raise BylawsInvalid([error]) from None
    return load_bylaws(text)


def example_path() -> Path:
    """Where the example bylaws shipped with the package live."""
    return Path(__file__).resolve().parents[2] / "bylaws" / "example.toml"


def _read(data: dict[str, object], r: Reader, digest: str) -> Bylaws | None:
    root = Table(r, data, "", TOP)
    meta = _meta(sections.section(root, "bylaws", ("title", "version", "adopted_on")))
    organization, branches = _organization(root)
    membership = sections.membership(
        sections.section(root, "membership", ("good_standing", "groups"))
    )
    delegates = sections.delegates(
        sections.section(root, "delegates", ("apportionment", "alternates", "proxies"))
    )
    conference = sections.conference(
        sections.section(root, "conference", ("notice", "quorum", "chair"))
    )
    bodies = body_section.bodies(sections.section(root, "bodies", None))
    candidacy = sections.candidacy(
        sections.section(
            root,
            "candidacy",
            ("window", "eligibility", "endorsements", "several_bodies", "statement"),
        )
    )
    voting = sections.voting(
        sections.section(root, "voting", ("electorate", "ballot_order", "security", "turnout"))
    )
    motions = sections.motions(sections.section(root, "motions", ("majorities", "categories")))
    ties = sections.ties(sections.section(root, "ties", (*RULE, "default", "seed")))
    certification = sections.certification(
        sections.section(root, "certification", ("signatures", "objections"))
    )
    crosscheck.run(r, branches, membership, conference, bodies, motions)
    if r.errors:
        return None
    draft = Bylaws(
        meta=meta,
        organization=organization,
        branches=branches,
        membership=membership,
        delegates=delegates,
        conference=conference,
        bodies=bodies,
        candidacy=candidacy,
        voting=voting,
        motions=motions,
        ties=ties,
        certification=certification,
        source_sha256=digest,
        article_list=(),
    )
    order = r.lines.order
    rules: list[Rule] = sorted(draft.rules(), key=lambda rule: order.get(rule.path, len(order)))
    return dataclasses.replace(draft, article_list=articles_of(draft, rules))


def _meta(t: Table) -> Meta:
    return Meta(title=t.text("title"), version=t.string("version"), adopted_on=t.date("adopted_on"))


def _organization(root: Table) -> tuple[Organization, Branches | None]:
    t = sections.section(
        root, "organization", (*RULE, "name", "languages", "time_zone", "branches")
    )
    article, title = t.rule_head()
    name = t.text("name")
    languages = t.strings("languages") or LANGUAGES
    for i, lang in enumerate(languages):
        if lang not in LANGUAGES:
            t.r.error(
                f"{t.at('languages')}[{i}]",
                "invalid_choice",
                message(
                    "invalid_choice",
                    allowed=listing(LANGUAGES),
                    found=describe(lang),
                    hint=hint(lang, LANGUAGES),
                ),
            )
    zone = t.string("time_zone", default="UTC")
    if t.has("time_zone") and zone != "UTC":
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            t.r.error(
                t.at("time_zone"),
                "invalid_time_zone",
                message("invalid_time_zone", found=zone),
            )
            zone = "UTC"
    organization = Organization(article, title, t.path, name, tuple(languages), zone)
    branches = None
    b = t.sub("branches", (*RULE, "names"), required=False)
    if b is not None:
        b_article, b_title = b.rule_head()
        names = b.sub("names", None)
        found: dict[str, Text] = {}
        for code in names.data if names is not None else {}:
            assert names is not None
            if not BRANCH_CODE.match(code):
                wanted = expect("branch_code")
                text = message("wrong_type", expected=wanted, found=describe(code))
                b.r.error(names.at(code), "wrong_type", text)
            found[code] = names.text(code)
        branches = Branches(b_article, b_title, b.path, FrozenMap(found))
    return organization, branches
