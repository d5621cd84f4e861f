"""Checks on the brand's reference .docx and logo, before python-docx opens them.

Both come from the user's brief, often from someone else's folder: a zip bomb, a
DOCTYPE with entities or `logo: /dev/zero` must be one clear line, refused by what
the files declare (sizes, headers) before anything is inflated or read whole.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
from pathlib import Path

from mkbcopy.errors import InputError, MkbcopyError
from mkbcopy.i18n import N_, _
from mkbcopy.research.brief import Brief

MAX_DOCX_BYTES = 20_000_000  # the .docx file itself
MAX_DOCX_INFLATED = 100_000_000  # all its parts, by the sizes its zip directory declares
MAX_DOCX_PARTS = 2_000
MAX_LOGO_BYTES = 10_000_000
MAX_LOGO_PIXELS = 10_000  # width or height
# A DTD can declare entities that expand (billion laughs) or point at files; Word never
# writes one, and python-docx's parser would keep what it does not expand.
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _regular(path: Path, what: str, limit: int) -> int:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(_("%(what)s not found") % {"what": _(what)}, path=path) from None
    except OSError as exc:
        raise InputError(
            _("cannot read the %(what)s: %(reason)s") % {"what": _(what), "reason": exc.strerror},
            path=path,
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            _("%(what)s is not a regular file (a device, pipe or folder)") % {"what": _(what)},
            path=path,
        )
    if info.st_size > limit:
        raise InputError(
            _("%(what)s is %(size)s bytes; at most %(limit)s are read")
            % {"what": _(what), "size": f"{info.st_size:,}", "limit": f"{limit:,}"},
            path=path,
        )
    return info.st_size


def check_reference_docx(path: Path) -> None:
    """A real, modest .docx whose XML declares no DTD or entities."""
    _regular(path, N_("reference document"), MAX_DOCX_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_DOCX_PARTS:
                raise InputError(
                    _("reference document has %(parts)s parts; at most %(limit)s are read")
                    % {"parts": len(members), "limit": MAX_DOCX_PARTS},
                    path=path,
                )
            declared = sum(m.file_size for m in members)
            if declared > MAX_DOCX_INFLATED:
                raise InputError(
                    _(
                        "reference document unpacks to %(size)s bytes (at most %(limit)s); "
                        "is it a zip bomb?"
                    )
                    % {"size": f"{declared:,}", "limit": f"{MAX_DOCX_INFLATED:,}"},
                    path=path,
                )
            types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
            if (
                types is not None
                and types.file_size < 1_000_000
                and b"template.main+xml" in archive.read(types)
            ):
                raise InputError(
                    _(
                        "is a Word template (.dotx), not a document; open it in Word "
                        "and save it as a Word document (.docx)"
                    ),
                    path=path,
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    # ZipExtFile stops at the declared size, so this reads no more.
                    data = archive.read(member)
                    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        data = data.decode("utf-16").encode("utf-8")
                    if _DTD.search(data):
                        raise InputError(
                            _(
                                "reference document declares a DTD or entities in "
                                "%(part)s; Word never writes one: save it again "
                                "from Word, or use another file"
                            )
                            % {"part": member.filename},
                            path=path,
                        )
    except zipfile.BadZipFile:
        raise InputError(
            _("cannot use as reference document: %(reason)s") % {"reason": _("not a .docx file")},
            path=path,
        ) from None
    except (UnicodeDecodeError, NotImplementedError, RuntimeError) as exc:
        raise InputError(
            _("cannot use as reference document: %(reason)s") % {"reason": exc}, path=path
        ) from None


def check_logo(path: Path) -> None:
    """A modest PNG or JPEG file whose header declares a sensible size."""
    _regular(path, N_("logo"), MAX_LOGO_BYTES)
    with path.open("rb") as handle:
        head = handle.read(32)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        if max(width, height) > MAX_LOGO_PIXELS:
            raise InputError(
                _("logo declares %(width)s x %(height)s pixels; at most %(limit)s a side")
                % {"width": width, "height": height, "limit": MAX_LOGO_PIXELS},
                path=path,
            )


def brand_file_problems(brief: Brief, path: Path) -> list[MkbcopyError]:
    """The brand's logo and reference document, checked as the Word writer checks them.

    So that `brief check` names a missing logo or a .dotx before `generate` fails on it.
    """
    brand = brief.brand
    if brand is None:
        return []
    found: list[MkbcopyError] = []
    for key, value, check in (
        ("brand.logo", brand.logo_file(), check_logo),
        ("brand.reference_docx", brand.reference_file(), check_reference_docx),
    ):
        if value is None:
            continue
        try:
            check(Path(value))
        except MkbcopyError as exc:  # said of the brief, which names the file
            found.append(InputError(f"{exc.path}: {exc.message}", path=path, key=key))
    return found
