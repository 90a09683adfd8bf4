"""Translations: the reader's language of a page, from gettext catalogs managed with Babel.

Every string a reader sees is written in English in the code, the templates and the notebooks' Markdown,
marked for translation (``_("Targets")`` in Python, ``{{ _("Targets") }}`` in a template, each paragraph
of a Markdown cell), and looked up in ``locale/<language>/LC_MESSAGES/messages.po``. ``make translations``
extracts the strings (``pybabel extract`` with ``locale/babel.cfg``, notebooks by ``extract_notebook``
below) and updates the catalogs (``pybabel update``); the catalog is read as it is, so a translation
edited in the ``.po`` file shows at the next build. ``tests/test_i18n.py`` fails when a string has no
translation or a translation loses a placeholder.

The language is the current one of this context (``activate``, ``use``): a briefing sets it once for
its notebook, so the sections, charts and tables it renders all speak it. Placeholders are named,
``{n}`` in Python (``str.format``) and ``%(n)s`` in templates (Jinja's new-style gettext).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
"""The document languages a briefing is built in."""
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
"""The ``lang`` attribute of a page in each language (``zh-Hans``, or fontconfig picks the Japanese face)."""
LOCALE = Path(__file__).parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("language", default="en")


class LanguageError(ValueError):
    """A document language outside ``LANGUAGES``."""


def checked(language: str) -> str:
    """``language`` if it is a document language; a ``LanguageError`` naming the choices otherwise."""
    if language not in LANGUAGES:
        raise LanguageError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def stem(name: str, language: str) -> str:
    """A page's file name, without its extension, in ``language``: ``name`` in English, ``name.zh`` in
    Chinese (a briefing's ``<id>.zh.html``, the front page's ``index.zh.html``)."""
    return name if language == "en" else f"{name}.{language}"


def activate(language: str) -> None:
    """Make ``language`` the current one (a briefing does this once for its notebook)."""
    _current.set(checked(language))


def current() -> str:
    return _current.get()


@contextlib.contextmanager
def use(language: str) -> Iterator[None]:
    """The current language is ``language`` inside the block."""
    token = _current.set(checked(language))
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(language: str) -> dict[str, Any]:
    """msgid to msgstr (a tuple of forms for a plural entry) for ``language``; fuzzy and empty ones left out."""
    from babel.messages.pofile import read_po

    path = catalog_path(language)
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh)
    out: dict[str, Any] = {}
    for m in cat:
        if not m.id or m.fuzzy:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        if isinstance(m.string, tuple):
            if all(m.string):
                out[key] = m.string
        elif m.string:
            out[key] = m.string
    return out


def gettext(message: str) -> str:
    """``message`` in the current language (itself where it has no translation)."""
    language = _current.get()
    if language == "en":
        return message
    found = catalog(language).get(message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the current language (Chinese has one form)."""
    language = _current.get()
    if language != "en":
        found = catalog(language).get(singular)  # a plural entry, or a singular one marked N_ for both
        if isinstance(found, tuple):
            return found[0]
        if isinstance(found, str):
            return found
    return singular if n == 1 else plural


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction where it is translated later (a table of labels)."""
    return message


class Words(Mapping[str, str]):
    """A table of labels (a status to its word), each looked up in the current language when read."""

    def __init__(self, words: dict[str, str]) -> None:
        self._words = words

    def __getitem__(self, key: str) -> str:
        return gettext(self._words[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def zh() -> bool:
    """Whether the current language is Chinese."""
    return _current.get() == "zh"


def install(env: Any) -> Any:
    """Jinja's i18n extension on ``env``, bound to the current language (new-style: ``%(name)s``)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    return env


# -- the notebooks' Markdown ------------------------------------------------------------------------------

_BLANK = re.compile(r"\n\s*\n")


def paragraphs(markdown: str) -> list[str]:
    """A Markdown cell's paragraphs (headings, lists and text blocks), each one message."""
    return [p.strip() for p in _BLANK.split(markdown) if p.strip()]


def translate_markdown(markdown: str) -> str:
    """A Markdown cell in the current language, paragraph by paragraph (a paragraph without a translation
    stays as written)."""
    if _current.get() == "en":
        return markdown
    return "\n\n".join(gettext(p) for p in paragraphs(markdown))


def extract_notebook(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for ``.ipynb``: every paragraph of every Markdown cell (``locale/babel.cfg``)."""
    import json

    nb = json.loads(fileobj.read().decode("utf-8"))
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for p in paragraphs(source):
            yield number, "", p, [f"Markdown cell {number}"]


# -- checking a catalog -----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def placeholders(text: str) -> list[str]:
    """The named placeholders of a message, sorted: ``{n}`` (Python) and ``%(n)s`` (templates)."""
    return sorted(_PLACEHOLDER.findall(text))


def problems(path: Path) -> list[str]:
    """What is wrong with a catalog, one line each (``file:line: message``): a string with no translation,
    a fuzzy one (a guess of ``pybabel update``, not yet reviewed), a translation whose placeholders are not
    the original's."""
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        cat = read_po(fh)
    out = []
    for m in cat:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        where = f"{path}:{m.lineno}"
        if m.fuzzy:
            out.append(f"{where}: fuzzy (review it, then remove the 'fuzzy' flag): {ids[0]!r}")
        elif not all(strings):
            out.append(f"{where}: no translation: {ids[0]!r}")
        else:
            for s in strings:
                if placeholders(s) != placeholders(ids[-1]) and placeholders(s) != placeholders(ids[0]):
                    out.append(f"{where}: placeholders {placeholders(ids[0])} in the original, "
                               f"{placeholders(s)} in the translation: {ids[0]!r}")
    return out


if __name__ == "__main__":  # make translations: what is left to translate
    import sys

    catalog_file = Path(sys.argv[1]) if len(sys.argv) > 1 else catalog_path("zh")
    found = problems(catalog_file)
    for line in found:
        print(line)
    print(f"{catalog_file}: {len(found)} string(s) to translate or fix" if found else f"{catalog_file}: complete")
    sys.exit(1 if found else 0)
