"""Builds of one project exclude each other (sitegen/system/lock.py, issue 28): the second says
which process holds the project and changes nothing; a lock left by a killed build is
taken over."""

from __future__ import annotations

import os
import subprocess
import sys

from sitekit import FIXTURE_SITE, copy_site, run_cli, snapshot


def test_a_second_build_stops_and_names_the_first(tmp_path):
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    assert run_cli("build", cwd=site.root).returncode == 0
    before = snapshot(site.public)
    article = next((site.content / "articles").glob("*.md"))
    article.write_text(article.read_text().replace("\n---\n", "\n---\nAn edit.\n\n", 1))
    # Another process holds the lock, as a build running in another terminal does.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from sitegen.system.lock import BuildLock\n"
            "with BuildLock(Path(sys.argv[1]), '.cache'):\n"
            "    print('held', flush=True); sys.stdin.read()",
            str(site.root / ".cache"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        for command in ("build", "check"):
            done = run_cli(command, cwd=site.root)
            assert done.returncode == 1
            assert f"Another build of this project is running (process {holder.pid}" in done.stderr
            assert "[build-running]" in done.stderr and "Traceback" not in done.stderr
        assert snapshot(site.public) == before
    finally:
        holder.communicate("")
    done = run_cli("build", cwd=site.root)  # the holder ended: the lock is free
    assert done.returncode == 0, done.stderr
    assert snapshot(site.public) != before


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path):
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    (site.root / ".cache").mkdir()
    (site.root / ".cache" / "build.lock").write_text(f"process {2**22 + os.getpid()}, build.py build\n")
    done = run_cli("build", cwd=site.root)
    assert done.returncode == 0, done.stderr
