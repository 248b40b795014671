"""How things read on the page: language names and directions, dates, marked HTML."""

from __future__ import annotations

import re
from datetime import date as Date
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from search import LANG_CODES, LANGUAGES

# the order of the language filter
LANGUAGE_ORDER = LANG_CODES


def text_dir(lang: str | None) -> str:
    """``rtl`` for Arabic and Persian, ``ltr`` for Hindi and English, else ``auto``."""
    known = LANGUAGES.get(lang or "")
    return known.dir if known else "auto"


def lang_attr(lang: str | None) -> str:
    """The ``lang`` attribute for text of ``lang``: empty (unknown) when not ours."""
    return lang if lang in LANGUAGES else ""


def lang_name(lang: str | None) -> str:
    known = LANGUAGES.get(lang or "")
    return known.name if known else (lang or "Unknown")


def date_label(value: str | None) -> str:
    """``2025-11-07`` → ``7 Nov 2025``; anything else as it is."""
    if not value:
        return ""
    try:
        day = Date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%b %Y}"


_MARK_TAG = re.compile(r"</?mark>")


def marked(html: str | None) -> Markup:
    """HTML from the search package in which ``<mark>`` may be the only markup.

    The search package escapes everything else; should anything else ever come
    through, the whole text is escaped instead of trusted.
    """
    html = html or ""
    if "<" in _MARK_TAG.sub("", html) or ">" in _MARK_TAG.sub("", html):
        return escape(html)
    return Markup(html)


def paragraphs(html: str) -> list[Markup]:
    """Marked article text cut into paragraphs at line ends (marks never span lines)."""
    return [marked(p.strip()) for p in html.split("\n") if p.strip()]


def safe_url(url: str | None) -> str | None:
    """A document's source URL when it is http(s); other schemes are not linked."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def count_label(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def sentence(message: str) -> str:
    """A message from the search package as a sentence: capital first, full stop last."""
    message = message.strip()
    if not message:
        return message
    message = message[:1].upper() + message[1:]
    return message if message[-1] in ".?!…" else message + "."
