"""The credential authority: a tenth kind of user, outside the matrix's nine columns.

The authority makes the delegates' credentials on their own computer and uploads each
verifiable poll's public credentials. With the server's powers as well (an administrator,
or any staff page), they could vote in the place of any delegate: so they hold that role
only, and the authorization matrix is walked again as them (`matrix_table.
authority_outcomes` says what they must get for each row)."""

from __future__ import annotations

from flask_babel import force_locale
from matrix_table import (
    AUTHORITY_MIXED,
    AUTHORITY_ONLY,
    KIND_NAMES,
    MEMBER_KINDS,
    REFUSED,
    STAFF_KINDS,
    TABLE,
    authority_outcomes,
)
from security_world import AUDITED_FAILURES, KINDS, STAFF_LOGINS, build_world, table_rows
from sqlalchemy import func, select
from test_authorization_matrix import classify, routes, send, token_of, url_of, walk_order

from congress.audit.models import AuditEntry
from congress.auth import roles
from congress.auth.models import User
from congress.auth.operations import AccountError, create_user, grant_role
from congress.database import write_intent


def staff_only(case) -> bool:
    column = dict(zip(KINDS, case.expect.split(), strict=True))
    return any(column[k] == "ok" for k in STAFF_KINDS) and not any(
        column[k] == "ok" for k in MEMBER_KINDS
    )


def test_the_authority_rules_cover_the_table():
    assert KIND_NAMES == KINDS
    own = {key for key, case in TABLE.items() if case.expect == AUTHORITY_ONLY}
    assert {rule for rule, _ in own} >= {
        "/conferences/<int:conference_id>/credential-authority",
        "/conferences/<int:conference_id>/delegates-for-credentials.csv",
        "/polls/<int:poll_id>/credentials",
        "/polls/<int:poll_id>/roll.txt",
    }
    for key, case in TABLE.items():
        authority_outcomes(key, case)  # a mixed row without a decision raises KeyError
    assert set(AUTHORITY_MIXED) <= set(TABLE), "stale rows in AUTHORITY_MIXED"
    # every staff-only row is refused to the authority, by construction of the rule
    for key, case in TABLE.items():
        if staff_only(case):
            assert authority_outcomes(key, case) <= REFUSED, key


def test_the_authority_walks_the_table(app, make_browser):
    """Every row as the authority: their own pages let through, every staff-only page
    refused, and walking the table (neutral data) changes no row but a failed login's
    (until the last rows: logging out ends the session)."""
    world = build_world(app)
    browser = world.login(make_browser, "authority")
    token = token_of(browser)
    before = table_rows(AUDITED_FAILURES)
    wrong, allowed, refused = [], [], []
    after = None
    for key, case in sorted(((k, c) for k, c in TABLE.items() if k in routes(app)), key=walk_order):
        rule, method = key
        if case.last and after is None:  # logging out changes the session's own rows
            after = table_rows(AUDITED_FAILURES)
        url = url_of(case, world)
        expected = authority_outcomes(key, case)
        try:
            response = send(browser, method, url, case.data, token, world)
            got, status = classify(response), response.status_code
        except Exception as error:  # the view's error escaped the error handler
            got, status = "exception", type(error).__name__
        if got not in expected:
            wrong.append(
                f"  {method} {url} ({rule}): expected {'/'.join(sorted(expected))}, "
                f"got {got} ({status})"
            )
        if case.expect == AUTHORITY_ONLY:
            allowed.append(key)
        if staff_only(case):
            refused.append(key)
    changed = sorted(t for t in before if before[t] != after.get(t))
    if changed:
        wrong.append(f"  tables changed by the authority's walk: {changed}")
    assert not wrong, "as the credential authority:\n" + "\n".join(wrong)
    assert len(allowed) >= 5 and len(refused) >= 40, (len(allowed), len(refused))


def _english(browser):
    browser.client.set_cookie("lang", "en")
    return browser


MESSAGE = "The credential authority cannot be an administrator"


def test_the_authority_and_the_administrator_are_never_one_account(app, make_browser, db):
    """Granting the administrator's role to the authority, or the authority's to an
    administrator, is refused with the reason, audits nothing and changes nothing: by
    the administrators' page, and by the operation itself (the command line's way)."""
    world = build_world(app)
    with write_intent():  # a second administrator: no one grants a role to themself
        other_admin = create_user(
            "admin2@congress.test", "Admin 2", "another-admin-passphrase-1", roles=(roles.ADMIN,)
        )
        db.session.commit()
    other_admin_id = other_admin.id
    admin = _english(world.login(make_browser, "admin"))
    attempts = [
        (world.authority, roles.ADMIN),
        (other_admin_id, roles.AUTHORITY),
    ]
    before = table_rows()
    audited = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    for user_id, role in attempts:
        response = admin.post(
            f"/admin/users/{user_id}/roles",
            {"role": role, "action": "grant"},
            page="/admin/users",
        )
        assert response.status_code == 303, (user_id, role, response.status_code)
        page = admin.get("/admin/users").get_data(as_text=True)
        assert MESSAGE in page, (user_id, role)
    assert table_rows() == before
    with write_intent(), app.test_request_context(), force_locale("en"):
        actor = db.session.execute(
            select(User).where(User.email == STAFF_LOGINS["admin"][0])
        ).scalar_one()
        for user_id, role in attempts:
            user = db.session.get(User, user_id)
            try:
                grant_role(user, role, actor=actor)
            except AccountError as refused:
                assert MESSAGE in str(refused.problems[0])
            else:
                raise AssertionError(f"{role} granted to user {user_id}")
        db.session.rollback()
    db.session.expire_all()
    assert table_rows() == before
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audited
    assert db.session.get(User, world.authority).role_names == [roles.AUTHORITY]
    assert db.session.get(User, other_admin_id).role_names == [roles.ADMIN]
    # and the authority, logged in, is still refused every administrator's page
    authority = make_browser()
    assert authority.login(*STAFF_LOGINS["authority"]).status_code == 302
    assert authority.get("/admin/users").status_code == 403
