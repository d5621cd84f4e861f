"""Word output; the only package that imports python-docx (it is slow to import)."""

from mkbcopy.writers.docx.qr import make_qr_png, qr_png
from mkbcopy.writers.docx.writer import check_brand_files, render_docx, render_docx_page

__all__ = ["check_brand_files", "make_qr_png", "qr_png", "render_docx", "render_docx_page"]
