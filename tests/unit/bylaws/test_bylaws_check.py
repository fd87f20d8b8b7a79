"""`congress bylaws check` as a pure function: output, language, JSON and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bylaws_helpers import EXAMPLE_TEXT, MALFORMED, edit

from congress.core.bylaws import check, example_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = check.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_valid_file_prints_a_summary() -> None:
    code, out, err = run(str(example_path()), "--lang", "en")
    assert (code, err) == (0, "")
    assert out.startswith(f"The bylaws are valid: {example_path()}\n")
    assert "Central Council: 40 seats, elected by the General Conference by block vote" in out
    assert "(Article 12.2)" in out and "articles: 39" in out


def test_arabic_is_the_default_language() -> None:
    code, out, _ = run(str(example_path()))
    assert code == 0
    assert "النظام الداخلي سليم" in out and "المجلس المركزي" in out and "(المادة 12.2)" in out


def test_invalid_file_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bylaws.toml"
    text = edit(EXAMPLE_TEXT, ("seats = 40", "seats = -40"), ("required = 3", "required = 6"))
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(str(path), "--lang=en")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"2 problem(s) in {path}:"
    assert lines[1].startswith(f"{path}:90: bodies.central_council.seats: value out of range")
    assert lines[1].endswith("[out_of_range]")
    assert lines[2].startswith(f"{path}:266: certification.signatures.required: 6 signatures")


def test_json_output_in_the_chosen_language() -> None:
    code, out, _ = run(str(MALFORMED / "many_errors.toml"), "--json", "--lang", "ar")
    assert code == 1
    rows = json.loads(out)
    assert len(rows) == 17
    assert set(rows[0]) == {"path", "message", "line", "code"}
    assert rows[0]["path"] == "bylaws.version" and rows[0]["line"] == 1
    assert rows[0]["message"].startswith("المفتاح الإلزامي «version» غير موجود")
    assert rows[-1] == {
        "path": "certification",
        "message": "المفتاح الإلزامي «certification» غير موجود؛ المتوقَّع: جدول",
        "line": None,
        "code": "missing_key",
    }


def test_json_for_a_valid_file_is_an_empty_list() -> None:
    code, out, _ = run("--json", str(example_path()))
    assert (code, json.loads(out)) == (0, [])


def test_syntax_error_line() -> None:
    code, out, _ = run(str(MALFORMED / "syntax.toml"), "--lang", "en")
    assert code == 1
    assert f"{MALFORMED / 'syntax.toml'}:7: <document>: TOML syntax error" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    for argv in ([], ["a", "b"], ["x.toml", "--lang", "fr"], ["x.toml", "--lang"], ["-v", "x"]):
        code, out, err = run(*argv)
        assert (code, out) == (2, ""), argv
        assert "usage: congress bylaws check FILE" in err
    code, _, err = run(str(tmp_path / "missing.toml"), "--lang", "en")
    assert code == 2 and err.startswith("cannot read")
