"""QR codes for printed links, kept in the user's cache."""

from __future__ import annotations

import hashlib
import io
from contextlib import suppress

from mkbcopy.usercache import private_folder, write_private

# Error correction level M; 12 pixels per module; the 4-module quiet zone the standard asks.
QR_ERROR, QR_SCALE, QR_BORDER = "m", 12, 4


def qr_png(url: str) -> bytes:
    """The QR code of the full link, as a PNG with whole pixels per module (sharp in print).

    Kept in the user's cache under a name made of the link, the options and segno's
    version, so a hit is the PNG segno would make now; making one takes 15 ms.
    """
    from importlib.metadata import version

    folder = private_folder("qr")
    made_by = (version("segno"), QR_ERROR, QR_SCALE, QR_BORDER, url)
    key = hashlib.sha256(repr(made_by).encode()).hexdigest()
    kept = folder / f"{key[:32]}.png" if folder is not None else None
    if kept is not None:
        with suppress(OSError):
            return kept.read_bytes()
    png = make_qr_png(url)
    if kept is not None:
        write_private(kept, png)
    return png


def make_qr_png(url: str) -> bytes:
    """The QR code made now, without the cache."""
    import segno  # 15 ms to import, and only needed when the cache has no such code

    out = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(
        out, kind="png", scale=QR_SCALE, border=QR_BORDER
    )
    return out.getvalue()
