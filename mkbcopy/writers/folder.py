"""The output folder: atomic writes, no clobbering, and a manifest of what is ours."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from mkbcopy.errors import OutputError
from mkbcopy.i18n import _

MANIFEST = "manifest.json"
# Held by the one run that writes into OUT; a second run refuses instead of mixing files.
LOCK = ".mkbcopy.lock"
# The folder inside a batch's work folder that takes what a swap replaced.
REPLACED = ".replaced"
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
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a full disk says so on write(), without a name
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


@contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """One writer per output folder: a second run refuses at once with a clear line.

    The lock is the OS's own (flock), so it goes when its holder dies, even by
    SIGKILL. The lock file is removed on release; a run that opened it just before
    checks after locking that it still is the file at OUT/.mkbcopy.lock.
    """
    if out.is_symlink() and not out.is_dir():
        raise OutputError(
            _("is a symbolic link that leads nowhere; choose another --out"), path=out
        )
    if out.exists() and not out.is_dir():
        raise OutputError(_("exists and is not a folder; choose another --out"), path=out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    fd = _lock_file(path, out)
    try:
        yield
    finally:
        with suppress(OSError):
            path.unlink()
        os.close(fd)


def _lock_file(path: Path, out: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        fd = os.open(path, flags, 0o600)
        try:
            _flock(fd)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                _(
                    "another mkbcopy run is writing into this folder; wait until it has "
                    "finished, or choose another --out"
                ),
                path=out,
            ) from None
        try:
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # its holder removed it between our open and our lock: again


def _flock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - mkbcopy is tested on POSIX
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM over a few renames, so they happen all or not at all."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    old = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if caught:
            raise KeyboardInterrupt


def swap_in(work: Path, out: Path, manifest: dict[str, Any]) -> None:
    """Move everything in `work` into OUT, replacing what is there: all or nothing.

    The manifest names the work folder first, so if even a SIGKILL stops the renames
    the next run finishes them (finish_swap). Replaced files go to work/.replaced,
    removed with the work folder after the manifest says the run is complete.
    """
    manifest["swap"] = work.name
    write_manifest(out, manifest)
    with signals_held():
        _finish_renames(work, out)
        del manifest["swap"]
        manifest["complete"] = True
        write_manifest(out, manifest)


def _finish_renames(work: Path, out: Path) -> None:
    replaced = work / REPLACED
    replaced.mkdir(exist_ok=True)
    for item in sorted(work.iterdir()):
        if item.name == REPLACED:
            continue
        target = out / item.name
        if (target.exists() or target.is_symlink()) and not (replaced / item.name).exists():
            os.replace(target, replaced / item.name)
        elif target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # only after a SIGKILL between the two renames of one item
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(item, target)


def finish_swap(out: Path) -> str | None:
    """Finish the renames of a batch that was killed while swapping its results in."""
    manifest = read_manifest(out)
    if manifest is None or manifest.get("kind") != "batch":
        return None
    name = manifest.get("swap")
    if not isinstance(name, str) or not _BATCH_WORK.match(name):
        return None
    work = out / name
    if not work.is_dir() or work.is_symlink():
        return None
    with signals_held():
        _finish_renames(work, out)
        del manifest["swap"]
        manifest["complete"] = True
        write_manifest(out, manifest)
    return _(
        "%(out)s: finished moving in the results of a batch that was stopped while doing so; "
        "they are replaced by this run's"
    ) % {"out": out}


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
    return owned_in(read_manifest(out))


def owned_in(manifest: dict[str, Any] | None) -> set[str]:
    """Paths (relative to OUT) that `manifest` lists as written by mkbcopy."""
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


def check_out(out: Path, *, force: bool) -> None:
    """What can be said about OUT before taking its lock."""
    if out.is_symlink() and not force:
        raise OutputError(_("is a symbolic link; give the real folder or use --force"), path=out)
    if out.exists() and not out.is_dir():
        raise OutputError(_("exists and is not a folder; choose another --out"), path=out)


def prepare_out(out: Path, planned: Iterable[str], *, force: bool) -> list[str]:
    """Refuse an OUT that holds the user's own files, unless --force; call with its lock.

    Files that an earlier run listed in its manifest are ours to replace; --force
    lets a run write beside the user's files, never over them. Returns notices.
    """
    check_out(out, force=force)
    planned = list(planned)
    root = out.resolve()
    for rel in planned:
        target = (out / rel.rstrip("/")).parent.resolve()
        if target != root and root not in target.parents:
            raise OutputError(
                _("'%(file)s' would be written outside the output folder") % {"file": rel},
                path=out,
            )
    if not out.exists():
        return []
    notices = [note] if (note := finish_swap(out)) else []
    owned = owned_files(out)
    _remove_leftovers(out, [*planned, *owned, MANIFEST])
    if force:
        _refuse_replacing_foreign(out, planned, owned)
        return notices
    foreign = sorted(
        rel
        for p in out.rglob("*")
        if (rel := str(p.relative_to(out))) != LOCK
        and (p.is_symlink() or (p.is_file() and not is_owned(rel, owned)))
    )
    if foreign:
        if len(foreign) > 1:
            message = _(
                "holds files mkbcopy did not write (%(file)s and %(more)s more); "
                "use --force to write anyway, or choose another --out"
            )
        else:
            message = _(
                "holds a file mkbcopy did not write (%(file)s); "
                "use --force to write anyway, or choose another --out"
            )
        raise OutputError(message % {"file": foreign[0], "more": len(foreign) - 1}, path=out)
    _refuse_replacing_foreign(out, planned, owned)
    return notices


def _refuse_replacing_foreign(out: Path, planned: list[str], owned: set[str]) -> None:
    """Even --force never replaces what mkbcopy did not write, nor what is no regular file."""
    for rel in planned:
        target = out / rel.rstrip("/")
        if not (target.exists() or target.is_symlink()):
            continue
        mode = target.lstat().st_mode
        # A link at one of our paths is replaced by a file, never written through.
        regular = stat.S_ISLNK(mode) or (
            stat.S_ISDIR(mode) if rel.endswith("/") else stat.S_ISREG(mode)
        )
        if not (regular and is_owned(rel, owned)):
            if regular:
                message = _(
                    "'%(file)s' was not written by mkbcopy, and mkbcopy would replace it; "
                    "--force never does: move it away, or choose another --out"
                )
            else:
                message = _(
                    "'%(file)s' is not a regular file or folder, and mkbcopy would replace it; "
                    "--force never does: move it away, or choose another --out"
                )
            raise OutputError(message % {"file": rel.rstrip("/")}, path=out)


def keep_manifest(out: Path) -> Path | None:
    """A second name for the manifest as it is, so a failed run can put it back by a
    rename, which needs no disk space. Named as a temporary file: a crash leaves none."""
    if not (out / MANIFEST).is_file():
        return None
    saved = out / f".{MANIFEST}.earlier_.tmp"
    saved.unlink(missing_ok=True)
    try:
        os.link(out / MANIFEST, saved)
    except OSError:
        return None
    return saved


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out / MANIFEST, text.encode("utf-8"))


def _no_manifest() -> str:
    return _("no %(manifest)s; run mkbcopy generate first") % {"manifest": MANIFEST}


def write_extra(out: Path, rel: str, data: bytes) -> None:
    """Write a file beside the drafts (coverage.csv, index.html) and record it as ours."""
    if read_manifest(out) is None:
        raise OutputError(_no_manifest(), path=out)
    with out_lock(out):
        manifest = read_manifest(out)
        if manifest is None:
            raise OutputError(_no_manifest(), path=out)
        target = out / rel
        if target.is_symlink() or (target.exists() and rel not in owned_files(out)):
            raise OutputError(
                _("'%(file)s' exists and was not written by mkbcopy") % {"file": rel}, path=out
            )
        atomic_write(target, data)
        extras = manifest.setdefault("extras", [])
        if rel not in extras:
            extras.append(rel)
            write_manifest(out, manifest)


def missing_files(out: Path, manifest: dict[str, Any]) -> list[str]:
    """Listed files that are not on disk: a run never says complete while any is."""
    rels = [e["path"] for e in manifest.get("files", []) if isinstance(e, dict)]
    return [rel for rel in rels if not (out / rel).is_file()]
