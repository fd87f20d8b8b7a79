"""The authorization matrix: every route and method, what each kind of user gets.

Outcome classes (see `classify`):

    ok     the permission layer let the user through: any answer other than 401/403,
           a redirect to the login page, 404 or 5xx (a refusal by the rules of the
           bylaws, 400/409/422, still counts as "let through")
    login  401 or a redirect to /login (anonymous users, or no second step pending)
    403    refused by a role or ownership check
    404    refused by hiding: the object exists but this user may not know it

Columns, in order: anonymous, member (account linked to the roll, not a delegate),
delegate_pending (designated, not accredited), delegate (accredited, present),
candidate (the submitted candidacy's member), credentials officer, election committee
(seated on the conference), observer, administrator.

POSTs send a valid CSRF token and neutral data: data an allowed user's request is
refused for by the operation (a wrong state, an empty form) rather than by the
permission layer, so walking the table changes (almost) nothing. The objects are the
ones of `security_world.World`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_OK = "ok ok ok ok ok ok ok ok ok"
LOGGED_IN = "login ok ok ok ok ok ok ok ok"
NO_SESSION = "login login login login login login login login login"
ADMIN = "login 403 403 403 403 403 403 403 ok"
OFFICERS = "login 403 403 403 403 ok 403 403 ok"  # credentials officer, administrator
AUDIT_READERS = "login 403 403 403 403 403 ok ok ok"  # observer, administrator, committee
COMMITTEE = "login 403 403 403 403 403 ok 403 403"  # seated on this conference
DELEGATE_LIST = "login 403 403 403 403 ok ok ok ok"  # staff and observers
IN_CONFERENCE = "login 403 ok ok 403 ok ok ok ok"  # staff, observers, the delegates
OWN_DELEGATE_PAGE = "login 403 ok ok 403 403 403 403 403"
COUNT_BEFORE_CERTIFICATION = "login 404 404 404 404 404 ok ok 404"  # committee, observer
SUBMITTED_CANDIDACY = "login 404 ok ok ok 404 ok 404 404"  # candidate, committee, delegates
CANDIDATE_ANSWERS = "login 404 403 403 ok 404 403 404 404"
MEMBERS_OF_ROLL = "login ok ok ok ok 403 403 403 403"  # accounts linked to a member
KEY_HOLDERS = COMMITTEE  # the role (and, for a share, an envelope of the poll's key)
ON_THE_ROLL = "login 403 403 ok 403 403 403 403 403"  # the open poll's roll
OBJECTORS = "login 403 403 ok 403 403 403 403 403"  # the conference's accredited delegates
# the credential authority's role only: no column of the table holds it (the authority is
# walked through the whole table by test_authority_access.py)
AUTHORITY_ONLY = "login 403 403 403 403 403 403 403 403"


@dataclass(frozen=True)
class Case:
    url: str  # formatted with the World's fields
    expect: str
    data: dict = field(default_factory=dict)
    last: bool = False  # ends the session: walked after everything else


TABLE: dict[tuple[str, str], Case] = {
    # --- public pages and the account --------------------------------------------------
    ("/", "GET"): Case("/", ALL_OK),
    ("/healthz", "GET"): Case("/healthz", ALL_OK),
    ("/favicon.ico", "GET"): Case("/favicon.ico", ALL_OK),
    ("/bylaws", "GET"): Case("/bylaws", ALL_OK),
    ("/bylaws.toml", "GET"): Case("/bylaws.toml", ALL_OK),
    ("/login", "GET"): Case("/login", ALL_OK),
    ("/login", "POST"): Case("/login", ALL_OK),
    ("/login/code", "GET"): Case("/login/code", NO_SESSION),
    ("/login/code", "POST"): Case("/login/code", NO_SESSION),
    ("/language", "POST"): Case("/language", ALL_OK),
    ("/logout", "POST"): Case("/logout", LOGGED_IN, last=True),
    ("/account", "GET"): Case("/account", LOGGED_IN),
    ("/forgot-password", "GET"): Case("/forgot-password", ALL_OK),
    ("/forgot-password", "POST"): Case("/forgot-password", ALL_OK, {"email": ""}),
    # an unknown token: the same 404 page for everyone, nothing changes
    ("/reset/<token>", "GET"): Case("/reset/not-a-token", "404 404 404 404 404 404 404 404 404"),
    ("/reset/<token>", "POST"): Case("/reset/not-a-token", "404 404 404 404 404 404 404 404 404"),
    # a note too long for the form: refused by the form, so nothing is reported
    ("/account/report-activation", "POST"): Case(
        "/account/report-activation", LOGGED_IN, {"note": "x" * 2001}
    ),
    ("/account/password", "GET"): Case("/account/password", LOGGED_IN),
    ("/account/password", "POST"): Case("/account/password", LOGGED_IN),
    ("/account/two-factor", "GET"): Case("/account/two-factor", LOGGED_IN),
    ("/account/two-factor", "POST"): Case("/account/two-factor", LOGGED_IN),
    # without a second factor enrolled: sent to the enrolment page, nothing changes
    ("/account/two-factor/recovery-codes", "POST"): Case(
        "/account/two-factor/recovery-codes", LOGGED_IN
    ),
    ("/reauthenticate", "GET"): Case("/reauthenticate", LOGGED_IN),
    ("/reauthenticate", "POST"): Case("/reauthenticate", LOGGED_IN),
    # --- administration ------------------------------------------------------------------
    ("/admin/users", "GET"): Case("/admin/users", ADMIN),
    ("/admin/users/<int:user_id>/roles", "POST"): Case("/admin/users/{member_user}/roles", ADMIN),
    # enabling an active account changes nothing
    ("/admin/users/<int:user_id>/<any(disable, enable, 'force-reset'):action>", "POST"): Case(
        "/admin/users/{member_user}/enable", ADMIN
    ),
    ("/admin/bylaws", "GET"): Case("/admin/bylaws", ADMIN),
    ("/admin/bylaws", "POST"): Case("/admin/bylaws", ADMIN),
    ("/audit/", "GET"): Case("/audit/", AUDIT_READERS),
    ("/audit/verify", "GET"): Case("/audit/verify", AUDIT_READERS),
    # --- the member roll -----------------------------------------------------------------
    ("/members/", "GET"): Case("/members/", OFFICERS),
    ("/members/export.csv", "GET"): Case("/members/export.csv", OFFICERS),
    ("/members/import", "GET"): Case("/members/import", OFFICERS),
    ("/members/import", "POST"): Case("/members/import", OFFICERS),
    ("/members/import/apply", "POST"): Case("/members/import/apply", OFFICERS),
    # an account link for a member: issued (the page shows it), nothing else changes
    ("/members/<int:member_id>/invite", "POST"): Case("/members/{plain_member}/invite", OFFICERS),
    # --- conferences ---------------------------------------------------------------------
    ("/conferences/", "GET"): Case("/conferences/", ALL_OK),
    ("/conferences/new", "GET"): Case("/conferences/new", ADMIN),
    ("/conferences/new", "POST"): Case("/conferences/new", ADMIN),
    ("/conferences/<int:conference_id>", "GET"): Case("/conferences/{conference}", ALL_OK),
    ("/conferences/<int:conference_id>/agenda", "POST"): Case(
        "/conferences/{conference}/agenda", ADMIN
    ),
    # C is in session: convening it again is refused; C2 is a draft: closing it is refused
    ("/conferences/<int:conference_id>/convene", "POST"): Case(
        "/conferences/{conference}/convene", ADMIN
    ),
    ("/conferences/<int:conference_id>/close", "POST"): Case(
        "/conferences/{other_conference}/close", ADMIN
    ),
    # a draft is the administrator's to fix or delete (C2); once convened it is frozen
    ("/conferences/<int:conference_id>/edit", "GET"): Case(
        "/conferences/{other_conference}/edit", ADMIN
    ),
    # an empty form: refused by the form (422), nothing changes
    ("/conferences/<int:conference_id>/edit", "POST"): Case(
        "/conferences/{other_conference}/edit", ADMIN
    ),
    # without the confirming box: nothing is deleted
    ("/conferences/<int:conference_id>/delete", "POST"): Case(
        "/conferences/{other_conference}/delete", ADMIN
    ),
    ("/conferences/<int:conference_id>/quorum", "GET"): Case(
        "/conferences/{conference}/quorum", IN_CONFERENCE
    ),
    ("/conferences/<int:conference_id>/sitting", "POST"): Case(
        "/conferences/{conference}/sitting",
        OFFICERS,  # a sitting is open already
    ),
    # --- delegates -----------------------------------------------------------------------
    ("/conferences/<int:conference_id>/delegates", "GET"): Case(
        "/conferences/{conference}/delegates", DELEGATE_LIST
    ),
    ("/conferences/<int:conference_id>/delegates/designate", "POST"): Case(
        "/conferences/{conference}/delegates/designate", OFFICERS
    ),
    ("/conferences/<int:conference_id>/delegates/<int:delegate_id>/<action>", "POST"): Case(
        "/conferences/{conference}/delegates/{delegate}/accredit",
        OFFICERS,  # accredited already
    ),
    # designate, accredit or invite several at once: no row ticked, nothing changes
    ("/conferences/<int:conference_id>/delegates/bulk/<action>", "POST"): Case(
        "/conferences/{conference}/delegates/bulk/accredit", OFFICERS
    ),
    ("/conferences/<int:conference_id>/attendance", "GET"): Case(
        "/conferences/{conference}/attendance", OFFICERS
    ),
    ("/conferences/<int:conference_id>/delegates.csv", "GET"): Case(
        "/conferences/{conference}/delegates.csv", DELEGATE_LIST
    ),
    ("/conferences/<int:conference_id>/attendance.csv", "GET"): Case(
        "/conferences/{conference}/attendance.csv?sitting=1", DELEGATE_LIST
    ),
    ("/conferences/<int:conference_id>/attendance", "POST"): Case(
        "/conferences/{conference}/attendance",
        OFFICERS,
        data={"delegate": "{other_delegate}", "state": "no-such-state"},
    ),
    ("/conferences/activate/<token>", "GET"): Case("/conferences/activate/{token}", ALL_OK),
    ("/conferences/activate/<token>", "POST"): Case("/conferences/activate/{token}", ALL_OK),
    ("/conferences/<int:conference_id>/me", "GET"): Case(
        "/conferences/{conference}/me", OWN_DELEGATE_PAGE
    ),
    ("/conferences/<int:conference_id>/me", "POST"): Case(
        "/conferences/{conference}/me", OWN_DELEGATE_PAGE
    ),
    # --- candidacies ---------------------------------------------------------------------
    ("/candidates", "GET"): Case("/candidates", LOGGED_IN),
    ("/conferences/<int:conference_id>/candidates", "GET"): Case(
        "/conferences/{conference}/candidates", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/candidates/<body>", "GET"): Case(
        "/conferences/{conference}/candidates/central_council", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/candidacy", "GET"): Case(
        "/conferences/{conference}/candidacy", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/candidacy/stand", "POST"): Case(
        "/conferences/{conference}/candidacy/stand", MEMBERS_OF_ROLL
    ),
    ("/conferences/<int:conference_id>/candidacy/propose", "POST"): Case(
        "/conferences/{conference}/candidacy/propose", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/endorsements", "GET"): Case(
        "/conferences/{conference}/endorsements", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/review", "GET"): Case(
        "/conferences/{conference}/review", COMMITTEE
    ),
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>", "GET"): Case(
        "/conferences/{conference}/candidacies/{candidacy}", SUBMITTED_CANDIDACY
    ),
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/photo.jpg", "GET"): Case(
        "/conferences/{conference}/candidacies/{candidacy}/photo.jpg", SUBMITTED_CANDIDACY
    ),
    # the candidate's own form: hidden (404) from who may not see the candidacy
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/statement", "GET"): Case(
        "/conferences/{conference}/candidacies/{candidacy}/statement", CANDIDATE_ANSWERS
    ),
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/statement", "POST"): Case(
        "/conferences/{conference}/candidacies/{candidacy}/statement", CANDIDATE_ANSWERS
    ),
    (
        "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
        "/<any(accept, decline, withdraw):action>",
        "POST",
    ): Case(  # submitted, not proposed: the candidate's decline is refused
        "/conferences/{conference}/candidacies/{candidacy}/decline", CANDIDATE_ANSWERS
    ),
    (
        "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
        "/<any(approve, reject, decide, remove):action>",
        "POST",
    ): Case(  # no objection to decide on
        "/conferences/{conference}/candidacies/{candidacy}/decide", COMMITTEE
    ),
    (
        "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
        "/<any(endorse, unendorse):action>",
        "POST",
    ): Case(  # nobody has endorsed it: refused for who sees it, 404 for the others
        "/conferences/{conference}/candidacies/{candidacy}/unendorse", SUBMITTED_CANDIDACY
    ),
    # undoing one's own withdrawal: the submitted candidacy is not withdrawn, so the
    # candidate's request is refused by the operation; hidden (404) as the candidacy
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/reinstate", "POST"): Case(
        "/conferences/{conference}/candidacies/{candidacy}/reinstate", CANDIDATE_ANSWERS
    ),
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/objection", "POST"): Case(
        "/conferences/{conference}/candidacies/{candidacy}/objection", CANDIDATE_ANSWERS
    ),
    # --- polls and ballots ---------------------------------------------------------------
    ("/conferences/<int:conference_id>/polls", "GET"): Case(
        "/conferences/{conference}/polls", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/polls/new", "GET"): Case(
        "/conferences/{conference}/polls/new", COMMITTEE
    ),
    ("/conferences/<int:conference_id>/polls/new", "POST"): Case(
        "/conferences/{conference}/polls/new", COMMITTEE
    ),
    ("/polls/<int:poll_id>", "GET"): Case("/polls/{open_poll}", LOGGED_IN),
    ("/polls/<int:poll_id>/<action>", "POST"): Case(
        "/polls/{draft_poll}/annul",
        COMMITTEE,  # an annulment without a reason is refused
    ),
    ("/polls/<int:poll_id>/ballot", "GET"): Case("/polls/{open_poll}/ballot", ON_THE_ROLL),
    # "change my choices": the ballot again with the posted choices; nothing stored
    ("/polls/<int:poll_id>/ballot", "POST"): Case(
        "/polls/{open_poll}/ballot", ON_THE_ROLL, data={"answer": "yes"}
    ),
    ("/vote/review", "POST"): Case("/vote/review", ON_THE_ROLL, data={"poll": "{open_poll}"}),
    ("/vote/cast", "POST"): Case("/vote/cast", LOGGED_IN),
    ("/polls/<int:poll_id>/board", "GET"): Case("/polls/{tallied_poll}/board", LOGGED_IN),
    # checking a tracker: a lookup, nothing changes
    ("/polls/<int:poll_id>/board", "POST"): Case(
        "/polls/{tallied_poll}/board", LOGGED_IN, {"tracker": "0" * 32}
    ),
    ("/polls/<int:poll_id>/edit", "GET"): Case("/polls/{draft_poll}/edit", COMMITTEE),
    ("/polls/<int:poll_id>/edit", "POST"): Case("/polls/{draft_poll}/edit", COMMITTEE),
    # without the confirming box: nothing is deleted
    ("/polls/<int:poll_id>/delete", "POST"): Case("/polls/{draft_poll}/delete", COMMITTEE),
    ("/polls/<int:poll_id>/preview", "GET"): Case("/polls/{draft_poll}/preview", COMMITTEE),
    ("/polls/<int:poll_id>/turnout", "GET"): Case(
        "/polls/{open_poll}/turnout", "login 403 403 403 403 403 ok 403 403"
    ),
    # a counted poll: no reminder (refused), nothing sent, nothing changes
    ("/polls/<int:poll_id>/remind", "POST"): Case(
        "/polls/{tallied_poll}/remind", "login 403 403 403 403 403 ok 403 403"
    ),
    # --- results -------------------------------------------------------------------------
    ("/polls/<int:poll_id>/tally", "POST"): Case("/polls/{draft_poll}/tally", COMMITTEE),
    ("/polls/<int:poll_id>/sign", "POST"): Case("/polls/{draft_poll}/sign", COMMITTEE),
    ("/polls/<int:poll_id>/runoff", "POST"): Case("/polls/{draft_poll}/runoff", COMMITTEE),
    ("/polls/<int:poll_id>/result", "GET"): Case(
        "/polls/{tallied_poll}/result", COUNT_BEFORE_CERTIFICATION
    ),
    ("/polls/<int:poll_id>/export.json", "GET"): Case(
        "/polls/{tallied_poll}/export.json", COUNT_BEFORE_CERTIFICATION
    ),
    ("/polls/<int:poll_id>/export.blt", "GET"): Case(
        "/polls/{stv_poll}/export.blt", COUNT_BEFORE_CERTIFICATION
    ),
    # an objection without grounds: the delegate's is refused by the operation (422)
    ("/polls/<int:poll_id>/objection", "POST"): Case(
        "/polls/{certified_poll}/objection", OBJECTORS
    ),
    # no objection named: refused by the operation, nothing decided
    ("/polls/<int:poll_id>/objection/decide", "POST"): Case(
        "/polls/{certified_poll}/objection/decide", COMMITTEE
    ),
    # --- the sealed box ------------------------------------------------------------------
    ("/account/key-holder", "GET"): Case("/account/key-holder", KEY_HOLDERS),
    ("/account/key-holder", "POST"): Case("/account/key-holder", KEY_HOLDERS),
    ("/polls/<int:poll_id>/box", "GET"): Case("/polls/{sealed_poll}/box", LOGGED_IN),
    ("/polls/<int:poll_id>/my-share", "GET"): Case("/polls/{sealed_poll}/my-share", KEY_HOLDERS),
    ("/polls/<int:poll_id>/my-share", "POST"): Case("/polls/{sealed_poll}/my-share", KEY_HOLDERS),
    ("/polls/<int:poll_id>/box/open", "POST"): Case("/polls/{sealed_poll}/box/open", COMMITTEE),
    ("/polls/<int:poll_id>/box/discard", "POST"): Case(
        "/polls/{sealed_poll}/box/discard", COMMITTEE
    ),
    # --- bodies and minutes --------------------------------------------------------------
    ("/conferences/<int:conference_id>/bodies", "GET"): Case(
        "/conferences/{conference}/bodies", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/minutes.pdf", "GET"): Case(
        "/conferences/{conference}/minutes.pdf", LOGGED_IN
    ),
    ("/conferences/<int:conference_id>/bodies/<body>/appointment", "POST"): Case(
        "/conferences/{conference}/bodies/advisory_body/appointment", COMMITTEE
    ),
    ("/polls/<int:poll_id>/appointment", "POST"): Case(
        "/polls/{draft_poll}/appointment",
        COMMITTEE,  # not an appointment motion
    ),
    # --- the verifiable level: the trustees' key ---------------------------------------
    # the trustees are the committee seated on the conference; the key is made already
    ("/conferences/<int:conference_id>/trustees", "GET"): Case(
        "/conferences/{conference}/trustees", COMMITTEE
    ),
    # beginning a key that exists: refused (a flash and back), nothing changes
    ("/conferences/<int:conference_id>/trustees", "POST"): Case(
        "/conferences/{conference}/trustees", COMMITTEE, {"action": "begin"}
    ),
    ("/conferences/<int:conference_id>/trustees/certificates.json", "GET"): Case(
        "/conferences/{conference}/trustees/certificates.json", COMMITTEE
    ),
    # the trustee's own input to round 3 (the `committee` user is a trustee of C)
    ("/conferences/<int:conference_id>/trustees/vinput.json", "GET"): Case(
        "/conferences/{conference}/trustees/vinput.json", COMMITTEE
    ),
    # --- the credential authority ----------------------------------------------------------
    ("/conferences/<int:conference_id>/credential-authority", "GET"): Case(
        "/conferences/{conference}/credential-authority", AUTHORITY_ONLY
    ),
    # the delegates' names and emails: for the authority only, not even the administrator
    ("/conferences/<int:conference_id>/delegates-for-credentials.csv", "GET"): Case(
        "/conferences/{conference}/delegates-for-credentials.csv", AUTHORITY_ONLY
    ),
    ("/polls/<int:poll_id>/credentials", "GET"): Case(
        "/polls/{verifiable_waiting_poll}/credentials", AUTHORITY_ONLY
    ),
    # an empty upload: not a list of public credentials, refused, nothing published
    ("/polls/<int:poll_id>/credentials", "POST"): Case(
        "/polls/{verifiable_waiting_poll}/credentials", AUTHORITY_ONLY
    ),
    ("/polls/<int:poll_id>/roll.txt", "GET"): Case(
        "/polls/{verifiable_waiting_poll}/roll.txt", AUTHORITY_ONLY
    ),
    # --- the verifiable booth --------------------------------------------------------------
    ("/polls/<int:poll_id>/booth", "GET"): Case("/polls/{verifiable_poll}/booth", ON_THE_ROLL),
    # what Belenios publishes, from the opening: any logged-in user may check the election
    ("/polls/<int:poll_id>/election.json", "GET"): Case(
        "/polls/{verifiable_poll}/election.json", LOGGED_IN
    ),
    ("/polls/<int:poll_id>/public-credentials.json", "GET"): Case(
        "/polls/{verifiable_poll}/public-credentials.json", LOGGED_IN
    ),
    # as /vote/cast (a client such as belenios-tool posts here): an empty ballot is refused
    # by the operation (409) for every logged-in user, nothing stored
    ("/polls/<int:poll_id>/verifiable/cast", "POST"): Case(
        "/polls/{verifiable_poll}/verifiable/cast", LOGGED_IN
    ),
    # the server builds the ballot from the choices and the credential: as /vote/review,
    # only a voter on the roll may get that far (no choice posted: refused by the
    # operation for the voter, a flash and back to the booth, nothing stored)
    ("/polls/<int:poll_id>/verifiable/without-javascript", "POST"): Case(
        "/polls/{verifiable_poll}/verifiable/without-javascript", ON_THE_ROLL
    ),
    # --- the verifiable record after the close ---------------------------------------------
    ("/polls/<int:poll_id>/decrypt", "GET"): Case(
        "/polls/{verifiable_closed_poll}/decrypt", KEY_HOLDERS
    ),
    # an empty partial decryption: does not check out, refused, nothing kept
    ("/polls/<int:poll_id>/decrypt", "POST"): Case(
        "/polls/{verifiable_closed_poll}/decrypt", KEY_HOLDERS
    ),
    # public from the close, as the board (Belenios' record: anyone checks the count)
    ("/polls/<int:poll_id>/encrypted-tally.json", "GET"): Case(
        "/polls/{verifiable_closed_poll}/encrypted-tally.json", LOGGED_IN
    ),
    # public from the opening too, holding only the setup until the close (an independent
    # client makes its ballot from it): test_verifiable_access.py
    ("/polls/<int:poll_id>/archive.bel", "GET"): Case(
        "/polls/{verifiable_closed_poll}/archive.bel", LOGGED_IN
    ),
}

# Requests every logged-in user may send about their own account, or anyone may send:
# they change the sender's own session or account (or use a one-time link), nothing else.
SELF_SERVICE = {
    ("/login", "POST"),
    ("/login/code", "POST"),
    ("/logout", "POST"),
    ("/language", "POST"),
    ("/account/password", "POST"),
    ("/account/two-factor", "POST"),
    ("/account/two-factor/recovery-codes", "POST"),
    ("/account/key-holder", "POST"),
    ("/account/report-activation", "POST"),
    ("/polls/<int:poll_id>/board", "POST"),
    ("/forgot-password", "POST"),
    ("/reset/<token>", "POST"),
    ("/reauthenticate", "POST"),
    ("/conferences/activate/<token>", "POST"),
}

# --- the credential authority: a tenth kind of user, outside the nine columns ------------
# The authority holds that role only (never with the administrator's: auth.operations
# grant_role), and no member: test_authority_access.py walks every row as them, and
# test_reachability.py derives the pages they may use from the same rule.

MEMBER_KINDS = ("member", "delegate_pending", "delegate", "candidate")
STAFF_KINDS = ("credentials", "committee", "observer", "admin")
REFUSED = frozenset({"403", "404"})

# rows where some staff and some members are let through: what the authority gets, and why
AUTHORITY_MIXED: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("/conferences/<int:conference_id>/quorum", "GET"): (
        frozenset({"403"}),
        "internal pages are for the conference's staff (not the authority) and delegates",
    ),
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>", "GET"): (
        frozenset({"404"}),
        "a submitted candidacy is hidden from all but its candidate, delegates, committee",
    ),
    ("/conferences/<int:conference_id>/candidacies/<int:candidacy_id>/photo.jpg", "GET"): (
        frozenset({"404"}),
        "as the candidacy",
    ),
    (
        "/conferences/<int:conference_id>/candidacies/<int:candidacy_id>"
        "/<any(endorse, unendorse):action>",
        "POST",
    ): (frozenset({"404"}), "as the candidacy"),
}


def authority_outcomes(key: tuple[str, str], case: Case) -> frozenset[str]:
    """What the credential authority may get for a row:

    * the authority's own rows (AUTHORITY_ONLY): let through;
    * a row every logged-in kind gets the same answer for: that answer;
    * a row only staff roles are let through (administrator, credentials officer,
      committee, observer): refused (403, or 404 where the row hides);
    * a row only members are let through (a voter, a candidate...): refused, the
      authority is no member;
    * the few rows for both: AUTHORITY_MIXED."""
    if case.expect == AUTHORITY_ONLY:
        return frozenset({"ok"})
    column = dict(zip(KIND_NAMES, case.expect.split(), strict=True))
    answers = {column[k] for k in MEMBER_KINDS + STAFF_KINDS}
    if len(answers) == 1:
        return frozenset(answers)
    staff = any(column[k] == "ok" for k in STAFF_KINDS)
    members = any(column[k] == "ok" for k in MEMBER_KINDS)
    if staff and members:
        return AUTHORITY_MIXED[key][0]
    return REFUSED


KIND_NAMES = (
    "anonymous",
    "member",
    "delegate_pending",
    "delegate",
    "candidate",
    "credentials",
    "committee",
    "observer",
    "admin",
)
