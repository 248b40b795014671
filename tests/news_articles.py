"""Three short news articles, one a language, written for the tests (not quoted from any
outlet): the text every input format's tests wrap in HTML, feeds, WARC records and CSV."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    lang: str
    title: str
    sentences: tuple[str, ...]
    published: str  # ISO 8601 with the outlet's offset
    author: str
    source: str
    url: str
    word: str  # a word of the body to search for

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


TEHRAN = Article(
    lang="fa",
    title="طرح گسترش مترو تهران تصویب شد",
    sentences=(
        "شورای شهر تهران طرح تازه‌ای برای گسترش خطوط مترو تصویب کرد.",
        "این طرح تا سه سال آینده اجرا می‌شود و چهار ایستگاه تازه به شبکه می‌افزاید.",
        "رئیس شورا گفت هزینه طرح از بودجه شهرداری و وام بانکی تأمین می‌شود.",
    ),
    published="2025-11-07T01:30:00+03:30",
    author="مریم احمدی",
    source="همشهری آنلاین",
    url="https://www.hamshahrionline.ir/news/123/metro",
    word="مترو",
)

AMMAN = Article(
    lang="ar",
    title="افتتاح معرض عمّان الدولي للكتاب",
    sentences=(
        "افتتحت وزارة الثقافة معرضا للكتاب في عمّان بمشاركة مئتي دار نشر.",
        "ويستمر المعرض عشرة أيام ويضم ندوات عن الترجمة والنشر الرقمي.",
        "وقال مدير المعرض إن عدد الزوار تجاوز خمسين ألفا في اليوم الأول.",
    ),
    published="2025-11-06T18:15:00+02:00",
    author="سارة الخطيب",
    source="صحيفة الغد",
    url="https://alghad.example/culture/2025/11/book-fair",
    word="المعرض",
)

MUMBAI = Article(
    lang="hi",
    title="मुंबई में भारी बारिश से लोकल ट्रेनें रद्द",
    sentences=(
        "मुंबई में भारी बारिश के कारण कई लोकल ट्रेनें रद्द कर दी गईं।",
        "मौसम विभाग ने अगले दो दिनों के लिए चेतावनी जारी की है।",
        "नगर निगम ने निचले इलाकों में रहने वाले लोगों से सावधान रहने को कहा।",
    ),
    published="2025-11-06T23:50:00+05:30",
    author="राहुल शर्मा",
    source="नवभारत समाचार",
    url="https://navbharat.example/mumbai/rain-trains",
    word="बारिश",
)

ARTICLES = (TEHRAN, AMMAN, MUMBAI)
