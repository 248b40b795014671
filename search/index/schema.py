"""The index on disk: its fields, its format, and opening or creating it.

Every field that holds words is an :class:`AnalyzedText`: it takes its terms
from the one analysis of a document (:class:`search.analysis.LangText`), so
title, body, stems and cross-script keys come from one pass over the text.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.system import pack_uint

from ..analysis.crossscript import script_key
from ..analysis import (
    LangText,
    default_analysis,
    exact_analyzer,
    key_analyzer,
    stem_analyzer,
)
from ..errors import IndexError_
from ..whoosh_ext import install as install_whoosh_ext

# every searcher and writer of every index reads the mapped segment files in
# place, with Whoosh's matchers fixed (search/whoosh_ext/)
install_whoosh_ext()

# Bumped whenever analysis or schema change what is in an index: an index built
# by another version is rebuilt (default index) or reported (others).
INDEX_FORMAT = "4"
FORMAT_FILE = "FORMAT"


STREAMS = {"exact": 0, "stem": 1, "key": 2}


class AnalyzedText(TEXT):
    """A TEXT field that takes its terms from the document's one analysis.

    Given a :class:`LangText`, it reads the stream it indexes from the terms
    the text has computed once for all fields; the postings are the same as
    its analyzer would give (the test suite checks it). Given plain text, it
    is an ordinary TEXT field.
    """

    def __init__(self, stream: str, also: Callable[[str], str] | None = None, **kwargs):
        """``also``: a second term the field stores beside each of the stream's terms,
        at the same position ("" for none)."""
        super().__init__(**kwargs)
        self.stream = stream
        self.also = also

    def term_positions(self, value) -> dict[str, list[int]] | None:
        """Each term of the stream with its positions; None for plain text that the
        field's analyzer alone can index (Whoosh's own path)."""
        positions: defaultdict[str, list[int]] = defaultdict(list)
        if isinstance(value, LangText):
            column = STREAMS[self.stream]
            pairs = ((pos, terms[column]) for pos, terms in enumerate(value.terms(default_analysis())))
        elif self.also is not None:
            pairs = ((t.pos, t.text) for t in self.analyzer(value, positions=True, mode="index"))
        else:
            return None
        for pos, term in pairs:
            positions[term].append(pos)
            if self.also is not None and term:
                positions[self.also(term)].append(pos)
        positions.pop("", None)  # words a stream leaves out (stopwords)
        return positions

    def index(self, value, **kwargs):
        positions = self.term_positions(value)
        if positions is None:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        encode = self.value_encoder()
        for term, poses in positions.items():
            freq = len(poses)
            yield term.encode("utf-8"), freq, freq * boost, encode(poses)

    def value_encoder(self) -> Callable[[list[int]], bytes]:
        """The posting value of a term from its positions, as the field's format has it."""
        if type(self.format) is Positions:
            return _encode_positions
        if isinstance(self.format, Positions):
            return self.format.encode
        return _encode_frequency


@functools.lru_cache(maxsize=4096)
def _encode_single(pos: int) -> bytes:
    return Positions.encode(None, [pos])


def _encode_positions(poses: list[int]) -> bytes:
    # most terms occur once in a document: their value is cached by position
    if len(poses) == 1:
        return _encode_single(poses[0])
    return Positions.encode(None, poses)


def _encode_frequency(poses: list[int]) -> bytes:
    return pack_uint(len(poses))


def schema() -> Schema:
    exact = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        lang=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        hash=ID(stored=True),
        url=STORED,
        # the outlet (its name, or the url's host), for a source filter to come
        source=ID(stored=True),
        author=STORED,
        # publication time in UTC (YYYY-MM-DDTHH:MM:SSZ, sorts as text) and the offset
        # it was given in (+03:30); ``date`` stays its calendar day in that zone
        published=ID(stored=True, sortable=True),
        published_offset=STORED,
        # the reader's own words, with positions for phrases
        title=AnalyzedText("exact", analyzer=exact, stored=True),
        body=AnalyzedText("exact", analyzer=exact, stored=True, spelling=True),
        # title + body stemmed (the body alone when the title is its first
        # sentence); positions so that quoted phrases match through clitics
        stem=AnalyzedText("stem", analyzer=stem_analyzer()),
        # title + body as cross-script keys; frequencies only
        # and each word under the key it shares with its script (crossscript.script_key)
        key=AnalyzedText("key", also=script_key, analyzer=key_analyzer(), phrase=False),
    )


def index_format(index_dir: Path) -> str | None:
    try:
        return (index_dir / FORMAT_FILE).read_text().strip()
    except OSError:
        return None


def exists(index_dir: str | os.PathLike) -> bool:
    return whoosh_index.exists_in(str(index_dir))


def create(index_dir: str | os.PathLike) -> whoosh_index.Index:
    path = Path(index_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(path), schema())
        (path / FORMAT_FILE).write_text(INDEX_FORMAT + "\n")
    except OSError as e:
        raise IndexError_(f"cannot create an index in {path}: {e.strerror}") from None
    return ix


def open_dir(index_dir: str | os.PathLike) -> whoosh_index.Index:
    path = Path(index_dir)
    if not exists(path):
        raise IndexError_(
            f"no index in {path}: build one with `search-cli index --index {path} PATH...`"
        )
    try:
        return whoosh_index.open_dir(str(path))
    except Exception as e:  # a damaged or foreign index
        raise IndexError_(f"cannot open the index in {path}: {e}") from None
