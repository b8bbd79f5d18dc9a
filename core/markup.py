"""Report text: Markdown rendered to HTML and sanitised, the same for the pages and the open-data API."""

import markdown as md
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a", "code", "hr"}


def render_markdown(text: str) -> str:
    """HTML of a report's Markdown, through a sanitiser: no script, no event handler, ever."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
