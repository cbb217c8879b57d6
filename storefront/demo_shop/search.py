"""A real subset of Shopify's search syntax, over the demo catalog.

Supported: case-insensitive terms (all required: AND is implied), `OR`
between groups of terms (AND binds tighter), `-term` and `NOT term`
exclusion, "quoted phrases", `term*` prefixes, and `field:value` for `title`,
`tag`, `tag_not`, `product_type`, `vendor`, `sku` and `available_for_sale`, and
for articles `author` and `blog_title`. Words match
whole words, singular and plural alike ("tees" finds "Tee"), as Shopify's
storefront search does. Parentheses are not supported; unknown fields match
nothing.

Relevance: each positive term scores the weight of the best field it matched
(title above tags and type, above variants, above description); ties are
broken by the caller with a stable key.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import ClassVar

from storefront.demo_shop.catalog import (
    Article,
    Blog,
    Catalog,
    Collection,
    Page,
    Product,
    html_to_text,
)

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(
    r"""\s*(?P<neg>-|NOT\s+)?(?:(?P<field>[a-z_]+):)?
        (?:"(?P<dq>[^"]*)"?|'(?P<sq>[^']*)'?|(?P<bare>[^\s"']+))""",
    re.VERBOSE,
)

# Field weights for relevance: a title match outranks everything else.
WEIGHTS = {
    "title": 8,
    "product_type": 4,
    "tag": 4,
    "vendor": 3,
    "author": 3,
    "variants_title": 2,
    "variants_sku": 2,
    "variants_barcode": 2,
    "body": 1,
}
ALL_FIELDS = frozenset(WEIGHTS)
# Exact-value fields of the syntax, compared whole and case-insensitively.
EXACT_FIELDS = frozenset({"tag", "product_type", "vendor", "sku", "available_for_sale", "author",
                          "blog_title"})

Words = tuple[str, ...]


def stem(word: str) -> str:
    """A deliberately tiny stemmer so singular and plural forms meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str | None) -> Words:
    return tuple(stem(w) for w in _WORD.findall((text or "").casefold()))


@dataclass(frozen=True)
class Term:
    words: Words
    field: str | None = None
    value: str = ""  # the raw value, for exact-value fields
    negated: bool = False
    prefix: bool = False  # the last word matches as a prefix


@dataclass(frozen=True)
class Query:
    """A disjunction of conjunctions: any group matches when all its terms do."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not any(self.groups)


def parse(text: str | None, *, prefix_last: bool = False) -> Query:
    """Parse a search query; with `prefix_last`, its last word matches as a prefix."""
    text = text or ""
    groups: list[list[Term]] = [[]]
    pos = 0
    while (match := _TOKEN.match(text, pos)) and match.end() > pos:
        pos = match.end()
        bare = match.group("bare")
        if not match.group("neg") and not match.group("field") and bare in ("OR", "AND"):
            if bare == "OR" and groups[-1]:
                groups.append([])
            continue
        quoted = match.group("dq") if match.group("dq") is not None else match.group("sq")
        value = (quoted if quoted is not None else bare.strip("()")) or ""
        star = quoted is None and value.endswith("*")
        value = value.rstrip("*")
        term_words = _prefix_words(value) if star else words(value)
        if not term_words and match.group("field") is None:
            continue
        groups[-1].append(
            Term(
                words=term_words,
                field=match.group("field"),
                value=value.casefold(),
                negated=bool(match.group("neg")),
                prefix=star,
            )
        )
    if prefix_last and text and not text[-1].isspace() and text[-1] not in "\"'":
        last = groups[-1][-1] if groups[-1] else None
        if last and not last.negated and last.field is None:
            groups[-1][-1] = Term(_prefix_words(last.value), value=last.value, prefix=True)
    return Query(tuple(tuple(g) for g in groups if g))


def _prefix_words(value: str) -> Words:
    """Stemmed words, but the last one as typed: a prefix must not lose a letter."""
    return words(value)[:-1] + tuple(_WORD.findall(value.casefold()))[-1:]


@dataclass(frozen=True)
class Document:
    """The searchable text of one product, page, collection, blog or article."""

    fields: dict[str, tuple[Words, ...]]
    exact: dict[str, frozenset[str]] = field(default_factory=dict)


def product_document(product: Product) -> Document:
    return Document(
        fields={
            "title": (words(product.title),),
            "product_type": (words(product.product_type),),
            "vendor": (words(product.vendor),),
            "tag": tuple(words(t) for t in product.tags),
            "body": (words(product.description),),
            "variants_title": tuple(words(v.title) for v in product.variants),
            "variants_sku": tuple(words(v.sku) for v in product.variants if v.sku),
            "variants_barcode": tuple(words(v.barcode) for v in product.variants if v.barcode),
        },
        exact={
            "tag": frozenset(t.casefold() for t in product.tags),
            "product_type": frozenset({product.product_type.casefold()}),
            "vendor": frozenset({product.vendor.casefold()}),
            "sku": frozenset(v.sku.casefold() for v in product.variants if v.sku),
            "available_for_sale": frozenset({"true" if product.available else "false"}),
        },
    )


def page_document(page: Page) -> Document:
    body = (words(page.body_summary), words(html_to_text(page.body_html)))
    return Document(fields={"title": (words(page.title),), "body": body})


def collection_document(collection: Collection) -> Document:
    return Document(
        fields={"title": (words(collection.title),), "body": (words(collection.description),)}
    )


def blog_document(blog: Blog) -> Document:
    return Document(fields={"title": (words(blog.title),)})


def article_document(article: Article, blog: Blog) -> Document:
    return Document(
        fields={
            "title": (words(article.title),),
            "tag": tuple(words(t) for t in article.tags),
            "author": (words(article.author.name),),
            "body": (words(article.excerpt), words(article.content)),
        },
        exact={
            "tag": frozenset(t.casefold() for t in article.tags),
            "author": frozenset({article.author.name.casefold()}),
            "blog_title": frozenset({blog.title.casefold()}),
        },
    )


def _contains(sequence: Words, term: Term) -> bool:
    """Whether the term's words appear consecutively in `sequence`."""
    size = len(term.words)
    if size == 0:
        return False
    for start in range(len(sequence) - size + 1):
        window = sequence[start : start + size]
        if window[:-1] != term.words[:-1]:
            continue
        last, wanted = window[-1], term.words[-1]
        if last == wanted or (term.prefix and (last.startswith(wanted) or last == stem(wanted))):
            return True
    return False


def _term_score(term: Term, document: Document, searchable: frozenset[str]) -> int:
    """The weight of the best field the term matches, 0 when it matches none."""
    if term.field is not None:
        if term.field == "title":
            return (
                WEIGHTS["title"] if any(_contains(s, term) for s in document.fields["title"]) else 0
            )
        if term.field in EXACT_FIELDS and term.value in document.exact.get(term.field, ()):
            return WEIGHTS.get(term.field, 1)
        if term.field == "tag_not":  # matches what lacks the tag
            return 1 if term.value not in document.exact.get("tag", ()) else 0
        return 0
    return max(
        (
            WEIGHTS[name]
            for name, sequences in document.fields.items()
            if name in searchable and any(_contains(s, term) for s in sequences)
        ),
        default=0,
    )


def score(query: Query, document: Document, searchable: frozenset[str] = ALL_FIELDS) -> int | None:
    """The relevance of a document for the query, or None when it does not match."""
    best = None
    for group in query.groups:
        total = 0
        for term in group:
            points = _term_score(term, document, searchable)
            if term.negated == bool(points):
                break
            total += 0 if term.negated else points
        else:
            best = total if best is None else max(best, total)
    return best


class SearchIndex:
    """Documents for every product, page, collection, blog and article of a catalog, built
    once."""

    # The last few catalogs' indexes: a catalog never changes (an edit makes a
    # new one), and every shop of a process on the same catalog can share one.
    _built: ClassVar[dict[int, tuple[Catalog, SearchIndex]]] = {}
    _KEPT: ClassVar[int] = 4
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def of(cls, catalog: Catalog) -> SearchIndex:
        """The index of `catalog`, built on first use."""
        with cls._lock:
            hit = cls._built.get(id(catalog))
            if hit is not None and hit[0] is catalog:
                return hit[1]
            index = cls(catalog)
            cls._built[id(catalog)] = (catalog, index)
            while len(cls._built) > cls._KEPT:
                del cls._built[next(iter(cls._built))]
            return index

    def __init__(self, catalog: Catalog) -> None:
        self.products = [(p, product_document(p)) for p in catalog.products]
        self.pages = [(p, page_document(p)) for p in catalog.pages]
        self.collections = [(c, collection_document(c)) for c in catalog.collections]
        self.blogs = [(b, blog_document(b)) for b in catalog.blogs]
        self.articles = [(a, article_document(a, b)) for b in catalog.blogs for a in b.articles]
        self._suggestions = _suggestion_texts(catalog)

    @staticmethod
    def matches(entries: Iterable, query: Query, searchable: frozenset[str] = ALL_FIELDS):
        """`(score, item)` for every entry matching the query."""
        for item, document in entries:
            points = score(query, document, searchable)
            if points is not None:
                yield points, item

    def suggestions(self, query: Query, limit: int) -> list[tuple[str, str]]:
        """Query completions as `(text, styledText)`, the typed part wrapped in <mark>."""
        positive = [t for g in query.groups for t in g if not t.negated and t.field is None]
        if not positive:
            return []
        found = []
        for text in self._suggestions:
            sequence = tuple(_WORD.findall(text))
            stems = tuple(stem(w) for w in sequence)
            if all(_contains(stems, t) or _contains(sequence, t) for t in positive):
                typed = " ".join(w for t in positive for w in t.words)
                found.append((not text.startswith(typed), len(text), text))
        found.sort()
        return [(text, _styled(text, positive)) for _, _, text in found[:limit]]


def _suggestion_texts(catalog: Catalog) -> list[str]:
    texts = set()
    for product in catalog.products:
        texts.add(product.title)
        texts.update(product.tags)
        if product.product_type:
            texts.add(product.product_type)
    texts.update(c.title for c in catalog.collections)
    return sorted({" ".join(_WORD.findall(t.casefold())) for t in texts} - {""})


def _styled(text: str, terms: list[Term]) -> str:
    """`text`, HTML-escaped, with the part of each word the shopper typed in <mark>."""
    wanted = {w for t in terms for w in t.words}
    out = []
    for word in text.split(" "):
        match = next(
            (
                w
                for w in sorted(wanted, key=len, reverse=True)
                if word.startswith(w) or stem(word) == w
            ),
            None,
        )
        if match is None:
            out.append(escape(word))
        else:
            size = len(match) if word.startswith(match) else len(word)
            out.append(f"<mark>{escape(word[:size])}</mark>{escape(word[size:])}")
    return " ".join(out)
