"""What the booth's script says to the voter, translated on the server.

The script (static/booth/booth-page.js) reads these from a JSON block of the booth page
by code, so every message is in the catalogue like any other and follows the page's
language; a code it does not know shows "failed".
"""

from __future__ import annotations

from flask_babel import gettext as _


def booth_messages() -> dict[str, str]:
    return {
        "credential-format": _(
            "The credential is not written right: 15 characters as XXX-XXX-XXX-XXX-XXX."
        ),
        "credential-character": _(
            "The credential has an unknown character: check each one (a credential has "
            "no 0, O, I or l)."
        ),
        "credential-checksum": _("The credential does not check out: check each character."),
        "unknown-credential": _("This credential is not one of this poll's."),
        "too-many-marks": _("You chose more than this poll allows."),
        "too-few-marks": _("Choose at least one, or leave the ballot blank where that is allowed."),
        "no-answer": _("Choose an answer: yes, no or abstain."),
        "no-webcrypto": _(
            "This browser cannot encrypt here (a secure https connection is needed)."
        ),
        "network": _("The poll's data could not be loaded. Check your connection and try again."),
        "record-changed": _(
            "This poll's election on the server differs from the one recorded at its opening: "
            "do not vote, and tell the election committee."
        ),
        "mismatch": _("This page's ballot does not match the published poll: reload the page."),
        "encrypting": _("Encrypting your ballot on this device…"),
        "blank": _("a blank ballot (no choice)"),
        "failed": _("The ballot could not be encrypted. Reload the page and try again."),
    }
