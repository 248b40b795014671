"""Hindi (Devanagari): nukta, nasal marks, and inflection suffixes.

After Lucene's HindiNormalizer (which follows Larkey et al. and Pingali &
Varma): spellings a reader treats as the same word fold to one.
"""

from __future__ import annotations

from .filters import TermFilter, TranslateFilter

CANDRABINDU = "\u0901"  # ँ
ANUSVARA = "\u0902"  # ं
NUKTA = "\u093c"  # ़
VIRAMA = "\u094d"  # ्
CANDRA_E_SIGN = "\u0945"  # ॅ
CANDRA_O_SIGN = "\u0949"  # ॉ
E_SIGN = "\u0947"  # े
O_SIGN = "\u094b"  # ो
CANDRA_E = "\u090d"  # ऍ
CANDRA_O = "\u0911"  # ऑ
LETTER_E = "\u090f"  # ए
LETTER_O = "\u0913"  # ओ
NNNA = "\u0929"  # ऩ, na with nukta (NFKC keeps it composed)
RRA = "\u0931"  # ऱ
LLLA = "\u0934"  # ऴ
LLA = "\u0933"  # ळ
RA = "\u0930"  # र
NGA = "\u0919"  # ङ
NYA = "\u091e"  # ञ
NNA = "\u0923"  # ण
NA = "\u0928"  # न
MA = "\u092e"  # म

HINDI_FOLDS: dict[int, str | None] = {
    # nukta is often left out: ज़ is written ज, फ़ फ (NFKC has split the
    # precomposed letters U+0958-095F into letter + nukta already)
    ord(NUKTA): None,
    ord(NNNA): NA,
    ord(RRA): RA,
    ord(LLLA): LLA,
    # chandrabindu and anusvara are written for the same nasal sound
    ord(CANDRABINDU): ANUSVARA,
    # the candra vowels of English loanwords (डॉलर, बैंक) against plain e/o
    ord(CANDRA_E_SIGN): E_SIGN,
    ord(CANDRA_O_SIGN): O_SIGN,
    ord(CANDRA_E): LETTER_E,
    ord(CANDRA_O): LETTER_O,
}


class HindiFoldFilter(TranslateFilter):
    """Nukta dropped, ``ँ`` → ``ं``, candra vowels → plain ones."""

    table = HINDI_FOLDS


DEAD_NASALS = frozenset((NGA, NYA, NNA, NA, MA))
# The stops, less the nasals: क ख ग घ, च छ ज झ, ट ठ ड ढ, त थ द ध, प फ ब भ.
# Only before a stop do a nasal with virama and anusvara spell one sound
# (हिन्दी/हिंदी, ट्रम्प/ट्रंप, इन्टरनेट/इंटरनेट); before य र ल व श ष स ह or a
# nasal it is a cluster of its own (मान्य, अन्य, उन्हें, जन्म, सम्मान).
STOPS = frozenset(
    chr(c)
    for first, last in ((0x0915, 0x0918), (0x091A, 0x091D), (0x091F, 0x0922), (0x0924, 0x0927))
    + ((0x092A, 0x092D),)
    for c in range(first, last + 1)
)


def fold_dead_nasal(word: str) -> str:
    """A nasal consonant with virama before a stop is written as anusvara.

    >>> fold_dead_nasal("ट्रम्प") == "ट्रंप", fold_dead_nasal("हिन्दी") == "हिंदी"
    (True, True)
    """
    if VIRAMA not in word:
        return word
    out = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if (
            ch in DEAD_NASALS
            and i + 2 < n
            and word[i + 1] == VIRAMA
            and word[i + 2] in STOPS
            and i > 0  # a word-initial nasal is a letter, not a nasal mark
        ):
            out.append(ANUSVARA)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class HindiNasalFilter(TermFilter):
    """Dead ``न्``/``म्`` (and ङ् ञ् ण्) before a stop → anusvara."""

    def apply(self, text: str, lang: str | None) -> str:
        return fold_dead_nasal(text)

    def __repr__(self) -> str:
        return "HindiNasalFilter()"


# Inflection suffixes, longest first, as in the light stemmer of Ramanathan
# and Rao that Lucene's HindiStemmer follows: plural and oblique endings of
# nouns, gender and number of adjectives and verbs, verb tense endings.
SUFFIXES_BY_LENGTH = (
    (5, ("ाएंगी", "ाएंगे", "ाऊंगी", "ाऊंगा", "ाइयाँ", "ाइयों", "ाइयां")),
    (
        4,
        (
            "ाएगी",
            "ाएगा",
            "ाओगी",
            "ाओगे",
            "एंगी",
            "ेंगी",
            "एंगे",
            "ेंगे",
            "ूंगी",
            "ूंगा",
            "ातीं",
            "नाओं",
            "नाएं",
            "ताओं",
            "ताएं",
            "ियाँ",
            "ियों",
            "ियां",
        ),
    ),
    (
        3,
        (
            "ाकर",
            "ाइए",
            "ाईं",
            "ाया",
            "ेगी",
            "ेगा",
            "ोगी",
            "ोगे",
            "ाने",
            "ाना",
            "ाते",
            "ाती",
            "ाता",
            "तीं",
            "ाओं",
            "ाएं",
            "ुओं",
            "ुएं",
            "ुआं",
        ),
    ),
    (2, ("कर", "ाओ", "िए", "ाई", "ाए", "ने", "नी", "ना", "ते", "ीं", "ती", "ता", "ाँ", "ां", "ों", "ें")),
    (1, ("ो", "े", "ू", "ु", "ी", "ि", "ा")),
)


def strip_suffix(word: str) -> str:
    """Removes the longest inflection suffix that leaves a stem of 1+ letters.

    >>> strip_suffix("देशों"), strip_suffix("किताबें"), strip_suffix("लड़कियां")
    ('देश', 'किताब', 'लड़क')
    """
    n = len(word)
    for length, suffixes in SUFFIXES_BY_LENGTH:
        if n > length + 1 and word.endswith(suffixes):
            return word[:-length]
    return word


_STOPWORDS = """
का के की को में से पर ने और या तथा एवं है हैं था थे थी थीं हो होता होती होते हुआ हुए हुई
यह ये वह वे इस उस इन उन इसे उसे इसका उसका इसकी उसकी इसके उसके इनका उनका इनकी उनकी इनके उनके
जो जिस जिन जिसे जिसका जिसकी जिसके कि तो भी ही न नहीं लिए लिये साथ बाद तक द्वारा
एक कुछ कई सब सभी अपना अपनी अपने आप हम मैं तुम आपका क्या क्यों कैसे कब कहाँ कहां कौन
रहा रही रहे गया गई गए गयी कर करना करने करता करती करते किया किए की गई वाला वाले वाली
अब यहाँ यहां वहाँ वहां जब तब अगर लेकिन परंतु किंतु बल्कि इसलिए क्योंकि जैसे ऐसे ऐसा वैसा
किस किसे किसने किसका किसकी किसके किन किनके कितना कितनी कितने कौनसा कौनसी होने होना
"""
HINDI_STOPWORDS = frozenset(
    fold_dead_nasal(word.translate(HINDI_FOLDS)) for word in _STOPWORDS.split()
)
