import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a", "code", "hr"}


@register.filter
def markdown(text: str) -> str:
    """Render report Markdown to HTML and pass it through a sanitiser: no script, no event handler, ever."""
    import markdown as md
    import nh3

    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
    return mark_safe(clean)


@register.filter
def may_use_editorial(user) -> bool:
    """For the header's „Redaktion“ link: engagiert.permissions decides, not the template."""
    from engagiert import permissions

    return permissions.may_use_editorial(user)


@register.simple_tag
def assignments(user) -> dict:
    """The user's roles and the towns and networks they look after, for the admin's start page."""
    from cities.models import City
    from engagiert import permissions
    from networks.models import Network

    return {
        "roles": permissions.roles(user),
        "cities": City.objects.filter(pk__in=permissions.coordinated_city_ids(user)).order_by("name"),
        "networks": Network.objects.filter(pk__in=permissions.spoken_network_ids(user)).order_by("name"),
        "editorial": permissions.may_use_editorial(user),
        "office": permissions.is_office(user),
    }


@register.simple_tag
def trash_retention_days() -> int:
    """How many days the Papierkorb keeps a deleted entry (settings.TRASH_RETENTION_DAYS)."""
    from django.conf import settings

    return settings.TRASH_RETENTION_DAYS
