"""RSS 2.0 and Atom feeds (``.rss``, ``.atom``; ``.xml`` when named): each item an article.

An item's text is its full text when the feed carries it (``content:encoded``,
Atom's ``content``), otherwise its summary (``description``, ``summary``); its id
is its link (the article's URL), else its ``guid``/``id``. The outlet is the feed's
title, the language the item's or the feed's. feedparser reads the feed and its
encoding (the XML declaration's, windows-1256 included).

A feed that cannot be read is a Problem; so is an item with no text or no link
and no id, named by its position (``item 3``); the other items are still read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import BadInput, MissingLibrary
from ..languages import LANGUAGES
from .html import fragment_text
from .model import Document, Problem, make_document, parse_published

# a folder's feeds; a file named on its own is read as a feed with these and .xml
SUFFIXES = (".rss", ".atom")
NAMED_SUFFIXES = SUFFIXES + (".xml",)


def _feedparser():
    try:
        import feedparser
    except ImportError as e:
        raise MissingLibrary(
            f"reading feeds needs feedparser ({e.name} is missing): "
            "pip install 'feedparser >= 6.0.13, < 7'"
        ) from None
    return feedparser


def _lang(*values) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            code = value.strip().replace("_", "-").split("-")[0].lower()
            if code in LANGUAGES:
                return code
    return None


def _text(detail) -> str:
    """Text from a feedparser text construct (its ``value`` and ``type``)."""
    if not detail:
        return ""
    value = detail.get("value", "") if isinstance(detail, dict) else str(detail)
    kind = detail.get("type", "text/html") if isinstance(detail, dict) else "text/html"
    return fragment_text(value) if "html" in kind else value.strip()


def parse_feed(
    data: bytes, *, path: str, headers: dict[str, str] | None = None
) -> tuple[list, dict]:
    """The feed's entries and its own fields; BadInput when it is not a feed.

    ``headers``: the HTTP response's (``content-type`` for its charset,
    ``content-location`` for relative links) when the feed was fetched."""
    # a stream, never bytes or a str: feedparser fetches a str that looks like a URL
    # and opens bytes that name a file (a fetched body of "/etc/passwd")
    parsed = _feedparser().parse(io.BytesIO(data), response_headers=headers or {})
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        raise BadInput(f"not an RSS or Atom feed{f' ({why})' if why else ''}")
    return parsed.entries, parsed.get("feed", {})


def has_full_text(entry) -> bool:
    """Whether an item carries its article's text (``content:encoded``, Atom's ``content``)."""
    return any(c.get("value", "").strip() for c in entry.get("content", []))


def entry_link(entry) -> str | None:
    """The item's web link (http or https), if it has one."""
    link = (entry.get("link") or "").strip()
    return link if link and urlsplit(link).scheme in ("http", "https") else None


def entry_document(entry, feed: dict, *, path: str, position: int, warnings: list[str]) -> Document:
    """One item as a Document; BadInput (with its position) when it has no text or id."""
    name = f"item {position}"
    full = [c for c in entry.get("content", []) if c.get("value", "").strip()]
    text = _text(full[0]) if full else ""
    if not text:
        text = _text(entry.get("summary_detail")) or fragment_text(entry.get("summary", ""))
    title = _text(entry.get("title_detail")) or (entry.get("title") or "").strip()
    link = (entry.get("link") or "").strip() or None
    guid = (entry.get("id") or "").strip()
    if link and urlsplit(link).scheme not in ("http", "https"):
        link = None  # feedparser takes a guid for a link unless told it is none
    doc_id = link or guid
    if not text.strip():
        raise BadInput(f"{name}: no text (no content, description or summary)")
    if not doc_id:
        raise BadInput(f"{name}: no link and no guid or id to name it by")
    published = None
    for key in ("published", "updated", "created"):
        value = dict.get(entry, key)  # not feedparser's updated-for-published stand-in
        if not value:
            continue
        try:
            published = parse_published(value)
        except BadInput as e:
            warnings.append(f"{name}: {e}: left out")
            continue
        break
    author = entry.get("author") or None
    if not author and entry.get("authors"):
        author = ", ".join(a.get("name", "") for a in entry["authors"] if a.get("name")) or None
    return make_document(
        doc_id,
        text,
        title=title or None,
        lang=_lang(entry.get("language"), entry.get("content", [{}])[0].get("language"))
        or _lang(feed.get("language")),
        url=link,
        path=path,
        source=(feed.get("title") or "").strip() or None,
        author=author,
        published=published,
    )


def read_feed_file(path: Path) -> Iterator[Document | Problem]:
    """Every item of a feed; a bad item is a Problem, the others still read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    try:
        entries, feed = parse_feed(data, path=str(path))
    except BadInput as e:
        yield Problem(str(path), str(e))
        return
    if not entries:
        yield Problem(str(path), "a feed without items")
        return
    for position, entry in enumerate(entries, 1):
        warnings: list[str] = []
        try:
            doc = entry_document(entry, feed, path=str(path), position=position, warnings=warnings)
        except BadInput as e:
            yield Problem(str(path), str(e))
            continue
        for warning in warnings:
            yield Problem(str(path), warning, skipped=False)
        yield doc
