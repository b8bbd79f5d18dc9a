"""Reading the public pages in tests: a small HTML tree (standard library only) and a few page helpers.

`page(response)` parses a response into a tree of `Node`s, so tests can ask structural
questions ("the `th` cells of the table's head", "the links in the results list") instead
of matching raw markup. `words(node)` gives the visible text with whitespace collapsed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    def iter(self):
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        """Elements with the tag and attributes; `class_` matches one class among several."""
        found = []
        for node in self.iter():
            if node is self or (tag is not None and node.tag != tag):
                continue
            if all(_matches(node, name, value) for name, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs) -> Node | None:
        matches = self.find_all(tag, **attrs)
        return matches[0] if matches else None

    def one(self, tag: str | None = None, **attrs) -> Node:
        matches = self.find_all(tag, **attrs)
        assert len(matches) == 1, f"expected one <{tag} {attrs}>, found {len(matches)}"
        return matches[0]

    @property
    def text(self) -> str:
        return words(self)

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def links(self) -> list[str]:
        return [a.attrs["href"] for a in self.find_all("a") if a.attrs.get("href")]

    def section(self, labelled_by: str) -> Node:
        """The <section aria-labelledby=…> of a page part, e.g. "anstehend"."""
        return self.one("section", **{"aria-labelledby": labelled_by})


def _matches(node: Node, name: str, value) -> bool:
    name = name.rstrip("_").replace("_", "-") if name != "class_" else "class"
    actual = node.attrs.get(name)
    if name == "class":
        return actual is not None and value in actual.split()
    if value is True:
        return name in node.attrs
    return actual == value


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(response) -> Node:
    return parse(response.content.decode())


def words(node: Node | str) -> str:
    """Visible text with all whitespace collapsed to single spaces (scripts left out)."""
    parts: list[str] = []

    def walk(item):
        if isinstance(item, str):
            parts.append(item)
        elif item.tag not in {"script", "style"}:
            for child in item.children:
                walk(child)

    walk(node)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


# --- the directory's own pages ----------------------------------------------------------------


def town_slugs(response) -> list[str]:
    """Slugs of the towns in the result cards of /staedte/, in the listed order."""
    cards = page(response).find("ol", class_="city-cards")
    if cards is None:
        return []
    return [_slug(h3.find("a").attrs["href"]) for h3 in cards.find_all("h3")]


def meeting_slugs(node: Node) -> list[str]:
    """Slugs of the meetings linked from headings (<h3>) below a node, in order."""
    return [_slug(h3.find("a").attrs["href"]) for h3 in node.find_all("h3") if h3.find("a") is not None]


def result_count(response) -> str:
    return page(response).one(class_="result-count").text


def result_total(response) -> int:
    """Everything the count lists: "9 Engagierte Städte und 1 Engagiertes Land" is 10."""
    return sum(int(number) for number in re.findall(r"\d+", result_count(response)))


def chips(response) -> dict[str, str]:
    """Active filter chips as {visible text: removal link}; the reset chip is left out."""
    found = {}
    for link in page(response).find_all("a", class_="chip"):
        if "is-reset" in link.attrs.get("class", ""):
            continue
        label = words(link).replace("× – Filter entfernen", "").strip()
        found[label] = link.attrs["href"]
    return found


def jsonld(response) -> list[dict]:
    return [
        json.loads("".join(child for child in script.children if isinstance(child, str)))
        for script in page(response).find_all("script", type="application/ld+json")
    ]


def _slug(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1]


def form_data(form: Node) -> dict[str, list[str]]:
    """What a browser would submit for `form` as it stands: the successful controls and their values.

    Template rows of admin inlines (names with "__prefix__") are left out, as the admin's
    script never submits them.
    """
    data: dict[str, list[str]] = {}

    def add(name, value):
        if name and "__prefix__" not in name:
            data.setdefault(name, []).append(value)

    for node in form.iter():
        name = node.attrs.get("name")
        if "disabled" in node.attrs:
            continue
        if node.tag == "input":
            kind = (node.attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if "checked" in node.attrs:
                    add(name, node.attrs.get("value") or "on")
                continue
            add(name, node.attrs.get("value") or "")
        elif node.tag == "textarea":
            add(name, "".join(child for child in node.children if isinstance(child, str)).removeprefix("\n"))
        elif node.tag == "select":
            options = node.find_all("option")
            chosen = [option for option in options if "selected" in option.attrs]
            if not chosen and "multiple" not in node.attrs and options:
                chosen = options[:1]
            for option in chosen:
                add(name, option.attrs.get("value", words(option)))
    return data
