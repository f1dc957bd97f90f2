"""Property-based tests (issue 7): random front matter and bodies never crash the build, never
produce an unsafe element under `escape`/`sanitize`, and the same input gives the same bytes."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_html_safety import ours

from sitegen.content.validate import ARTICLE_KEYS
from sitekit import new_site, snapshot

MARKDOWN = [
    "## Heading",
    "### Sub",
    "- item",
    "1. first",
    "> quote",
    "`code`",
    "**bold**",
    "*em*",
    "---",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Table: caption",
    '!!! warning "Title"\n    Callout text.',
    "!!! key-point\n    Point.",
    "[link](other.md)",
    "[x](other.md#nope)",
    "[ext](https://example.org/)",
    "![alt](static/x.png)",
    "Term\n:   definition",
    "Foot[^1]\n\n[^1]: note",
    "*[MRI]: Magnetic resonance",
    "{: .cls }",
    '{: onclick="alert(1)" }',
    "[j](javascript:alert(1))",
    "[e](&#106;avascript:x)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=x></iframe>",
    "<style>p{}</style>",
    "<form><input></form>",
    '<a href="javascript:x">a</a>',
    "<b onclick=x>b</b>",
    '<div markdown="1">*md*</div>',
    "<!-- comment -->",
    "&amp; &lt; &#0; &#xD800;",
    "\\",
    "```\ncode\n```",
]
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
BODY = st.lists(st.one_of(st.sampled_from(MARKDOWN), TEXT), max_size=12).map("\n\n".join)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 3000),
    TEXT,
    st.sampled_from(["2026-01-10", "2026-02-30", "2026-01-31 09:30:00", "yes", "~", "[]", "{}", "<script>x</script>"]),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["title", "url", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)
# The validator's own list, so a key it gains is fuzzed too; and one it does not know.
KEYS = [*ARTICLE_KEYS, "unknown"]
VALID = {"title": "A title", "summary": "A summary.", "date": "2026-01-10"}


@st.composite
def front_matter(draw) -> str:
    fields = dict(VALID) if draw(st.booleans()) else {}
    fields.update(draw(st.dictionaries(st.sampled_from(KEYS), VALUE, max_size=5)))
    lines = [f"{key}: {json.dumps(value, default=str)}" for key, value in fields.items()]  # JSON is YAML
    if draw(st.integers(0, 4)) == 0:
        lines.append(draw(TEXT))  # random YAML-ish text
    return "\n".join(lines)


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _build_twice(policy: str, front: str, body: str):
    with tempfile.TemporaryDirectory() as tmp:
        outputs = []
        for attempt in ("a", "b"):
            site = new_site(Path(tmp) / attempt)
            site.set_config(markdown={"raw_html": policy})
            site.article("x.md", f"---\n{front}\n---\n{body}\n")
            site.article("other.md", "---\ntitle: Other\nsummary: S\ndate: 2026-01-09\n---\n## Part\n\nText.\n")
            result = site.build()  # must never raise
            outputs.append((result, snapshot(site.public) if site.public.exists() else {}))
        return outputs


def _unsafe(data: bytes) -> list[str]:
    found = []
    for element in BeautifulSoup(data, "html.parser").find_all(True):
        if element.name in ("iframe", "style", "form", "object", "embed", "script") and not ours(element):
            found.append(element.name)
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name.lower().startswith("on"):
                found.append(name)
            if name.lower() in ("href", "src", "action", "formaction", "srcset"):
                scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", re.sub(r"[\t\n\r]", "", value))
                if scheme and scheme.group(1).lower() in ("javascript", "vbscript", "data"):
                    found.append(f"{name}={value[:30]}")
    return found


@SETTINGS
@given(policy=st.sampled_from(["escape", "sanitize"]), front=front_matter(), body=BODY)
def test_random_articles_never_crash_never_inject_and_build_deterministically(policy, front, body):
    (first, files), (second, again) = _build_twice(policy, front, body)
    assert all(d.code and d.message for d in first.diagnostics)
    assert [d.format() for d in first.diagnostics] == [d.format() for d in second.diagnostics]
    assert files == again  # same input, same bytes
    for path, data in files.items():
        if path.endswith(".html"):
            assert _unsafe(data) == [], (path, body)
            assert not re.search(rb"\b(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?!Z)|built (on|at))", data), path


@SETTINGS
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", b"---\n", b"---\ntitle: T\n"]))
def test_random_bytes_never_crash(data, prefix):
    with tempfile.TemporaryDirectory() as tmp:
        site = new_site(Path(tmp) / "s")
        site.article("x.md", prefix + data)
        result = site.build(write=False)
        assert all(d.file == "content/articles/x.md" for d in result.diagnostics), [
            d.format() for d in result.diagnostics
        ]
    shutil.rmtree(Path(tmp), ignore_errors=True)
