"""What a build must do: the pure incremental planner.

`make_plan` takes what this build loaded (the Site), what the cache remembers of
earlier builds (Markdown side outputs, keyed) and what the output still holds (page
keys of the files unchanged since they were recorded), and returns a frozen
`BuildPlan`: for every output file, its key and whether the output already holds it;
for every Markdown body, whether the cached conversion may be used. It reads no file
and changes nothing, so it is tested without a disk (tests/test_plan.py).

The decisions, in one place:
- A body's cached conversion is used while its `key` is unchanged (the source's bytes,
  the Markdown settings and glossary, and the page depth links are written for) and
  every article link it contains still resolves to the same page (`link_dependencies`).
- A page's key is the digest of its template (and every template it uses), the
  configuration, its body's digest and the values of what it read when it was last
  rendered (`reads`, tracking.py), evaluated on this build's values. A page whose key
  equals the key recorded for its file, while that file is unchanged on disk, is
  reused. A page with no reads recorded is rendered. When its body must be converted
  first, its key is known only after the conversion: `key` is None, and the executor
  asks `page_key` then (and again after rendering, with what the render read).
- The build is `up_to_date` when every body is cached and the output holds exactly
  the planned pages and static files (and the search index): nothing to write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from sitegen.build.render import PageJob, page_key
from sitegen.build.shapes import BlindMemo, Shape, blind, own_files
from sitegen.build.tracking import Reads
from sitegen.build.values import ItemValues, Values
from sitegen.content.site import Site
from sitegen.core.article import Source
from sitegen.images.assets import Asset, language_variant, written_path
from sitegen.markup import Markup

ARTICLE_ROOT, PAGE_ROOT = "../../", "../"  # how deep article pages and other pages sit

# What the cache keeps of one converted body: (body key, link dependencies, lean side outputs).
BodyEntry = tuple[str, tuple[tuple[str, str | None, bool], ...], Markup]


class BodyStep(NamedTuple):  # NamedTuples: immutable, and cheap to make for every article
    """One Markdown body: convert it, or take its cached conversion."""

    source: Source
    root: str  # the relative path from its page to the site's root (links are rewritten for it)
    key: str
    cached: Markup | None  # the cached side outputs (no HTML, no prose), or None: convert

    @property
    def cache_slot(self) -> tuple[str, str]:
        return (self.source.path, self.root)


class PageStep(NamedTuple):
    """One output file."""

    job: PageJob
    body: BodyStep | None  # the Markdown body the page shows, if any
    key: str | None  # None: known once `body` is converted, or the page rendered
    current: bool  # the output already holds this very file
    reads: Reads | None  # what its last render read (None: not known; render it)


@dataclass(frozen=True)
class BuildPlan:
    pages: tuple[PageStep, ...]
    templates: Mapping[str, str]  # template name -> digest of it and all it uses
    config_key: str
    valid: Mapping[str, str]  # output path -> key, of the files unchanged since recorded
    up_to_date: bool
    assets: tuple[AssetStep, ...] = ()
    values: Values = field(default_factory=Values)  # this build's values of reads
    # Output path -> (the reads its key was made with, their values now): a page that reads
    # the same again when it renders has its key without evaluating them again.
    seen: Mapping[str, tuple[Reads, str]] = field(default_factory=dict)
    # Output path -> the digests of the files its own article or page is made from
    # (shapes.own_files), and how many pages took their values from the last build.
    owns: Mapping[str, str] = field(default_factory=dict)
    reused: int = 0
    blind: BlindMemo = field(default_factory=dict)  # what shapes.blind found of each page's reads

    @property
    def articles(self) -> tuple[PageStep, ...]:
        return tuple(step for step in self.pages if step.job.article)

    @property
    def others(self) -> tuple[PageStep, ...]:
        return tuple(step for step in self.pages if not step.job.article)

    def read_value(self, job: PageJob, reads: Reads | None) -> str | None:
        """The digest of the values of `reads` on the page's context (None: not known)."""
        if reads is None:
            return None
        known = self.seen.get(job.path)
        if known is not None and known[0] == reads:  # a tuple comparison: far cheaper than evaluating
            return known[1]
        return self.values.of(job.context, self.values.shared(reads))

    def key_of(self, job: PageJob, body_digest: str, read: str | None) -> str | None:
        """The page's key from `read` (read_value), or None if that is not known."""
        return None if read is None else page_key(job, self.templates, self.config_key, body_digest, read)

    def page_key(self, job: PageJob, body_digest: str, reads: Reads | None) -> str | None:
        """The page's key, or None if what it reads is not known (it must be rendered)."""
        return self.key_of(job, body_digest, self.read_value(job, reads))

    def is_current(self, path: str, key: str) -> bool:
        return self.valid.get(path) == key


def body_key(source: Source, markdown_key: str, root: str) -> str:
    # Two digests of fixed length and the root, joined (digesting them again cost every
    # rebuild 1.5 us an article).
    return f"{source.digest} {markdown_key} {root}"


def body_step(
    site: Site, bodies: Mapping[tuple[str, str], BodyEntry], source: Source, root: str, markdown_key: str
) -> BodyStep:
    key = body_key(source, markdown_key, root)
    entry = bodies.get((source.path, root))
    if entry is None or entry[0] != key:
        return BodyStep(source, root, key, None)
    _, dependencies, meta = entry
    # The names were found when the entry was made; only how they resolve now is new.
    targets, unpublished = site.link_targets, site.unpublished
    for name, target, hidden in dependencies:
        if name.startswith("images/"):  # an image it shows: the same file and record
            if site.asset_keys.get(name) != target:
                return BodyStep(source, root, key, None)
            continue
        if targets.get(name) != target or (name in unpublished) != hidden:
            return BodyStep(source, root, key, None)
    return BodyStep(source, root, key, meta)


def make_plan(
    site: Site,
    jobs: list[PageJob],
    bodies: Mapping[tuple[str, str], BodyEntry],
    markdown_key: str,
    templates: Mapping[str, str],
    config_key: str,
    valid: Mapping[str, str],
    recorded: frozenset[str],
    static_keys: Mapping[str, str],
    search_ready: bool,
    assets: tuple[AssetStep, ...] = (),
    reads: Mapping[str, Reads] | None = None,
    items: dict[str, ItemValues] | None = None,
    kept: KeptValues | None = None,
) -> BuildPlan:
    """The plan for building `jobs` (render.page_jobs(site)). `valid`: the keys of the
    output files still as recorded; `recorded`: every output path the cache has a record
    of; `static_keys`: output path -> digest of each static file; `search_ready`: the
    search index is off, or present in the output; `reads`: output path -> what its
    page read when it was last rendered; `items`: the values of articles as elements of
    lists, by their files (the cache's, updated in place: values.py); `kept`: the values
    of the pages' reads in the last build, which hold where its Sites had this build's
    shape (shapes.py)."""
    values, reads = Values(items), reads or {}
    reuse = _Reuse(kept) if kept is not None and kept.last is not None and kept.last.site == kept.now.site else None
    articles = {article.slug: article for article in site.articles}
    pages_by_slug = {page.slug: page for page in site.pages}
    steps = []
    expected: dict[str, str] = {}  # output path -> key, of every file this build makes
    seen: dict[str, tuple[Reads, str]] = {}
    owns: dict[str, str] = {}
    for job in jobs:
        own, names = own_files(job.context)
        owns[job.path] = own
        source = articles[job.article].source if job.article else pages_by_slug[job.page].source if job.page else None
        body = None
        if source is not None:  # one level deeper for a language's folder (es/articles/...)
            root = (ARTICLE_ROOT if job.article else PAGE_ROOT) + "../" * job.path.startswith(site.prefix or "/")
            body = body_step(site, bodies, source, root, markdown_key)
        step = _page_step(job, body, reads.get(job.path), values, templates, config_key, valid, seen, reuse, own, names)
        steps.append(step)
        if step.key is not None:
            expected[job.path] = step.key
    all_known = len(expected) == len(steps)  # every page's key is known now (no body to convert)
    up_to_date = False
    if all_known and search_ready:
        expected.update(static_keys)
        expected.update((path, step.key) for step in assets for path in step.outputs)
        up_to_date = expected == valid and recorded == frozenset(expected)
    reused, memo = (reuse.reused, reuse.now) if reuse is not None else (0, {})
    return BuildPlan(tuple(steps), templates, config_key, valid, up_to_date, assets, values, seen, owns, reused, memo)


class KeptValues(NamedTuple):
    """What the last build that published left of its pages' values (the cache's)."""

    last: Shape | None  # the shape of its Sites
    now: Shape  # this build's
    values: Mapping[str, tuple[str, str]]  # output path -> (shapes.own_files, values' digest)
    blind: BlindMemo  # what the last build's plan found of each page's reads (shapes.blind)


class _Reuse:
    """A page's values taken from the last build, where they must be the same: the
    Sites have the shape they had then and the page's own file is the one it was; and
    either every source is the same too, or the page reads nothing a body decides."""

    def __init__(self, kept: KeptValues) -> None:
        self.values = kept.values
        self.same_sources = kept.last is not None and kept.last.whole == kept.now.whole
        self.last: BlindMemo = kept.blind
        self.now: BlindMemo = {}
        self.branches: dict[int, bool] = {}  # branch id -> blind (the branches are held by the reads)
        self.reused = 0

    def value(self, job: PageJob, read: Reads, own: str, names: tuple[str, ...]) -> str | None:
        entry = self.values.get(job.path)
        if entry is None or entry[0] != own:
            return None
        if not self.same_sources and not blind(read, names, self.last, self.now, self.branches):
            return None
        self.reused += 1
        return entry[1]


def _page_step(
    job: PageJob,
    body: BodyStep | None,
    read: Reads | None,
    values: Values,
    templates: Mapping[str, str],
    config_key: str,
    valid: Mapping[str, str],
    seen: dict[str, tuple[Reads, str]],
    reuse: _Reuse | None,
    own: str,
    names: tuple[str, ...],
) -> PageStep:
    """One page's step: its key when its body is cached and what it read is known."""
    value = None
    if read is not None:
        value = reuse.value(job, read, own, names) if reuse is not None else None
        if value is None:
            value = values.of(job.context, read)
    if read is not None and value is not None:
        seen[job.path] = (read, value)
    if (body is not None and body.cached is None) or value is None:
        return PageStep(job, body, None, False, read if value is not None else None)
    body_digest = body.cached.digest if body is not None and body.cached else ""
    key = page_key(job, templates, config_key, body_digest, value)
    return PageStep(job, body, key, valid.get(job.path) == key, read)


def link_dependencies(site: Site, meta: Markup) -> tuple[tuple[str, str | None, bool], ...]:
    """How each article link in a body resolves now: a cached body is valid while this is unchanged."""
    targets = site.link_targets
    # The article name exactly as markup/links.py finds it (a query or fragment is not part of it).
    names = sorted(
        {
            name
            for written, _ in meta.links
            if (name := urlsplit(written.strip()).path.rsplit("/", 1)[-1]).endswith(".md")
        }
    )
    # And each image it shows (assets.py), by its key: a changed image or record re-renders
    # exactly the pages that show it.
    images = sorted({path for src, _ in meta.images if (path := written_path(src)) is not None})
    if site.prefix:  # and whether each has a version in the page's language (markup/figures.py)
        images = sorted({*images, *(language_variant(path, site.language) for path in images)})
    return tuple((name, targets.get(name), name in site.unpublished) for name in names) + tuple(
        (path, site.asset_keys.get(path), False) for path in images
    )


class AssetStep(NamedTuple):
    """One image: encode it, or keep the files an earlier build made of the same bytes."""

    asset: Asset
    outputs: tuple[str, ...]  # output paths
    key: str  # Asset.encode_key: what every output file was recorded under
    current: bool  # the output holds every one of them, recorded under this key


def asset_steps(site: Site, valid: Mapping[str, str]) -> tuple[AssetStep, ...]:
    steps = []
    for _, asset in sorted(site.assets.items()):
        outputs = tuple(variant.path for variant in asset.outputs)
        key = asset.encode_key
        steps.append(AssetStep(asset, outputs, key, all(valid.get(path) == key for path in outputs)))
    return tuple(steps)
