"""Shared steps for conference tests: roll CSV, bylaws upload, conference creation."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from congress.bylaws.operations import example_text

NAMES = [
    "أحمد الحلبي",
    "فاطمة الخطيب",
    "محمد المصري",
    "ليلى الشامي",
    "عمر النابلسي",
    "هدى حداد",
    "خالد الزعبي",
    "رنا يافاوي",
    "يوسف قاسم",
    "سلمى درويش",
]


def roll_csv(per_branch: dict[str, int], *, suspended: set[str] = frozenset()) -> bytes:
    lines = [
        "member_number,name_ar,name_latin,email,phone,branch,birth_date,joined_on,"
        "gender,status,dues_paid"
    ]
    n = 0
    for code, count in per_branch.items():
        for _ in range(count):
            n += 1
            number = f"{code}-{n:03d}"
            status = "suspended" if number in suspended else "active"
            lines.append(
                f"{number},{NAMES[n % len(NAMES)]} {n},Member {n},m{n}@example.org,"
                f"+90555{n:04d},{code},1990-01-{1 + n % 28:02d},2020-02-01,"
                f"{'f' if n % 2 else 'm'},{status},yes"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload_bylaws(browser, text: str | None = None):
    return browser.post("/admin/bylaws", {"text": text or example_text()}, page="/admin/bylaws")


def import_roll(browser, data: bytes):
    preview = browser.post(
        "/members/import",
        {"file": (io.BytesIO(data), "roll.csv")},
        page="/members/import",
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', html)
    sha = re.search(r'name="sha256" type="hidden" value="([^"]+)"', html)
    assert key and sha, html[:3000]
    return browser.post(
        "/members/import/apply",
        {"key": key.group(1), "sha256": sha.group(1)},
        page="/members/import",
    )


def create_conference(browser, days_ahead: int = 40, version_id: int = 1):
    when = (datetime.now() + timedelta(days=days_ahead)).replace(second=0, microsecond=0)
    response = browser.post(
        "/conferences/new",
        {
            "title_ar": "المؤتمر العام",
            "title_en": "General Conference",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "",
            "online_link": "",
            "bylaws_version": str(version_id),
        },
        page="/conferences/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])
