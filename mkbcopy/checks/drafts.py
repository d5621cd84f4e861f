"""The drafts an output folder holds, as manifest entries, for lint and the preview alike.

`generate` lists its drafts under `files`; `batch` lists none there but writes one email
per segment (`segments/<persona>--<subgroup>/email.html`, `.txt`) under `segment_files`.
Both count as drafts, so lint's per-draft counts and the preview agree on a batch folder.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from mkbcopy.checks.readback import DRAFT_SUFFIXES

SEGMENTS = "segments"


def draft_entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every draft file's entry: generate's `files`, then each batch segment's email."""
    files = manifest.get("files")
    entries = [
        e
        for e in (files if isinstance(files, list) else [])
        if isinstance(e, dict) and isinstance(e.get("path"), str)
    ]
    listed = manifest.get("segment_files")
    for rel in listed if isinstance(listed, list) else []:
        if not isinstance(rel, str):
            continue
        path = PurePosixPath(rel)
        if len(path.parts) != 2 or path.suffix.lower() not in DRAFT_SUFFIXES:
            continue  # contacts.csv, the platform's campaign.json
        persona, _, subgroup = path.parts[0].partition("--")
        entries.append(
            {
                "path": f"{SEGMENTS}/{rel}",
                "persona": persona,
                "subgroup": subgroup or None,
                "channel": "email",
                "format": path.suffix.lower().lstrip("."),
            }
        )
    return entries
