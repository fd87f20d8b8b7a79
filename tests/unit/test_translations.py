"""Arabic first: every user-facing string in the code and templates has an Arabic translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),  # the feminine of a sentence that names a woman (issue 15)
}
METHODS = [("congress/**.py", "python"), ("templates/**.html", "jinja2")]


def extracted() -> set[tuple[str | None, str]]:
    ids = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        ids.add((context, message if isinstance(message, str) else message[0]))
    return ids


def arabic_catalog():
    with open(ROOT / "congress/translations/ar/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh, locale="ar")


def test_every_string_in_code_and_templates_is_translated_to_arabic():
    catalog = arabic_catalog()
    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and (all(m.string) if isinstance(m.string, tuple) else m.string)
        and "fuzzy" not in m.flags
    }
    missing = sorted(extracted() - translated, key=lambda m: (m[1], m[0] or ""))
    assert missing == [], "run `make extract` and translate:\n" + "\n".join(
        f"{message} (context {context})" if context else message for context, message in missing
    )


def test_placeholders_survive_translation():
    for message in arabic_catalog():
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        for token in ("%(", "%s", "%d"):
            assert message.id.count(token) == message.string.count(token), message.id
