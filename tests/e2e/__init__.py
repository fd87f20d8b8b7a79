"""Browser tests: Playwright driving Debian's Chromium against a real gunicorn (a package,
so that its conftest does not shadow tests/conftest.py for `from conftest import ...`)."""
