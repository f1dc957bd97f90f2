"""Builds killed at random moments, a full disk, and output folders that must not be replaced (issue 7)."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitekit import BUILD_PY, REPO, new_site, run_cli, snapshot

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import make_corpus  # noqa: E402

ARTICLES = 80
TRIALS = 12


def manifest(folder: Path) -> dict[str, str]:
    return {path: hashlib.sha256(data).hexdigest() for path, data in snapshot(folder).items()}


def _set_version(root: Path, version: str) -> None:
    """Two versions of the content that differ in several pages (and one article that exists in B only)."""
    articles = root / "content" / "articles"
    for index in (0, 7, 42):
        path = articles / f"article-{index:05d}.md"
        text = path.read_text(encoding="utf-8")
        text = text.split("\n<!-- version -->\n")[0]
        path.write_text(text + f"\n<!-- version -->\nVersion {version} of this article.\n", encoding="utf-8")
    extra = articles / "only-in-b.md"
    if version == "B":
        extra.write_text(
            "---\ntitle: Only in B\nsummary: S.\ndate: 2026-01-10\nreviewed: 2026-01-10\n---\nB.\n", encoding="utf-8"
        )
    elif extra.exists():
        extra.unlink()


def _build(root: Path) -> float:
    started = time.perf_counter()
    done = run_cli("build", cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A few-hundred-article site with both versions' manifests; `public/` holds version A."""
    root = make_corpus(ARTICLES, tmp_path_factory.mktemp("faults") / "site")
    _set_version(root, "B")
    seconds = _build(root)
    expected = {"B": manifest(root / "public")}
    _set_version(root, "A")
    seconds = max(seconds, _build(root))
    expected["A"] = manifest(root / "public")
    assert expected["A"] != expected["B"]
    return root, expected, seconds


def _leftovers(root: Path) -> list[str]:
    """Folders a build left beside the output, except the spare (the site before the last
    swap, kept on purpose to become the next staging folder)."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public.") and p.name != ".public.spare")


def test_killed_builds_leave_the_old_site_or_the_new_one(corpus):
    root, expected, seconds = corpus
    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0}
    bound = seconds * 1.2
    for trial in range(TRIALS):
        current = "A" if manifest(root / "public") == expected["A"] else "B"
        target = "B" if current == "A" else "A"
        _set_version(root, target)
        process = subprocess.Popen(
            [sys.executable, str(BUILD_PY), "build"],
            cwd=root,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Anywhere from interpreter start-up to after a whole build (then the kill finds it done).
        # A loaded machine builds slower than `seconds` said: each kill that found the old site
        # widens the window, so that some land after the swap too.
        time.sleep(rng.uniform(0.05, bound))
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the build and any workers it started
        except ProcessLookupError:
            pass
        process.wait(timeout=60)
        found = manifest(root / "public")
        assert found in (expected[current], expected[target]), (
            f"trial {trial}: public/ is neither the old nor the new site "
            f"({len(found)} files; old {len(expected[current])}, new {len(expected[target])})"
        )
        outcomes["old" if found == expected[current] else "new"] += 1
        bound = bound * 1.3 if found == expected[current] else seconds * 1.2
    # The kills must have landed both before and after the swap, or the test proved little.
    assert outcomes["old"] and outcomes["new"], outcomes


def test_after_a_kill_the_next_build_succeeds_and_cleans_up(corpus):
    root, expected, seconds = corpus
    current = "A" if manifest(root / "public") == expected["A"] else "B"
    target = "B" if current == "A" else "A"
    _set_version(root, target)
    process = subprocess.Popen(
        [sys.executable, str(BUILD_PY), "build"],
        cwd=root,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + seconds * 3
    while not _leftovers(root) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)  # kill while a staging folder exists: the worst moment
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    _build(root)
    assert manifest(root / "public") == expected[target]
    # Staging and half-swapped folders are gone; a ".public.trash-*" folder is the old site being
    # deleted in the background after the swap, so wait for it rather than fail on it.
    deadline = time.monotonic() + 60
    while any(".trash-" in name for name in _leftovers(root)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _leftovers(root) == []


# --- disk full ------------------------------------------------------------------------------


def test_disk_full_is_a_clean_diagnostic_and_the_old_site_stays(fixture_site, monkeypatch):
    from sitegen.system import write

    first = fixture_site.build()
    assert first.ok
    before = snapshot(fixture_site.public)
    fixture_site.write(
        "content/articles/lesions.md",
        (fixture_site.content / "articles/lesions.md").read_text(encoding="utf-8") + "\nChanged.\n",
    )
    written = []

    def full_disk(path, mode="r", *args, **kwargs):
        if "w" in mode:  # the disk is full from the first new file on
            written.append(path)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(write, "open", full_disk, raising=False)
    monkeypatch.setattr(write.os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    result = fixture_site.build()
    monkeypatch.undo()
    assert written, "the injected failure never happened"
    assert not result.ok
    (problem,) = [d for d in result.diagnostics if d.is_error]
    assert problem.code == "write-failed"
    assert "No space left on device" in problem.message and "unchanged" in problem.message
    assert problem.hint
    assert snapshot(fixture_site.public) == before
    assert _leftovers(fixture_site.root) == []


def test_disk_full_through_the_cli_exits_1_without_a_traceback(fixture_site, tmp_path):
    fixture_site.build()
    before = snapshot(fixture_site.public)
    # Run the real command with open() in sitegen.system.write failing, via a small wrapper script.
    wrapper = tmp_path / "full.py"
    wrapper.write_text(
        "import errno, os, sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from sitegen.system import write\n"
        "def full(path, mode='r', *a, **k):\n"
        "    if 'w' in mode: raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))\n"
        "    return open(path, mode, *a, **k)\n"
        "write.open = full\n"
        "write.os.link = lambda *a, **k: full('x', 'w')\n"
        "from sitegen.cli import main\n"
        "fixture_changed = True\n"
        "sys.exit(main(['build']))\n",
        encoding="utf-8",
    )
    fixture_site.write(
        "content/articles/lesions.md",
        (fixture_site.content / "articles/lesions.md").read_text(encoding="utf-8") + "\nChanged.\n",
    )
    done = subprocess.run(
        [sys.executable, str(wrapper)], cwd=fixture_site.root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "[write-failed]" in done.stderr and "No space left on device" in done.stderr
    assert snapshot(fixture_site.public) == before


# --- output folders that must never be replaced -----------------------------------------------


def _plant(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keep-me.txt").write_bytes(b"precious")
    return snapshot(folder)


@pytest.mark.parametrize(
    "out,code",
    [
        (".", "output-unsafe"),
        ("content", "output-unsafe"),
        ("templates", "output-unsafe"),
        ("static", "output-unsafe"),
        ("..", "output-unsafe"),
        ("content/public", "output-unsafe"),
        ("static/public", "output-unsafe"),
        ("elsewhere", "output-foreign"),
    ],
)
def test_output_folder_is_refused_and_nothing_is_deleted(blank_site, out, code):
    blank_site.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    for folder in ("templates", "static", "elsewhere"):
        _plant(blank_site.root / folder)
    blank_site.set_config(paths={"templates": "templates", "static": "static"})
    (blank_site.root / "templates" / "base.html").write_text("{% block main %}{% endblock %}", encoding="utf-8")
    before = snapshot(blank_site.root.parent)
    done = run_cli("build", "--out", out, cwd=blank_site.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"[{code}]" in done.stderr
    assert snapshot(blank_site.root.parent) == before


def test_output_file_not_folder_is_refused(blank_site):
    blank_site.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    blank_site.write("public", b"a file")
    done = run_cli("build", cwd=blank_site.root)
    assert done.returncode == 1 and "[output-foreign]" in done.stderr
    assert (blank_site.root / "public").read_bytes() == b"a file"


def test_our_own_output_is_replaced_and_stale_pages_disappear(blank_site):
    blank_site.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    blank_site.article("gone.md", "---\ntitle: G\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    assert blank_site.build().ok
    assert (blank_site.public / ".sitegen-output").is_file()
    (blank_site.content / "articles/gone.md").unlink()
    assert blank_site.build().ok
    assert not (blank_site.public / "articles/gone").exists() and (blank_site.public / "articles/x").is_dir()
    empty = new_site(blank_site.root.parent / "other")
    empty.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    empty.public.mkdir()  # an empty folder is fine to use
    assert empty.build().ok


def test_the_spare_tree_is_never_trusted(blank_site):
    """The site from before the last swap is kept and becomes the next staging folder. Whatever
    it holds (foreign files, changed bytes, a folder where a file goes and the other way round),
    the next site is exactly what a clean build makes, and the live site is never touched."""
    body = "---\ntitle: {0}\nsummary: S\ndate: 2026-01-1{1}\ntags: [MRI]\n---\nBody of {0}.\n"
    for index, name in enumerate(("a", "b", "c")):
        blank_site.article(f"{name}.md", body.format(name, index))
    assert blank_site.build().ok
    blank_site.article("a.md", body.format("a", 0) + "\nMore.\n")
    assert blank_site.build().ok
    spare = blank_site.root / ".public.spare"
    assert (spare / ".sitegen-output").is_file() and (spare / "articles/b/index.html").is_file()
    # Tamper with the spare without writing through its hard links into the live site.
    (spare / "articles/b/index.html").unlink()
    (spare / "articles/b/index.html").write_bytes(b"tampered")
    (spare / "articles/c/index.html").unlink()
    (spare / "articles/stray").mkdir()
    (spare / "articles/stray/index.html").write_bytes(b"stray")
    (spare / "feed.xml").unlink()
    (spare / "feed.xml").mkdir()
    (spare / "feed.xml/inner").write_bytes(b"x")
    shutil.rmtree(spare / "topics")
    (spare / "topics").write_bytes(b"a file where a folder goes")
    live = snapshot(blank_site.public)
    blank_site.article("c.md", body.format("c", 2) + "\nChanged too.\n")
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    # A clean build of the same content elsewhere is the reference.
    reference = new_site(blank_site.root.parent / "reference")
    for name in ("a", "b", "c"):
        reference.article(f"{name}.md", (blank_site.content / f"articles/{name}.md").read_bytes())
    assert reference.build().ok
    built, clean = snapshot(blank_site.public), snapshot(reference.public)
    assert built == clean  # the search index too: pagefind is deterministic
    assert live != built  # the edit of c.md did arrive
    # A failed build leaves the live site as it was, whatever the spare held.
    spare_files = snapshot(spare)
    assert spare_files  # the previous site, kept
    before = snapshot(blank_site.public)
    blank_site.article("b.md", "---\ntitle: [unclosed\n---\nBody.\n")
    assert not blank_site.build().ok
    assert snapshot(blank_site.public) == before


def test_another_running_build_keeps_its_staging_folder(blank_site):
    """recover() removes what killed builds left, not the folder a running build writes."""
    from sitegen.system.swap import recover

    blank_site.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    assert blank_site.build().ok
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        running = blank_site.root / f".public.staging-{sleeper.pid}"
        left = blank_site.root / f".public.staging-{dead.pid}"
        running.mkdir()
        left.mkdir()
        recover(blank_site.public.resolve())
        assert running.is_dir() and not left.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    recover(blank_site.public.resolve())
    assert not running.exists()


@pytest.mark.parametrize("cache", [".", "content", "content/articles", "public", "..", "content/cache"])
def test_a_cache_folder_that_clean_would_wrongly_delete_is_refused(blank_site, cache):
    blank_site.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    blank_site.set_config(paths={"cache": cache})
    before = snapshot(blank_site.root)
    done = run_cli("build", "--clean", cwd=blank_site.root)
    assert done.returncode == 1 and "[config-value]" in done.stderr and "paths.cache" in done.stderr
    assert snapshot(blank_site.root) == before
