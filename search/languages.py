"""The languages the engine knows: the one table every part reads.

(The analysis package tells scripts apart by their letters and needs no such
table; everything after it, from documents to the web page, reads this one.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as documents and queries give it
    name: str  # in English, the page's language
    native: str  # as its readers write it
    dir: str  # "rtl" or "ltr"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("ar", "Arabic", "العربية", "rtl"),
        Language("fa", "Persian", "فارسی", "rtl"),
        Language("hi", "Hindi", "हिन्दी", "ltr"),
        Language("en", "English", "English", "ltr"),
    )
}
# the codes, in the order filters and facets list them
LANG_CODES: tuple[str, ...] = tuple(LANGUAGES)
