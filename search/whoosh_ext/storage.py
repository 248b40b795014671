"""Reading a Whoosh segment without copying it into each searcher's memory.

A committed segment is one compound file, which Whoosh maps into memory and
hands out in parts (postings, terms, stored fields) as ``BufferFile``s. Each of
those wrapped its part in a ``BytesIO``, and ``BytesIO`` copies: every searcher
held a private copy of the whole index. The server keeps a searcher per thread,
so the memory of a server grew with its threads (docs/BENCHMARKS.md).

The patch here (:data:`PATCHES`, applied by :func:`search.whoosh_ext.install`)
gives ``BufferFile`` a reader over the mapped bytes instead: the pages stay the
kernel's page cache, shared by every searcher and process that reads the index.
"""

from __future__ import annotations

import io

from whoosh.filedb.structfile import BufferFile


class MappedReader:
    """A read-only binary file over a buffer (a memoryview of an mmap), copying
    only the bytes each read returns."""

    def __init__(self, buf: bytes | bytearray | memoryview):
        self._view = memoryview(buf)
        self._size = len(self._view)
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(start + size, self._size)
        self._pos = max(start, end)
        return self._view[start:end].tobytes()

    def readinto(self, target) -> int:
        n = min(len(target), self._size - self._pos)
        if n <= 0:
            return 0
        target[:n] = self._view[self._pos : self._pos + n]
        self._pos += n
        return n

    def readline(self, size: int | None = -1) -> bytes:
        # pickle reads class names line by line; lines here are short
        end = self._size if size is None or size < 0 else min(self._pos + size, self._size)
        at = self._pos
        while at < end:
            chunk = self._view[at : min(at + 256, end)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                return self.read(at + newline + 1 - self._pos)
            at += len(chunk)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view.release()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    self._buf = buf
    self._name = name
    self.file = MappedReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


PATCHES = ((BufferFile, "__init__", _buffer_file_init),)
