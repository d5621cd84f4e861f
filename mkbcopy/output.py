"""The output folder: atomic writes, no clobbering, and a manifest of what is ours."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkbcopy.errors import OutputError

MANIFEST = "manifest.json"
# What atomic_write leaves when a run is killed before it can clean up (SIGKILL, power
# cut): `.NAME.` + tempfile's 8 random characters + `.tmp`; and run_batch's work folder.
_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")
_BATCH_WORK = re.compile(r"^\.batch-[a-z0-9_]{8}$")


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half file.

    The rename replaces a symbolic link at `path` instead of writing through it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, FILE_MODE)  # mkstemp makes 0600; drafts get the usual umask mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temps(folder: Path, names: Iterable[str]) -> None:
    """Delete the temporary files a killed run left beside `names` in `folder`.

    Only `.NAME.XXXXXXXX.tmp` for a NAME given is touched, so a file of the user's
    never is, however it is called.
    """
    wanted = set(names)
    try:
        entries = list(folder.iterdir())
    except OSError:  # no folder yet
        return
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match and match.group("name") in wanted and not entry.is_symlink() and entry.is_file():
            entry.unlink(missing_ok=True)


def _remove_leftovers(out: Path, names: Iterable[str]) -> None:
    """What a killed run of ours left in OUT: temporary files, and batch's work folder."""
    root = out.resolve()
    by_folder: defaultdict[Path, set[str]] = defaultdict(set)
    for rel in names:
        target = out / rel.rstrip("/")
        folder = target.parent.resolve()
        if folder == root or root in folder.parents:  # an edited manifest cannot reach out
            by_folder[folder].add(target.name)
    for folder, wanted in by_folder.items():
        remove_stale_temps(folder, wanted)
    manifest = read_manifest(out)
    if manifest is not None and manifest.get("kind") == "batch":
        for entry in out.iterdir():
            if _BATCH_WORK.match(entry.name) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def owned_files(out: Path) -> set[str]:
    """Paths (relative to OUT) that an earlier mkbcopy run wrote."""
    manifest = read_manifest(out)
    if manifest is None:
        return set()
    owned = {MANIFEST}
    entries = manifest.get("files", []) + manifest.get("planned", []) + manifest.get("extras", [])
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            owned.add(entry["path"])
        elif isinstance(entry, str):
            owned.add(entry)
    return owned


def is_owned(rel: str, owned: set[str]) -> bool:
    """Listed itself, or inside a folder listed with a trailing '/'."""
    return rel in owned or any(o.endswith("/") and rel.startswith(o) for o in owned)


def prepare_out(out: Path, planned: Iterable[str], *, force: bool) -> None:
    """Refuse an OUT that holds the user's own files, unless --force.

    Files that an earlier run listed in its manifest are ours to replace.
    """
    if out.is_symlink() and not force:
        raise OutputError("is a symbolic link; give the real folder or use --force", path=out)
    if out.exists() and not out.is_dir():
        raise OutputError("exists and is not a folder", path=out)
    planned = list(planned)
    root = out.resolve()
    for rel in planned:
        target = (out / rel.rstrip("/")).parent.resolve()
        if target != root and root not in target.parents:
            raise OutputError(f"'{rel}' would be written outside the output folder", path=out)
    if not out.exists():
        return
    owned = owned_files(out)
    _remove_leftovers(out, [*planned, *owned, MANIFEST])
    if force:
        return
    foreign = sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_symlink() or (p.is_file() and not is_owned(str(p.relative_to(out)), owned))
    )
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise OutputError(
            f"holds files mkbcopy did not write ({foreign[0]}{more}); "
            "use --force to write anyway, or choose another --out",
            path=out,
        )


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out / MANIFEST, text.encode("utf-8"))


def write_extra(out: Path, rel: str, data: bytes) -> None:
    """Write a file beside the drafts (coverage.csv, index.html) and record it as ours."""
    manifest = read_manifest(out)
    if manifest is None:
        raise OutputError(f"no {MANIFEST}; run mkbcopy generate first", path=out)
    target = out / rel
    if target.is_symlink() or (target.exists() and rel not in owned_files(out)):
        raise OutputError(f"'{rel}' exists and was not written by mkbcopy", path=out)
    atomic_write(target, data)
    extras = manifest.setdefault("extras", [])
    if rel not in extras:
        extras.append(rel)
        write_manifest(out, manifest)
