"""Word to PDF through LibreOffice, so a printer gets the flyer exactly as Word lays it out.

LibreOffice is the one free converter that reads Word files faithfully. Each
conversion gets its own profile folder: two runs sharing the default profile
would wait on each other's lock or fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from mkbcopy.errors import ToolError
from mkbcopy.i18n import _

TIMEOUT = 120.0  # a cold start on a slow laptop takes ~10 s; a hung soffice never ends
INSTALL_HINT = (
    "install it with 'apt-get install libreoffice-writer-nogui' "
    "(macOS: 'brew install --cask libreoffice'; Windows: libreoffice.org)"
)
_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


def find_soffice() -> str | None:
    """The LibreOffice program, or None where it is not installed."""
    for candidate in _CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def require_soffice() -> str:
    """Fail before anything is written, with the install command, where LibreOffice is missing."""
    found = find_soffice()
    if found is None:
        raise ToolError(
            _("PDF needs LibreOffice, which is not installed; %(hint)s") % {"hint": INSTALL_HINT}
        )
    return found


def docx_to_pdf(docx: bytes, *, name: str = "flyer.pdf", timeout: float = TIMEOUT) -> bytes:
    """Convert Word bytes to PDF bytes; `name` is the file the PDF becomes, for errors."""
    soffice = require_soffice()
    with tempfile.TemporaryDirectory(prefix="mkbcopy-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "flyer.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "pdf"),
            str(source),
        ]
        detail = _run(command, timeout=timeout, name=name)
        target = folder / "pdf" / "flyer.pdf"
        data = target.read_bytes() if target.is_file() else b""
    if not data.startswith(b"%PDF"):
        raise ToolError(
            _("LibreOffice made no PDF (%(reason)s)") % {"reason": detail or _("no message")},
            path=name,
        )
    return data


def _run(command: list[str], *, timeout: float, name: str) -> str:
    """Run soffice in its own process group, so a timeout kills its helpers too."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise ToolError(
            _("cannot start LibreOffice: %(reason)s") % {"reason": exc.strerror or exc}, path=name
        ) from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ToolError(
            _("LibreOffice did not finish the PDF within %(seconds)s s; nothing written")
            % {"seconds": f"{timeout:.0f}"},
            path=name,
        ) from None
    lines = (stderr + stdout).decode("utf-8", "replace").splitlines()
    useful = [line.strip() for line in lines if line.strip() and "javaldx" not in line]
    return useful[-1] if useful else f"exit status {process.returncode}"


def _kill(process: subprocess.Popen[bytes]) -> None:
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError):  # it ended just now
            os.killpg(process.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        process.kill()
    process.communicate()
