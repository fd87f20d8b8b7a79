"""Arabic first, English on request; localized error pages; security headers everywhere."""

import pytest
from flask import abort

from congress import create_app


def test_home_page_is_arabic_and_right_to_left_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html


def test_switching_to_english_sticks_in_a_cookie_before_login(browser):
    response = browser.post("/language", {"lang": "en", "next": "/"}, page="/")
    assert response.status_code == 302
    html = browser.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html and "Log in" in html


def test_a_logged_in_user_keeps_their_language_on_any_device(browser, login_as, make_browser):
    user = login_as()
    browser.post("/language", {"lang": "en", "next": "/"}, page="/")
    other = make_browser()
    other.login(user.email, "correct-horse-battery")
    assert '<html lang="en" dir="ltr">' in other.get("/").get_data(as_text=True)


def test_the_language_switch_refuses_an_unknown_language(browser):
    assert browser.post("/language", {"lang": "xx", "next": "/"}, page="/").status_code == 400


def test_the_language_switch_never_redirects_to_another_host(browser):
    response = browser.post("/language", {"lang": "en", "next": "//evil.example/"}, page="/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("code", [400, 403, 404, 405, 500])
def test_error_pages_are_localized(app_config, code):
    app = create_app(app_config)

    @app.route("/boom/<int:code>", methods=["GET"])
    def boom(code):
        if code == 500:
            raise RuntimeError("secret detail that must not leak")
        abort(code)

    try:
        client = app.test_client()
        response = client.post("/boom/1") if code == 405 else client.get(f"/boom/{code}")
        html = response.get_data(as_text=True)
        assert response.status_code == code
        assert 'dir="rtl"' in html
        assert "secret detail" not in html and "Traceback" not in html
        client.set_cookie("lang", "en")
        english = client.post("/boom/1") if code == 405 else client.get(f"/boom/{code}")
        assert 'lang="en"' in english.get_data(as_text=True)
    finally:
        from congress.extensions import db

        with app.app_context():
            db.engine.dispose()


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def test_security_headers_are_on_every_page(app, browser, login_as):
    login_as("administrator", "observer")
    urls = [
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.arguments and not r.rule.startswith("/static")
    ]
    urls += ["/no-such-page", "/static/style.css"]
    assert len(urls) > 5
    for url in urls:
        response = browser.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp, url
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (url, name)
        response.close()


def test_session_cookie_is_httponly_and_samesite_lax(browser, login_as):
    login_as()
    cookie = browser.client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_pages_carry_no_inline_script_or_style_and_no_foreign_asset(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert "http://" not in html and "https://" not in html


def test_healthz_reveals_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


def test_times_are_shown_in_the_configured_zone_and_the_users_language(app):
    from datetime import UTC, datetime

    from flask_babel import refresh

    noon_utc = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    render = app.jinja_env.filters["datetime"]
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert render(noon_utc).replace("\u202f", " ") == "Jan 1, 2026, 3:00 PM"  # UTC+3
    with app.test_request_context("/"):
        refresh()  # the test's app context cached the English locale
        assert "3:00 م" in render(noon_utc) and "3:00:00" not in render(noon_utc)  # no seconds


def test_a_nul_byte_anywhere_in_the_input_is_refused_at_the_door(client):
    """PostgreSQL text cannot hold NUL: a 400 on every backend, whatever the field."""
    assert client.get("/?q=a%00b").status_code == 400
    assert client.get("/?q=ok&q=a%00b").status_code == 400  # the second value too
    assert client.get("/?a%00=x").status_code == 400  # and the name
    assert client.get("/?q=ok").status_code == 200


def test_an_id_beyond_what_the_database_stores_is_a_404(client):
    assert client.get(f"/polls/{2**31}").status_code == 404


def test_static_files_are_cached_for_a_year_under_their_content_hash(client):
    """A weak connection pays for style.css once per release, not a round trip per page."""
    import re

    page = client.get("/").get_data(as_text=True)
    url = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', page).group(1)
    with client.get(url) as versioned:
        assert versioned.status_code == 200
        assert versioned.cache_control.max_age == 365 * 24 * 3600
        assert versioned.cache_control.immutable and versioned.cache_control.public
    for stale in ("/static/style.css", "/static/style.css?v=000000000000"):
        with client.get(stale) as response:  # an old page's link: revalidated, never pinned
            assert response.status_code == 200 and response.cache_control.no_cache
            assert not response.cache_control.max_age
    assert client.get("/static/..%2Fwsgi.py?v=x").status_code == 404
