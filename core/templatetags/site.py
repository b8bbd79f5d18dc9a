import json

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core import permissions
from core.markup import render_markdown

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld(data):
    """A schema.org JSON-LD block; characters that could end the script element are escaped."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    # A data block, never executed: the Content-Security-Policy needs no nonce for it.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def markdown(text: str) -> str:
    """Render report Markdown to sanitised HTML (core.markup)."""
    return mark_safe(render_markdown(text))


@register.filter
def may_use_editorial(user) -> bool:
    """For the header's „Redaktion“ link: core.permissions decides, not the template."""
    return permissions.may_use_editorial(user)


@register.simple_tag
def trash_retention_days() -> int:
    """How many days the Papierkorb keeps a deleted entry (settings.TRASH_RETENTION_DAYS)."""
    return settings.TRASH_RETENTION_DAYS


@register.simple_tag
def footnote(sources, entry, fact: str = ""):
    """Footnote marks that link a fact to its sources in the page's „Quellen“ list
    (`sources` is a `core.models.Footnotes`; anything else, or no own source, marks nothing)."""
    return _marks(sources.marks(entry, fact) if hasattr(sources, "marks") else [])


@register.simple_tag
def cite(sources, *keys: str):
    """Footnote marks for the page's numbered sources named by their keys (`Source.key`), for a
    page whose statements are not entries of the directory (/mitmachen/)."""
    return _marks(sorted({source.number for source in sources if source.key in keys}))


def _marks(numbers) -> str:
    if not numbers:
        return ""
    links = format_html_join("", '<a href="#quelle-{}" aria-label="Quelle {}">[{}]</a>', ((n, n, n) for n in numbers))
    return format_html('<sup class="footnote">{}</sup>', links)
