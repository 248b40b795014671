"""Arabic: letter forms, marks, clitics and suffixes.

The rules are those of Lucene's ArabicNormalizer and of Larkey's light
stemmers (light10), written as tables with every code point named.
"""

from __future__ import annotations

from .filters import TermFilter, TranslateFilter

# Letters
HAMZA = "\u0621"  # ء
ALEF_MADDA = "\u0622"  # آ
ALEF_HAMZA_ABOVE = "\u0623"  # أ
WAW_HAMZA = "\u0624"  # ؤ
ALEF_HAMZA_BELOW = "\u0625"  # إ
YEH_HAMZA = "\u0626"  # ئ
ALEF = "\u0627"  # ا
BEH = "\u0628"  # ب
TEH_MARBUTA = "\u0629"  # ة
TEH = "\u062a"  # ت
FEH = "\u0641"  # ف
KAF = "\u0643"  # ك
LAM = "\u0644"  # ل
MEEM = "\u0645"  # م
NOON = "\u0646"  # ن
HEH = "\u0647"  # ه
WAW = "\u0648"  # و
ALEF_MAKSURA = "\u0649"  # ى
YEH = "\u064a"  # ي
ALEF_WASLA = "\u0671"  # ٱ

# Marks that carry no meaning for search
TATWEEL = "\u0640"  # ـ, a stretching stroke
FATHATAN = "\u064b"
DAMMATAN = "\u064c"
KASRATAN = "\u064d"
FATHA = "\u064e"
DAMMA = "\u064f"
KASRA = "\u0650"
SHADDA = "\u0651"
SUKUN = "\u0652"
MADDA_ABOVE = "\u0653"
HAMZA_ABOVE = "\u0654"
HAMZA_BELOW = "\u0655"
SUPERSCRIPT_ALEF = "\u0670"

HARAKAT = (FATHATAN, DAMMATAN, KASRATAN, FATHA, DAMMA, KASRA, SHADDA, SUKUN)

ARABIC_FOLDS: dict[int, str | None] = {
    # alef written with hamza, madda or wasla is searched as bare alef
    ord(ALEF_MADDA): ALEF,
    ord(ALEF_HAMZA_ABOVE): ALEF,
    ord(ALEF_HAMZA_BELOW): ALEF,
    ord(ALEF_WASLA): ALEF,
    # word-final forms
    ord(TEH_MARBUTA): HEH,
    ord(ALEF_MAKSURA): YEH,
    # short vowels, shadda, sukun, stray hamza and madda marks, tatweel
    **{ord(mark): None for mark in HARAKAT},
    ord(MADDA_ABOVE): None,
    ord(HAMZA_ABOVE): None,
    ord(HAMZA_BELOW): None,
    ord(SUPERSCRIPT_ALEF): None,
    ord(TATWEEL): None,
}


class ArabicFoldFilter(TranslateFilter):
    """Alef forms → ``ا``, ``ة`` → ``ه``, ``ى`` → ``ي``; harakat and tatweel dropped."""

    table = ARABIC_FOLDS


# Clitics written joined to the word: the article and the particles before it.
# Longest first, so that وال is taken before و.
ARTICLE_PREFIXES = (
    WAW + ALEF + LAM,  # وال
    BEH + ALEF + LAM,  # بال
    KAF + ALEF + LAM,  # كال
    FEH + ALEF + LAM,  # فال
    LAM + LAM,  # لل
    ALEF + LAM,  # ال
)
# Only wa-: light10 takes fa- off with the article (فال) alone, since far more
# words start with a root feh (فرنسا) than with the conjunction.
CONJUNCTION_PREFIXES = (WAW,)  # و

# Prepositions written joined to a noun without the article (لطريق, بطريق,
# كطريق); with the article they are بال, كال, لل above.
PREPOSITION_PREFIXES = (LAM, BEH, KAF)  # ل ب ك, one letter each
# What a preposition leaves of a stem must be this long: ل, ب and ك are also
# the first root letter of many words, and the shorter the rest, the likelier
# it is a word of its own (كتاب is not ك + تاب).
MIN_PREPOSITION_STEM = 4

# light10's suffixes, longest first (ة and ى are already folded to ه and ي).
SUFFIXES = (
    HEH + ALEF,  # ها
    ALEF + NOON,  # ان
    ALEF + TEH,  # ات
    WAW + NOON,  # ون
    YEH + NOON,  # ين
    YEH + HEH,  # يه (and ية)
    HEH,  # ه (and ة)
    YEH,  # ي
)

# A stem keeps at least this many letters: shorter words are mostly roots
# whose first or last letter only looks like a clitic.
MIN_STEM = 2


def strip_article(word: str) -> str:
    """Removes a leading conjunction and the article with its prepositions.

    >>> strip_article("لليورانيوم"), strip_article("بالبيت"), strip_article("وأوزبكستان")
    ('يورانيوم', 'بيت', 'أوزبكستان')
    """
    if len(word) > 3 and word[0] in CONJUNCTION_PREFIXES and word[1:3] != ALEF + LAM:
        # wa-/fa- before a word of at least three letters (Lucene's guard)
        word = word[1:]
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            return word[len(prefix) :]
    return word


def has_article(word: str) -> bool:
    """Whether the word carries the article, after a conjunction or preposition.

    >>> has_article("بالبيت"), has_article("والكتاب"), has_article("وكتاب")
    (True, True, False)
    """
    bare = strip_article(word)
    return bare != word and bare != word[1:]


def strip_preposition(stem: str) -> str:
    """Removes a preposition joined to the stem of a word without the article.

    The stem stream takes it off so that ``لطريق`` and ``طريق`` meet, in
    phrases too. It runs on the stem, after the suffixes are gone, so the
    guard measures the word itself (``لجنة`` is ``لجن``, and keeps its ل).
    A word with the article keeps its first letter (``الكتاب`` → ``كتاب``):
    see :func:`has_article`. The cross-script key keeps the preposition: a
    key of three or four consonants would lose one of them to every word
    starting with ل, ب or ك.

    Whether the first letter of a long word is a preposition or its own
    cannot be told without a dictionary, so the letters come off as long as
    the guard allows: a word and the word after a preposition then always
    meet (``كازاخستان`` and ``لكازاخستان`` both lose their ك).

    >>> strip_preposition("لطريق"), strip_preposition("كتاب")
    ('طريق', 'كتاب')
    """
    while stem[:1] in PREPOSITION_PREFIXES and len(stem) - 1 >= MIN_PREPOSITION_STEM:
        stem = stem[1:]
    return stem


def strip_suffixes(word: str) -> str:
    """Removes light10's suffixes, each at most once, longest first.

    >>> strip_suffixes("معلومات"), strip_suffixes("مدرسه")
    ('معلوم', 'مدرس')
    """
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
    return word


class ArabicArticleFilter(TermFilter):
    """Strips the article and the clitics joined before it (``بالبيت`` → ``بيت``).

    Persian writes its conjunction apart, so in a Persian document a leading
    و is a letter of the word (ونزوئلا); the query side, not knowing the
    language, looks up both keys.
    """

    def apply(self, text: str, lang: str | None) -> str:
        return text if lang == "fa" else strip_article(text)

    def __repr__(self) -> str:
        return "ArabicArticleFilter()"


# Function words: prepositions, conjunctions, pronouns, demonstratives,
# relatives, particles and the commonest auxiliaries. Written plainly here and
# folded through ARABIC_FOLDS below, so the list matches folded terms.
_STOPWORDS = """
في من إلى الى على عن مع بين حتى منذ عند لدى خلال حول ضد نحو دون عبر
و أو ثم بل لكن لكن ف أم إما اما إن ان أن إنّ لأن كي لكي حيث إذ إذا اذا لو لولا كلما
هو هي هم هن هما أنا نحن أنت انت أنتم انتم أنتن
هذا هذه هذان هاتان هؤلاء ذلك تلك أولئك هنا هناك هنالك
الذي التي الذين اللذان اللتان اللاتي اللواتي ما ماذا من متى أين كيف كم لماذا أي
لا لم لن ليس ليست قد لقد سوف س كان كانت كانوا يكون تكون أصبح صار
كل بعض غير سوى أيضا ايضا فقط إلا الا كما مثل بعد قبل فوق تحت خلف
به بها بهم له لها لهم لنا لك منه منها منهم عنه عنها فيه فيها فيهم عليه عليها عليهم إليه
التى الذى وهو وهي وقد ولا وفي ومن وعلى وأن وان وكان وكانت وما ولم
يا ذات ذو أحد احد ثمة مما عما بما فيما كذلك لذلك هكذا وإن وإذا
هل عندما بينما حينما حين كلا كلتا لدي ذا تلكم هذي أولاء إياه إياها
وهل فهل وما فما ولكن ولقد فقد وقد ثم وكل وهذا وهذه وذلك وتلك والتي والذي
"""
ARABIC_STOPWORDS = frozenset(word.translate(ARABIC_FOLDS) for word in _STOPWORDS.split())
