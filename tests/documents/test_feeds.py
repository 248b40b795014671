"""RSS 2.0 and Atom feeds: every item an article; a bad item is named by its position.

The feeds are written here around the three articles of news_articles.py.
"""

from __future__ import annotations

import json
from html import escape

from checkout import run_cli
from news_articles import AMMAN, MUMBAI, TEHRAN
from search import read_paths, update
from search.documents import Document, Problem
from search.index import open_dir


def rss(encoding: str = "utf-8") -> str:
    paras = "".join(f"<p>{s}</p>" for s in TEHRAN.sentences)
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>{TEHRAN.source}</title><link>https://www.hamshahrionline.ir/</link>
<language>fa-IR</language><description>اخبار</description>
<item><title>{TEHRAN.title}</title><link>{TEHRAN.url}</link>
<guid isPermaLink="false">hamshahri-123</guid>
<pubDate>Fri, 07 Nov 2025 01:30:00 +0330</pubDate><dc:creator>{TEHRAN.author}</dc:creator>
<description>{escape("<p>" + TEHRAN.sentences[0] + "</p>")}</description>
<content:encoded><![CDATA[{paras}<script>track()</script>]]></content:encoded></item>
<item><title>خبر بی‌متن</title><link>https://www.hamshahrionline.ir/news/124</link></item>
<item><title>{AMMAN.title}</title><guid>urn:alghad:2025:book-fair</guid>
<pubDate>not a date</pubDate>
<description>{escape(AMMAN.text)}</description><language>ar</language></item>
</channel></rss>"""


def atom() -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="hi">
<title>{MUMBAI.source}</title><id>urn:navbharat</id><updated>2025-11-07T00:00:00+05:30</updated>
<entry><title>{MUMBAI.title}</title><id>urn:navbharat:rain</id>
<link rel="alternate" href="{MUMBAI.url}"/>
<published>{MUMBAI.published}</published><updated>2025-11-07T08:00:00+05:30</updated>
<author><name>{MUMBAI.author}</name></author>
<summary>{MUMBAI.sentences[0]}</summary>
<content type="html">{escape("".join(f"<p>{s}</p>" for s in MUMBAI.sentences))}</content>
</entry></feed>"""


def write_feeds(folder):
    folder.mkdir(exist_ok=True)
    # Persian in windows-1256 has no ی: the Arabic ي stands for it, as on such sites
    (folder / "hamshahri.rss").write_bytes(rss("windows-1256").replace("ی", "ي").encode("cp1256"))
    (folder / "navbharat.atom").write_text(atom(), "utf-8")
    return folder


def read(paths):
    items = list(read_paths(paths))
    return {i.id: i for i in items if isinstance(i, Document)}, [
        i for i in items if isinstance(i, Problem)
    ]


def test_items_are_articles_with_their_full_text(tmp_path):
    docs, problems = read([write_feeds(tmp_path / "feeds")])
    assert set(docs) == {TEHRAN.url, "urn:alghad:2025:book-fair", MUMBAI.url}
    fa = docs[TEHRAN.url]
    assert fa.text.split("\n") == [s.replace("ی", "ي") for s in TEHRAN.sentences]
    assert "track()" not in fa.text
    assert fa.title == TEHRAN.title.replace("ی", "ي") and fa.lang == "fa"
    assert fa.source == TEHRAN.source.replace("ی", "ي") and fa.author == "مريم احمدي"
    assert (fa.published_utc, fa.published_offset, fa.date) == (
        "2025-11-06T22:00:00Z",
        "+03:30",
        "2025-11-07",
    )
    # no content:encoded: the description, its HTML unescaped
    ar = docs["urn:alghad:2025:book-fair"]
    assert ar.text == AMMAN.text and ar.lang == "ar" and ar.published is None and ar.url is None
    hi = docs[MUMBAI.url]
    assert hi.text.split("\n") == list(MUMBAI.sentences) and hi.author == MUMBAI.author
    assert hi.source == MUMBAI.source and hi.published_utc == "2025-11-06T18:20:00Z"
    assert hi.lang == "hi"

    skipped = [str(p) for p in problems if p.skipped]
    warned = [str(p) for p in problems if not p.skipped]
    assert len(skipped) == 1 and "hamshahri.rss: item 2: no text" in skipped[0]
    assert len(warned) == 1 and "item 3" in warned[0] and "not a date" in warned[0]


def test_a_file_that_is_not_a_feed(tmp_path):
    (tmp_path / "broken.rss").write_text("<html><body>no feed here</body></html>", "utf-8")
    (tmp_path / "empty.atom").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "utf-8"
    )
    _, problems = read([tmp_path])
    messages = sorted(str(p) for p in problems)
    assert "broken.rss: not an RSS or Atom feed" in messages[0]
    assert messages[1].endswith("empty.atom: a feed without items")


def test_python_api_and_cli(tmp_path):
    feeds = write_feeds(tmp_path / "feeds")
    report = update(tmp_path / "ix", [feeds])
    assert (report.added, report.skipped) == (3, 1)
    ix = open_dir(tmp_path / "ix")
    with ix.searcher() as searcher:
        stored = searcher.document(id=MUMBAI.url)
    ix.close()
    assert stored["published_offset"] == "+05:30" and stored["source"] == MUMBAI.source

    named = tmp_path / "feed.xml"  # .xml is read as a feed when named
    named.write_text(atom(), "utf-8")
    done = run_cli("index", "--index", str(tmp_path / "cli"), "--json", str(feeds), str(named))
    assert done.returncode == 1, done.stderr
    out = json.loads(done.stdout)
    assert out["added"] == 3 and out["skipped"] == 2  # item 2, and the Atom item twice
    assert "hamshahri.rss: item 2: no text" in done.stderr
    for word, doc_id in (("مترو", TEHRAN.url), (AMMAN.word, "urn:alghad:2025:book-fair")):
        found = run_cli("--index", str(tmp_path / "cli"), "--json", word)
        assert found.returncode == 0, found.stderr
        assert doc_id in [r["id"] for r in json.loads(found.stdout)["results"]]
