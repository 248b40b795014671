"""The package as a new user installs it, from a clean copy of the checkout, in fresh venvs.

The README's first Quick start line as written (with every dependency from a wheel: nothing
compiled, no system ICU), ``pip install .``, a built wheel and ``pipx install .``: each gives a
``search-cli`` that finds the Persian article for ``tungsten``, the installed ones with the
default index built in the user's cache. Slow (pip installs, from pip's cache when warm).
The README's system-ICU line lists the same dependencies as setup.cfg, PyICU for pyicu-wheels.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import ROOT

PERSIAN_ID = "004_a9852c1cd0dd4442"
INSTALL_TIMEOUT = 600


def _run(args, cwd: Path, env: dict[str, str], timeout: float = INSTALL_TIMEOUT):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture
def clean_copy(tmp_path_factory) -> Path:
    """The files git tracks, as a fresh clone has them (no venv, no index, no build/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    copy = tmp_path_factory.mktemp("clone") / "multilingual-news-search"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture
def user_env(tmp_path) -> dict[str, str]:
    """A user with an empty cache directory and nothing set for the search."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEARCH_", "VIRTUAL_ENV"))}
    env.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"})
    # every dependency from a wheel, as on a machine with no compiler and no system ICU
    env["PIP_ONLY_BINARY"] = ":all:"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # pip's own cache stays the real one, so that a warm cache makes these installs fast
    pip_cache = _pip_cache_dir()
    if pip_cache:
        env["PIP_CACHE_DIR"] = pip_cache
    return env


def _pip_cache_dir() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else ""


def _fresh_venv(path: Path, env: dict[str, str]) -> Path:
    _run([sys.executable, "-m", "venv", str(path)], cwd=path.parent, env=env)
    return path / "bin"


def _assert_installed_search_works(cli: Path, env: dict[str, str], cwd: Path) -> None:
    done = _run([str(cli), "--json", "tungsten"], cwd=cwd, env=env, timeout=300)
    assert f'"{PERSIAN_ID}"' in done.stdout
    cache_index = Path(env["XDG_CACHE_HOME"]) / "multilingual-news-search" / "index"
    assert (cache_index / "SEEDS").exists(), "the default index is not in the user's cache"


def readme_quick_start_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


@pytest.mark.slow
def test_the_readme_first_line_as_written_then_without_icu(clean_copy, user_env, tmp_path):
    line = readme_quick_start_lines()[0]
    assert line.startswith("python3 -m venv .venv && .venv/bin/pip install -e . &&"), line
    # python3 on PATH is this interpreter's, as a user's would be
    env = {**user_env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{user_env['PATH']}"}
    done = _run(["sh", "-c", line], cwd=clean_copy, env=env)
    assert PERSIAN_ID in done.stdout
    assert "1 results in" in done.stdout

    # then without ICU: one line saying how to install it, exit status 2
    bin_dir = clean_copy / ".venv" / "bin"
    _run([str(bin_dir / "pip"), "uninstall", "-y", "pyicu-wheels"], cwd=clean_copy, env=env)
    gone = subprocess.run(
        [str(bin_dir / "search-cli"), "tungsten"],
        cwd=clean_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert gone.returncode == 2
    (message,) = gone.stderr.splitlines()
    assert "pip install pyicu-wheels" in message


@pytest.mark.slow
def test_pip_install_dot_from_a_clean_copy(clean_copy, user_env, tmp_path):
    bin_dir = _fresh_venv(tmp_path / "venv", user_env)
    _run([str(bin_dir / "pip"), "install", "-q", "."], cwd=clean_copy, env=user_env)
    _assert_installed_search_works(bin_dir / "search-cli", user_env, cwd=tmp_path)


@pytest.mark.slow
def test_a_built_wheel(clean_copy, user_env, tmp_path):
    wheels = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), "."],
        cwd=clean_copy,
        env=user_env,
    )
    (wheel,) = wheels.glob("multilingual_news_search-*.whl")
    bin_dir = _fresh_venv(tmp_path / "venv", user_env)
    _run([str(bin_dir / "pip"), "install", "-q", str(wheel)], cwd=tmp_path, env=user_env)
    _assert_installed_search_works(bin_dir / "search-cli", user_env, cwd=tmp_path)


@pytest.mark.slow
def test_pipx_install_dot(clean_copy, user_env, tmp_path):
    env = {
        **user_env,
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
    }
    _run([sys.executable, "-m", "pipx", "install", "."], cwd=clean_copy, env=env)
    _assert_installed_search_works(tmp_path / "bin" / "search-cli", env, cwd=tmp_path)


def _requirements(lines) -> dict[str, str]:
    """name -> version bounds, spaces dropped: ``'PyICU >= 2.12, < 3'`` -> PyICU: >=2.12,<3."""
    out = {}
    for line in lines:
        name, bounds = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*?)\s*", line).groups()
        out[name.lower()] = bounds.replace(" ", "")
    return out


def test_the_readme_system_icu_line_installs_what_setup_cfg_requires_with_pyicu():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    required = _requirements(config["options"]["install_requires"].strip().splitlines())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Which ICU", 1)[1].split("\n## ", 1)[0]
    (line,) = re.findall(r"```sh\n(.+?)\n```", section)
    assert ".venv/bin/pip install --no-deps -e . && .venv/bin/pip install '" in line
    listed = _requirements(re.findall(r"'([^']+)'", line))
    assert "pyicu-wheels" not in listed
    assert listed.pop("pyicu").endswith(",<3")  # PyICU in place of pyicu-wheels
    required.pop("pyicu-wheels")
    assert listed == required
