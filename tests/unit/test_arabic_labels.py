"""No English left in the Arabic interface (issue 15): every raw value a page shows (an audit
action, a round of the count, a member status, a time zone) has a label."""

from __future__ import annotations

import re
from pathlib import Path

from congress.audit import actions
from congress.audit.labels import ACTION_LABELS
from congress.core.bylaws.wording import GENDERS, MEMBER_STATUSES, ZONE_CITIES_AR, zone
from congress.i18n import COMMON_ZONES
from congress.members.models import STATUSES
from congress.results.presenter import ROUND_ACTIONS

ROOT = Path(__file__).resolve().parents[2]


def test_every_audit_action_has_a_label():
    named = {
        value for name, value in vars(actions).items() if name.isupper() and isinstance(value, str)
    }
    assert sorted(named - set(ACTION_LABELS)) == []


def test_every_round_action_of_the_count_has_a_label():
    """The action names the tally writes into its report (core/tally), found in its source."""
    source = "\n".join(
        p.read_text() for p in (ROOT / "congress/core/tally").glob("*.py") if p.name != "cli.py"
    )
    written = set(re.findall(r'_record\(\s*"([^"]+)"', source))
    written |= set(re.findall(r'\baction="([^"]+)"', source))
    assert written and sorted(written - set(ROUND_ACTIONS)) == []


def test_member_statuses_genders_and_zones_have_arabic_names():
    assert set(STATUSES) <= set(MEMBER_STATUSES)
    assert {"female", "male"} <= set(GENDERS)
    assert set(COMMON_ZONES) <= set(ZONE_CITIES_AR)
    assert zone("Asia/Damascus").ar == "دمشق" and zone("Asia/Damascus").en == "Asia/Damascus"
    assert zone("Pacific/Fiji").ar == "Pacific/Fiji"  # a zone without a name: as it is
