"""Persian: the letters it writes differently from Arabic, ZWNJ, ezafe, suffixes.

Keyboards and sources mix Persian and Arabic letters, so both spellings fold to
one (as Lucene's PersianNormalizer does): ``روبیو`` ≡ ``روبيو``.
"""

from __future__ import annotations

from .arabic import ARABIC_FOLDS, HEH, KAF, YEH
from .filters import TranslateFilter

KEHEH = "\u06a9"  # ک
GAF = "\u06af"  # گ
FARSI_YEH = "\u06cc"  # ی
YEH_BARREE = "\u06d2"  # ے
HEH_YEH = "\u06c0"  # ۀ, heh with the ezafe hamza
HEH_GOAL = "\u06c1"  # ہ
AE = "\u06d5"  # ە
ZWNJ = "\u200c"  # zero-width non-joiner

PERSIAN_FOLDS: dict[int, str | None] = {
    ord(KEHEH): KAF,
    ord(FARSI_YEH): YEH,
    ord(YEH_BARREE): YEH,
    ord(HEH_YEH): HEH,  # the ezafe ۀ; the separate hamza mark is in ARABIC_FOLDS
    ord(HEH_GOAL): HEH,
    ord(AE): HEH,
    # NFKC_Casefold already drops ZWNJ; kept here so the rule also holds alone
    ord(ZWNJ): None,
}


class PersianFoldFilter(TranslateFilter):
    """``ک`` → ``ك``, ``ی`` → ``ي``, ``ۀ`` → ``ه``; ZWNJ joins the word's parts."""

    table = PERSIAN_FOLDS


# Suffixes of Persian nouns and adjectives, longest first, on folded text
# (ی is ي by now): plurals ها ان ات, with the ezafe ی after them; the
# comparative and superlative تر ترين; the indefinite/ezafe ی.
SUFFIXES = (
    "هاي",  # های
    "ها",
    "ترين",  # ترین
    "تر",
    "ان",
    "ات",
    "ي",  # ی
)
# Shorter words keep their endings: in a three-letter word a final ی or ان is
# more often a root letter than a suffix.
MIN_STEM = 3


def strip_suffix(word: str) -> str:
    """Removes one plural, comparative or ezafe suffix.

    >>> strip_suffix("كتابهاي"), strip_suffix("كشورها"), strip_suffix("بزرگتر")
    ('كتاب', 'كشور', 'بزرگ')
    """
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


# The shortest part of a compound: a word has three letters or more (most
# roots have three). A two-letter part is most often an affix (می, ها, ای):
# too common to anchor a phrase, and plurals meet in the stem stream anyway.
MIN_COMPOUND_PART = 3


def compound_splits(word: str) -> list[tuple[str, str]]:
    """Every way of reading a word written joined as two parts (on folded text).

    Persian writes the parts of a compound (رئیس‌جمهور, شاه‌چراغ) with a
    ZWNJ, a space or nothing between them. A
    ZWNJ is a word break here, so the index holds the two-part spellings as
    two words; a query word written joined asks for each split side by side,
    and the ones whose parts the index does not hold next to each other
    match nothing. No dictionary says where the seam is, so every seam that
    leaves two parts of at least MIN_COMPOUND_PART letters is tried.

    >>> compound_splits("شاهچراغ")
    [('شاه', 'چراغ'), ('شاهچ', 'راغ')]
    """
    last = len(word) - MIN_COMPOUND_PART
    return [(word[:i], word[i:]) for i in range(MIN_COMPOUND_PART, last + 1)]


_STOPWORDS = """
و در به از که این آن را با برای تا یا اما هم نیز بر بی پس چون چه اگر
است بود شد شده شود می نمی های ها هر همه هیچ خود ما من تو او شما ایشان آنها آنان
یک دو کرد کند کنند کرده کردند کردن دارد دارند داشت داشته نیست هست هستند بودند باشد
باید خواهد گفت گفته وی ولی زیرا چنین چنان همین همان آنچه اینکه آنکه
روی درباره میان بین پیش زیر بالای جز مانند مثل طی توسط نزد سوی
کجا چرا چگونه کی چند کدام آیا نه بله
چطور چقدر چیست کیست چیزی کسی کسانی هایی ای اند بوده نیز دیگر
"""
PERSIAN_STOPWORDS = frozenset(
    word.translate(ARABIC_FOLDS).translate(PERSIAN_FOLDS) for word in _STOPWORDS.split()
)
