"""HTML with inline styles only, because mail clients drop <style> blocks."""

from __future__ import annotations

from html import escape

from mkbcopy.document import Block, Document, Inline, plain_blocks
from mkbcopy.text import BAD_CHARS

DEFAULT_COLOUR = "#1F3A5F"
_FONT = "font-family:Arial,Helvetica,sans-serif;"
_TEXT = f"{_FONT}font-size:16px;line-height:1.5;color:#222222;margin:0 0 16px 0;"
_HEADING = {
    1: "font-size:26px;line-height:1.25;margin:0 0 16px 0;",
    2: "font-size:21px;line-height:1.3;margin:24px 0 8px 0;",
    3: "font-size:18px;line-height:1.3;margin:20px 0 6px 0;",
}


def render_html(document: Document, *, colour: str | None = None, title: str = "") -> str:
    """A complete HTML document; the preheader is hidden preview text for inboxes."""
    colour = colour or DEFAULT_COLOUR
    body = "\n".join(_block(block, colour) for block in plain_blocks(document.blocks))
    preheader = document.meta.get("preheader", "")
    hidden = (
        '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">'
        f"{_esc(preheader)}</div>\n"
        if preheader
        else ""
    )
    title = _esc(document.meta.get("subject", title))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n</head>\n"
        '<body style="margin:0;padding:0;background-color:#F4F4F4;">\n'
        f"{hidden}"
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background-color:#F4F4F4;">\n<tr><td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" '
        'style="max-width:600px;width:100%;background-color:#FFFFFF;">\n'
        f'<tr><td style="padding:32px 32px 16px 32px;">\n{body}\n</td></tr>\n'
        "</table>\n</td></tr>\n</table>\n</body>\n</html>\n"
    )


def _block(block: Block, colour: str) -> str:
    if block.kind == "heading":
        level = min(max(block.level, 1), 3)
        style = f"{_FONT}{_HEADING[level]}color:{colour};"
        return f'<h{level} style="{style}">{_inline(block.spans, colour)}</h{level}>'
    if block.kind == "bullets":
        items = "".join(
            f'<li style="{_TEXT}margin-bottom:8px;">{_inline(item, colour)}</li>'
            for item in block.items
        )
        return f'<ul style="margin:0 0 16px 0;padding-left:24px;">{items}</ul>'
    return f'<p style="{_TEXT}">{_inline(block.spans, colour)}</p>'


def _esc(text: str) -> str:
    """HTML-escaped, without the control characters and lone surrogates no page can show."""
    return escape(BAD_CHARS.sub("", text), quote=True)


def _inline(spans: Inline, colour: str) -> str:
    out: list[str] = []
    for span in spans:
        text = _esc(span.text).replace("\n", "<br>")
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.url:
            text = (
                f'<a href="{_esc(span.url)}" '
                f'style="color:{colour};text-decoration:underline;">{text}</a>'
            )
        out.append(text)
    return "".join(out)
