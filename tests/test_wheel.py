"""The package as a user installs it: a built wheel, away from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from checkout import ROOT


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    return site, names


def test_wheel_ships_seeds_templates_and_static_files(unpacked_wheel):
    _, names = unpacked_wheel
    assert sum(n.startswith("search/seeds/") and n.endswith(".txt") for n in names) == 5
    assert "web/templates/search.html" in names and "web/static/app.js" in names


def test_installed_search_builds_the_default_index_in_the_user_cache(unpacked_wheel, tmp_path):
    site, _ = unpacked_wheel
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX"}
    env.update({"PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    done = subprocess.run(
        [sys.executable, "-m", "search", "--json", "tungsten"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert '"004_a9852c1cd0dd4442"' in done.stdout
    assert (tmp_path / "cache" / "multilingual-news-search" / "index" / "SEEDS").exists()
