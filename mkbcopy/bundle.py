"""Where the bundled data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_path(name: str) -> Path:
    """`personas.yaml` or `campaign_templates`, installed or from the checkout."""
    packaged = Path(str(resources.files("mkbcopy") / name))
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / name
