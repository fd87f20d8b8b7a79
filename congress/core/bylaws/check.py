"""`congress bylaws check FILE [--lang ar|en] [--json]` as a pure function.

Takes its arguments and output streams as parameters (no sys, no click), so the
CLI wiring stays thin and the behaviour is tested without a subprocess.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from congress.core.bylaws.model import Bylaws
from congress.core.bylaws.reader import BylawsError, BylawsInvalid
from congress.core.bylaws.validate import load_bylaws_file
from congress.core.rules import Text

USAGE = "usage: congress bylaws check FILE [--lang ar|en] [--json]"
LABELS = {
    "problems": Text("في الملف {file} مشكلات عددها {n}:", "{n} problem(s) in {file}:"),
    "unreadable": Text("تعذّرت قراءة الملف {file}: {error}", "cannot read {file}: {error}"),
    "ok": Text("النظام الداخلي سليم: {file}", "The bylaws are valid: {file}"),
    "version": Text("الإصدار {version} (sha256 {digest})", "version {version} (sha256 {digest})"),
    "articles": Text("عدد المواد: {n}", "articles: {n}"),
    "bodies": Text("الهيئات:", "Bodies:"),
    "rules": Text("القواعد:", "Rules:"),
    "article": Text("المادة {n}", "Article {n}"),
}


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Check a bylaws file: 0 if valid (with a summary), 1 if not, 2 on usage errors.

    `argv` holds the arguments after `check`, e.g. ["bylaws.toml", "--lang", "en"].
    """
    parsed = _parse(list(argv))
    if isinstance(parsed, str):
        print(parsed, file=stderr)
        print(USAGE, file=stderr)
        return 2
    path, lang, as_json = parsed
    try:
        bylaws = load_bylaws_file(path)
    except OSError as exc:
        print(
            LABELS["unreadable"].format(file=path, error=exc.strerror or exc).get(lang), file=stderr
        )
        return 2
    except BylawsInvalid as invalid:
        _problems(invalid.errors, path, lang, as_json, stdout)
        return 1
    if as_json:
        print("[]", file=stdout)
    else:
        _summary(bylaws, path, lang, stdout)
    return 0


def _parse(args: list[str]) -> tuple[str, str, bool] | str:
    """Minimal argument parsing that never exits the process (unlike argparse)."""
    files: list[str] = []
    lang, as_json = "ar", False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--json":
            as_json = True
        elif arg == "--lang" or arg.startswith("--lang="):
            if arg == "--lang":
                i += 1
                if i == len(args):
                    return "--lang needs a value: ar or en"
                value = args[i]
            else:
                value = arg.split("=", 1)[1]
            if value not in ("ar", "en"):
                return f"--lang must be ar or en, not {value!r}"
            lang = value
        elif arg.startswith("-") and arg != "-":
            return f"unknown option {arg!r}"
        else:
            files.append(arg)
        i += 1
    if len(files) != 1:
        return "exactly one FILE is needed"
    return files[0], lang, as_json


def _problems(
    errors: Sequence[BylawsError], path: str, lang: str, as_json: bool, out: TextIO
) -> None:
    if as_json:
        rows = [
            {"path": e.path, "message": e.message.get(lang), "line": e.line, "code": e.code}
            for e in errors
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        return
    print(LABELS["problems"].format(file=path, n=len(errors)).get(lang), file=out)
    for e in errors:
        where = f"{path}:{e.line}" if e.line is not None else path
        key = e.path or "<document>"
        print(f"{where}: {key}: {e.message.get(lang)} [{e.code}]", file=out)


def _summary(b: Bylaws, path: str, lang: str, out: TextIO) -> None:
    def cite(number: str) -> str:
        return LABELS["article"].format(n=number).get(lang)

    print(LABELS["ok"].format(file=path).get(lang), file=out)
    print(b.meta.title.get(lang), file=out)
    version = LABELS["version"].format(version=b.meta.version, digest=b.source_sha256[:12])
    print(version.get(lang), file=out)
    print(LABELS["articles"].format(n=len(b.articles())).get(lang), file=out)
    paths = {f"bodies.{key}" for key in b.bodies}
    print(LABELS["bodies"].get(lang), file=out)
    for article in b.articles():
        if article.path in paths:
            title, summary = article.title.get(lang), article.summary.get(lang)
            print(f"  - {title}: {summary} ({cite(article.number)})", file=out)
    print(LABELS["rules"].get(lang), file=out)
    for article in b.articles():
        if not article.path.startswith("bodies."):
            title, summary = article.title.get(lang), article.summary.get(lang)
            print(f"  - {title}: {summary} ({cite(article.number)})", file=out)
