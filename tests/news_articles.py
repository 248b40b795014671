"""Three short news articles, one a language, written for the tests (not quoted from any
outlet): the text every input format's tests wrap in HTML, feeds, WARC records and CSV."""

from __future__ import annotations

import json
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


# Article pages as news sites make them: the furniture around the article, in its language
FURNITURE = {
    "fa": ("صفحه اصلی", "ورزش", "مطالب مرتبط", "قیمت طلا امروز کاهش یافت", "کلیه حقوق محفوظ است"),
    "ar": ("الرئيسية", "رياضة", "أخبار ذات صلة", "ارتفاع أسعار الذهب اليوم", "جميع الحقوق محفوظة"),
    "hi": ("होम", "खेल", "संबंधित खबरें", "सोने के दाम आज गिरे", "सर्वाधिकार सुरक्षित"),
}
COOKIES = "We use cookies to improve your experience. Accept all cookies"
COMMENT = "This is a reader's comment that must not be indexed at all, never."


def page(a: Article, head: str, *, text: str | None = None) -> str:
    home, sport, related, other, rights = FURNITURE[a.lang]
    paras = "".join(f"<p>{s}</p>" for s in a.sentences) if text is None else text
    return f"""<!DOCTYPE html>
<html lang="{a.lang}" dir="{"ltr" if a.lang == "hi" else "rtl"}"><head>{head}
<title>{a.title} | {a.source}</title></head>
<body>
<div class="cookie-banner" id="cookie-consent"><p>{COOKIES}</p><button>OK</button></div>
<header><nav class="menu"><ul><li><a href="/">{home}</a></li><li><a href="/sport">{sport}</a></li>
</ul></nav></header>
<main><article class="post"><h1>{a.title}</h1>
<div class="byline">{a.author}</div>
<div class="article-body">{paras}</div></article>
<aside class="related"><h3>{related}</h3><ul><li><a href="/r/1">{other}</a></li>
<li><a href="/r/2">{other} 2</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>{COMMENT}</p></div></section>
</main>
<footer class="site-footer"><p>{rights} © 2025</p></footer>
</body></html>"""


def json_ld(a: Article) -> str:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "not the outlet"},
            {
                "@type": "NewsArticle",
                "headline": a.title,
                "datePublished": a.published,
                "author": [{"@type": "Person", "name": a.author}],
                "publisher": {"@type": "Organization", "name": a.source},
                "mainEntityOfPage": {"@id": a.url},
            },
        ],
    }
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def open_graph(a: Article) -> str:
    return (
        f'<meta property="og:title" content="{a.title}">'
        f'<meta property="og:url" content="{a.url}">'
        f'<meta property="og:site_name" content="{a.source}">'
        f'<meta property="article:published_time" content="{a.published}">'
        f'<meta name="author" content="{a.author}">'
    )


def persian_1256(text: str) -> str:
    # windows-1256 has no Persian ye (ی): sites that serve it write the Arabic one (ي)
    return text.replace("ی", "ي")
