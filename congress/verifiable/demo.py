"""The demo's verifiable poll, so that `make run` shows the whole level at once.

In a real conference each trustee runs `congress trustee ...` on their own computer and the
credential authority `congress credentials ...` on theirs. The demo plays them all on this
machine and leaves their files under the instance folder, where a demo user can pick them
up and run the same commands (the README says how):

- instance/demo-trustees/committeeN/trustee.json: each committee member's key file;
- instance/demo-authority/credentials.json: every delegate's credential.

These files exist only in the demo: they are exactly what must never be on a server.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from congress.conference.models import Conference, Delegate
from congress.conference.operations import committee_of
from congress.core import belenios as bl
from congress.extensions import db
from congress.members.models import Member
from congress.voting import polls as voting

from . import polls, trustees


def _private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def make_key(conference: Conference, admin) -> None:
    """The three rounds of the trustees' key, each committee member's seed in their file."""
    folder = Path(current_app.instance_path) / "demo-trustees"
    committee = committee_of(conference)
    trustees.begin(conference, actor=admin)
    group = bl.get_group(trustees.GROUP)
    seeds = {}
    for user in committee:
        seed, cert = bl.pedersen_step1(group)
        seeds[user.id] = seed
        trustees.submit(conference, user, cert, actor=user)
    bundle = trustees.public_bundle(conference)
    for user in committee:
        polynomial = bl.pedersen_step3(
            group, bundle["certificates"], seeds[user.id], bundle["threshold"]
        )
        trustees.submit(conference, user, polynomial, actor=user)
    for user in committee:
        vinput = trustees.vinput_for(conference, user)
        voutput = bl.pedersen_step5(group, bundle["certificates"], seeds[user.id], vinput)
        trustees.submit(conference, user, voutput, actor=user)
        name = user.email.split("@")[0]
        _private(
            folder / name / "trustee.json",
            json.dumps(
                {
                    "group": trustees.GROUP,
                    "seed": seeds[user.id],
                    "certificate": bundle["certificates"][trustees.position_of(conference, user)],
                    "voutput": voutput,
                }
            ),
        )


def verifiable_motion(conference: Conference, admin, authority) -> dict[str, str]:
    """An open verifiable motion with its public credentials published; every delegate's
    credential (member number -> credential), as the authority keeps them."""
    zone = ZoneInfo("Asia/Damascus")
    poll = voting.create_motion(
        conference,
        title_ar="عقد المؤتمر القادم حضوريًا",
        title_en="Holding the next conference in person",
        text_ar="تقرر الهيئة العامة أن يُعقد المؤتمر العام القادم حضوريًا حيث أمكن.",
        text_en="The General Conference decides that its next session meets in person "
        "where possible.",
        category="ordinary",
        actor=admin,
        closes_at=datetime.now(zone) + timedelta(days=3),
        level="verifiable",
    )
    voting.open_poll(poll, actor=admin)
    numbers = db.session.execute(
        select(Member.number)
        .join(Delegate, Delegate.member_id == Member.id)
        .where(Delegate.conference_id == conference.id)
        .order_by(Member.number)
    ).scalars()
    issued = {number: bl.generate_credential() for number in numbers}
    _private(
        Path(current_app.instance_path) / "demo-authority" / "credentials.json",
        json.dumps(issued, indent=1, sort_keys=True),
    )
    vp = polls.of(poll)
    group = bl.get_group(trustees.GROUP)
    public = bl.make_public_credentials(
        [bl.public_credential(group, vp.uuid, issued[n]) for n in polls.roll_numbers(poll)]
    )
    polls.upload_credentials(poll, public, actor=authority)
    return issued
