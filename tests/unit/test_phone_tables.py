"""On a 360 px phone a wide table scrolls inside its own box, and says so; a result's
fingerprints fold away (issue 15, "Arabic and phones")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_every_table_scrolls_in_its_own_box_reachable_by_keyboard():
    bare = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for table in re.finditer(r"<table\b", text):
            opener = text.rfind("<div", 0, table.start())
            box = text[opener : table.start()]
            if opener < 0 or 'class="scroll"' not in box or 'tabindex="0"' not in box:
                bare.append(f"{path.relative_to(ROOT)}: {text[table.start() : table.start() + 40]}")
    assert not bare, "tables outside a scrolling box:\n" + "\n".join(bare)


def test_a_scrolling_box_shows_a_shadow_where_more_is_hidden():
    css = (ROOT / "congress/static/style.css").read_text(encoding="utf-8")
    rule = re.search(r"\.scroll \{(.*?)\}", css, re.S).group(1)
    assert "overflow-x: auto" in rule
    # the covers move with the content (local), the shadows stay at the box's edges (scroll)
    assert rule.count("no-repeat local") == 2 and rule.count("no-repeat scroll") == 2


def test_a_results_fingerprints_are_behind_a_details_toggle():
    body = (ROOT / "templates/results/_body.html").read_text(encoding="utf-8")
    fold = body[
        body.index('<details class="hashes">') : body.index(
            "</details>", body.index('<details class="hashes">')
        )
    ]
    for fingerprint in ("chain_head_at_close", "view.sha256", "export_sha256"):
        assert fingerprint in fold


def test_a_facts_list_puts_each_value_under_its_label_on_a_phone():
    """The board's facts (a long label beside a Belenios id and a hash) left the value one
    letter a line and the page 386 px wide: on a phone each value goes under its label."""
    css = (ROOT / "congress/static/style.css").read_text(encoding="utf-8")
    rule = re.search(r"dl\.facts \{ display: grid; grid-template-columns: ([^;]*);", css)
    assert rule and "max-content" not in rule.group(1)  # a label never takes the whole line
    phone = re.search(
        r"@media \(max-width: 32rem\) \{ dl\.facts \{ grid-template-columns: ([^;]*);", css
    )
    assert phone and phone.group(1) == "minmax(0, 1fr)"


def test_the_audit_log_is_a_list_of_cards_on_a_phone():
    """Seven columns do not fit 360 px: below 40rem each entry is a card and each value is
    preceded by its column's name (from the cell's data-label)."""
    css = (ROOT / "congress/static/style.css").read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 40rem)") :]
    assert "table.audit thead { display: none; }" in phone
    assert 'content: attr(data-label) ": "' in phone
    entries = (ROOT / "templates/audit/entries.html").read_text(encoding="utf-8")
    row = entries[entries.index("{% for e in entries %}") : entries.index("{% else %}")]
    assert row.count("<td") == row.count("<td data-label=") == 7
