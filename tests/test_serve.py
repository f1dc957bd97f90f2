"""`build.py serve`: the real server on a free loopback port, files edited on disk."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def wait_for(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting for the preview")


def start(site: Path) -> tuple[str, subprocess.Popen]:
    """`build.py serve` on a free port in `site`: (its address, the process), once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: _up(base), timeout=20)
    except BaseException:
        stop(process)
        raise
    return base, process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def previewed_site(tmp_path_factory):
    """The repository's site, previewed once (a cold first build) and stopped: its
    .preview/ holds the preview's own output and cache. A test's server starts on a copy
    of it, as an editor's preview starts again on a site it has built before (a moved site
    keeps its cache): about 0.4 s where a cold start took 1.5 s (6 s beside the browser
    tests), for thirty tests. Every test still edits, and watches rebuild, its own copy."""
    site = tmp_path_factory.mktemp("previewed") / "site"
    site.mkdir()
    for name in ("templates", "static", "content"):
        shutil.copytree(REPO / name, site / name)
    (site / "config.yaml").write_text((REPO / "config.yaml").read_text() + "\nsearch: false\n")
    base, process = start(site)
    assert "<h1>What an MRI scan shows in MS</h1>" in get(base + PAGE)[1]
    stop(process)
    assert (site / ".preview" / "cache").is_dir()
    return site


def _preview_copy(previewed_site, site):
    """A preview of a copy of the previewed site at `site`, warm from its preview cache;
    stopped when the fixture ends."""
    # Not .cache/: it holds the address of the stopped preview (`new` reads it).
    shutil.copytree(previewed_site, site, symlinks=True, ignore=shutil.ignore_patterns(".cache"))
    base, process = start(site)
    try:
        yield site, base, process
    finally:
        stop(process)


@pytest.fixture()
def server(previewed_site, tmp_path):
    """A preview of its own for one test, which may edit its site and stop it."""
    yield from _preview_copy(previewed_site, tmp_path / "site")


@pytest.fixture(scope="module")
def shared_server(previewed_site, tmp_path_factory):
    """One preview for the tests that only read from it (requests refused or accepted):
    they must not edit its site or stop it."""
    yield from _preview_copy(previewed_site, tmp_path_factory.mktemp("shared") / "site")


def _up(base):
    try:
        return get(base)[0] == 200
    except OSError:
        return False


def generation(base: str) -> int:
    """Rebuilds the preview has finished (its status endpoint)."""
    return json.loads(get(base + "__preview__/status.json")[1])["generation"]


def rebuilt_since(base: str, before: int) -> None:
    """Wait for the rebuild that follows a save made after `before` was read."""
    wait_for(lambda: generation(base) > before)


ARTICLE = "content/articles/mri-basics-in-ms.md"
PAGE = "articles/mri-basics-in-ms/"


def edit(site: Path, old: str, new: str) -> None:
    path = site / ARTICLE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_page_updates_over_http_after_a_save(server):
    site, base, _ = server
    status, page = get(base + PAGE)
    assert status == 200 and "<h1>What an MRI scan shows in MS</h1>" in page
    assert '<script src="/livereload.js?port=' in page  # the reload client, as a file (the CSP forbids inline)
    edit(site, "title: What an MRI scan shows in MS", "title: What an MRI scan shows, edited")
    wait_for(lambda: "<h1>What an MRI scan shows, edited</h1>" in get(base + PAGE)[1])
    # The home page card of the edited article changes too.
    wait_for(lambda: "What an MRI scan shows, edited" in get(base)[1])


def test_the_preview_leaves_nothing_frozen_across_rebuilds(server):
    """tuning.Policy: a long-lived process never keeps objects frozen out of the garbage
    collector's sight, however many rebuilds it does (the full rebuild of every article
    after a template edit forks workers on a large site, and freezes around them)."""
    site, base, _ = server
    for number in range(3):
        before = generation(base)
        edit(site, "title: ", f"title: {number} ")
        rebuilt_since(base, before)
        status = json.loads(get(base + "__preview__/status.json")[1])
        assert status["errors"] == 0 and status["frozen"] == 0


def test_livereload_endpoint_signals_a_reload(server):
    site, base, _ = server
    from tornado.websocket import websocket_connect

    async def listen():
        socket_url = base.replace("http://", "ws://") + "livereload"
        connection = await websocket_connect(socket_url)
        await connection.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        hello = json.loads(await connection.read_message())
        assert hello["command"] == "hello"
        await connection.write_message(json.dumps({"command": "info", "url": base + PAGE}))
        # The socket is told of reloads once its `info` is handled; the server answers a
        # connection's messages in order, so the answer to a second hello says it was.
        await connection.write_message(json.dumps({"command": "hello", "protocols": hello["protocols"]}))
        assert json.loads(await asyncio.wait_for(connection.read_message(), timeout=10))["command"] == "hello"
        edit(site, "title: What an MRI scan shows in MS", "title: Reload me")
        message = json.loads(await asyncio.wait_for(connection.read_message(), timeout=10))
        connection.close()
        return message

    message = asyncio.run(listen())
    assert message["command"] == "reload"
    assert "<h1>Reload me</h1>" in get(base + PAGE)[1]  # the files were on disk before the signal


def test_error_page_appears_and_clears(server):
    site, base, process = server
    edit(site, "reviewed:", "reviwed:")
    page = wait_for(lambda: (lambda p: p if "preview-errors" in p else None)(get(base + PAGE)[1]))
    assert "content/articles/mri-basics-in-ms.md:5" in page
    assert "Unknown front-matter key" in page and "Did you mean" in page
    # Says that the preview failed to update (not "out of date", on a site about review dates).
    heading = page.split('id="preview-errors"><h2>', 1)[1].split("</h2>", 1)[0]
    assert heading == "The preview could not update: 1 error and 0 warnings in 1 file"
    assert "<h1>What an MRI scan shows in MS</h1>" in page  # the last good page stays served
    edit(site, "reviwed:", "reviewed:")
    wait_for(lambda: "preview-errors" not in get(base + PAGE)[1])


def test_server_survives_twenty_broken_saves(server):
    site, base, process = server
    path = site / ARTICLE
    good = path.read_text()
    broken = [
        "---\ntitle: [unclosed\n---\n",
        "not front matter at all",
        "---\ntitle: x\n",
        b"\xff\xfe\x00bad",
        "---\n- a list\n---\n",
        "---\ntitle: x\nsummary: y\ndate: not-a-date\n---\n",
    ]
    for attempt in range(20):
        bad = broken[attempt % len(broken)]
        before = generation(base)
        path.write_bytes(bad if isinstance(bad, bytes) else bad.encode())
        rebuilt_since(base, before)  # each broken save is rebuilt, and the server answers after it
        assert process.poll() is None, "the server died on a broken save"
        assert "preview-errors" in get(base + PAGE)[1]
    before = generation(base)
    (site / "templates" / "article.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ nope( }}{% endblock %}"
    )
    rebuilt_since(base, before)
    (site / "templates" / "article.html").write_text((REPO / "templates" / "article.html").read_text())
    path.write_text(good)
    wait_for(lambda: "preview-errors" not in get(base + PAGE)[1])
    assert process.poll() is None
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    assert "Traceback" not in stderr


def test_broken_template_is_reported_with_file_and_line(server):
    site, base, _ = server
    template = site / "templates" / "article.html"
    template.write_text(template.read_text().replace("{% endblock %}", "{% endblok %}", 1))
    page = wait_for(lambda: (lambda p: p if "preview-errors" in p else None)(get(base + PAGE)[1]))
    assert "templates/article.html" in page


@pytest.mark.parametrize(
    "path",
    [
        "/../config.yaml",
        "/%2e%2e/config.yaml",
        "/..%2fconfig.yaml",
        "/static/../../config.yaml",
        "/static/%2e%2e/%2e%2e/config.yaml",
        "//etc/passwd",
        "/%2F%2Fetc%2Fpasswd",
        "/articles/..%5c..%5cconfig.yaml",
    ],
)
def test_no_file_outside_the_site_is_served(shared_server, path):
    site, base, _ = shared_server
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1].strip("/")))) as connection:
        connection.sendall(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    status = int(response.split(b" ", 2)[1])
    assert status in (400, 403, 404)
    assert b"review:" not in response and b"root:x:0:0" not in response


def test_serve_binds_loopback_and_says_so(server):
    site, base, process = server
    process.terminate()
    stdout, _ = process.communicate(timeout=10)
    assert "Previewing at http://127.0.0.1:" in stdout
    assert "other computers" not in stdout


def test_a_broken_config_stays_reported_until_fixed(server):
    site, base, _ = server
    config = site / "config.yaml"
    good = config.read_text()
    config.write_text(good + "\nfeed:\n  entries: many\n")
    wait_for(lambda: "preview-errors" in get(base + PAGE)[1])
    before = generation(base)
    edit(site, "title: What an MRI scan shows in MS", "title: Edited while the config is broken")
    rebuilt_since(base, before)  # the save was rebuilt, and the config is still what fails
    page = get(base + PAGE)[1]
    assert "preview-errors" in page and "config.yaml" in page  # still shown after another save
    config.write_text(good)
    wait_for(
        lambda: (
            "<h1>Edited while the config is broken</h1>" in get(base + PAGE)[1]
            and "preview-errors" not in get(base + PAGE)[1]
        )
    )


def test_a_content_folder_made_again_is_watched(server):
    site, base, _ = server
    content = site / "content"
    content.rename(site / "content-away")
    wait_for(lambda: "preview-errors" in get(base + PAGE)[1])  # no articles folder: reported, not published empty
    (site / "content-away").rename(content)
    wait_for(lambda: "preview-errors" not in get(base + PAGE)[1])
    edit(site, "title: What an MRI scan shows in MS", "title: Seen after the move")
    wait_for(lambda: "<h1>Seen after the move</h1>" in get(base + PAGE)[1])


def test_a_burst_of_saves_is_one_rebuild_not_fifty(server):
    site, base, process = server
    articles = site / "content" / "articles"
    for path in sorted(articles.glob("*.md")):  # like `git checkout` switching every article
        path.write_text(path.read_text() + "\nOne more line.\n")
    for number in range(43):
        (articles / f"burst-{number}.md").write_text(
            f"---\ntitle: Burst {number}\nsummary: S.\ndate: 2026-01-0{number % 9 + 1}\n---\nText.\n"
        )
    wait_for(lambda: "Burst 42" in get(base)[1])
    # One save more, seen on the page only once every change before it has been rebuilt
    # (the watcher reports changes in order): then every rebuild the burst caused is done.
    (articles / "burst-0.md").write_text("---\ntitle: After the burst\nsummary: S.\ndate: 2026-01-01\n---\nText.\n")
    wait_for(
        lambda: (
            "After the burst" in get(base)[1] and not json.loads(get(base + "__preview__/status.json")[1])["building"]
        )
    )
    process.terminate()
    stdout, _ = process.communicate(timeout=10)
    rebuilds = stdout.count("Rebuilt in")
    # The first build, one (rarely two) for the burst of 50, and one for the last save
    # (none when it came while the burst's was waiting to start).
    assert 2 <= rebuilds <= 5, stdout


def test_a_build_beside_the_preview_changes_nothing_it_serves(server):
    """The preview builds into .preview/ (its own folder): `build.py build` replacing public/
    (without drafts) leaves the draft and its topic page served, across later saves."""
    site, base, _ = server
    draft = site / "content" / "articles" / "a-draft.md"
    text = (site / ARTICLE).read_text().replace("title: What an MRI scan shows in MS", "title: A draft in progress", 1)
    text = text.replace("---\n", "---\ndraft: true\n", 1).replace("tags: [", "tags: [Drafted topic, ", 1)
    before = generation(base)
    draft.write_text(text)
    rebuilt_since(base, before)
    assert get(base + "articles/a-draft/")[0] == 200
    built = subprocess.run([sys.executable, str(REPO / "build.py"), "build"], cwd=site, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert not (site / "public" / "articles" / "a-draft").exists()  # the published site has no draft
    for number in range(2):
        before = generation(base)
        draft.write_text(draft.read_text() + f"\nMore text {number}.\n")
        rebuilt_since(base, before)
        assert get(base + "articles/a-draft/")[0] == 200
        assert get(base + "topics/drafted-topic/")[0] == 200


def test_a_page_with_a_broken_link_is_shown_with_its_findings(server):
    """Linking to an article not written yet: the page being written is shown (the link as
    marked plain text), and the panel at its foot says what is wrong and how to fix it."""
    from bs4 import BeautifulSoup

    site, base, _ = server
    path = site / ARTICLE
    path.write_text(path.read_text() + "\nSee [the next guide](not-written-yet.md).\n")
    page = wait_for(lambda: (lambda p: p if "not-written-yet.md" in p else None)(get(base + PAGE)[1]))
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("#preview-errors") is None  # not the "could not update" overlay
    marked = soup.select_one("a.link-problem")
    assert marked is not None and marked.get("href") is None and marked.get_text() == "the next guide"
    panel = soup.select_one("#preview-findings")
    assert panel is not None and "not-written-yet.md" in panel.get_text()
    assert "content/articles/mri-basics-in-ms.md:" in panel.get_text() and "How to fix it" in panel.get_text()
    assert soup.select_one("#preview-findings details").has_attr("open")


def test_quality_check_findings_of_the_page_show_in_its_panel(server):
    """`check`'s findings (here: too many takeaways) appear on the page being written,
    and go when fixed; other pages do not show them."""
    from bs4 import BeautifulSoup

    site, base, _ = server
    text = (site / ARTICLE).read_text()
    extra = "".join(f"  - Extra takeaway number {n}.\n" for n in range(7))
    before = generation(base)
    (site / ARTICLE).write_text(text.replace("takeaways:\n", "takeaways:\n" + extra, 1))
    rebuilt_since(base, before)
    panel = BeautifulSoup(get(base + PAGE)[1], "html.parser").select_one("#preview-findings")
    assert panel is not None and "takeaways-count" not in panel.get_text()  # codes stay in the terminal
    assert "key takeaways" in panel.get_text()
    other = BeautifulSoup(get(base)[1], "html.parser")
    assert other.select_one("#preview-findings") is None
    before = generation(base)
    (site / ARTICLE).write_text(text)
    rebuilt_since(base, before)
    assert BeautifulSoup(get(base + PAGE)[1], "html.parser").select_one("#preview-findings") is None


def raw_request(base: str, path: str, host: str, extra: str = "") -> tuple[int, bytes]:
    """(status, whole response) of a GET sent with exactly this Host header."""
    port = int(base.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n{extra}\r\n".encode())
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1]), response


def test_a_foreign_host_name_is_refused(shared_server):
    # DNS rebinding: a page at attacker.example points its name at 127.0.0.1 and reads the
    # drafts as its own site. Its requests carry its own name in Host.
    site, base, _ = shared_server
    port = base.rsplit(":", 1)[1].strip("/")
    for path in ("/", "/" + PAGE, "/livereload.js", "/__preview__/preview.css", "/forcereload"):
        status, response = raw_request(base, path, f"attacker.example:{port}")
        assert status == 403, (path, response[:200])
        assert b"What an MRI scan shows" not in response
    status, response = raw_request(base, "/" + PAGE, "attacker.example")
    assert status == 403 and b"http://127.0.0.1:" in response  # says where the preview is
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}", f"LOCALHOST.:{port}"):
        status, response = raw_request(base, "/" + PAGE, host)
        assert status == 200 and b"What an MRI scan shows" in response, host


@pytest.mark.parametrize(
    "origin, host, accepted",
    [
        ("http://127.0.0.1:{port}", "127.0.0.1:{port}", True),
        ("http://localhost:{port}", "localhost:{port}", True),
        ("http://attacker.example:{port}", "127.0.0.1:{port}", False),
        ("http://attacker.example:{port}", "attacker.example:{port}", False),
        ("http://127.0.0.1:1", "127.0.0.1:{port}", False),  # another local server's page
        ("null", "127.0.0.1:{port}", False),
    ],
)
def test_the_reload_websocket_accepts_only_pages_of_the_preview(shared_server, origin, host, accepted):
    site, base, _ = shared_server
    port = base.rsplit(":", 1)[1].strip("/")
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def connect():
        request = HTTPRequest(
            f"ws://127.0.0.1:{port}/livereload",
            headers={"Origin": origin.format(port=port), "Host": host.format(port=port)},
        )
        try:
            connection = await asyncio.wait_for(websocket_connect(request), timeout=10)
        except HTTPClientError as error:
            return error.code
        await connection.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        hello = json.loads(await asyncio.wait_for(connection.read_message(), timeout=10))
        connection.close()
        return hello["command"]

    assert asyncio.run(connect()) == ("hello" if accepted else 403)


def test_the_host_given_with_host_is_accepted_and_other_names_are_not():
    from sitegen.preview_web import allowed_hosts, host_allowed

    named = allowed_hosts("editor-laptop.local")
    assert host_allowed("editor-laptop.local", named) and host_allowed("Editor-Laptop.local.", named)
    assert host_allowed("192.168.1.20", named) and host_allowed("[fe80::1]", named)  # numbers cannot be rebound
    assert not host_allowed("attacker.example", named)
    everywhere = allowed_hosts("0.0.0.0")
    assert host_allowed(socket.gethostname(), everywhere) and not host_allowed("attacker.example", everywhere)


def test_new_names_the_page_at_the_running_preview_port(server):
    site, base, process = server
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "new", "Optic neuritis and MRI"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"The preview is running: open {base}articles/optic-neuritis-and-mri/" in result.stdout
    wait_for(lambda: get(base + "articles/optic-neuritis-and-mri/")[0] == 200)  # and it is there (a draft)
    process.terminate()
    process.wait(timeout=10)
    again = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "new", "Brain MRI"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Preview it with `make serve`, then open http://127.0.0.1:8000/articles/brain-mri/" in again.stdout
