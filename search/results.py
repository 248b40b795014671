"""What a search gives back: hits, a page of results, a stored document.

Both indexes (one on disk, :class:`search.SearchIndex`; shards on a cluster,
:class:`search.cluster.ShardedIndex`) answer with these, and both meet the
:class:`Searchable` protocol that the CLI and the web front end use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from .documents.model import from_stored


@dataclass(frozen=True)
class Matched:
    """A word of the document that a query word matched in another script.

    ``how``: ``"cross-script"`` (the words sound alike, by ``similarity``) or
    ``"name"`` (CLDR names them as one, ``similarity`` None). Matches of the
    query word itself, exact or stemmed, are not listed.
    """

    query: str
    word: str
    how: str
    similarity: float | None = None

    def to_dict(self) -> dict:
        alike = None if self.similarity is None else round(self.similarity, 2)
        return {"query": self.query, "word": self.word, "how": self.how, "similarity": alike}


@dataclass
class Hit:
    id: str
    title: str
    lang: str
    date: str | None
    score: float
    snippet: str
    url: str | None = None
    path: str | None = None
    # the outlet, the author(s), and when it was published (aware, in the offset it
    # was given in); None when the document does not say
    source: str | None = None
    author: str | None = None
    published: datetime | None = None
    # the title as HTML with the query's matches marked (not in the JSON shape)
    title_html: str = ""
    # the document's words matched across scripts or as names, title first
    matched: list[Matched] = field(default_factory=list)
    # title and snippet in Latin letters, when asked for (search.highlight.with_latin);
    # the title also as HTML with its matches marked (not in the JSON shape)
    title_latin: str | None = None
    snippet_latin: str | None = None
    title_latin_html: str = ""

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "title": self.title,
            "lang": self.lang,
            "date": self.date,
            "source": self.source,
            "author": self.author,
            "published": iso(self.published),
            "score": round(self.score, 6),
            "snippet": self.snippet,
            "matched": [m.to_dict() for m in self.matched],
        }
        if self.title_latin is not None:
            out["title_latin"] = self.title_latin
            out["snippet_latin"] = self.snippet_latin
        return out


@dataclass
class SearchResult:
    query: str
    total: int
    took_ms: float
    suggestion: str | None
    results: list[Hit]
    page: int = 1
    limit: int = 10
    lang: str | None = None
    facets: dict[str, int] = field(default_factory=dict)
    # shards of a sharded index that did not answer in time (their matches are missing)
    missing_shards: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def partial(self) -> bool:
        return bool(self.missing_shards)

    def to_dict(self) -> dict:
        out = {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 3),
            "suggestion": self.suggestion,
            "results": [hit.to_dict() for hit in self.results],
        }
        if self.missing_shards:
            out["partial"] = True
            out["missing_shards"] = list(self.missing_shards)
        return out


@dataclass
class StoredDocument:
    id: str
    title: str
    text: str
    lang: str
    date: str | None
    url: str | None
    path: str | None
    source: str | None = None
    author: str | None = None
    published: datetime | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "lang": self.lang,
            "date": self.date,
            "url": self.url,
            "source": self.source,
            "author": self.author,
            "published": iso(self.published),
        }


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset it was published in: ``2025-11-07T01:30:00+03:30``."""
    return moment.isoformat() if moment else None


def published_of(fields: dict) -> datetime | None:
    """The publication time the stored fields hold (UTC and its offset), or None."""
    try:
        return from_stored(fields.get("published") or None, fields.get("published_offset"))
    except ValueError:  # not written by this version's indexer
        return None


def stored_document(fields: dict) -> StoredDocument:
    """A document as its stored fields hold it."""
    return StoredDocument(
        id=fields["id"],
        title=fields.get("title", ""),
        text=fields.get("body", ""),
        lang=fields.get("lang", ""),
        date=fields.get("date") or None,
        url=fields.get("url"),
        path=fields.get("path"),
        source=fields.get("source") or None,
        author=fields.get("author") or None,
        published=published_of(fields),
    )


@runtime_checkable
class Searchable(Protocol):
    """What the CLI and the web front end ask of an index, one or sharded."""

    @property
    def path(self): ...

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        page: int = 1,
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        snippets: bool = True,
        time_budget: float | None = None,
    ) -> SearchResult: ...

    def document(self, doc_id: str) -> StoredDocument | None: ...

    def marked(self, doc: StoredDocument, text: str | None) -> dict[str, str]: ...

    def stats(self) -> dict: ...

    def suggest(self, prefix: str, limit: int = 8) -> list[str]: ...

    def suggestions(self, prefix: str, limit: int = 8) -> list: ...

    def close(self) -> None: ...
