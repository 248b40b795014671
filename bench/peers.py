"""The reference engines' schemas and analysis, shared by bench/index.py and bench/query.py.

Not run on its own. It is a module of its own because Whoosh pickles the
schema, analyzer class included, into the index: ``bench/query.py`` can only
open the plain-Whoosh index if the tokenizer class lives at an importable name
(``peers.IcuWords``), not in ``__main__``.

- the ICU floor: PyICU's word BreakIterator + NFKC_Casefold, nothing else;
- plain Whoosh: ICU words + LowercaseFilter, one stored TEXT field;
- SQLite FTS5 with ``unicode61``;
- tantivy, with its default tokenizer or fed the floor's tokens.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from whoosh.analysis import LowercaseFilter, Token, Tokenizer
from whoosh.fields import ID, TEXT, Schema

# ICU rule statuses below 100 are spaces and punctuation (the same rule as
# search.analysis.tokenizers).
WORD_NONE_LIMIT = 100

_tools = None


def _icu_tools():
    """A word BreakIterator and the NFKC_Casefold normaliser, once per process."""
    global _tools
    if _tools is None:
        import icu

        breaker = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
        _tools = breaker, icu.Normalizer2.getNFKCCasefoldInstance()
    return _tools


def icu_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ICU word of ``text``.

    ICU counts UTF-16 units; the generated corpus has no character outside the
    BMP, so they are str indexes too (search.analysis maps them; the floor
    need not).
    """
    breaker = _icu_tools()[0]
    breaker.setText(text)
    start = 0
    for end in breaker:
        if breaker.getRuleStatus() >= WORD_NONE_LIMIT:
            yield start, end
        start = end


def icu_words(text: str) -> list[str]:
    """ICU words of ``text``, NFKC_Casefold-ed: the least any ICU analysis does."""
    normalizer = _icu_tools()[1]
    return [normalizer.normalize(text[s:e]) for s, e in icu_spans(text)]


# -- plain Whoosh


class IcuWords(Tokenizer):
    """A plain tokenizer over ICU word breaks: no normalisation (LowercaseFilter follows)."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # Whoosh asks for the whole value as one token for some queries
            spans: Iterator[tuple[int, int]] = iter([(0, len(value))])
        else:
            spans = icu_spans(value)
        for pos, (start, end) in enumerate(spans, start_pos):
            t.text, t.boost, t.stopped = value[start:end], 1.0, False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def plain_whoosh_schema() -> Schema:
    """id, lang (for the language filter) and one stored TEXT field: title + text."""
    return Schema(
        id=ID(stored=True, unique=True),
        lang=ID,
        text=TEXT(analyzer=IcuWords() | LowercaseFilter(), stored=True),
    )


# -- SQLite FTS5

FTS5_SCHEMA = (
    "CREATE VIRTUAL TABLE docs USING fts5("
    "id UNINDEXED, lang UNINDEXED, date UNINDEXED, title, text, tokenize='unicode61')"
)
FTS5_TEXT_COLUMN = 4  # snippet() takes the column's number


# -- tantivy


def tantivy_installed() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def tantivy_schema(tokenizer: str = "default"):
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("id", "lang", "date"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name=tokenizer)
    builder.add_text_field("text", stored=True, tokenizer_name=tokenizer)
    return builder.build()


def tantivy_index(folder: Path, tokenizer: str = "default", create: bool = False):
    """A new (``create``) or existing tantivy index, its tokenizers registered."""
    import tantivy

    if create:
        folder.mkdir(parents=True)
        index = tantivy.Index(tantivy_schema(tokenizer), path=str(folder))
    else:
        index = tantivy.Index.open(str(folder))
    if tokenizer == "whitespace":
        # the tokens are already case-folded: split at spaces, nothing more
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        index.register_tokenizer("whitespace", analyzer)
    return index
