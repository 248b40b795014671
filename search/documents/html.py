"""Saved article pages (``.html``, ``.htm``, ``.xhtml``): the article's text, its metadata.

The text is what trafilatura finds to be the article, without navigation, ads,
comments and related links. The title, publication time, author, outlet and
canonical URL come from the page's metadata where it has them, best first:
JSON-LD (``NewsArticle`` and its kin), Open Graph and ``article:`` properties,
other ``<meta>`` names, ``<link rel=canonical>``; trafilatura's own findings
after that. The canonical URL is the id.

Bytes are decoded as the page says: a byte-order mark, then the charset the
server sent (WARC records, fetched pages), then one declared in a ``<meta>``
within the first 4 KB (Arabic and Persian sites still serve windows-1256);
UTF-8 when nothing is declared.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..errors import BadInput, MissingLibrary
from ..languages import LANGUAGES
from .model import (
    Document,
    Problem,
    clean,
    make_document,
    parse_published,
    valid_date,
)

SUFFIXES = (".html", ".htm", ".xhtml")

# what the prescan reads for a <meta> charset (the HTML standard reads 1024 bytes;
# pages with long <head>s put it later)
_PRESCAN = 4096
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# labels the HTML standard maps to another encoding than Python's of the same name
_LABELS = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "ascii": "windows-1252",
    "us-ascii": "windows-1252",
    "iso-8859-9": "windows-1254",
    "tis-620": "windows-874",
    "x-user-defined": "windows-1252",
    # a <meta> that says UTF-16 is wrong by construction: it could not be read
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
# Joiners that Persian and Hindi spell with (می‌شود, क्‍ष): trafilatura drops
# every unprintable character, so they travel through it as two symbols that
# no news page holds (alchemical symbols) and come back after.
_JOINERS = {"\u200c": "\U0001f700", "\u200d": "\U0001f701"}
_JOINER_REFS = re.compile(r"&(?:(zwn?j);|#(8204|8205);|#x(200[cd]);)", re.I)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NEWS_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
}


def decode_html(data: bytes, charset: str | None = None) -> str:
    """The page's text: its BOM, else ``charset`` (the server's), else its ``<meta>``
    charset, else UTF-8. BadInput for an unknown charset or bytes it cannot read."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode(data[len(bom) :], codec, "its byte-order mark")
    if charset:
        return _decode(data, _codec(charset), f"charset {charset} (the server's)")
    match = _META_CHARSET.search(data[:_PRESCAN])
    if match:
        label = match.group(1).decode("ascii")
        return _decode(data, _codec(label), f"charset {label} (its <meta>)")
    if b"\x00" in data[:_PRESCAN]:
        raise BadInput("binary file (NUL bytes, no charset)")
    return _decode(data, "utf-8", "no charset declared, so UTF-8")


def _codec(label: str) -> str:
    name = label.strip().lower()
    name = _LABELS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise BadInput(f"unknown charset {label!r}") from None


def _decode(data: bytes, codec: str, why: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise BadInput(f"not valid {codec} (byte {e.start}; {why})") from None


def _trafilatura():
    try:
        import trafilatura
    except ImportError as e:
        raise MissingLibrary(
            f"reading HTML needs trafilatura ({e.name} is missing): "
            "pip install 'trafilatura >= 2.3, < 3'"
        ) from None
    return trafilatura


# trafilatura falls back to a cruder reading (every line of the page's main block
# joined, bylines included) when its own finds under 250 characters: a news brief
# of two sentences is that short
_MIN_ARTICLE_CHARS = "20"


@functools.cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = _MIN_ARTICLE_CHARS
    # and below this, no article: a page of links whose only text is "Home"
    config["DEFAULT"]["MIN_OUTPUT_SIZE"] = _MIN_ARTICLE_CHARS
    return config


def _tree(html: str):
    from lxml import etree
    from lxml import html as lxml_html

    # lxml refuses a str that declares its encoding (<?xml ... encoding=...?>)
    html = re.sub(r"\A\s*<\?xml[^>]*>", "", html)
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _json_ld(tree) -> dict:
    """The page's JSON-LD object of a news article type, merged with its publisher."""
    best: dict = {}
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(x for x in item.get("@graph", []) if isinstance(x, dict))
            kinds = item.get("@type", [])
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if any(isinstance(k, str) and k.lower() in _NEWS_TYPES for k in kinds):
                if not best or "newsarticle" in {str(k).lower() for k in kinds}:
                    best = item
    return best


def _name(value) -> str | None:
    """A name from JSON-LD: a string, an object with ``name``, or a list of either."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _metas(tree) -> dict[str, str]:
    """``<meta>`` contents by lowercased ``property`` or ``name`` (the first of each)."""
    out: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content", "").strip()
        if key and content and key not in out:
            out[key] = content
    return out


def _first(*values) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def page_metadata(html: str, url: str | None = None) -> dict:
    """What the page's metadata says: title, published (a string), author, source,
    canonical url, language; a key for each, None where the page is silent."""
    tree = _tree(html)
    if tree is None:
        return dict.fromkeys(("title", "published", "author", "source", "url", "lang"))
    ld, meta = _json_ld(tree), _metas(tree)
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    main = ld.get("mainEntityOfPage")
    main = main.get("@id") if isinstance(main, dict) else main
    page_url = _first(canonical[0] if canonical else None, meta.get("og:url"), ld.get("url"), main)
    if page_url:
        page_url = urljoin(url or "", page_url)
        if urlsplit(page_url).scheme not in ("http", "https"):
            page_url = None
    author = _name(ld.get("author")) or _first(meta.get("author"), meta.get("dc.creator"))
    if not author:
        written = meta.get("article:author", "")
        author = None if written.startswith(("http://", "https://")) else _first(written)
    lang = _first(
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None,
        meta.get("og:locale"),
        meta.get("content-language"),
    )
    lang = lang.replace("_", "-").split("-")[0].lower() if lang else None
    return {
        "title": _first(ld.get("headline"), meta.get("og:title"), meta.get("twitter:title")),
        "published": _first(
            ld.get("datePublished"),
            meta.get("article:published_time"),
            meta.get("og:published_time"),
            meta.get("datepublished"),
            meta.get("pubdate"),
            meta.get("publishdate"),
            meta.get("parsely-pub-date"),
            meta.get("sailthru.date"),
            meta.get("dc.date.issued"),
            meta.get("dcterms.date"),
            meta.get("dc.date"),
            meta.get("date"),
        ),
        "author": author,
        "source": _name(ld.get("publisher")) or _first(meta.get("og:site_name")),
        "url": page_url,
        "lang": lang if lang in LANGUAGES else None,
    }


_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "section",
    "article",
    "figcaption",
    "pre",
    "dd",
    "dt",
)


def fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed item's content), a line a block, no markup."""
    from lxml import etree
    from lxml import html as lxml_html

    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for junk in root.xpath("//script | //style | //noscript"):
        junk.drop_tree()
    for block in root.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
        if block.tag != "br":
            block.text = "\n" + (block.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _hide_joiners(html: str) -> str:
    def ref(match: re.Match) -> str:
        name, decimal, hexa = match.groups()
        if name:
            return _JOINERS["\u200c" if name.lower() == "zwnj" else "\u200d"]
        code = int(decimal) if decimal else int(hexa, 16)
        return _JOINERS[chr(code)]

    html = _JOINER_REFS.sub(ref, html)
    for joiner, stand_in in _JOINERS.items():
        html = html.replace(joiner, stand_in)
    return html


def _show_joiners(text: str) -> str:
    for joiner, stand_in in _JOINERS.items():
        text = text.replace(stand_in, joiner)
    return text


def extract_text(html: str, url: str | None = None):
    """trafilatura's reading of the page (its ``Document``), joiners kept; None for none."""
    if any(stand_in in html for stand_in in _JOINERS.values()):
        hidden = html  # the page has the stand-ins themselves: its joiners are lost
    else:
        hidden = _hide_joiners(html)
    found = _trafilatura().bare_extraction(
        hidden,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        config=_config(),
    )
    if found is None:
        return None
    for name in ("text", "title", "author", "sitename"):
        value = getattr(found, name, None)
        if isinstance(value, str):
            setattr(found, name, _show_joiners(value))
    return found


def _whole_name(name: str | None, html: str) -> str | None:
    """trafilatura's byline, when the page holds it as whole words: it cuts some
    names short (a Devanagari name loses its last vowel sign: राहुल शर्मा → राहुल शर्म)."""
    name = _first(name)
    if not name:
        return None
    for part in name.split(", "):
        at = html.find(part)
        while at != -1:
            after = html[at + len(part) : at + len(part) + 1]
            if not after or unicodedata.category(after)[0] not in "LM":
                break
            at = html.find(part, at + 1)
        if at == -1:
            return None
    return name


def page_document(
    html: str,
    *,
    path: str,
    url: str | None = None,
    fallback_id: str | None = None,
    warnings: list[str] | None = None,
) -> Document:
    """One article from a page's text. ``url``: where the page was found (a WARC
    record's, a fetched page's); the id is the canonical URL, else ``url``, else
    ``fallback_id``. Metadata that cannot be read is left out, with a line in
    ``warnings``. BadInput when the page holds no article text."""
    html = clean(html)
    found = extract_text(html, url)
    text = (found.text or "").strip() if found is not None else ""
    if not text:
        raise BadInput("no article text found in the page")
    meta = page_metadata(html, url)
    title = meta["title"] or _first(found.title)
    # trafilatura's text usually starts with the headline: the title holds it
    first, _, rest = text.partition("\n")
    if title and rest.strip() and " ".join(first.split()) == title:
        text = rest.strip()
    published: datetime | None = None
    date = None
    for candidate in (meta["published"], found.date):
        if not candidate:
            continue
        candidate = candidate.strip()
        try:
            if _DAY.fullmatch(candidate):  # a day without its time
                date = valid_date(candidate)
            else:
                published = parse_published(candidate)
        except BadInput as e:
            if warnings is not None:
                warnings.append(f"{e}: left out")
            continue
        break
    doc_url = meta["url"] or url or _first(found.url)
    doc_id = doc_url or fallback_id
    if not doc_id:
        raise BadInput("the page has no canonical URL and no name to make an id of")
    return make_document(
        doc_id,
        text,
        title=title,
        lang=meta["lang"],
        date=date,
        url=doc_url,
        path=path,
        source=meta["source"] or None,
        author=meta["author"] or _whole_name(found.author, html),
        published=published,
    )


def read_html_file(path: Path) -> Iterator[Document | Problem]:
    """One article a page; a page without one is a Problem."""
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    warnings: list[str] = []
    try:
        doc = page_document(
            decode_html(data), path=str(path), fallback_id=path.stem, warnings=warnings
        )
    except BadInput as e:
        yield Problem(str(path), str(e))
        return
    for warning in warnings:
        yield Problem(str(path), warning, skipped=False)
    yield doc
