"""Many small files, and one stream beside them, written on a second thread.

Creating a file is kernel work that releases the GIL, so a writer thread overlaps
it with the Python work of building the next files. Each file costs three system
calls (open relative to its folder, writev of its pieces, close); the stream is
written a megabyte at a time.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

_BATCH = 128  # files per hand-over: a queue operation costs about as much as a small write
_STREAM_CHUNK = 1 << 20
_IOV_MAX = min(os.sysconf("SC_IOV_MAX"), 1024) if hasattr(os, "sysconf") else 16
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_Item = tuple[str, Sequence[bytes], Sequence[bytes]]
_DONE: list[_Item] = []


class FolderWriter:
    """`add(name, pieces, stream)` queues a new file in `folder` and bytes for `stream`.

    `close()` waits for all of them. An error on the writer thread (a full disk) is
    raised by the next `add` or by `close`. Memory stays flat: at most a few
    batches wait in the queue.
    """

    def __init__(self, folder: Path, stream: Path | None = None, *, mode: int = 0o666) -> None:
        self._dir = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        self._stream = -1
        if stream is not None:
            self._stream = os.open(stream, _FLAGS | os.O_APPEND, mode)
        self._mode = mode
        self._pending: list[_Item] = []
        self._queue: queue.Queue[list[_Item]] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mkbcopy-writer", daemon=True)
        self._thread.start()

    def __enter__(self) -> FolderWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(discard=exc is not None)

    def add(self, name: str, pieces: Sequence[bytes], stream: Sequence[bytes] = ()) -> None:
        self._pending.append((name, pieces, stream))
        if len(self._pending) >= _BATCH:
            self._hand_over()

    def close(self, *, discard: bool = False) -> None:
        """Write what is queued (or drop it, after an error) and stop the thread."""
        if self._thread.is_alive():
            if not discard and self._pending:
                self._hand_over()
            self._pending = []
            self._queue.put(_DONE)
            self._thread.join()
            os.close(self._dir)
            if self._stream >= 0:
                os.close(self._stream)
        if self._error is not None and not discard:
            error, self._error = self._error, None
            raise error

    def _hand_over(self) -> None:
        if self._error is not None:
            self.close()
        batch, self._pending = self._pending, []
        self._queue.put(batch)

    def _run(self) -> None:
        buffer = bytearray()
        while (batch := self._queue.get()) is not _DONE:
            if self._error is not None:
                continue  # drain, so that the producer never blocks
            try:
                for name, pieces, stream in batch:
                    fd = os.open(name, _FLAGS, self._mode, dir_fd=self._dir)
                    try:
                        _write_all(fd, pieces)
                    finally:
                        os.close(fd)
                    for piece in stream:
                        buffer += piece
                if len(buffer) >= _STREAM_CHUNK and self._stream >= 0:
                    _write_all(self._stream, [bytes(buffer)])
                    buffer.clear()
            except BaseException as exc:
                self._error = exc
        try:
            if buffer and self._error is None and self._stream >= 0:
                _write_all(self._stream, [bytes(buffer)])
        except BaseException as exc:
            self._error = exc


def _write_all(fd: int, pieces: Sequence[bytes]) -> None:
    """writev until every byte is out: a regular file may take less on a full disk."""
    views = [memoryview(p) for p in pieces if p]
    while views:
        done = os.writev(fd, views[:_IOV_MAX])
        while views and done >= len(views[0]):
            done -= len(views.pop(0))
        if done:
            views[0] = views[0][done:]
