"""Text analysis: ICU words, per-script normalisation, stemming, cross-script keys.

Read top to bottom: :mod:`.tokenizers` (ICU words with offsets into the
original text) → :mod:`.filters` (Unicode, digits; the term-filter machinery)
→ :mod:`.arabic`, :mod:`.persian`, :mod:`.hindi` (each script's rules) →
:mod:`.stemming` → :mod:`.crossscript` → :mod:`.analyzers` (the field chains).
"""

try:
    import icu  # noqa: F401  (PyICU: pyicu-wheels, or PyICU built against the system's ICU)
except ImportError as error:
    # one line that says what to do, instead of a traceback ending in "No module named 'icu'"
    raise ModuleNotFoundError(
        f"ICU for Python is missing ({error}): pip install pyicu-wheels, "
        "or PyICU built against the system's ICU (README, 'Which ICU')",
        name="icu",
    ) from error

from .analyzers import (
    STOPWORDS,
    Analysis,
    AnalyzedToken,
    LangText,
    analyze,
    default_analysis,
    exact_analyzer,
    key_analyzer,
    stem_analyzer,
)
from .scripts import detect_language, token_script
from .tokenizers import IcuTokenizer, word_spans

__all__ = [
    "STOPWORDS",
    "AnalyzedToken",
    "Analysis",
    "IcuTokenizer",
    "LangText",
    "analyze",
    "default_analysis",
    "detect_language",
    "exact_analyzer",
    "key_analyzer",
    "stem_analyzer",
    "token_script",
    "word_spans",
]
