"""What a build records in the cache once its output is known: each converted body's side
outputs, each output file's key, size and mtime, and each page's indexed-text digest (with
the step "search index" that makes it); and the output's signature for the no-op fingerprint
(system/fingerprint.py). Plain functions of the cache, the configuration and what the build
made; `pipeline.Builder` calls them."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

from sitegen.build.execute import PageState, lean
from sitegen.build.output import InMemory
from sitegen.build.plan import link_dependencies
from sitegen.build.search import BUNDLE, ENTRY, MADE_FROM, indexed_digest, update_index
from sitegen.build.shapes import Shape
from sitegen.build.tracking import shared
from sitegen.system.write import copy_tree_files

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sitegen.build.cache import Cache
    from sitegen.build.execute import BodyOutcome, PageOutcome
    from sitegen.build.output import Output
    from sitegen.build.result import BuildResult
    from sitegen.content.site import Site
    from sitegen.core.config import Config


def remember_bodies(cache: Cache, site: Site, bodies: list[BodyOutcome]) -> int:
    """Keep each converted body's side outputs in the cache (those of sources gone are
    forgotten by the builder, once every language's are known); returns how many were
    converted."""
    converted = 0
    for body in bodies:
        if body.converted:
            cache.bodies[body.step.cache_slot] = (
                body.step.key,
                link_dependencies(site, body.meta),
                lean(body.meta),
            )
            if body.kept is not None:  # in-memory cache only: there is no folder to keep the body in
                cache.store_body(body.meta.digest, *body.kept)
            converted += 1
    return converted


def index_search(
    config: Config,
    cache: Cache,
    output: Output,
    reindex: bool,
    result: BuildResult,
    outcomes: list[PageOutcome],
    jobs: int,
) -> dict[str, tuple[str, str] | None] | None:
    """Step "search index": each language's index made again only where its indexed text
    changed (search.py). Returns what the cache is to record of it (each page's indexed
    digest) once the new site is published."""
    if not config.search:
        return None
    if not reindex or not output.makes_search_index:
        output.keep_tree(BUNDLE)  # the preview's index, made by its first build
        return None
    pages = indexed_pages(cache, output, outcomes)
    found = {path: page for path, page in pages.items() if page is not None}
    done = update_index(found, config.output_dir, output, jobs)
    if done is None:
        return None
    problems, result.search = done
    result.diagnostics.extend(problems)
    return None if problems else pages


def indexed_pages(cache: Cache, output: Output, outcomes: list[PageOutcome]) -> dict[str, tuple[str, str] | None]:
    """Output path -> (language, digest of its indexed text), None for a page not indexed.
    Read from the new site only for the pages whose bytes changed, or that the cache
    has no digest of."""
    known, pages = cache.search, {}
    for outcome in outcomes:
        path = outcome.path
        if not path.endswith(".html") or outcome.state is PageState.FAILED:
            continue
        if outcome.state is not PageState.CHANGED and path in known:
            pages[path] = known[path]
        else:
            pages[path] = indexed_digest(output.read(path))
    return pages


def record_outputs(
    cache: Cache,
    config: Config,
    admin: Mapping[str, bytes],
    outcomes: list[PageOutcome],
    unchanged: frozenset[str],
    output: Output,
    images: Mapping[str, str],
    owns: Mapping[str, str],
    shape: Shape,
) -> None:
    """Remember each output file's key, size and mtime; those `unchanged` since they were
    recorded keep the size and mtime recorded, the others are stat'ed. `admin`: the
    browser editor's files this build published (editor/cms.py). And what each page read,
    with the digest of its values on this build's Sites, whose shape is `shape`; `owns`:
    each page's own files (plan.BuildPlan.owns)."""
    if isinstance(output, InMemory):
        return
    out, pages = config.output_dir, {}
    keys = {outcome.path: outcome.key for outcome in outcomes}
    cache.reads = shared(
        {outcome.path: outcome.reads for outcome in outcomes if outcome.reads is not None}, known=cache.reads
    )
    cache.values = {
        outcome.path: (owns.get(outcome.path, ""), outcome.read)
        for outcome in outcomes
        if outcome.reads is not None and outcome.read is not None
    }
    cache.shape = shape._asdict()
    keys.update(static_keys(config, admin))
    keys.update(images)  # image files, under the key of what they were encoded from
    for path, key in keys.items():
        known = cache.pages.get(path)
        if known is not None and path in unchanged:
            pages[path] = (key, known[1], known[2])
            continue
        try:
            stat = os.stat(out / path)
        except OSError:
            continue
        pages[path] = (key, stat.st_size, stat.st_mtime_ns)
    cache.pages = pages


def static_keys(config: Config, admin: Mapping[str, bytes]) -> dict[str, str]:
    """Output path -> SHA-256 of each static file and browser editor file."""
    return {
        path: hashlib.sha256(data).hexdigest()
        for path, data in (*copy_tree_files(config.static_dir, config.roots), *admin.items())
    }


def output_signature(cache: Cache, config: Config) -> list[list[str | int]]:
    """[path, size, mtime] of every file in the output, for the no-op fingerprint: the
    pages and static files as recorded after the last build, and the search index."""
    signature: list[list[str | int]] = [[path, size, mtime] for path, (_, size, mtime) in sorted(cache.pages.items())]
    out = config.output_dir
    if config.search and (out / BUNDLE).is_dir():
        # The index's files are named by their content and never change in place: a
        # file added or removed changes its folder's mtime. So the folders and the
        # few files named otherwise are enough (not the thousands of fragments).
        index = out / BUNDLE
        watched = [index]
        for language in sorted(p for p in index.iterdir() if p.is_dir()):
            watched += [language, language / MADE_FROM, language / ENTRY]
            watched += sorted(p for p in language.iterdir() if p.is_dir())
        for path in watched:
            try:
                stat = path.stat()
            except OSError:
                continue
            signature.append([path.relative_to(out).as_posix(), stat.st_size, stat.st_mtime_ns])
    return signature


def last_shape(cache: Cache) -> Shape | None:
    """The shape of the Sites of the last build that published, if the cache knows it."""
    site, whole = cache.shape.get("site"), cache.shape.get("whole")
    return Shape(site, whole) if isinstance(site, str) and isinstance(whole, str) else None
