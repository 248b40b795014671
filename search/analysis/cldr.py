"""The same name in English, Arabic, Persian and Hindi, as CLDR writes it (read through ICU).

Why: a cross-script key or a similarity can only guess that ``Kazakhstan``,
``قزاقستان`` and ``कज़ाखस्तान`` are one name; for the names CLDR translates
(territories, exemplar cities of the time zones, languages, currencies) ICU
already knows it. Each of those is one *entity*; its *forms* are its names in
the four languages, each a tuple of exact terms made by the same analysis as
the index's title and body, so a form is looked up as the index wrote it.

Nothing here is written for particular names: the data is ICU's, whatever its
version. The table is built once per process, on the first lookup (see
:func:`names_table`), and only from ICU's data; a query without a name still
pays for that first lookup, which is why the table keeps only what a lookup
needs (a few thousand tuples of strings).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import icu

from .analyzers import STOPWORDS, default_analysis
from .scripts import ARABIC, DEVANAGARI, LATIN, token_script
from .tokenizers import word_spans

LANGS = ("en", "ar", "fa", "hi")
# The languages whose names a query word is looked up in, by the word's script.
SCRIPT_LANGS = {LATIN: ("en",), ARABIC: ("ar", "fa"), DEVANAGARI: ("hi",)}
# The longest name looked up from a query, in words ("united arab emirates");
# forms linked to may be longer.
MAX_WORDS = 3

Form = tuple[str, ...]
Entity = tuple[str, str]  # (kind, ICU code): ("territory", "KZ"), ("zone", "Asia/Almaty")


def exact_form(name: str, lang: str | None) -> Form:
    """The exact terms of ``name``, as the index writes them for a document in ``lang``."""
    return _exact_forms([name], lang)[0]


def _exact_forms(names: Sequence[str], lang: str | None) -> list[Form]:
    # one ICU pass over all names (a line each: no word crosses a line break),
    # and each distinct word normalised once
    chain = default_analysis().exact
    text = "\n".join(names)
    spans = word_spans(text)
    exact: dict[str, str] = {}
    out: list[Form] = []
    i, offset = 0, 0
    for name in names:
        end = offset + len(name)
        terms = []
        while i < len(spans) and spans[i][0] < end:
            word = text[spans[i][0] : spans[i][1]]
            term = exact.get(word)
            if term is None:
                term = exact[word] = chain.apply(word, lang)
            if term:
                terms.append(term)
            i += 1
        out.append(tuple(terms))
        offset = end + 1
    return out


def _entities() -> Iterator[Entity]:
    for cc in icu.Locale.getISOCountries():
        yield "territory", cc
    for code in icu.Locale.getISOLanguages():
        yield "language", code
    for unit in icu.CurrencyUnit.getAvailable("currency"):
        yield "currency", unit.getSubtype()
    for tzid in icu.TimeZone.createEnumeration():
        if "/" in tzid and not tzid.startswith("Etc/"):
            yield "zone", tzid


class _Namer:
    """ICU's display names in one language; "" where ICU has no name of that language."""

    def __init__(self, lang: str):
        self.locale = icu.Locale(lang)
        self.english = lang == "en"
        self.display = icu.LocaleDisplayNames.createInstance(self.locale)
        self.zones = icu.TimeZoneNames.createInstance(self.locale)
        self.en_zones = icu.TimeZoneNames.createInstance(icu.Locale("en"))

    def name(self, entity: Entity) -> str:
        kind, code = entity
        if kind == "territory":
            name = icu.Locale("", code).getDisplayCountry(self.locale)
        elif kind == "language":
            name = icu.Locale(code).getDisplayLanguage(self.locale)
        elif kind == "currency":
            name = self.display.keyValueDisplayName("currency", code)
        else:
            name = self.zones.getExemplarLocationName(code) or ""
            # without a name of its own, a language falls back to the zone id's (Latin) one
            if name and not self.english and name == self.en_zones.getExemplarLocationName(code):
                return ""
        # ICU answers a code it has no name for with the code itself
        return "" if name == code else name


def _usable(form: Form) -> bool:
    # a name made only of function words would match nearly every document
    return bool(form) and not all(term in STOPWORDS for term in form)


def build_lookup(lang: str) -> dict[Form, tuple[Entity, ...]]:
    """Each name of ``lang`` up to MAX_WORDS words, as the query builder writes a query's
    words (no language), → the entities it names."""
    namer = _Namer(lang)
    named = [(e, n) for e in _entities() if (n := namer.name(e))]
    lookup: dict[Form, list[Entity]] = {}
    for (entity, _), form in zip(named, _exact_forms([n for _, n in named], None), strict=True):
        if len(form) <= MAX_WORDS and _usable(form):
            entities = lookup.setdefault(form, [])
            if entity not in entities:
                entities.append(entity)
    return {form: tuple(entities) for form, entities in lookup.items()}


class NameLinks:
    """Lookups by language, each built on its first use; an entity's forms when asked.

    A query word is looked up only in the languages of its script, so a Latin
    word builds the English lookup alone; the forms of a name found are read
    from ICU for that entity only.
    """

    def __init__(self) -> None:
        self._lookups: dict[str, dict[Form, tuple[Entity, ...]]] = {}
        self._forms: dict[Entity, tuple[Form, ...]] = {}
        self._namers: dict[str, _Namer] = {}
        self._lock = threading.Lock()

    def lookup(self, lang: str) -> dict[Form, tuple[Entity, ...]]:
        table = self._lookups.get(lang)
        if table is None:
            with self._lock:
                table = self._lookups.get(lang)
                if table is None:
                    table = self._lookups[lang] = build_lookup(lang)
        return table

    def forms(self, entity: Entity) -> tuple[tuple[str, Form], ...]:
        """The entity's name in each language that has one: (language, exact terms)."""
        forms = self._forms.get(entity)
        if forms is None:
            with self._lock:
                out: dict[tuple[str, Form], None] = {}
                for lang in LANGS:
                    namer = self._namers.get(lang) or self._namers.setdefault(lang, _Namer(lang))
                    name = namer.name(entity)
                    form = exact_form(name, lang) if name else ()
                    if _usable(form):
                        out[(lang, form)] = None
                forms = self._forms[entity] = tuple(out)
        return forms

    def entities(self, terms: Sequence[str]) -> list[Entity]:
        """What the exact terms ``terms`` name, in the languages of their script."""
        own = tuple(terms)
        if not own or len(own) > MAX_WORDS:
            return []
        scripts = {token_script(t) for t in own}
        if len(scripts) != 1:
            return []
        found: dict[Entity, None] = {}
        for lang in SCRIPT_LANGS.get(scripts.pop(), ()):
            found.update(dict.fromkeys(self.lookup(lang).get(own, ())))
        return list(found)

    def linked(self, terms: Sequence[str], langs: Sequence[str] = LANGS) -> list[Form]:
        """Every form, in ``langs``, of what ``terms`` name, but ``terms`` itself."""
        own = tuple(terms)
        out: dict[Form, None] = {}
        for entity in self.entities(own):
            out.update(dict.fromkeys(f for lang, f in self.forms(entity) if lang in langs))
        out.pop(own, None)
        return list(out)


_links: NameLinks | None = None


def name_links() -> NameLinks:
    """The process's links (built lazily: importing this module reads nothing from ICU)."""
    global _links
    if _links is None:
        _links = NameLinks()
    return _links


def linked_forms(terms: Sequence[str], langs: Sequence[str] = LANGS) -> list[Form]:
    """Every form, in ``langs`` (en, ar, fa, hi), of what the exact terms ``terms`` name."""
    return name_links().linked(terms, langs)
