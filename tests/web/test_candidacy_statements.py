"""The candidate's statement (Article 20.5) and photo: plain text with paragraphs, markup shown
as text, a JPEG/PNG re-encoded without metadata, and every bad upload refused cleanly."""

import io
import struct
import zlib

import pytest
from PIL import Image

from candidacy_helpers import candidacy_of, conference_in, eligible, logged_in_member, stand


@pytest.fixture
def candidate(app, db, make_user, make_browser):
    conference = conference_in(20)
    member = eligible(conference, 1)[0]
    browser = logged_in_member(make_user, make_browser, member)
    assert stand(browser, conference).status_code == 302
    candidacy = candidacy_of(member)
    return (
        browser,
        conference,
        candidacy,
        f"/conferences/{conference.id}/candidacies/{candidacy.id}",
    )


def save(browser, page, ar="", en="", photo=None, **extra):
    data = {"statement_ar": ar, "statement_en": en, **extra}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo[1]), photo[0])
    return browser.post(
        f"{page}/statement", data, page=f"{page}/statement", content_type="multipart/form-data"
    )


def image_bytes(fmt="JPEG", size=(800, 600), mode="RGB", exif=False) -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (33.0, 30.0, 0.0)}  # GPS latitude
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def bomb_png(width=100_000, height=100_000) -> bytes:
    """A few hundred bytes that declare ten billion pixels."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_statement_in_both_languages_is_shown_as_paragraphs(candidate, db):
    browser, _, _, page = candidate
    ar = "الفقرة الأولى.\nسطر ثانٍ.\n\nالفقرة الثانية."
    assert save(browser, page, ar=ar, en="First paragraph.\n\nSecond.").status_code == 302
    html = browser.get(page).get_data(as_text=True)
    assert "<p>الفقرة الأولى.<br>سطر ثانٍ.</p><p>الفقرة الثانية.</p>" in html
    assert 'lang="en" dir="ltr"><p>First paragraph.</p><p>Second.</p>' in html


def test_markup_in_a_statement_is_shown_as_text(candidate, db):
    browser, _, candidacy, page = candidate
    evil = '<script>alert(1)</script><b onclick="x()">bold</b>'
    assert save(browser, page, ar=evil).status_code == 302
    html = browser.get(page).get_data(as_text=True)
    assert "<script>alert" not in html and "<b onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert candidacy_of(candidacy.member).statement_ar == evil  # stored as typed


def test_a_statement_over_the_limit_is_refused_and_nothing_is_saved_art_20_5(candidate, db):
    browser, _, candidacy, page = candidate
    assert save(browser, page, ar="قبل").status_code == 302
    response = save(browser, page, ar="ب" * 2001, en="fine")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "#art-20.5" in html and "2001" in html
    assert candidacy_of(candidacy.member).statement_ar == "قبل"
    assert candidacy_of(candidacy.member).statement_en == ""


def test_exactly_the_limit_is_accepted_art_20_5(candidate, db):
    browser, _, candidacy, page = candidate
    assert save(browser, page, en="a" * 2000).status_code == 302
    assert len(candidacy_of(candidacy.member).statement_en) == 2000


def test_a_photo_is_reencoded_without_metadata_and_served_from_our_host(candidate, db):
    browser, _, candidacy, page = candidate
    raw = image_bytes(size=(1600, 1200), exif=True)
    assert b"SecretCam" in raw
    assert save(browser, page, photo=("me.jpg", raw)).status_code == 302
    stored = candidacy_of(candidacy.member).photo
    assert b"SecretCam" not in stored and b"Exif" not in stored
    served = browser.get(f"{page}/photo.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "JPEG" and max(image.size) == 480 and not image.getexif()
    html = browser.get(page).get_data(as_text=True)
    assert f'src="{page}/photo.jpg"' in html


def test_a_transparent_png_becomes_a_jpeg(candidate, db):
    browser, _, candidacy, page = candidate
    raw = image_bytes("PNG", (300, 300), "RGBA")
    assert save(browser, page, photo=("me.png", raw)).status_code == 302
    with Image.open(io.BytesIO(candidacy_of(candidacy.member).photo)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"this is not an image at all", "ليس صورة JPEG أو PNG"),
        ("empty.png", b"", "ملف الصورة فارغ"),
        ("anim.gif", b"GIF89a" + b"\0" * 64, "ليس صورة JPEG أو PNG"),
        ("huge.jpg", None, "يتجاوز 64 كيلوبايت"),
        ("bomb.png", bomb_png(), "6000 بكسل"),
        ("wide.png", bomb_png(7000, 100), "7000×100"),
        ("tiny.png", None, "عن 48 بكسل"),
        ("cut.jpg", None, "ليس صورة JPEG أو PNG"),
    ],
    ids=["text", "empty", "gif", "huge", "bomb", "wide", "tiny", "truncated"],
)
def test_a_bad_photo_gets_a_clear_message_and_changes_nothing(
    candidate, app, db, name, data, message
):
    browser, _, candidacy, page = candidate
    # a small limit keeps the upload in memory (the test client spools big bodies to disk)
    app.config["CANDIDATE_PHOTO_MAX_BYTES"] = 64 * 1024
    if name == "huge.jpg":
        data = b"\xff\xd8\xff" + b"\0" * (64 * 1024 + 10)
    if name == "tiny.png":
        data = image_bytes("PNG", (20, 20))
    if name == "cut.jpg":
        data = image_bytes(size=(800, 800))[:600]
    response = save(browser, page, ar="نص جديد", photo=(name, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    after = candidacy_of(candidacy.member)
    assert after.photo is None and after.statement_ar == ""  # the whole request rolled back


def test_the_photo_can_be_removed(candidate, db):
    browser, _, candidacy, page = candidate
    assert save(browser, page, photo=("me.jpg", image_bytes())).status_code == 302
    assert save(browser, page, remove_photo="y").status_code == 302
    assert candidacy_of(candidacy.member).photo is None
    assert browser.get(f"{page}/photo.jpg").status_code == 404


def test_only_the_candidate_edits_the_statement(candidate, db, login_as, browser):
    _, _, _, page = candidate
    login_as("election_committee")  # the role alone, not on this conference's committee
    assert browser.get(f"{page}/statement").status_code in (403, 404)
    assert save(browser, page, ar="x").status_code in (403, 404)


def test_statements_are_frozen_once_the_window_closes_art_20_1(candidate, db):
    from candidacy_helpers import move

    browser, conference, candidacy, page = candidate
    move(conference, 5)
    response = save(browser, page, ar="متأخر")
    assert response.status_code == 422 and "#art-20.1" in response.get_data(as_text=True)
    assert candidacy_of(candidacy.member).statement_ar == ""
