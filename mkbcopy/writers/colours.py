"""Colour contrast as WCAG 2 measures it, and brand colours made readable on a background.

An email is read on white and, in dark mode, on near-black: a brand colour that
passes on one often fails on the other, so each scheme gets its own shade.
"""

from __future__ import annotations

from typing import Final

MIN_CONTRAST: Final = 4.5  # WCAG 2 AA for body-size text


def _channels(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance of #RRGGBB (WCAG 2)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _mix(colour: str, towards: str, share: float) -> str:
    mixed = (
        round(c + (t - c) * share)
        for c, t in zip(_channels(colour), _channels(towards), strict=True)
    )
    return "#" + "".join(f"{c:02X}" for c in mixed)


def readable(colour: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """`colour`, or the nearest shade of it towards black or white (whichever the
    background is not) that reaches `minimum` contrast on `background`."""
    target = "#000000" if luminance(background) > 0.18 else "#FFFFFF"
    for step in range(21):
        shade = _mix(colour, target, step / 20)
        if contrast(shade, background) >= minimum:
            return shade
    return target


def text_on(background: str) -> str:
    """White or near-black text, whichever reads better on `background` (a button)."""
    white, dark = "#FFFFFF", "#111111"
    return white if contrast(white, background) >= contrast(dark, background) else dark
