"""Everything of ours that reaches into whoosh3's internals, in one place.

- :mod:`.segments` reads posting blocks, length columns and filters, read only;
- :mod:`.matchers` fixes Whoosh's matchers (results that depended on where
  documents lie in an index) and speeds up its union of few documents;
- :mod:`.storage` reads segment files in place rather than copying them.

The last two replace methods of Whoosh's classes, process-wide: that is done
by :func:`install`, once, and only on the Whoosh version they were written for
(``setup.cfg`` pins the same range). Each patch has a test that fails on
Whoosh as it comes (tests/whoosh_ext/). :func:`stock` undoes them for a while,
for tests and benchmarks that compare with Whoosh's own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import whoosh

from ..errors import SearchError
from . import matchers, storage

# the whoosh3 releases the patches were written for and are tested on (major, minor)
SUPPORTED_WHOOSH = ((3, 54),)
PATCHES = matchers.PATCHES + storage.PATCHES

_lock = threading.Lock()
_installed = False


class UnsupportedWhoosh(SearchError):
    """A Whoosh version our patches were not written for."""


def check_version(version: tuple = whoosh.__version__) -> None:
    if tuple(version[:2]) not in SUPPORTED_WHOOSH:
        wanted = ", ".join(f"{major}.{minor}.*" for major, minor in SUPPORTED_WHOOSH)
        found = ".".join(map(str, version))
        raise UnsupportedWhoosh(
            f"whoosh3 {found} is installed, but this version of the search engine works "
            f"with whoosh3 {wanted} only: pip install 'whoosh3 == {wanted}'"
        )


def _apply(patches) -> None:
    for cls, name, value in patches:
        if value is not None:
            setattr(cls, name, value)
        elif name in cls.__dict__:
            delattr(cls, name)  # back to what the class inherits


def install() -> None:
    """Applies every patch, once per process; UnsupportedWhoosh on another Whoosh."""
    global _installed
    with _lock:
        if _installed:
            return
        check_version()
        _apply(PATCHES)
        _installed = True


def installed() -> bool:
    return all(cls.__dict__.get(name) is fixed for cls, name, fixed in PATCHES)


@contextmanager
def stock() -> Iterator[None]:
    """Whoosh as it comes, for the duration (tests and benchmarks that compare with it)."""
    install()
    with _lock:
        originals = [(cls, name, _ORIGINALS[cls, name]) for cls, name, _ in PATCHES]
        _apply(originals)
    try:
        yield
    finally:
        with _lock:
            _apply(PATCHES)


# Whoosh's own methods, taken before anything is applied (None: the class had none)
_ORIGINALS = {(cls, name): cls.__dict__.get(name) for cls, name, _ in PATCHES}
