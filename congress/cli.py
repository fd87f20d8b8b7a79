"""`congress ...` commands (also `flask --app congress congress ...`)."""

from __future__ import annotations

import hashlib
import sys

import click
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from congress.database import write_intent
from congress.extensions import db

cli = AppGroup("congress", help="Congress: conference, elections and audit commands.")
audit_cli = AppGroup("audit", help="The hash-chained audit log.")
cli.add_command(audit_cli)


def _offline_commands() -> None:
    """Run by a trustee, the credential authority or any member on their own computer:
    no app, no database (congress/verifiable/cli_tools.py)."""
    from congress.verifiable.cli_tools import audit_ballot, credentials_cli, trustee_cli

    for command in (trustee_cli, credentials_cli, audit_ballot):
        cli.add_command(command)


_offline_commands()


def register(app) -> None:
    app.cli.add_command(cli)


def main() -> None:
    """The `congress` console script: a Flask CLI group bound to the app."""
    from congress import create_app

    group = FlaskGroup(
        name="congress", create_app=lambda: create_app(), help=cli.help, set_debug_flag=False
    )
    for name, command in cli.commands.items():
        group.add_command(command, name)
    group.main(prog_name="congress")


@cli.command("init")
@with_appcontext
def init_command() -> None:
    """Create the database or upgrade it to the newest migration."""
    from flask_migrate import upgrade

    from congress.system import operations as system

    upgrade()
    with write_intent():
        created = system.initialize()
        changed = system.record_configuration()
        db.session.commit()
    click.echo("Database initialized." if created else "Database is up to date.")
    if changed:
        click.echo("Configuration change recorded in the audit log.")


@cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True, default="Administrator")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    from congress.auth import roles
    from congress.auth.operations import AccountError, create_user

    with write_intent():
        try:
            create_user(email, name, password, roles=(roles.ADMIN,))
        except AccountError as refused:
            db.session.rollback()
            for problem in refused.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(f"Administrator {email} created.")


@cli.command("demo")
@click.option("--force", is_flag=True, help="Allow loading demo data in production.")
@click.option("--bare", is_flag=True, help="Only the organization: no sitting, votes, results.")
@with_appcontext
def demo_command(force: bool, bare: bool) -> None:
    """Load the demo organization once, staged to be tried at once, and print the logins."""
    from flask import current_app

    from congress.auth.operations import find_user_by_email
    from congress.demo import DEMO_LOGINS, load_demo
    from congress.demo_stage import DELEGATE_PASSWORD, stage

    if current_app.config["ENV_NAME"] == "production" and not force:
        click.echo("Refusing to load demo data in production (use --force).", err=True)
        sys.exit(1)
    with write_intent():
        loaded = load_demo()
        if loaded and not bare:
            stage(find_user_by_email(DEMO_LOGINS[0][1]))
        db.session.commit()
    click.echo("Demo data loaded." if loaded else "Demo data already present.")
    click.echo("Demo logins (email / password):")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<22} {email:<28} {password}")
    if not bare:
        from congress.demo_stage import demo_delegate_logins

        for role, email, password in demo_delegate_logins():
            click.echo(f"  {role:<22} {email:<28} {password}")
        click.echo(
            f"  (the other delegates on the Delegates page: the same password, {DELEGATE_PASSWORD})"
        )
        _print_demo_credentials()


@audit_cli.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Walk the chain; exit 1 naming the first broken entry."""
    from congress.audit.operations import verify_chain

    verdict = verify_chain()
    if verdict.ok:
        click.echo(f"Audit chain OK: {verdict.count} entries, head {verdict.head}")
        return
    click.echo(f"Audit chain BROKEN at entry {verdict.first_bad_seq}: {verdict.reason}", err=True)
    sys.exit(1)


bylaws_cli = AppGroup("bylaws", help="The bylaws file.")
cli.add_command(bylaws_cli)


@bylaws_cli.command("check", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bylaws_check_command(args: tuple[str, ...]) -> None:
    """Check a bylaws file: congress bylaws check FILE [--lang ar|en] [--json]."""
    from congress.core.bylaws import check

    sys.exit(check.run(list(args), sys.stdout, sys.stderr))


members_cli = AppGroup("members", help="The member roll.")
cli.add_command(members_cli)


@members_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "do_apply", is_flag=True, help="Write the rows (default: preview).")
@click.option("--lang", type=click.Choice(["ar", "en"]), default="en")
@with_appcontext
def members_import_command(path: str, do_apply: bool, lang: str) -> None:
    """Preview (or apply) a roll CSV; exit 1 on any error, changing nothing."""
    from pathlib import Path

    from congress.members import operations

    data = Path(path).read_bytes()
    with write_intent():
        preview = operations.preview(data, max_errors=None)
        for error in preview.errors:
            column = f" [{error.column}]" if error.column else ""
            click.echo(f"line {error.line}{column}: {error.message.get(lang)}", err=True)
        click.echo(
            f"new {preview.count('new')}, updated {preview.count('updated')}, "
            f"unchanged {preview.count('unchanged')}, errors {len(preview.errors)}"
        )
        if preview.errors:
            db.session.rollback()
            sys.exit(1)
        if do_apply:
            operations.apply(data)
            db.session.commit()
            click.echo("Applied.")
        else:
            db.session.rollback()
            click.echo("Preview only: nothing changed (use --apply).")


@cli.command("tally", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def tally_command(args: tuple[str, ...]) -> None:
    """Count a BLT file: congress tally FILE.blt --method M [--seats N] [--json]."""
    from congress.core.tally import cli as tally_cli

    sys.exit(tally_cli.run(list(args), sys.stdout, sys.stderr))


@cli.command("backup")
@click.argument("out", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(out: str) -> None:
    """Write a consistent snapshot of the database to OUT (a new file); the server may run."""
    from pathlib import Path

    from congress.system import backup

    try:
        result = backup.backup(Path(out))
    except backup.BackupError as failed:
        click.echo(f"error: {failed}", err=True)
        sys.exit(1)
    for line in result.lines():
        click.echo(line)


@cli.command("restore")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False))
@with_appcontext
def restore_command(source: str) -> None:
    """Load a backup into the configured database, which must be empty; then verify the chain."""
    from pathlib import Path

    from congress.system import backup

    try:
        result = backup.restore(Path(source))
    except backup.BackupError as failed:
        click.echo(f"error: {failed}", err=True)
        sys.exit(1)
    for line in result.lines():
        click.echo(line)
    verdict = result.verdict
    if verdict is None:
        click.echo("Audit chain MISSING: the restored database has no chain head", err=True)
        sys.exit(1)
    if not verdict.ok:
        click.echo(
            f"Audit chain BROKEN at entry {verdict.first_bad_seq}: {verdict.reason}", err=True
        )
        sys.exit(1)
    click.echo(f"Audit chain OK: {verdict.count} entries, head {verdict.head}")


@cli.command("scrub")
@with_appcontext
def scrub_command() -> None:
    """Destroy old row versions of closed polls whose scrub after the close failed."""
    from sqlalchemy import select

    from congress.voting import storage
    from congress.voting.models import Poll

    waiting = (
        db.session.execute(
            select(Poll.id).where(Poll.closed_at.is_not(None), Poll.scrubbed_at.is_(None))
        )
        .scalars()
        .all()
    )
    db.session.commit()
    failed = [poll_id for poll_id in waiting if not storage.scrub(poll_id)]
    click.echo(f"{len(waiting) - len(failed)} of {len(waiting)} closed polls scrubbed.")
    if failed:
        click.echo(f"still waiting: {', '.join(map(str, failed))} (see the log)", err=True)
        sys.exit(1)


@cli.command("export")
@click.argument("poll_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(poll_id: int, out: str) -> None:
    """Write a closed poll's export (JSON; and OUT.blt next to it for a ranked poll)."""
    from pathlib import Path

    from congress.results import export
    from congress.voting.models import Poll

    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.state in ("draft", "open"):
        click.echo("error: no closed poll with that id", err=True)
        sys.exit(1)
    data = export.to_bytes(export.build(poll))
    Path(out).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    click.echo(f"wrote {out} ({len(data)} bytes, sha256 {digest})")
    if poll.level == "verifiable":
        from congress.verifiable import polls as verifiable

        vp = verifiable.of(poll)
        if vp.archive:
            bel = Path(out).with_name(f"{vp.uuid}.bel")
            bel.write_bytes(vp.archive)
            click.echo(f"wrote {bel} (the Belenios archive: belenios-tool election verify)")
    if poll.method.startswith("stv"):
        blt = Path(out).with_suffix(".blt")
        blt.write_text(export.blt(poll), encoding="utf-8")
        click.echo(f"wrote {blt}")


@cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def verify_command(path: str) -> None:
    """Recount an export and check its hashes; exit 1 naming the first mismatch."""
    import json
    from pathlib import Path

    from congress.core.verify import verify_export

    if Path(path).suffix == ".bel":
        _verify_archive(path)
        return
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as broken:
        click.echo(f"FAIL: {path} is not a JSON export ({broken})", err=True)
        sys.exit(1)
    checks = verify_export(data if isinstance(data, dict) else {})
    for check in checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    if not all(c.ok for c in checks):
        sys.exit(1)
    click.echo("The export verifies.")


def _verify_archive(path: str) -> None:
    """A verifiable poll's Belenios archive, checked by our own verifier (the same checks
    as `belenios-tool election verify`, sharing no code with the casting path)."""
    from congress.core.belenios.verify import verify_archive_full

    result = verify_archive_full(path)
    for check in result.checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    if not result.checks or not all(c.ok for c in result.checks):
        sys.exit(1)
    click.echo("The archive verifies.")


def _print_demo_credentials() -> None:
    """The verifiable motion's voting codes of the printed delegates (demo only: in a real
    conference only the credential authority and each delegate hold them)."""
    import json
    from pathlib import Path

    from flask import current_app

    from congress.demo_stage import demo_delegate_logins
    from congress.members.models import Member
    from congress.verifiable.models import VerifiablePoll
    from congress.voting.models import RollEntry

    path = Path(current_app.instance_path) / "demo-authority" / "credentials.json"
    if not path.exists():
        return
    issued = json.loads(path.read_text(encoding="utf-8"))
    poll_id = db.session.execute(db.select(VerifiablePoll.poll_id)).scalars().first()
    click.echo(f"Voting codes for the verifiable motion (all of them in {path}):")
    for _what, email, _password in demo_delegate_logins():
        member = db.session.execute(db.select(Member).where(Member.email == email)).scalar_one()
        on_roll = db.session.get(RollEntry, (poll_id, member.id)) is not None
        note = "" if on_roll else "  (not on this poll's roll: checked in after it opened)"
        click.echo(f"  {email:<28} {issued.get(member.number, '')}{note}")
