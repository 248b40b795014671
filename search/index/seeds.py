"""The default index: built from the bundled seeds the first time it is needed.

It lives in the checkout's ``index/`` (or, for an installed package, the
user's cache directory) and is refreshed when the seeds change: a seed whose
size or modification time moved is read and compared by content.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

from .schema import INDEX_FORMAT, exists, index_format
from .updating import IndexReport, update

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # search/
CHECKOUT_DIR = PACKAGE_DIR.parent


def seeds_dir() -> Path:
    """The bundled corpus: the checkout's ``seeds/``, or the installed copy."""
    checkout = CHECKOUT_DIR / "seeds"
    if (CHECKOUT_DIR / "setup.cfg").exists() and checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "seeds"


def _writable(folder: Path) -> bool:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    return os.access(probe, os.W_OK)


def default_index_dir() -> Path:
    """``SEARCH_INDEX``, else the checkout's ``index/``, else the user's cache."""
    configured = os.environ.get("SEARCH_INDEX")
    if configured:
        return Path(configured)
    checkout = CHECKOUT_DIR / "index"
    if (CHECKOUT_DIR / "setup.cfg").exists() and _writable(checkout):
        return checkout
    import platformdirs

    return Path(platformdirs.user_cache_dir("multilingual-news-search")) / "index"


def seeds_fingerprint(folder: Path) -> str:
    digest = hashlib.sha1(INDEX_FORMAT.encode())
    for file in sorted(folder.glob("*.txt")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def seeds_signature(folder: Path) -> str:
    """Each seed's name, size and modification time (and the index format), as one line.

    Cheap where the fingerprint reads every seed: when it is what it was at the
    last check, the seeds are taken as unchanged (as ``make`` and ``git status``
    take a file whose size and time have not moved).
    """
    stats = []
    for file in sorted(folder.glob("*.txt")):
        st = file.stat()
        stats.append((file.name, st.st_size, st.st_mtime_ns))
    return repr((INDEX_FORMAT, stats))


FINGERPRINT_FILE = "SEEDS"
# The fingerprint again, with the seeds' signature when it was last confirmed: a
# file of its own, so that SEEDS stays what every version reads and writes.
SIGNATURE_FILE = "SEEDS.stat"


def _seeds_unchanged(index_dir: Path, signature: str) -> bool:
    """True when the seeds' signature is the one recorded with the index's fingerprint."""
    try:
        fingerprint = (index_dir / FINGERPRINT_FILE).read_text().strip()
        recorded = (index_dir / SIGNATURE_FILE).read_text().split("\n", 1)
    except OSError:
        return False
    return bool(fingerprint) and recorded == [fingerprint, signature + "\n"]


def _record_signature(index_dir: Path, fingerprint: str, signature: str) -> None:
    with contextlib.suppress(OSError):  # a read-only index is checked by hashing each time
        (index_dir / SIGNATURE_FILE).write_text(f"{fingerprint}\n{signature}\n")


def ensure_seeded(index_dir: Path, seeds: Path | None = None) -> IndexReport | None:
    """Builds or refreshes an index of the seeds; None when it was up to date."""
    seeds = seeds or seeds_dir()
    signature = seeds_signature(seeds)
    if _seeds_unchanged(index_dir, signature) and exists(index_dir):
        return None
    fingerprint = seeds_fingerprint(seeds)
    marker = index_dir / FINGERPRINT_FILE
    if exists(index_dir) and marker.exists() and marker.read_text().strip() == fingerprint:
        # the same seeds with other times (a fresh checkout, or no signature yet)
        _record_signature(index_dir, fingerprint, signature)
        return None
    if exists(index_dir) and index_format(index_dir) != INDEX_FORMAT:
        # built by another version of the analysis: its terms cannot be trusted
        # (the folder's own files, such as a checkout's .gitkeep, stay)
        for child in index_dir.iterdir():
            if not child.name.startswith("."):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    report = update(index_dir, [seeds], prune=True)
    marker.write_text(fingerprint + "\n")
    _record_signature(index_dir, fingerprint, signature)
    return report
