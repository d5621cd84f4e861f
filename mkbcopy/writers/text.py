"""Plain text and Markdown: what a marketer pastes into a post or a mail tool."""

from __future__ import annotations

from mkbcopy.document import Block, Document, inline_text, plain_blocks


def render_text(document: Document) -> str:
    """Plain text: headings as lines, bullets with '- ', links as `text (url)`."""
    parts: list[str] = []
    for block in plain_blocks(document.blocks):
        parts.append(_block_text(block))
    return "\n\n".join(p for p in parts if p) + "\n"


def _block_text(block: Block) -> str:
    if block.kind == "bullets":
        return "\n".join(f"- {inline_text(item, show_urls=True)}" for item in block.items)
    return inline_text(block.spans, show_urls=True)


def render_markdown(document: Document) -> str:
    """The template's Markdown (without `:::` fences), the header as a readable front matter."""
    head = "".join(f"{key}: {value}\n" for key, value in document.meta.items())
    return (f"---\n{head}---\n\n" if head else "") + document.markdown_without_markers()
