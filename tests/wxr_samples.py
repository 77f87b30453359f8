"""WordPress export (WXR) documents for the tests, written as text."""

from __future__ import annotations

NAMESPACES = {
    "1.0": ("http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.0/excerpt/"),
    "1.1": ("http://wordpress.org/export/1.1/", "http://wordpress.org/export/1.1/excerpt/"),
    "1.2": ("http://wordpress.org/export/1.2/", "http://wordpress.org/export/1.2/excerpt/"),
}

BODY = (
    "<p>The river ran high that spring, and the ferry waited on the far bank for three days"
    " while the village argued about who would pay the ferryman.</p>"
)


def header(version: str = "1.2", encoding: str = "UTF-8", title: str = "River Notes") -> str:
    """The document's start up to the channel's items."""
    wp, excerpt = NAMESPACES[version]
    authors = (
        ""
        if version == "1.0"
        else "<wp:author><wp:author_login><![CDATA[ann]]></wp:author_login>"
        "<wp:author_display_name><![CDATA[Ann Ferry]]></wp:author_display_name></wp:author>\n"
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<rss version="2.0" xmlns:excerpt="{excerpt}"\n'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        f' xmlns:wp="{wp}">\n<channel>\n'
        f"<title>{title}</title>\n<link>https://river.example</link>\n"
        "<description>Notes from the river</description>\n<language>en-GB</language>\n"
        f"<wp:wxr_version>{version}</wp:wxr_version>\n"
        "<wp:base_site_url>https://river.example</wp:base_site_url>\n"
        f"{authors}"
        "<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>boats</wp:category_nicename>"
        "<wp:category_parent>travel</wp:category_parent><wp:cat_name><![CDATA[Boats]]>"
        "</wp:cat_name></wp:category>\n"
    )


def item(
    post_id: int,
    title: str = "The Ferry",
    *,
    post_type: str = "post",
    status: str = "publish",
    body: str = BODY,
    name: str = "",
    password: str = "",
    extra: str = "",
    categories: str = "",
) -> str:
    """One <item>."""
    return (
        f"<item>\n<title>{title}</title>\n"
        f"<link>https://river.example/{name or f'post-{post_id}'}/</link>\n"
        "<pubDate>Mon, 02 Apr 2012 10:00:00 +0000</pubDate>\n"
        "<dc:creator><![CDATA[ann]]></dc:creator>\n"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>\n"
        "<excerpt:encoded><![CDATA[A ferry story.]]></excerpt:encoded>\n"
        f"<wp:post_id>{post_id}</wp:post_id>\n"
        "<wp:post_date>2012-04-02 12:00:00</wp:post_date>\n"
        "<wp:post_date_gmt>2012-04-02 10:00:00</wp:post_date_gmt>\n"
        f"<wp:post_name>{name or f'post-{post_id}'}</wp:post_name>\n"
        f"<wp:status>{status}</wp:status>\n<wp:post_type>{post_type}</wp:post_type>\n"
        f"<wp:post_password>{password}</wp:post_password>\n"
        f"{categories}{extra}</item>\n"
    )


FOOTER = "</channel>\n</rss>\n"


def export(*items: str, version: str = "1.2", encoding: str = "UTF-8") -> str:
    """A whole export of these items."""
    return header(version, encoding) + "".join(items) + FOOTER
