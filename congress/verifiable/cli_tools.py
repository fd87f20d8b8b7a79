"""`congress trustee ...` and `congress credentials ...`: run on the trustee's or the
credential authority's own computer, on files, with no database and no server. What they
write to upload is public; what they keep (the trustee's seed, the credentials) never
goes to the server.
"""

from __future__ import annotations

import csv
import json
import os
from html import escape
from pathlib import Path

import click

from congress.core import belenios as bl


def _private(path: Path, text: str) -> None:
    """Written readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _read_json(path: str) -> dict | list:
    return json.loads(Path(path).read_text(encoding="utf-8"))


trustee_cli = click.Group("trustee", help="A trustee's side of the key and the tally (offline).")
credentials_cli = click.Group("credentials", help="The credential authority's side (offline).")


@trustee_cli.command("init")
@click.option("--key", "key_path", default="trustee.json", show_default=True)
@click.option("--group", "group_name", default="BELENIOS-2048", show_default=True)
def trustee_init(key_path: str, group_name: str) -> None:
    """Round 1: make your seed (kept in KEY, never uploaded) and your certificate."""
    if Path(key_path).exists():
        raise click.ClickException(f"{key_path} exists: it holds a seed, never overwrite it")
    seed, cert = bl.pedersen_step1(bl.get_group(group_name))
    _private(Path(key_path), json.dumps({"group": group_name, "seed": seed, "certificate": cert}))
    Path("certificate.json").write_text(cert, encoding="utf-8")
    click.echo(f"Kept your seed in {key_path}: copy it somewhere safe; it never leaves you.")
    click.echo("Upload certificate.json on the conference's trustees page.")


@trustee_cli.command("polynomial")
@click.option("--key", "key_path", default="trustee.json", show_default=True)
@click.option("--certificates", "certs_path", required=True, help="the page's download")
@click.option(
    "--threshold",
    type=int,
    required=True,
    help="how many trustees must decrypt together: the bylaws' number of certifying "
    "signatures, read in the bylaws yourself (not from the server)",
)
def trustee_polynomial(key_path: str, certs_path: str, threshold: int) -> None:
    """Round 2: with every trustee's certificate, your polynomial (to upload)."""
    key = _read_json(key_path)
    bundle = _read_json(certs_path)
    if bundle.get("threshold") != threshold:
        raise click.ClickException(
            f"the server asks for a key that {bundle.get('threshold')} trustees open, the "
            f"bylaws say {threshold}: stop and tell the election committee"
        )
    group = bl.get_group(bundle["group"])
    polynomial = bl.pedersen_step3(group, bundle["certificates"], key["seed"], threshold)
    Path("polynomial.json").write_text(polynomial, encoding="utf-8")
    click.echo("Upload polynomial.json on the conference's trustees page.")


@trustee_cli.command("voutput")
@click.option("--key", "key_path", default="trustee.json", show_default=True)
@click.option("--certificates", "certs_path", required=True)
@click.option("--vinput", "vinput_path", required=True, help="your vinput, from the page")
def trustee_voutput(key_path: str, certs_path: str, vinput_path: str) -> None:
    """Round 3: your verification key and your share, encrypted to yourself (to upload)."""
    key = _read_json(key_path)
    bundle = _read_json(certs_path)
    group = bl.get_group(bundle["group"])
    vinput = Path(vinput_path).read_text(encoding="utf-8").strip()
    voutput = bl.pedersen_step5(group, bundle["certificates"], key["seed"], vinput)
    _private(Path(key_path), json.dumps({**key, "voutput": voutput}))
    Path("voutput.json").write_text(voutput, encoding="utf-8")
    click.echo("Upload voutput.json; your key file now also holds what decrypts later.")


@trustee_cli.command("decrypt")
@click.option("--key", "key_path", default="trustee.json", show_default=True)
@click.option("--archive", "archive_path", help="the poll's UUID.bel, from its bulletin board")
@click.option("--election", "election_path", help="the poll's election.json (without --archive)")
@click.option("--tally", "tally_path", help="the poll's encrypted tally (without --archive)")
@click.option("--out", "out_path", default="partial-decryption.json", show_default=True)
def trustee_decrypt(
    key_path: str, archive_path: str, election_path: str, tally_path: str, out_path: str
) -> None:
    """After the close: your partial decryption of the tally, with its proofs (to upload).

    With --archive (safer) the archive is verified here first, every ballot's proofs and
    signature and the encrypted tally recomputed from the ballots, so you never decrypt
    anything but the sum of the ballots cast."""
    key = _read_json(key_path)
    if archive_path:
        proven = bl.verify_archive_full(archive_path)
        failed = next((c for c in proven.checks if not c.ok), None)
        if failed is not None or proven.encrypted_tally is None:
            why = f"{failed.name}: {failed.detail}" if failed else "no encrypted tally yet"
            raise click.ClickException(f"the archive does not verify ({why}): do not decrypt")
        election, tally = proven.election, proven.encrypted_tally.tally
        click.echo(f"The archive verifies: {len(proven.ballots)} ballots, their tally recomputed.")
    elif election_path and tally_path:
        election = bl.parse_election(Path(election_path).read_text(encoding="utf-8"))
        tally = bl.parse_tally(election, Path(tally_path).read_text(encoding="utf-8"))
    else:
        raise click.ClickException("give --archive UUID.bel (or --election and --tally)")
    share = json.loads(key["voutput"])["private_key"]
    x = bl.threshold_decryption_key(election.group, key["seed"], share)
    partial = bl.compute_partial_decryption(election, tally, x)
    Path(out_path).write_text(partial.raw, encoding="utf-8")
    click.echo(f"Upload {out_path} on the poll's decryption page.")


@credentials_cli.command("generate")
@click.option("--roll", "roll_path", required=True, help="the delegates CSV of the conference")
@click.option("--out", "out_dir", default="credentials", show_default=True)
def credentials_generate(roll_path: str, out_dir: str) -> None:
    """One credential per delegate for the whole conference: a private file, printable
    sheets per branch, and a message per delegate for you to send (not the server)."""
    out = Path(out_dir)
    store = out / "credentials.json"
    if store.exists():
        raise click.ClickException(f"{store} exists: the delegates hold these credentials")
    rows = list(csv.DictReader(Path(roll_path).read_text(encoding="utf-8-sig").splitlines()))
    issued = {r["number"]: bl.generate_credential() for r in rows}
    _private(store, json.dumps(issued, indent=1, sort_keys=True))
    by_branch: dict[str, list[dict]] = {}
    for r in rows:
        by_branch.setdefault(r.get("branch", ""), []).append(r)
    for branch, people in by_branch.items():
        _private(out / f"sheet-{branch or 'all'}.html", _sheet(branch, people, issued))
    for p in rows:
        if p.get("email"):
            body = _message(p["name"], issued[p["number"]])
            _private(out / "outbox" / f"{p['number']}.txt", f"To: {p['email']}\n\n{body}")
    click.echo(f"{len(issued)} credentials in {store}; sheets and messages in {out}.")


HOW_TO_AR = (
    "هذا رمز تصويتك السري في الاقتراعات القابلة للتحقق في المؤتمر كله. عند التصويت افتح "
    "صفحة الاقتراع في Congress، واضغط «صوّت»، واكتب الرمز كما هو (الحروف الكبيرة والصغيرة "
    "مختلفة). لا تعطه لأحد: من يحمله يستطيع أن يصوّت باسمك. إن فقدته فاطلب من جهة إصدار "
    "الرموز رمزًا جديدًا قبل فتح الاقتراع."
)
HOW_TO_EN = (
    "This is your secret voting code for the verifiable polls of the whole conference. To "
    "vote, open the poll's page in Congress, press \u201cVote\u201d and type the code exactly "
    "(upper and lower case differ). Give it to no one: whoever holds it can vote in your "
    "name. If you lose it, ask the credential authority for a new one before the poll opens."
)


def _message(name: str, credential: str) -> str:
    return (
        f"{name}،\n\n{HOW_TO_AR}\n\n    {credential}\n\n"
        f"{name},\n\n{HOW_TO_EN}\n\n    {credential}\n"
    )


def _sheet(branch: str, people: list[dict], issued: dict[str, str]) -> str:
    """A printable sheet: one card per delegate, to cut and hand over in person."""
    cards = "".join(
        "<section class='card'>"
        f"<h2>{escape(p['name'])}</h2><p class='number' dir='ltr'>{escape(p['number'])}</p>"
        f"<p class='credential' dir='ltr'>{issued[p['number']]}</p>"
        f"<p>{escape(HOW_TO_AR)}</p><p dir='ltr' lang='en'>{escape(HOW_TO_EN)}</p></section>"
        for p in people
    )
    style = (
        "body{font-family:sans-serif;margin:1cm}"
        ".card{border:1px dashed #555;padding:.6cm;margin-bottom:.6cm;page-break-inside:avoid}"
        ".credential{font-family:'DejaVu Sans Mono',monospace;font-size:1.6em;letter-spacing:.08em}"
    )
    title = f"رموز التصويت — الفرع {escape(branch)}" if branch else "رموز التصويت"
    return (
        "<!doctype html><html lang='ar' dir='rtl'><meta charset='utf-8'>"
        f"<title>{title}</title><style>{style}</style><body><h1>{title}</h1>"
        "<p>قُصّ كل بطاقة وسلّمها لصاحبها يدًا بيد. Cut out each card and hand it over in "
        f"person.</p>{cards}</body></html>"
    )


@credentials_cli.command("public")
@click.option("--credentials", "store_path", required=True)
@click.option("--roll", "roll_path", required=True, help="the poll's roll (member numbers)")
@click.option("--uuid", required=True, help="the poll's election uuid")
@click.option("--group", "group_name", default="BELENIOS-2048", show_default=True)
@click.option("--out", "out_path", default="public-credentials.json", show_default=True)
def credentials_public(
    store_path: str, roll_path: str, uuid: str, group_name: str, out_path: str
) -> None:
    """For one poll: the public credentials of exactly its roll (to upload)."""
    issued = _read_json(store_path)
    numbers = [n.strip() for n in Path(roll_path).read_text(encoding="utf-8").split() if n.strip()]
    missing = [n for n in numbers if n not in issued]
    if missing:
        raise click.ClickException(f"no credential for: {', '.join(missing[:10])}")
    group = bl.get_group(group_name)
    public = bl.make_public_credentials(
        [bl.public_credential(group, uuid, issued[n]) for n in numbers]
    )
    Path(out_path).write_text(public, encoding="utf-8")
    click.echo(f"{len(numbers)} public credentials in {out_path}: upload it on the poll's page.")


@credentials_cli.command("replace")
@click.option("--credentials", "store_path", required=True)
@click.option("--number", required=True, help="the delegate's member number")
def credentials_replace(store_path: str, number: str) -> None:
    """A lost credential replaced (before the poll's public credentials are uploaded)."""
    issued = _read_json(store_path)
    if number not in issued:
        raise click.ClickException(f"{number} has no credential")
    issued[number] = bl.generate_credential()
    _private(Path(store_path), json.dumps(issued, indent=1, sort_keys=True))
    click.echo(f"New credential for {number}: {issued[number]}")


@click.command("audit-ballot")
@click.argument("audit_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--election", "election_path", required=True, help="the poll's election.json")
def audit_ballot(audit_path: str, election_path: str) -> None:
    """Check a ballot the booth opened for you (Benaloh audit): it is a valid ballot of
    this election and it encrypts exactly the choices it reveals."""
    election = bl.parse_election(Path(election_path).read_text(encoding="utf-8"))
    try:
        plaintext = bl.verify_audit(election, Path(audit_path).read_text(encoding="utf-8"))
    except bl.BallotRejected as lied:
        click.echo(f"FAIL: {lied}", err=True)
        raise SystemExit(1) from None
    for question, row in zip(election.questions, plaintext, strict=True):
        chosen = _chosen(question, row)
        click.echo(f"{question.question}: {', '.join(chosen) if chosen else '(none)'}")
    click.echo("The audited ballot encrypts these choices, with valid proofs.")


def _chosen(question, row) -> list[str]:
    answers = list(question.answers)
    values = list(row)
    if getattr(question, "blank", False) and values.pop(0):
        return ["(blank)"]
    return [a for a, v in zip(answers, values, strict=True) if v]
