"""Demo organization: four branches, about 60 fictional members, the staff accounts.

Every person here is fictional; names are combined from common given and family names.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import record
from congress.auth import roles
from congress.auth.operations import create_user, find_user_by_email
from congress.bylaws.operations import ensure_example
from congress.conference import operations as conference_ops
from congress.extensions import db
from congress.members.models import Branch, Member

BRANCHES = (
    ("SY", "تنسيقية الداخل السوري", "Inside Syria committee", "Syria"),
    ("TR", "تنسيقية تركيا", "Turkey committee", "Turkey"),
    ("EU", "تنسيقية أوروبا", "Europe committee", "Europe"),
    ("US", "تنسيقية الولايات المتحدة", "United States committee", "USA"),
)

GIVEN = (
    ("أحمد", "Ahmad", "m"),
    ("فاطمة", "Fatima", "f"),
    ("محمد", "Mohammad", "m"),
    ("ليلى", "Layla", "f"),
    ("عمر", "Omar", "m"),
    ("هدى", "Huda", "f"),
    ("خالد", "Khaled", "m"),
    ("رنا", "Rana", "f"),
    ("يوسف", "Yousef", "m"),
    ("سلمى", "Salma", "f"),
    ("إبراهيم", "Ibrahim", "m"),
    ("آمنة", "Amina", "f"),
    ("سامر", "Samer", "m"),
    ("نور", "Nour", "f"),
    ("طارق", "Tareq", "m"),
    ("مريم", "Maryam", "f"),
    ("باسل", "Basel", "m"),
    ("رزان", "Razan", "f"),
    ("علاء", "Alaa", "m"),
    ("دعاء", "Duaa", "f"),
)
FAMILY = (
    ("الحلبي", "al-Halabi"),
    ("الخطيب", "al-Khatib"),
    ("المصري", "al-Masri"),
    ("الشامي", "al-Shami"),
    ("عبد الله", "Abdallah"),
    ("الأيوبي", "al-Ayyoubi"),
    ("النابلسي", "al-Nabulsi"),
    ("حداد", "Haddad"),
    ("الزعبي", "al-Zoubi"),
    ("يافاوي", "Yafawi"),
    ("قاسم", "Qasem"),
    ("درويش", "Darwish"),
)
PER_BRANCH = {"SY": 20, "TR": 16, "EU": 14, "US": 10}

DEMO_LOGINS = (
    ("administrator", "admin@congress.test", "admin-demo-2026"),
    ("credentials officer", "credentials@congress.test", "credentials-demo-2026"),
    ("election committee", "committee1@congress.test", "committee-demo-2026"),
    ("election committee", "committee2@congress.test", "committee-demo-2026"),
    ("election committee", "committee3@congress.test", "committee-demo-2026"),
    ("election committee", "committee4@congress.test", "committee-demo-2026"),
    ("election committee", "committee5@congress.test", "committee-demo-2026"),
    ("observer", "observer@congress.test", "observer-demo-2026"),
    ("credential authority", "authority@congress.test", "authority-demo-2026"),
)
STAFF_NAMES = {  # fictional, as the members are
    "admin": "رامي الخطيب",
    "credentials": "سعاد النابلسي",
    "committee1": "هالة الأحمد",
    "committee2": "يوسف الحوراني",
    "committee3": "منى الشامي",
    "committee4": "خالد العكاوي",
    "committee5": "ريم الدرعاوي",
    "observer": "نادر اليافاوي",
    "authority": "لينا القدسي",
}
_ROLE_OF = {
    "administrator": roles.ADMIN,
    "credentials officer": roles.CREDENTIALS,
    "election committee": roles.COMMITTEE,
    "observer": roles.OBSERVER,
    "credential authority": roles.AUTHORITY,
}


def demo_members() -> list[dict]:
    """The fictional roll, deterministic so the demo is the same on every machine."""
    rows = []
    n = 0
    for code, count in PER_BRANCH.items():
        for _ in range(count):
            given_ar, given_en, gender = GIVEN[(n * 7) % len(GIVEN)]
            family_ar, family_en = FAMILY[(n * 5 + n // 12) % len(FAMILY)]
            n += 1
            rows.append(
                {
                    "number": f"M{n:04d}",
                    "name_ar": f"{given_ar} {family_ar}",
                    "name_latin": f"{given_en} {family_en}",
                    "email": f"member{n:02d}@congress.test",
                    "phone": f"+900000{n:04d}",
                    "branch": code,
                    "birth_date": date(1958 + (n * 13) % 45, 1 + n % 12, 1 + (n * 3) % 28),
                    "joined_on": date(2014 + (n * 5) % 12, 1 + (n * 7) % 12, 1 + n % 28),
                    "gender": gender,
                    "status": "suspended" if n % 29 == 0 else "active",
                    "dues_paid": n % 17 != 0,
                }
            )
    return rows


def load_demo() -> bool:
    """Insert the demo organization; False when it is already there."""
    if db.session.execute(select(Branch).limit(1)).first() is not None:
        return False
    branches = {}
    for code, name_ar, name_en, region in BRANCHES:
        branches[code] = Branch(code=code, name_ar=name_ar, name_en=name_en, region=region)
        db.session.add(branches[code])
    for row in demo_members():
        db.session.add(Member(**{**row, "branch": branches[row["branch"]]}))
    db.session.flush()
    for label, email, password in DEMO_LOGINS:
        name = STAFF_NAMES[email.split("@")[0]]
        create_user(email, name, password, roles=(_ROLE_OF[label],))
    admin = find_user_by_email(DEMO_LOGINS[0][1])
    _demo_conference(admin)
    record(actions.DEMO_LOADED, data={"members": sum(PER_BRANCH.values())})
    return True


AGENDA = (
    (
        "report",
        "تقرير المكتب التنسيقي عن الدورة المنتهية",
        "Report of the Coordination Office on the past term",
    ),
    ("policy_paper", "ورقة التوجهات السياسية الجديدة", "The new policy directions paper"),
    ("election", "انتخاب المجلس المركزي", "Election of the Central Council"),
    (
        "election",
        "انتخاب المكتب التنسيقي من المجلس المركزي",
        "Election of the Coordination Office by the Central Council",
    ),
    ("other", "ما يستجد من أعمال", "Other business"),
)


def _demo_conference(admin) -> None:
    """A General Conference 45 days ahead, convened under the example bylaws."""
    version = ensure_example(actor=admin)
    zone = ZoneInfo("Asia/Damascus")
    day = (datetime.now(zone) + timedelta(days=45)).date()
    conference = conference_ops.create(
        title_ar="المؤتمر العام الثالث",
        title_en="Third General Conference",
        starts_at=datetime(day.year, day.month, day.day, 10, 0, tzinfo=zone),
        online_link="https://meet.example.org/general-conference",
        bylaws_version=version,
        actor=admin,
    )
    for kind, title_ar, title_en in AGENDA:
        conference_ops.add_agenda_item(conference, kind, title_ar, title_en, actor=admin)
    conference_ops.add_committee_from_role(conference, actor=admin)
    conference_ops.convene(conference, actor=admin)
    from congress.candidacy.demo_data import add_demo_candidacies

    add_demo_candidacies(conference, admin)
