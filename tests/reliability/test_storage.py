"""Storage that refuses writes: an unwritable index folder, a disk that fills up mid-run.

Either is a clear error (one line from ``search-cli``, exit 2; ``IndexError_`` from the
Python API), and the previous index is intact, searchable, and writable again once the
storage is.

The tests run as root here, and root ignores permission bits, so "unwritable" is made three
ways: the CLI as an unprivileged user (``nobody``) on a folder it does not own (plain
``chmod`` when the tests do not run as root); an index path under a regular file; and, in
process, the OS calls that create files in the index folder raising ``EACCES``. A full disk
is a real, small tmpfs when the tests may mount one, and otherwise (and also) Whoosh's
storage raising ``ENOSPC`` after a byte budget, at points from the document pool to the
commit's table of contents.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import SubWriterTask

from checkout import ROOT
from index_processes import (
    cli_command,
    cli_env,
    copy_index,
    doc_count,
    is_root,
    lock_is_free,
    stored_ids,
    unexpected_files,
    write_jsonl,
)
from search import IndexError_, open_index, update

NOBODY = 65534
SEED_WORD = "tungsten"  # in exactly one seed article


def assert_seeds_intact(index_dir: Path) -> None:
    """The previous index: five seeds, searchable, and the write lock free."""
    assert doc_count(index_dir) == 5
    with open_index(index_dir) as ix:
        assert ix.search(SEED_WORD).total == 1
        assert ix.search("Trump").total >= 1
    assert lock_is_free(index_dir)


def assert_writable_again(index_dir: Path, source: Path, expected_added: int) -> None:
    report = update(index_dir, [source])
    assert report.added == expected_added
    assert doc_count(index_dir) == 5 + expected_added
    assert unexpected_files(index_dir) == []


def one_clear_line(result: subprocess.CompletedProcess, *words: str) -> str:
    """search-cli's error contract: exit 2 and one line on stderr, never a traceback."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("search-cli: ")
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def small_source(tmp_path_factory, corpus_docs) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("small") / "small.jsonl", corpus_docs[:100])


# -- an index path that cannot be a folder


def test_index_under_a_regular_file_is_a_clear_error(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = subprocess.run(
        cli_command("index", "--index", tmp_path / "a-file" / "index", ROOT / "seeds"),
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=120,
    )
    one_clear_line(result, "cannot create an index", str(tmp_path / "a-file"))


# -- an unwritable index folder, for real: another user's folder


def _unprivileged() -> list[str]:
    """A command prefix that runs as a user who cannot write the folder: ``setpriv`` to
    ``nobody`` (no capabilities once it runs) when the tests run as root, else nothing."""
    if not is_root():
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot become an unprivileged user")
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]


@pytest.fixture(scope="module")
def readonly_attempt(seeds_only_index, small_source):
    """An index of the seeds in a folder the indexing user may read but not write, and
    ``search-cli index`` run on it once. Yields (folder, CompletedProcess, search result)."""
    base = Path(tempfile.mkdtemp(prefix="readonly-index-"))
    try:
        index_dir = copy_index(seeds_only_index, base / "index")
        source = Path(shutil.copy(small_source, base / "news.jsonl"))
        os.chmod(base, 0o755)
        os.chmod(source, 0o644)
        for path in index_dir.iterdir():
            os.chmod(path, 0o444)
        os.chmod(index_dir, 0o555)
        prefix = _unprivileged()
        probe = subprocess.run(
            [*prefix, *cli_command("--help")], capture_output=True, env=cli_env(), cwd=ROOT
        )
        if probe.returncode != 0:
            pytest.skip("search-cli cannot run as an unprivileged user here")
        if not is_root() and os.access(index_dir, os.W_OK):
            pytest.skip("chmod does not stop this user from writing")

        def cli(*args):
            return subprocess.run(
                [*prefix, *cli_command(*args)],
                capture_output=True,
                text=True,
                env=cli_env(),
                cwd=ROOT,
                timeout=120,
            )

        attempt = cli("index", "--index", index_dir, source)
        searched = cli("--index", index_dir, "--json", SEED_WORD)
        os.chmod(index_dir, 0o755)
        for path in index_dir.iterdir():
            os.chmod(path, 0o644)
        yield index_dir, attempt, searched
    finally:
        os.chmod(base, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_unwritable_folder_keeps_the_index_searchable(readonly_attempt, small_source):
    index_dir, attempt, searched = readonly_attempt
    assert attempt.returncode != 0  # it did not pretend to index
    # A read-only index can still be searched, by the same user.
    assert searched.returncode == 0, searched.stderr
    assert json.loads(searched.stdout)["total"] == 1
    assert_seeds_intact(index_dir)
    assert_writable_again(index_dir, small_source, 100)


def test_unwritable_folder_is_one_clear_line(readonly_attempt):
    _, attempt, _ = readonly_attempt
    one_clear_line(attempt, "permission denied")


# -- the same, in process: the OS refuses to create files in the index folder


@contextlib.contextmanager
def refuse_writes(folder: Path, code: int = errno.EACCES):
    """Every call that would create or write a file under ``folder`` fails with ``code``."""
    prefix = os.path.realpath(folder) + os.sep
    real_open, real_os_open = builtins.open, os.open
    real_mkdir, real_makedirs = os.mkdir, os.makedirs

    def inside(path) -> bool:
        try:
            return os.path.realpath(os.fspath(path)).startswith(prefix)
        except TypeError:  # a file descriptor
            return False

    def refuse(path):
        raise OSError(code, os.strerror(code), os.fspath(path))

    def fake_open(file, mode="r", *args, **kwargs):
        if inside(file) and any(c in mode for c in "wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if inside(path):
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    def fake_makedirs(path, *args, **kwargs):
        if inside(path) and not os.path.isdir(path):
            refuse(path)
        return real_makedirs(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", fake_open)
        mp.setattr(os, "open", fake_os_open)
        mp.setattr(os, "mkdir", fake_mkdir)
        mp.setattr(os, "makedirs", fake_makedirs)
        yield


@pytest.fixture
def seeds_copy(tmp_path, seeds_only_index) -> Path:
    return copy_index(seeds_only_index, tmp_path / "index")


def test_refused_writes_keep_the_previous_index(seeds_copy, small_source):
    with refuse_writes(seeds_copy), pytest.raises(Exception):  # noqa: B017 - whichever, today
        update(seeds_copy, [small_source])
    assert_seeds_intact(seeds_copy)
    assert_writable_again(seeds_copy, small_source, 100)


def test_refused_writes_raise_index_error(seeds_copy, small_source):
    with refuse_writes(seeds_copy), pytest.raises(IndexError_, match="(?i)permission denied"):
        update(seeds_copy, [small_source])


# -- a disk that fills up: Whoosh's storage raises ENOSPC


class _FillingFile:
    """A file whose writes fail with ENOSPC once the disk's byte budget is spent."""

    def __init__(self, file, disk: _Disk):
        self._file, self._disk = file, disk

    def write(self, data):
        self._disk.spend(len(data))
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)


class _Disk:
    def __init__(self, budget: float, fail_names: tuple[str, ...] = ()):
        self.budget, self.used, self.fail_names = budget, 0, fail_names

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.budget:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@contextlib.contextmanager
def filling_disk(disk: _Disk):
    """Whoosh's FileStorage on a disk with ``disk.budget`` bytes free."""
    real_create = FileStorage.create_file

    def create_file(self, name, *args, **kwargs):
        if any(part in name for part in disk.fail_names):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        f = real_create(self, name, *args, **kwargs)
        f.file = _FillingFile(f.file, disk)
        return f

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FileStorage, "create_file", create_file)
        yield disk


@pytest.fixture(scope="module")
def bytes_written(tmp_path_factory, seeds_only_index, small_source) -> int:
    """What indexing ``small_source`` into the seeds index writes, on a disk with room."""
    index_dir = copy_index(seeds_only_index, tmp_path_factory.mktemp("calibrate") / "index")
    with filling_disk(_Disk(float("inf"))) as disk:
        update(index_dir, [small_source])
    assert disk.used > 100_000
    return disk.used


# Where the disk fills: after a share of the bytes a successful run writes (pooled documents,
# then at commit the columns, postings and the compound segment), or at the commit's last
# step, the table of contents.
FULL_AT = {"1%": 0.01, "10%": 0.10, "50%": 0.50, "90%": 0.90, "99%": 0.99}


def _fill_and_index(index_dir: Path, source: Path, where: str, total: int) -> BaseException:
    if where == "toc":
        disk = _Disk(float("inf"), fail_names=(".toc",))
    else:
        disk = _Disk(total * FULL_AT[where])
    with filling_disk(disk), pytest.raises(Exception) as caught:  # noqa: B017
        update(index_dir, [source])
    return caught.value


@pytest.mark.parametrize("where", [*FULL_AT, "toc"])
def test_full_disk_keeps_the_previous_index(seeds_copy, small_source, bytes_written, where):
    _fill_and_index(seeds_copy, small_source, where, bytes_written)
    assert_seeds_intact(seeds_copy)
    assert len(stored_ids(seeds_copy)) == 5
    assert_writable_again(seeds_copy, small_source, 100)


@pytest.mark.parametrize("where", [*FULL_AT, "toc"])
def test_full_disk_raises_index_error(seeds_copy, small_source, bytes_written, where):
    error = _fill_and_index(seeds_copy, small_source, where, bytes_written)
    assert isinstance(error, IndexError_), repr(error)
    assert "no space left" in str(error).lower()


# -- a real full disk: a 2 MB tmpfs


@pytest.fixture(scope="module")
def tmpfs_attempt(seeds_only_index, corpus_file):
    """The seeds index on a 2 MB tmpfs, and ``search-cli index`` of the corpus into it."""
    if not is_root() or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = Path(tempfile.mkdtemp(prefix="full-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        index_dir = copy_index(seeds_only_index, mount_point / "index")
        result = subprocess.run(
            cli_command("index", "--index", index_dir, corpus_file),
            capture_output=True,
            text=True,
            env=cli_env(),
            cwd=ROOT,
            timeout=300,
        )
        yield index_dir, result
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)
        mount_point.rmdir()


def test_real_full_disk_keeps_the_previous_index(tmpfs_attempt, tmp_path):
    index_dir, result = tmpfs_attempt
    assert result.returncode != 0
    assert_seeds_intact(index_dir)
    # and once there is room again (a smaller batch fits), indexing works
    small = write_jsonl(tmp_path / "one.jsonl", [{"id": "one", "text": "tungsten, again"}])
    assert_writable_again(index_dir, small, 1)


def test_real_full_disk_is_one_clear_line(tmpfs_attempt):
    _, result = tmpfs_attempt
    one_clear_line(result, "no space left")


# -- a writer process that fills the disk (runs of 500+ documents write with one per core)


def test_a_writer_process_that_fills_the_disk_fails_the_run(
    seeds_copy, corpus_file, small_source, tmp_path, monkeypatch, capfd
):
    """One of the two writer processes hits ENOSPC on its first batch, the other carries on.
    Whoosh alone printed the process's traceback and committed without its documents; the
    run must fail as a whole instead, in one clear error, leaving the previous index."""
    monkeypatch.setenv("SEARCH_INDEX_PROCS", "2")
    run_pid = os.getpid()
    first_failure = tmp_path / "failed-once"
    process_file = SubWriterTask._process_file

    def fill_the_disk_once(task, filename, doc_count):
        if os.getpid() != run_pid and not first_failure.exists():
            first_failure.touch()  # the forked writers share this folder: only one fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return process_file(task, filename, doc_count)

    monkeypatch.setattr(SubWriterTask, "_process_file", fill_the_disk_once)
    with pytest.raises(IndexError_, match="No space left on device"):
        update(seeds_copy, [corpus_file])
    assert first_failure.exists()  # the failure happened in a writer process
    assert "Traceback" not in capfd.readouterr().err
    assert_seeds_intact(seeds_copy)
    assert_writable_again(seeds_copy, small_source, 100)
