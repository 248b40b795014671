"""The pages and the JSON API: one blueprint, one search call per request.

``/search`` and ``/api/search`` read the same parameters into a :class:`SearchForm`
and run the same ``SearchIndex.search``; the page renders the ``SearchResult``,
the API returns its ``to_dict()``, exactly what ``search-cli --json`` prints.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date as Date
from urllib.parse import unquote_to_bytes

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.routing import PathConverter

from search import QueryError, SearchResult, SearchTimeout, with_latin

from . import display
from .state import get_index

bp = Blueprint("search", __name__)


class InputError(QueryError):
    """A parameter that cannot be used, with a message for the reader (a 400): a
    QueryError of the request's own, so ``search.SearchError`` catches it too."""


# -- reading parameters


@bp.before_request
def check_query_string() -> None:
    """The raw query string must be UTF-8 without NULs: no silent replacement characters."""
    for part in request.query_string.split(b"&"):
        raw = unquote_to_bytes(part.replace(b"+", b" "))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            abort(400, description="The address holds bytes that are not UTF-8 text.")
        if "\x00" in text:
            abort(400, description="The address holds a NUL character.")


_WHOLE = re.compile(r"[0-9]{1,9}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _whole(name: str, default: int) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not _WHOLE.fullmatch(value):
        raise InputError(f"{name} must be a whole number such as 1 or 2, not {value[:40]!r}")
    return int(value)


def _day(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        Date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name} must be a date written YYYY-MM-DD, not {value[:40]!r}") from None
    return value


def _flag(name: str) -> bool:
    """``?name=1`` (on) or ``0`` or nothing (off)."""
    value = request.args.get(name, "").strip()
    if value not in ("", "0", "1"):
        raise InputError(f"{name} must be 1 or 0, not {value[:40]!r}")
    return value == "1"


def query_text() -> str:
    """``?q=``, within the configured length."""
    q = request.args.get("q", "")
    cap = current_app.config["MAX_QUERY_LENGTH"]
    if len(q) > cap:
        raise InputError(f"the query is longer than {cap:,} characters")
    return q


@dataclass
class SearchForm:
    """What was asked: the query and its filters, as read from the address."""

    q: str = ""
    lang: str | None = None
    page: int = 1
    limit: int = 10
    date_from: str | None = None
    date_to: str | None = None
    # titles and snippets also in Latin letters
    latin: bool = False

    @classmethod
    def from_request(cls, *, api: bool) -> SearchForm:
        """Raises InputError; the query itself is checked by the search."""
        form = cls(q=query_text(), lang=request.args.get("lang", "").strip() or None)
        form.page = _whole("page", 1)
        form.limit = (
            _whole("limit", current_app.config["RESULTS_PER_PAGE"])
            if api
            else current_app.config["RESULTS_PER_PAGE"]
        )
        form.date_from = _day("date_from")
        form.date_to = _day("date_to")
        if form.date_from and form.date_to and form.date_from > form.date_to:
            raise InputError("date_from is after date_to")
        form.latin = _flag("latin")
        return form

    def search(self) -> SearchResult:
        """Raises QueryError for what the search cannot run."""
        result = get_index().search(
            self.q,
            limit=self.limit,
            page=self.page,
            lang=self.lang,
            date_from=self.date_from,
            date_to=self.date_to,
            time_budget=current_app.config["QUERY_TIME_BUDGET"],
        )
        if self.latin:
            result.results = [with_latin(hit) for hit in result.results]
        return result

    def args(self, **changes) -> dict:
        """Query parameters for a link to this search with ``changes``; defaults left out."""
        values = asdict(self)
        values.pop("limit")
        values.update(changes)
        if values.get("page") == 1:
            values.pop("page")
        values["latin"] = 1 if values.get("latin") else None
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def filtered(self) -> bool:
        return bool(self.lang or self.date_from or self.date_to)


# -- pages


EXAMPLES = [
    ("tungsten", "an English word that finds the Persian تنگستن"),
    ("قزاقستان", "Kazakhstan, in all three scripts"),
    ("ट्रंप", "Trump, written in Hindi"),
    ('"Kov Kaz"', "a phrase"),
    ("واشنطن lang:ar", "only Arabic articles"),
    ("ट्रंप -चीन", "without a word"),
]


@bp.get("/")
def index():
    return render_template("home.html", stats=get_index().stats(), examples=EXAMPLES)


FILTERS = ("lang", "page", "date_from", "date_to")


def search_error(message: str, status: int = 400):
    """The search page explaining why it could not search, with a box to try again."""
    q = request.args.get("q", "")[: current_app.config["MAX_QUERY_LENGTH"]]
    # the query alone may well work when a filter was the trouble
    retry = q.strip() and any(request.args.get(k) for k in FILTERS) and len(q) <= 200
    return render_template(
        "search.html",
        form=SearchForm(q=q),
        error=message,
        result=None,
        retry=url_for(".search_page", q=q) if retry else None,
    ), status


@bp.get("/search")
def search_page():
    try:
        form = SearchForm.from_request(api=False)
    except InputError as e:
        return search_error(str(e))
    if not form.q.strip():
        return index()
    try:
        result = form.search()
    except QueryError as e:
        return search_error(str(e))
    except SearchTimeout as e:
        return search_error(str(e), 503)
    response = make_response(
        render_template(
            "search.html",
            form=form,
            result=result,
            error=None,
            facets=facet_links(form, result),
            stats=get_index().stats(),
            pages=page_numbers(result.page, result.pages),
        )
    )
    alternate(response, url_for(".api_search", **form.args()))
    return response


def facet_links(form: SearchForm, result: SearchResult) -> list[dict]:
    """'All languages' and one entry per language with results, for the filter."""
    active = result.lang
    links = [
        {
            "code": None,
            "label": "All languages",
            "native": "",
            "count": sum(result.facets.values()),
            "active": active is None,
            "href": url_for(".search_page", **form.args(lang=None, page=1)),
        }
    ]
    codes = [c for c in display.LANGUAGE_ORDER if c in result.facets or c == active]
    codes += sorted(c for c in result.facets if c not in codes)
    for code in codes:
        language = display.LANGUAGES.get(code)
        links.append(
            {
                "code": code,
                "label": display.lang_name(code),
                "native": language.native if language else "",
                "count": result.facets.get(code, 0),
                "active": code == active,
                "href": url_for(".search_page", **form.args(lang=code, page=1)),
            }
        )
    return links


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    shown = {1, pages, *range(page - around, page + around + 1)}
    out: list[int | None] = []
    for n in sorted(n for n in shown if 1 <= n <= pages):
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")
# ids are URLs for pages and feed items: as long as a URL may reasonably be
MAX_ID_LENGTH = 2048


def find_document(doc_id: str):
    """The stored document, or a 404 for unknown and path-like ids."""
    if (
        not doc_id
        or len(doc_id) > MAX_ID_LENGTH
        or _CONTROL.search(doc_id)
        or not doc_id.strip(".")
    ):
        abort(404, description="There is no document with that id.")
    doc = get_index().document(doc_id)
    if doc is None:
        abort(404, description="There is no document with that id.")
    return doc


class DocIdConverter(PathConverter):
    """An id to the end of the path: slashes in it (a URL is the id of a page or a feed
    item), as they are or as %2F, a leading one too; url_for quotes ? and #."""

    regex = ".+"
    part_isolating = False  # matched across the path's slashes


# slashes are not merged: a // is the id's (https://...)
@bp.get("/doc/<docid:doc_id>", merge_slashes=False)
def doc_page(doc_id: str):
    doc = find_document(doc_id)
    try:
        q = query_text()
    except InputError as e:
        bad_request(str(e))
    html = get_index().marked(doc, q)
    back = url_for(".search_page", q=q) if q.strip() else url_for(".index")
    response = make_response(
        render_template(
            "doc.html",
            doc=doc,
            q=q,
            title_html=display.marked(html["title"]),
            body=display.paragraphs(html["text"]),
            matches=html["text"].count("<mark>") + html["title"].count("<mark>"),
            source=display.safe_url(doc.url),
            back=back,
        )
    )
    alternate(response, url_for(".api_doc", doc_id=doc.id))
    return response


@bp.get("/help")
def help_page():
    return render_template("help.html")


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)


def alternate(response, href: str) -> None:
    """Every page names its JSON twin (as datasette does)."""
    response.headers["Link"] = f'<{href}>; rel="alternate"; type="application/json"'


# -- JSON API


def bad_request(message: str):
    abort(400, description=display.sentence(message))


@bp.get("/api/search")
def api_search():
    if "q" not in request.args:
        bad_request("missing the query: add ?q=...")
    try:
        form = SearchForm.from_request(api=True)
        result = form.search()
    except (InputError, QueryError) as e:
        bad_request(str(e))
    return jsonify(result.to_dict())


@bp.get("/api/doc/<docid:doc_id>", merge_slashes=False)
def api_doc(doc_id: str):
    return jsonify(find_document(doc_id).to_dict())


@bp.get("/api/suggest")
def api_suggest():
    try:
        q = query_text()
    except InputError as e:
        bad_request(str(e))
    found = get_index().suggestions(q, limit=current_app.config["SUGGEST_LIMIT"]) if q else []
    # "suggestions" stays a list of strings; "across" says, for the words of another
    # script among them, which typed word each sounds like
    return jsonify(
        {
            "query": q,
            "suggestions": [s.text for s in found],
            "across": [s.to_dict() for s in found if s.matches],
        }
    )


# -- template helpers


@bp.app_template_filter("dir")
def dir_filter(lang: str | None) -> str:
    return display.text_dir(lang)


@bp.app_template_filter("langattr")
def lang_attr_filter(lang: str | None) -> str:
    return display.lang_attr(lang)


@bp.app_template_filter("langname")
def lang_name_filter(lang: str | None) -> str:
    return display.lang_name(lang)


@bp.app_template_filter("day")
def day_filter(value: str | None) -> str:
    return display.date_label(value)


@bp.app_template_filter("marked")
def marked_filter(html: str | None):
    return display.marked(html)


@bp.app_template_filter("sentence")
def sentence_filter(message: str) -> str:
    return display.sentence(message)


@bp.app_template_filter("ms")
def ms_filter(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"


@bp.app_context_processor
def helpers() -> dict:
    return {
        "languages": display.LANGUAGES,
        "count_label": display.count_label,
        "max_query_length": current_app.config["MAX_QUERY_LENGTH"],
    }
