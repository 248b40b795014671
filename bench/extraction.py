"""How well article pages are read: real articles wrapped in news-site templates.

    python bench/extraction.py [--news ../shared/news] [--per-file 60] [--write docs/BENCHMARKS.md]

Each article of the real news (``../shared/news/*.jsonl.gz``, read in place, never copied)
is wrapped in each of three site templates, with the furniture news sites have around an
article, in the article's own language: navigation, a cookie notice, a byline, share
buttons, related links (the titles of other real articles), readers' comments (sentences
of other real articles), tags and a footer. The page then goes through what
``search-cli index`` does with an ``.html`` file (``search.documents.html``), and:

- **sentences kept**: the share of the article's sentences (of 20 characters or more)
  found whole in the title and text read from the page (target ≥ 95 %);
- **boilerplate**: the share of the characters read (spaces aside) that are not the
  article's: lines that are not part of its title or text, less any of its sentences they
  hold (target ≤ 5 %);
- **title**: pages whose title was read as the article's;
- **empty**: pages from which nothing was read (counted as 0 % kept).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import html
import json
import random
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.documents import Document, make_document  # noqa: E402
from search.documents.html import page_document  # noqa: E402
from search.errors import BadInput  # noqa: E402

BEGIN, END = "<!-- extraction:begin -->", "<!-- extraction:end -->"
FILES = {
    "ar": ["ar-antcorpus.jsonl.gz"],
    "fa": ["fa-farsnews.jsonl.gz", "fa-varzesh3.jsonl.gz"],
    "hi": ["hi-covidnews2020.jsonl.gz", "hi-fire-eventxtract.jsonl.gz"],
}
_SENTENCE = re.compile(r"(?<=[.!?\u061f\u0964])\s+|\n+")
MIN_SENTENCE = 20

# the words of a site's furniture, in each language
WORDS = {
    "ar": {
        "nav": ["الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "فيديو", "اتصل بنا"],
        "cookies": "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. بمتابعة التصفح فإنك"
        " توافق على سياسة الخصوصية.",
        "accept": "موافق",
        "related": "أخبار ذات صلة",
        "most_read": "الأكثر قراءة",
        "comments": "التعليقات",
        "share": ["شارك على فيسبوك", "تويتر", "واتساب", "طباعة"],
        "tags": "الوسوم",
        "footer": "جميع الحقوق محفوظة © 2025. يمنع نسخ المحتوى دون إذن مسبق.",
        "subscribe": "اشترك في نشرتنا البريدية لتصلك آخر الأخبار",
        "by": "بقلم",
    },
    "fa": {
        "nav": [
            "صفحه اصلی",
            "سیاسی",
            "اقتصادی",
            "ورزشی",
            "فرهنگی",
            "بین‌الملل",
            "ویدیو",
            "تماس با ما",
        ],
        "cookies": "این وب‌سایت برای بهبود تجربه شما از کوکی استفاده می‌کند. با ادامه مرور،"
        " سیاست حفظ حریم خصوصی را می‌پذیرید.",
        "accept": "قبول",
        "related": "اخبار مرتبط",
        "most_read": "پربازدیدترین‌ها",
        "comments": "نظرات",
        "share": ["اشتراک در تلگرام", "توییتر", "واتس‌اپ", "چاپ"],
        "tags": "برچسب‌ها",
        "footer": "کلیه حقوق مادی و معنوی این سایت محفوظ است."
        " استفاده از مطالب با ذکر منبع آزاد است.",
        "subscribe": "برای دریافت آخرین اخبار در خبرنامه ما عضو شوید",
        "by": "نویسنده",
    },
    "hi": {
        "nav": ["होम", "देश", "विदेश", "खेल", "मनोरंजन", "बिज़नेस", "वीडियो", "संपर्क करें"],
        "cookies": "हम आपके अनुभव को बेहतर बनाने के लिए कुकीज़ का उपयोग करते हैं। ब्राउज़ करना"
        " जारी रखकर आप हमारी गोपनीयता नीति से सहमत होते हैं।",
        "accept": "स्वीकार करें",
        "related": "संबंधित खबरें",
        "most_read": "सबसे ज्यादा पढ़ी गई",
        "comments": "टिप्पणियाँ",
        "share": ["फेसबुक पर शेयर करें", "ट्विटर", "व्हाट्सऐप", "प्रिंट"],
        "tags": "टैग",
        "footer": "सर्वाधिकार सुरक्षित © 2025. बिना अनुमति के सामग्री की नकल वर्जित है।",
        "subscribe": "ताज़ा खबरों के लिए हमारे न्यूज़लेटर की सदस्यता लें",
        "by": "लेखक",
    },
}
AUTHORS = {"ar": "أحمد يوسف", "fa": "رضا محمدی", "hi": "अमित कुमार"}


@dataclass
class Article:
    id: str
    lang: str
    title: str
    text: str
    date: str | None


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def paragraphs(text: str, rng: random.Random) -> list[str]:
    """The article's paragraphs: its lines, or its sentences two to four at a time."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1:
        return lines
    parts, out = sentences(text), []
    while parts:
        take = rng.randint(2, 4)
        out.append(" ".join(parts[:take]))
        parts = parts[take:]
    return out


def load(news: Path, per_file: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for lang, names in FILES.items():
        for name in names:
            rows = []
            with gzip.open(news / name, "rt", encoding="utf-8") as handle:
                for line in handle:
                    row = json.loads(line)
                    long_enough = [s for s in sentences(row["text"]) if len(s) >= MIN_SENTENCE]
                    if row.get("title") and len(long_enough) >= 3:
                        rows.append(row)
            for row in rng.sample(rows, min(per_file, len(rows))):
                out.append(Article(row["id"], lang, row["title"], row["text"], row.get("date")))
    return out


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _links(items: list[str], cls: str) -> str:
    return (
        f'<ul class="{cls}">'
        + "".join(f'<li><a href="/n/{i}">{_e(t)}</a></li>' for i, t in enumerate(items))
        + "</ul>"
    )


def _head(a: Article, site: str) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title}
    if a.date:
        ld["datePublished"] = a.date + "T09:30:00+03:00"
    return (
        f'<meta charset="utf-8"><title>{_e(a.title)} | {site}</title>'
        '<meta name="viewport" content="width=device-width">'
        f'<link rel="canonical" href="https://{site}/news/{_e(a.id)}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        "<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>"
        "<style>.menu{display:flex}</style>"
    )


def portal(a: Article, w: dict, others: list[str], comments: list[str], rng) -> str:
    """A big outlet: mega menu, breaking-news ticker, sidebar of most-read, footer columns."""
    body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs(a.text, rng))
    return f"""<header><div class="top-bar"><a href="/login">{_e(w["nav"][-1])}</a></div>
<nav class="menu main-nav">{_links(w["nav"], "nav")}</nav>
<div class="ticker breaking"><span>{_e(others[0])}</span> · <span>{_e(others[1])}</span></div>
</header>
<div class="container"><main><article class="article">
<div class="breadcrumb">{_links(w["nav"][:2], "crumbs")}</div>
<h1 class="headline">{_e(a.title)}</h1>
<div class="meta"><span class="author">{_e(w["by"])}: {_e(AUTHORS[a.lang])}</span>
<time>{_e(a.date or "")}</time></div>
<div class="share">{_links(w["share"], "share-buttons")}</div>
<div class="article-body">{body}</div>
<div class="tags"><span>{_e(w["tags"])}:</span> {_links(w["nav"][1:4], "tag-list")}</div>
</article>
<section class="related"><h2>{_e(w["related"])}</h2>{_links(others[2:6], "related-list")}</section>
</main>
<aside class="sidebar"><h3>{_e(w["most_read"])}</h3>{_links(others[6:11], "most-read")}
<div class="ad">Advertisement</div></aside></div>
<footer><div class="cols">{_links(w["nav"], "footer-nav")}</div><p>{_e(w["footer"])}</p></footer>"""


def blog(a: Article, w: dict, others: list[str], comments: list[str], rng) -> str:
    """A small site: cookie notice first, byline, newsletter box, readers' comments."""
    body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs(a.text, rng))
    thread = "".join(
        f'<li class="comment"><div class="comment-author">user{i}</div><div class="comment-body">'
        f"<p>{_e(c)}</p></div></li>"
        for i, c in enumerate(comments)
    )
    return f"""<div id="cookie-notice" class="cookie-consent"><p>{_e(w["cookies"])}</p>
<button>{_e(w["accept"])}</button></div>
<nav class="navbar">{_links(w["nav"][:5], "menu")}</nav>
<div class="content"><h1 class="entry-title">{_e(a.title)}</h1>
<p class="byline">{_e(w["by"])} {_e(AUTHORS[a.lang])}</p>
<div class="entry-content">{body}</div>
<div class="newsletter"><p>{_e(w["subscribe"])}</p><form><input type="email"></form></div>
<div class="related-posts"><h3>{_e(w["related"])}</h3>{_links(others[:3], "related")}</div>
<div id="comments" class="comments-area"><h2>{_e(w["comments"])} ({len(comments)})</h2>
<ol class="comment-list">{thread}</ol></div></div>
<footer class="site-footer"><p>{_e(w["footer"])}</p></footer>"""


def agency(a: Article, w: dict, others: list[str], comments: list[str], rng) -> str:
    """A news agency: lead paragraph, "read also" boxes inside the body, a plain footer."""
    paras = paragraphs(a.text, rng)
    also = _links(others[:2], "inline-related")
    box = f'<div class="read-also"><strong>{_e(w["related"])}:</strong> {also}</div>'
    middle = len(paras) // 2
    body = "".join(
        (box if i == middle and i else "") + f"<p>{_e(p)}</p>" for i, p in enumerate(paras)
    )
    return f"""<header><nav>{_links(w["nav"], "menu")}</nav></header>
<div id="main"><div class="news-item"><h1>{_e(a.title)}</h1>
<div class="date">{_e(a.date or "")}</div><div class="news-text">{body}</div>
<div class="social">{_links(w["share"], "share")}</div></div>
<div class="more-news"><h4>{_e(w["most_read"])}</h4>{_links(others[2:7], "list")}</div></div>
<footer><p>{_e(w["footer"])}</p></footer>"""


def legacy(a: Article, w: dict, others: list[str], comments: list[str], rng) -> str:
    """An old site: a table layout, the text in a cell with <br> between paragraphs, the
    menu and the most-read list in cells beside it, comments in a plain table."""
    body = "<br><br>".join(_e(p) for p in paragraphs(a.text, rng))
    menu = "<br>".join(f'<a href="/c/{i}">{_e(n)}</a>' for i, n in enumerate(w["nav"]))
    most = "<br>".join(f'<a href="/n/{i}">{_e(t)}</a>' for i, t in enumerate(others[:6]))
    thread = "".join(f"<tr><td>user{i}</td><td>{_e(c)}</td></tr>" for i, c in enumerate(comments))
    return f"""<table width="100%"><tr><td colspan="3"><img src="/logo.gif" alt="logo">
{_e(w["subscribe"])}</td></tr>
<tr><td width="150" valign="top">{menu}</td>
<td valign="top"><font size="4"><b>{_e(a.title)}</b></font><br>{_e(a.date or "")}<br><br>
<font size="2">{body}</font><br><br>
<b>{_e(w["comments"])}</b><table>{thread}</table></td>
<td width="200" valign="top"><b>{_e(w["most_read"])}</b><br>{most}</td></tr>
<tr><td colspan="3" align="center">{_e(w["footer"])}</td></tr></table>"""


TEMPLATES = {"portal": portal, "blog": blog, "agency": agency, "legacy": legacy}


def make_page(a: Article, template: str, pool: list[Article], rng: random.Random) -> str:
    same = [o for o in pool if o.lang == a.lang and o.id != a.id]
    picks = rng.sample(same, min(11, len(same)))
    picks = (picks * 11)[:11]  # a small sample repeats its titles
    others = [o.title for o in picks]
    comments = [sentences(o.text)[0] for o in picks[:3]]
    site = {"portal": "news-portal.example", "blog": "local-blog.example"}.get(
        template, "agency.example"
    )
    body = TEMPLATES[template](a, WORDS[a.lang], others, comments, rng)
    direction = "ltr" if a.lang == "hi" else "rtl"
    return (
        f'<!DOCTYPE html><html lang="{a.lang}" dir="{direction}"><head>{_head(a, site)}</head>'
        f"<body>{body}<script>gtag('js', new Date());</script></body></html>"
    )


# direction marks: formatting, not text; trafilatura drops them, some articles have them
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"), None)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(_BIDI).split())


def page_text(page: str, **_) -> Document:
    """No extraction at all, every text of the page: what the measures say of that."""
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(page)
    for junk in tree.xpath("//script | //style | //title"):
        junk.drop_tree()
    lines = [" ".join(t.split()) for t in tree.itertext()]
    return make_document("page", "\n".join(t for t in lines if t))


def _letters(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


@dataclass
class Figures:
    pages: int = 0
    empty: int = 0
    titles: int = 0
    sentences: int = 0
    kept: int = 0
    chars: int = 0
    boilerplate: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in ("pages", "empty", "titles", "sentences", "kept", "chars", "boilerplate"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds


def measure(a: Article, page: str, read_page=page_document) -> Figures:
    fig = Figures(pages=1)
    wanted = [norm(s) for s in sentences(a.text) if len(s.strip()) >= MIN_SENTENCE]
    fig.sentences = len(wanted)
    started = time.perf_counter()
    try:
        doc = read_page(page, path="bench.html", url=f"https://bench.example/{a.id}")
    except BadInput:
        fig.seconds.append(time.perf_counter() - started)
        fig.empty = 1
        return fig
    fig.seconds.append(time.perf_counter() - started)
    read = norm(doc.title + "\n" + doc.text)
    fig.titles = int(norm(doc.title) == norm(a.title))
    fig.kept = sum(1 for s in wanted if s in read)
    article = norm(a.title) + " " + norm(a.text)
    for line in (doc.title + "\n" + doc.text).split("\n"):
        line = norm(line)
        fig.chars += _letters(line)
        if not line or line in article:
            continue
        rest = line
        for s in sorted(wanted, key=len, reverse=True):
            rest = rest.replace(s, " ")
        fig.boilerplate += _letters(rest)
    return fig


def run(news: Path, per_file: int, seed: int) -> dict[tuple[str, str], Figures]:
    articles = load(news, per_file, seed)
    rng = random.Random(seed)
    figures: dict[tuple[str, str], Figures] = {}
    for a in articles:
        for template in TEMPLATES:
            page = make_page(a, template, articles, rng)
            figures.setdefault((a.lang, template), Figures()).add(measure(a, page))
            baseline = measure(a, page, page_text)
            figures.setdefault(("~", "page text, no extraction"), Figures()).add(baseline)
    return figures


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


def table(figures: dict[tuple[str, str], Figures]) -> str:
    rows = [
        "| lang | template | pages | sentences kept | boilerplate (chars) | title | empty "
        "| ms/page p50 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    by_lang: dict[str, Figures] = {}
    total, current = Figures(), Figures()
    for (lang, template), fig in sorted(figures.items()):
        if lang == "~":
            continue
        by_lang.setdefault(lang, Figures()).add(fig)
        total.add(fig)
        if template != "legacy":
            current.add(fig)
        rows.append(_row(lang, template, fig))
    for lang, fig in sorted(by_lang.items()):
        rows.append(_row(f"**{lang}**", "all", fig, bold=True))
    rows.append(_row("**all**", "all", total, bold=True))
    rows.append(_row("**all**", "portal, blog, agency", current, bold=True))
    if ("~", "page text, no extraction") in figures:
        baseline = figures[("~", "page text, no extraction")]
        rows.append(_row("all", "*page text, no extraction*", baseline))
    return "\n".join(rows)


def _row(lang: str, template: str, fig: Figures, bold: bool = False) -> str:
    kept, boiler = _pct(fig.kept, fig.sentences), _pct(fig.boilerplate, fig.chars)
    if bold:
        kept, boiler = f"**{kept}**", f"**{boiler}**"
    ms = statistics.median(fig.seconds) * 1000 if fig.seconds else 0
    return (
        f"| {lang} | {template} | {fig.pages:,} | {kept} | {boiler} | "
        f"{_pct(fig.titles, fig.pages)} | {fig.empty} | {ms:.1f} |"
    )


def provenance(argv: list[str]) -> str:
    from importlib.metadata import version

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    command = " ".join(["python bench/extraction.py", *argv, "--write docs/BENCHMARKS.md"])
    return (
        f"`{command}` on {datetime.date.today().isoformat()}, commit {commit or '?'}, "
        f"trafilatura {version('trafilatura')}."
    )


def write_into(doc: Path, text: str) -> None:
    content = doc.read_text(encoding="utf-8")
    start, end = content.index(BEGIN) + len(BEGIN), content.index(END)
    doc.write_text(content[:start] + "\n" + text + "\n" + content[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=ROOT.parent / "shared" / "news")
    parser.add_argument("--per-file", type=int, default=60, help="articles from each file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to update")
    args = parser.parse_args(argv)
    text = table(run(args.news, args.per_file, args.seed))
    print(text)
    if args.write:
        shown = [a for a in argv if a not in (args.write.as_posix(), "--write")]
        write_into(args.write, text + "\n\n" + provenance(shown))


if __name__ == "__main__":
    main()
