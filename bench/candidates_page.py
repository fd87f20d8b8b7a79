"""Weight of the published candidate list: the demo conference with 50+ approved candidates
for the Central Council, rendered in Arabic and English; HTML + CSS must stay under 60 KB.

    .venv/bin/python bench/candidates_page.py [--candidates 55]

Builds a fresh SQLite demo in a temporary folder, writes the approved candidacies directly
(this measures rendering, not the rules), renders the page with the test client, prints the
bytes and writes bench/results/candidates_page.json (with the machine and versions, through
bench/common.py). Not a timed benchmark.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
from pathlib import Path

from common import package_versions, write_results

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
BUDGET = 60 * 1024
PASSWORD = "bench-password-2026"

STATEMENT_AR = (
    "أترشّح لعضوية المجلس المركزي لأنني أؤمن بأن التجمّع قوي بأعضائه في الداخل والمهجر معًا. "
    "عملت في لجان التنسيق منذ سنوات في الإغاثة والتعليم والدفاع عن حقوق المعتقلين، وتعلّمت أن "
    "القرار الجيد يُبنى على الاستماع والشفافية والمحاسبة.\n\n"
    "أولوياتي: نشر محاضر المجلس خلال أسبوع من كل اجتماع، وميزانية سنوية منشورة مع تدقيق مستقل، "
    "وجلسة شهرية مفتوحة لأسئلة الأعضاء، وتمثيل عادل للشباب والنساء في لجان العمل، وربط الفروع "
    "بقنوات تواصل منتظمة لا تمرّ عبر شخص واحد.\n\n"
    "أتعهد بحضور الاجتماعات وبالتصويت العلني في المجلس وبتقديم تقرير مكتوب عن عملي كل ستة أشهر."
)
STATEMENT_EN = (
    "I stand for the Central Council because the Gathering is strong when its members inside "
    "Syria and abroad act together. I have worked in the coordination committees for years in "
    "relief, education and the defence of detainees' rights.\n\n"
    "My priorities: Council minutes published within a week; a yearly budget with an "
    "independent audit; a monthly open hour for members' questions; fair representation of "
    "young members and women in the working groups."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=55)
    args = parser.parse_args()

    from congress import create_app

    work = Path(tempfile.mkdtemp(prefix="congress-bench-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-" + "x" * 40,
            "INSTANCE_PATH": str(work / "instance"),
            "PASSWORD_HASH_PROFILE": "test",
            "TESTING": True,
        }
    )
    with app.app_context():
        conference_id, approved, body_path = _build(app, args.candidates)
    figures = _measure(app, conference_id, body_path)  # each request its own app context
    css = (ROOT / "congress" / "static" / "style.css").read_bytes()
    result = {
        "parameters": {
            "approved_candidates": approved,
            "statement_chars_ar": len(STATEMENT_AR),
            "statement_chars_en": len(STATEMENT_EN),
            "page": body_path,
            "budget_bytes": BUDGET,
        },
        "css_bytes": len(css),
        "css_gzip_bytes": len(gzip.compress(css, 9)),
        "pages": {
            lang: {
                **f,
                "html_plus_css_bytes": f["html_bytes"] + len(css),
                "under_budget": f["html_bytes"] + len(css) < BUDGET,
            }
            for lang, f in figures.items()
        },
        "versions": package_versions(("flask", "sqlalchemy", "jinja2", "flask-babel", "pillow")),
    }
    out = write_results("candidates_page", result)
    for lang, page in result["pages"].items():
        print(
            f"{lang}: {page['candidates_shown']} candidates, HTML {page['html_bytes']} B"
            f" + CSS {len(css)} B = {page['html_plus_css_bytes']} B"
            f" (budget {BUDGET} B, {'ok' if page['under_budget'] else 'OVER'});"
            f" gzip HTML {page['html_gzip_bytes']} B"
        )
    print(f"wrote {out}")
    if not all(p["under_budget"] for p in result["pages"].values()):
        sys.exit(1)


def _build(app, wanted: int) -> tuple[int, int, str]:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from congress.auth.operations import create_user
    from congress.candidacy.models import Candidacy
    from congress.conference.models import Conference
    from congress.database import write_intent
    from congress.demo import load_demo
    from congress.extensions import db
    from congress.members.models import Branch, Member
    from congress.system import operations as system

    upgrade()
    with write_intent():
        system.initialize()
        load_demo()
        conference = db.session.execute(select(Conference)).scalar_one()
        taken = set(db.session.execute(select(Candidacy.member_id)).scalars())
        members = [
            m
            for m in db.session.execute(select(Member).order_by(Member.id)).scalars()
            if m.id not in taken
        ]
        branches = db.session.execute(select(Branch).order_by(Branch.code)).scalars().all()
        existing = len(
            db.session.execute(select(Candidacy.id).where(Candidacy.status == "approved")).all()
        )
        n = len(members)
        while existing + len(members) < wanted:  # more fictional members when the roll is short
            n += 1
            member = Member(
                number=f"B{n:04d}",
                name_ar=f"عضو تجريبي {n}",
                name_latin=f"Bench Member {n}",
                branch=branches[n % len(branches)],
                status="active",
                dues_paid=True,
            )
            db.session.add(member)
            members.append(member)
        db.session.flush()
        for member in members[: wanted - existing]:
            db.session.add(
                Candidacy(
                    conference_id=conference.id,
                    body="central_council",
                    member_id=member.id,
                    status="approved",
                    statement_ar=STATEMENT_AR,
                    statement_en=STATEMENT_EN,
                )
            )
        create_user("reader@bench.test", "Reader", PASSWORD)
        db.session.commit()
        approved = len(
            db.session.execute(select(Candidacy.id).where(Candidacy.status == "approved")).all()
        )
    return conference.id, approved, f"/conferences/{conference.id}/candidates/central_council"


def _measure(app, conference_id: int, path: str) -> dict:
    from support import Browser

    figures = {}
    for lang in ("ar", "en"):
        browser = Browser(app.test_client())
        browser.client.set_cookie("lang", lang)
        login = browser.login("reader@bench.test", PASSWORD)
        assert login.status_code == 302, login.get_data(as_text=True)[-3000:]
        response = browser.get(path)
        html = response.data
        assert response.status_code == 200, response.status_code
        text = html.decode("utf-8")
        assert f'<html lang="{lang}"' in text
        figures[lang] = {
            "status": response.status_code,
            "html_bytes": len(html),
            "html_gzip_bytes": len(gzip.compress(html, 9)),
            "candidates_shown": len(re.findall(r"<li><h2>", text)),
        }
    return figures


if __name__ == "__main__":
    main()
