"""The build, stage by stage: content -> Site -> Markdown -> pages -> staged write.

Each stage hands the next an immutable value; problems from every stage are
collected, and nothing is swapped in unless there are no errors.

A `Builder` keeps what survives between builds (the cache): `serve` holds one for
its whole run, a command-line build opens the persistent cache in `.cache/`.
Work is skipped by key, never by guess: an article's Markdown is reused while its
bytes, the Markdown configuration, the glossary and the link targets it resolved
are unchanged; a page is re-rendered only when its key (template digests, config,
the data it shows, its body's digest) changed or its file in the output was touched.
Large batches of articles are shared out to forked worker processes and this one
(parallel.py), each with one warm Markdown instance and one Jinja environment, which
render the article page right after its Markdown and write it into the staging
folder themselves.
"""
from __future__ import annotations

import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .cache import Cache, discard
from .check import run_checks
from .config import Config
from .content import Content, load_content
from .errors import Diagnostic, Severity
from .fingerprint import forget
from .markup import Markup, Renderer
from .parallel import chunked, share_out
from .render import ARTICLE_TEMPLATE, PageJob, digest, make_environment, page_key, plan, render_page, template_digests
from .site import Site, anchor_problems, make_site
from .write import STAMP, InPlace, Staging, discard_spare, output_problems

PARALLEL_MIN = 64  # articles of Markdown to do before worker processes pay for themselves
ARTICLE_ROOT, PAGE_ROOT = "../../", "../"


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    rendered: int = 0        # pages rendered by Jinja this time
    reused: int = 0          # pages taken unchanged from the previous output
    markdown: int = 0        # bodies that went through Markdown this time
    changed: int = 0         # files whose bytes differ from the previous output
    files: dict = field(default_factory=dict)  # path -> bytes, for builds with write=False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


class Builder:
    def __init__(self, config: Config, *, drafts: bool = False, jobs: int | None = None, use_cache: bool = True,
                 short_lived: bool = False, seen_stats: dict | None = None):
        """`short_lived`: the process builds once and exits (the command line), so what it
        loads may be frozen out of the garbage collector's sight (cache.py, `_articles`).
        `seen_stats`: path -> stat signature of the input files, taken just before this
        first build (by the no-op check, fingerprint.py), used instead of stat'ing them again."""
        self.config, self.drafts, self.short_lived = config, drafts, short_lived
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.config_key = digest(__version__, repr(config))
        self.cache = Cache.open(config.cache_dir if use_cache else None, self.config_key, freeze=short_lived)
        from . import reading
        reading.set_cache_folder(self.cache.folder)  # parsed hyphenation patterns are kept there
        self._environment = None  # ((template digests, config key), Jinja environment) of the last build
        self._outputs: set | None = None  # every file of the output after the last in-place build
        self._inodes: dict = {}  # output path -> inode, of the files _valid_outputs found unchanged
        # Stat signatures of the sources (kept in the cache; the preview keeps its own), and the
        # paths the preview's file watcher saw change: unchanged sources are not read again.
        self.stats: dict | None = self.cache.stats if self.cache.folder is not None else None
        self.changed: set = set()
        self._seen_stats = seen_stats

    # -- the stages ---------------------------------------------------------------

    def _assemble(self) -> tuple[Content, Site | None, list[Diagnostic]]:
        content = load_content(self.config, drafts=self.drafts, parsed=self.cache.parsed,
                               stats=self.stats, changed=self.changed, jobs=self.jobs, seen=self._seen_stats,
                               meanwhile=self._head_start)
        self.changed, self._seen_stats = set(), None  # seen before the first build only
        # Always this build's values: they carry the bodies put back into entries loaded
        # from disk (a Source is stored without its body), which the preview reuses unread.
        self.cache.parsed = content.parsed
        problems = list(content.diagnostics)
        if any(d.code == "slug-duplicate" for d in problems):
            return content, None, problems
        site, more = make_site(self.config, content.articles, content.pages, content.glossary,
                               content.all_names - {a.source.name for a in content.articles},
                               related_memo=self.cache.related)
        return content, site, problems + more

    def _head_start(self) -> None:
        """What this process does while worker processes parse the front matter of many
        articles (a cold build), none of which depends on the articles. It was done later,
        with the other cores idle (0.05 s at 2,000 articles):
        - the hyphenation patterns the reading level needs (0.035 s unless the cache
          holds them parsed), which the article workers forked later inherit;
        - the templates' digests (in a cold build, every template is parsed to find what
          it uses) and the compiled article template: this builder's environment, which
          the build takes as it would after a build with the same templates.
        Only a head start: whatever fails here is done again, and reported, by the build."""
        try:
            from . import reading
            reading.prepare()
            templates = template_digests(self.config.templates_dir, self.cache.templates)
            if self._environment is None or self._environment[0] != (templates, self.config_key):
                env = make_environment(self.config)
                env.get_template(ARTICLE_TEMPLATE)
                self._environment = ((templates, self.config_key), env)
        except Exception:  # noqa: BLE001 - see above
            pass

    def _markdown_key(self, site: Site) -> str:
        return digest(__version__, self.config.raw_html, site.glossary)

    def _cached_body(self, site: Site, source, root: str, md_key: str) -> tuple[str, Markup | None]:
        """(body key, cached Markup without HTML, or None when it must be rendered again)."""
        # The key names all a body depends on besides the link targets checked below: two
        # digests of fixed length and the root, joined (digesting them again cost every
        # rebuild 1.5 us an article).
        body_key = f"{source.digest} {md_key} {root}"
        entry = self.cache.bodies.get((source.path, root))
        if entry is None or entry[0] != body_key:
            return body_key, None
        _, dependencies, meta = entry
        # The names were found when the entry was made; only how they resolve now is new.
        targets, unpublished = site.link_targets, site.unpublished
        for name, target, hidden in dependencies:
            if targets.get(name) != target or (name in unpublished) != hidden:
                return body_key, None
        return body_key, meta

    def build(self, *, write: bool = True, strict: bool = False, check: bool = False,
              today: date | None = None, index_search: bool = True, save_cache: bool = True,
              in_place: bool = False) -> BuildResult:
        """Build (and write, unless `write` is false) the site; `check` runs the quality checks
        without rendering pages; `strict` runs them as part of the build. `in_place` (the
        preview) writes changed files into the existing output instead of swapping in a
        complete new tree; it keeps the previous search index."""
        started = time.perf_counter()
        result = BuildResult()
        if write and not check:
            forget(self.config.path)  # the no-op fingerprint holds only after this build succeeds
            result.diagnostics.extend(output_problems(self.config))
        content, site, problems = self._assemble()
        result.diagnostics.extend(problems)
        result.site = site
        if site is None or (not result.ok and not check):
            result.seconds = time.perf_counter() - started
            return result

        md_key = self._markdown_key(site)
        templates = template_digests(self.config.templates_dir, self.cache.templates)
        jobs = plan(site)
        by_article = {job.article: job for job in jobs if job.article}
        # The preview is the only writer of its output between its own builds: it may
        # trust its record of the files instead of checking each one on every save.
        trusted = in_place and self._outputs is not None
        valid_outputs = self._valid_outputs(trusted) if write and not check else {}
        known_keys: dict = {}  # article slug -> (body digest, page key), as _Work.page_keys
        if write and not check and self._unchanged(site, jobs, md_key, templates, valid_outputs, known_keys):
            # Every page and static file in the output is exactly what this build would write:
            # nothing to stage, nothing to swap. Checks and diagnostics still come from the cache.
            bodies = {a.slug: self._cached_body(site, a.source, ARTICLE_ROOT, md_key)[1] for a in site.articles}
            metas = {p.slug: self._cached_body(site, p.source, PAGE_ROOT, md_key)[1] for p in site.pages}
            for markup in [*bodies.values(), *metas.values()]:
                result.diagnostics.extend(markup.diagnostics)
            result.diagnostics.extend(anchor_problems(site, bodies))
            if strict:
                try:
                    result.diagnostics.extend(self._checks(site, bodies, metas, content.static_files, today))
                except SourceChanged as changed:
                    result.diagnostics.append(_source_changed(changed))
            result.reused = len(jobs)
            if save_cache:
                self.save()  # what may have changed is only what the cache knows (a stat signature now settled)
            result.seconds = time.perf_counter() - started
            return result
        staging = None
        if write and not check:
            try:
                in_place = in_place and self.config.output_dir.is_dir() and (self.config.output_dir / STAMP).exists()
                staging = InPlace(self.config.output_dir) if in_place else Staging(self.config.output_dir)
            except OSError as error:
                result.diagnostics.append(_write_failed(self.config, error))
                return result
        elif not check:
            staging = _InMemory()
        work = _Work(site=site, md_key=md_key, templates=templates, config_key=self.config_key, page_keys=known_keys,
                     render_pages=staging is not None, staging=staging, jobs=by_article, keep_prose=check or strict,
                     valid_outputs=valid_outputs, builder=self)
        # Compiled templates are kept while no template changed (serve rebuilds often).
        if self._environment is not None and self._environment[0] == (templates, self.config_key):
            work._env = self._environment[1]
            work._env.globals["config"] = self.config
        try:
            page_bodies = {}
            renderer = None
            for page in site.pages:
                body_key, meta = self._cached_body(site, page.source, PAGE_ROOT, md_key)
                if meta is None:
                    renderer = renderer or Renderer(self.config.raw_html, site.glossary)
                    full = _render_markdown(renderer, site, page.source, PAGE_ROOT)
                    self._remember(site, page.source, PAGE_ROOT, body_key, full)
                    result.markdown += 1
                    meta = full.meta()
                page_bodies[page.slug] = (body_key, meta)
            # The other pages (index, topics, feed...) need no article body: while the worker
            # processes start on the articles, this process renders them (kept only if the
            # build is ok), then takes articles too.
            others: list[BuildResult] = []

            def meanwhile() -> None:
                if staging is not None:
                    others.append(BuildResult())
                    self._other_pages(work, jobs, page_bodies, others[0])

            bodies = self._articles(work, result, meanwhile)
            for markup in [*bodies.values(), *(meta for _, meta in page_bodies.values())]:
                result.diagnostics.extend(markup.diagnostics)
            result.diagnostics.extend(anchor_problems(site, bodies))
            if check or strict:
                metas = {slug: meta for slug, (_, meta) in page_bodies.items()}
                result.diagnostics.extend(self._checks(site, bodies, metas, content.static_files, today))
            if staging is not None and result.ok:
                if others:
                    result.diagnostics.extend(others[0].diagnostics)
                    result.rendered += others[0].rendered
                    result.reused += others[0].reused
                    result.changed += others[0].changed
                else:
                    self._other_pages(work, jobs, page_bodies, result)
            if staging is not None and result.ok:
                result.changed += staging.copy_static(self.config.static_dir)
                if self.config.search and isinstance(staging, InPlace):
                    staging.reuse_tree("pagefind")  # the preview keeps the index it started with
                elif self.config.search and staging.folder is not None:
                    if index_search or not staging.reuse_tree("pagefind"):
                        from .search import index_site
                        staging.prune()  # no page of an older site may reach the index
                        staging.fresh_tree("pagefind")
                        result.diagnostics.extend(index_site(staging.folder))
            result.files = getattr(staging, "files", {})
            if work._env is not None:
                self._environment = ((templates, self.config_key), work._env)
            if staging is not None and not isinstance(staging, _InMemory) and result.ok:
                if isinstance(staging, InPlace):
                    written = staging.commit(previous=self._outputs)
                    self._record_outputs(work, written if self._outputs is not None else None)
                    self._outputs = set(staging.expected)
                else:
                    staging.commit()
                    self._outputs = None
                    # A page taken over is the very file (a hard link): its size and mtime are
                    # the ones recorded, checked by _valid_outputs. Only the others are stat'ed.
                    self._record_outputs(work, kept=work.kept)
                if save_cache:
                    self._save_after_publishing(result)
            elif staging is not None:
                staging.abort()
            elif check and save_cache:
                self.save()
        except OSError as error:
            if staging is not None:
                staging.abort()
            result.diagnostics.append(_write_failed(self.config, error))
        except SourceChanged as changed:
            if staging is not None:
                staging.abort()
            result.diagnostics.append(_source_changed(changed))
        # One problem is reported once, however many pages it broke (a typo in base.html).
        result.diagnostics = list(dict.fromkeys(result.diagnostics))
        result.seconds = time.perf_counter() - started
        return result

    def _articles(self, work: "_Work", result: BuildResult, meanwhile=None) -> dict[str, Markup]:
        """Markdown and article pages for every article, in worker processes when there is much
        to do (then `meanwhile` is called while they work)."""
        site = work.site
        todo, bodies = [], {}
        for article in site.articles:
            body_key, meta = self._cached_body(site, article.source, ARTICLE_ROOT, work.md_key)
            work.known[article.slug] = (body_key, meta)
            if meta is None or (work.render_pages and not work.page_is_current(article.slug, meta)):
                todo.append(article.slug)
            else:
                work.reuse.append(work.jobs[article.slug].path)
                bodies[article.slug] = meta
        fresh_markdown = sum(1 for slug in todo if work.known[slug][1] is None)
        # Pages to render cost less than Markdown to convert, so they count for less.
        if (self.jobs > 1 and fresh_markdown + len(todo) // 4 >= PARALLEL_MIN
                and not isinstance(work.staging, _InMemory)):
            global _WORK
            _WORK = work  # inherited by the forked workers: nothing of the site is pickled
            outcomes = []
            # What the workers inherit (the site, every parsed article) is moved out of the
            # garbage collector's sight first: otherwise each worker's collections walk all of
            # it, and touching it copies the pages it shares with the parent.
            work.warm()  # once here, not once in each worker
            gc.freeze()
            try:
                # This process renders the other pages first, then takes chunks as the workers do.
                for done, stored in share_out(chunked(todo, self.jobs), _work_chunk, self.jobs, first=meanwhile):
                    outcomes.extend(done)
                    self.cache.adopt_stored(stored)  # where a worker put the bodies it stored
            finally:
                _WORK = None
                if not self.short_lived:
                    gc.unfreeze()  # the preview runs for hours: what it drops later must stay collectable
        else:
            outcomes = [work.article(slug) for slug in todo]
        for slug, body_key, meta, fresh, page_state, problems, kept in outcomes:
            bodies[slug] = meta
            if fresh:
                self.cache.bodies[(work.site_article(slug).source.path, ARTICLE_ROOT)] = (
                    body_key, _link_dependencies(site, meta), _lean(meta))
                if kept:  # in-memory cache only: there is no cache folder to keep the body in
                    self.cache.store_body(meta.digest, *kept)
                result.markdown += 1
            if page_state in ("rendered", "changed"):
                result.rendered += 1
                result.changed += page_state == "changed"
            elif page_state == "current" and work.render_pages:
                # Markdown ran again (its cache was invalid) but the page came out the same:
                # the previous file is taken unchanged, like any other current page.
                work.reuse.append(work.jobs[slug].path)
            result.diagnostics.extend(problems)
            work.key_for(slug, meta)
        for path in work.reuse:
            if work.staging is not None:
                work.staging.reuse(path, self._inodes.get(path))
                work.kept.add(path)
            result.reused += 1
        if isinstance(work.staging, (InPlace, Staging)):  # forked workers' notes of what they wrote stay in them
            work.staging.expected.update(job.path for job in work.jobs.values())
        for slug, (body_key, meta) in work.known.items():
            if meta is not None:
                work.key_for(slug, meta)
        # Prune bodies of articles that are gone, so the cache stays the size of the site.
        live = {(a.source.path, ARTICLE_ROOT) for a in site.articles} | {(p.source.path, PAGE_ROOT) for p in site.pages}
        if not live.issuperset(self.cache.bodies):
            self.cache.bodies = {k: v for k, v in self.cache.bodies.items() if k in live}
        return bodies

    def _other_pages(self, work: "_Work", jobs: list[PageJob], page_bodies: dict, result: BuildResult) -> None:
        env = work.env
        for job in jobs:
            if job.article:
                continue
            _, meta = page_bodies.get(job.context["page"].slug, (None, None)) if "page" in job.context else (None, None)
            key = page_key(job, work.templates, work.config_key, meta.digest if meta else "")
            work.keys[job.path] = key
            if work.valid_outputs.get(job.path) == key:
                work.staging.reuse(job.path, self._inodes.get(job.path))
                work.kept.add(job.path)
                result.reused += 1
                continue
            extra = {}
            if meta is not None:
                html, _ = self._stored_body(work.site, job.context["page"].source, PAGE_ROOT, meta)
                extra["body"] = _with_html(meta, html)
            data, problems = render_page(env, job, extra)
            result.diagnostics.extend(problems)
            if data is not None:
                result.changed += work.staging.write(job.path, data)
                result.rendered += 1

    def _save_after_publishing(self, result: BuildResult) -> None:
        """Save the cache once the site is swapped in: a failure now is no failed build."""
        try:
            self.save()
        except OSError as error:
            result.diagnostics.append(Diagnostic(
                str(self.config.cache_dir), None, "cache-not-saved",
                f"The site was built and published, but the build cache could not be saved: "
                f"{error.strerror or error} ({error.filename or self.config.cache_dir}).",
                "The next build will redo the work it could have reused. Free some disk space, "
                "or check the permissions of the cache folder.", Severity.WARNING))

    def save(self) -> None:
        """Write the cache to .cache/ if it changed since the last save (Cache.save compares),
        and the syllable counts if words were counted since (reading.py)."""
        self.cache.save()
        if self.cache.folder is not None:
            from . import reading
            reading.save_syllables()

    def output_signature(self) -> list:
        """[path, size, mtime] of every file in the output, for the no-op fingerprint: the
        pages and static files as recorded after the last build, and the search index."""
        signature = [[path, size, mtime] for path, (_, size, mtime) in sorted(self.cache.pages.items())]
        out = self.config.output_dir
        if self.config.search and (out / "pagefind").is_dir():
            for path in sorted((out / "pagefind").rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    signature.append([path.relative_to(out).as_posix(), stat.st_size, stat.st_mtime_ns])
        return signature

    def _static_keys(self) -> dict[str, str]:
        folder, keys = self.config.static_dir, {}
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    keys["static/" + path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return keys

    def _unchanged(self, site: Site, jobs: list[PageJob], md_key: str, templates: dict, valid_outputs: dict,
                   keys: dict) -> bool:
        """True when the output already holds exactly this build's pages and static files.
        The article pages' keys computed on the way are left in `keys` for the build."""
        expected, complete = {}, True
        for job in jobs:
            source, root = ((job.context["article"].source, ARTICLE_ROOT) if job.article else
                            (job.context["page"].source, PAGE_ROOT) if "page" in job.context else (None, None))
            body = ""
            if source is not None:
                meta = self._cached_body(site, source, root, md_key)[1]
                if meta is None:
                    complete = False
                    continue
                body = meta.digest
            expected[job.path] = page_key(job, templates, self.config_key, body)
            if job.article:
                keys[job.article] = (body, expected[job.path])
        if not complete:
            return False
        expected.update(self._static_keys())
        if self.config.search and not (self.config.output_dir / "pagefind").is_dir():
            return False
        return expected == valid_outputs and set(self.cache.pages) == set(expected)

    def _stored_body(self, site: Site, source, root: str, meta: Markup, renderer: Renderer | None = None) -> tuple[str, tuple]:
        """(html, prose) of a cached body, from its body file; Markdown runs again if that is lost."""
        stored = self.cache.load_body(meta.digest)
        if stored is None:
            full = _render_markdown(renderer or Renderer(self.config.raw_html, site.glossary), site, source, root)
            stored = (full.html, full.prose)
            self.cache.store_body(full.digest, *stored)
        return stored

    def _checks(self, site: Site, bodies: dict, metas: dict, static_files, today) -> list[Diagnostic]:
        """The quality checks, with the prose of cached article bodies loaded from their body
        files first (the readability check reads it; the cache's state does not keep it)."""
        from dataclasses import replace
        sources = {article.slug: article.source for article in site.articles}
        bodies = {slug: meta if meta.prose is not None else
                  replace(meta, prose=self._stored_body(site, sources[slug], ARTICLE_ROOT, meta)[1])
                  for slug, meta in bodies.items()}
        return run_checks(site, bodies, metas, static_files, today)

    def _remember(self, site: Site, source, root: str, body_key: str, full: Markup) -> None:
        meta = full.meta()
        self.cache.bodies[(source.path, root)] = (body_key, _link_dependencies(site, meta), _lean(meta))
        self.cache.store_body(full.digest, full.html, full.prose)

    def _valid_outputs(self, trusted: bool = False) -> dict[str, str]:
        """Output path -> page key, for files still exactly as the last build wrote them."""
        if trusted:
            return {path: key for path, (key, _, _) in self.cache.pages.items()}
        out, valid = str(self.config.output_dir) + os.sep, {}
        self._inodes = {}
        for path, (key, size, mtime) in self.cache.pages.items():
            try:
                stat = os.stat(out + path)
            except OSError:
                continue
            if stat.st_size == size and stat.st_mtime_ns == mtime:
                valid[path] = key
                self._inodes[path] = stat.st_ino
        return valid

    def _record_outputs(self, work: "_Work", written: set | None = None, kept: set = frozenset()) -> None:
        """Remember each output file's key, size and mtime. `written` (in-place builds): only
        these files changed on disk; `kept` (staged builds): these are the very files of the
        last build (hard links, checked by _valid_outputs). Those not stat'ed again keep the
        size and mtime already recorded."""
        out, pages = self.config.output_dir, {}
        keys = dict(work.keys)
        for slug, (_, key) in work.page_keys.items():
            keys[work.jobs[slug].path] = key
        keys.update(self._static_keys())
        for path, key in keys.items():
            known = self.cache.pages.get(path)
            if known is not None and (path in kept or written is not None and path not in written):
                pages[path] = (key, known[1], known[2])
                continue
            try:
                stat = os.stat(out / path)
            except OSError:
                continue
            pages[path] = (key, stat.st_size, stat.st_mtime_ns)
        self.cache.pages = pages


@dataclass
class _Work:
    """What the article workers need: set up in the parent, inherited by forked workers."""

    site: Site
    md_key: str
    templates: dict
    config_key: str
    render_pages: bool
    staging: Staging | None
    jobs: dict            # article slug -> its PageJob
    valid_outputs: dict   # output path -> key of the unchanged file there
    builder: Builder
    keep_prose: bool = True  # the checks read each body's prose (else it is loaded from its record if needed)
    known: dict = field(default_factory=dict)      # slug -> (body key, cached meta or None)
    reuse: list = field(default_factory=list)      # article page paths to take unchanged
    keys: dict = field(default_factory=dict)       # output path -> key (non-article pages)
    page_keys: dict = field(default_factory=dict)  # article slug -> (body digest, page key)
    kept: set = field(default_factory=set)         # output paths taken over unchanged (hard links)
    _renderer: Renderer | None = None
    _env: object = None
    _articles: dict | None = None

    @property
    def env(self):
        if self._env is None:
            self._env = make_environment(self.site.config)
        return self._env

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(self.site.config.raw_html, self.site.glossary)
        return self._renderer

    def warm(self) -> None:
        """Set up what rendering an article needs (Markdown, the compiled article template,
        the syllable counts of the reading level), so that forked workers inherit it."""
        self.renderer
        if self.render_pages:
            try:
                self.env.get_template(ARTICLE_TEMPLATE)
            except Exception:
                pass  # reported, with where, when the page is rendered
            from . import reading
            reading.prepare()

    def site_article(self, slug: str):
        if self._articles is None:
            self._articles = {article.slug: article for article in self.site.articles}
        return self._articles[slug]

    def key_for(self, slug: str, meta: Markup) -> str:
        key = self.page_keys.get(slug)
        if key is None or key[0] != meta.digest:
            key = self.page_keys[slug] = (meta.digest, page_key(self.jobs[slug], self.templates, self.config_key, meta.digest))
        return key[1]

    def page_is_current(self, slug: str, meta: Markup) -> bool:
        return self.valid_outputs.get(self.jobs[slug].path) == self.key_for(slug, meta)

    def article(self, slug: str):
        """Markdown (unless cached) and the article page (unless current) for one article."""
        article = self.site_article(slug)
        body_key, meta = self.known[slug]
        html = prose = None
        fresh = meta is None
        cache = self.builder.cache
        if fresh:
            full = _render_markdown(self.renderer, self.site, article.source, ARTICLE_ROOT)
            html, prose, meta = full.html, full.prose, full.meta()
            if cache.folder is not None:
                cache.store_body(meta.digest, html, prose)
        problems, state = [], "current"
        if self.render_pages and not self.page_is_current(slug, meta):
            if html is None:
                html, prose = self.builder._stored_body(self.site, article.source, ARTICLE_ROOT, meta, self.renderer)
            from .reading import reading_aids
            data, problems = render_page(self.env, self.jobs[slug], {"body": _with_html(meta, html),
                                                                      "reading": reading_aids(prose)})
            if data is not None:
                state = "changed" if self.staging.write(self.jobs[slug].path, data) else "rendered"
            else:
                state = "failed"  # reported in `problems`; the build will not be swapped in
        kept = (html, prose) if fresh and cache.folder is None else None
        if not self.keep_prose and kept is None:
            meta = _lean(meta)  # what the cache keeps; less to send back from a worker
        return slug, body_key, meta, fresh, state, problems, kept


class _InMemory:
    """Stands in for Staging when nothing is to be written (`build(write=False)`)."""

    folder = None

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def write(self, relative: str, data: bytes) -> int:
        self.files[relative] = data
        return 1

    def reuse(self, relative: str, inode: int | None = None) -> None:
        raise AssertionError("nothing is reused when nothing was written before")

    def copy_static(self, static_dir: Path) -> int:
        return 0

    def abort(self) -> None:
        pass


_WORK: _Work | None = None


def _work_chunk(slugs: list[str]) -> tuple[list, dict]:
    return [_WORK.article(slug) for slug in slugs], _WORK.builder.cache.take_stored()


class SourceChanged(Exception):
    """A source whose body was not read (its stat was unchanged) no longer holds the bytes
    it was parsed from when Markdown needed it: it changed during the build. With a second
    argument: it could not be read (the reason)."""


def _render_markdown(renderer: Renderer, site: Site, source, root: str) -> Markup:
    try:
        restored = source.restore()
    except OSError as error:
        raise SourceChanged(source.path, error.strerror or str(error)) from None
    if not restored:
        raise SourceChanged(source.path)
    return renderer.render(source.body, file=source.path, body_line=source.body_line,
                           targets=site.link_targets, root=root, drafts=site.unpublished)


def _lean(meta: Markup) -> Markup:
    """What the cache's state keeps of a body: no HTML, no prose (both are in its body file,
    read when a page is rendered or the readability check runs). A prose of None means
    "not loaded", as opposed to a body that has no prose."""
    if meta.prose is None:
        return meta
    from dataclasses import replace
    return replace(meta, prose=None)


def _with_html(meta: Markup, html: str) -> Markup:
    from dataclasses import replace
    return replace(meta, html=html)


def _link_dependencies(site: Site, meta: Markup) -> tuple:
    """How each article link in a body resolves now: a cached body is valid while this is unchanged."""
    targets = site.link_targets
    # The article name exactly as markup/links.py finds it (a query or fragment is not part of it).
    names = sorted({name for written, _ in meta.links
                    if (name := urlsplit(written.strip()).path.rsplit("/", 1)[-1]).endswith(".md")})
    return tuple((name, targets.get(name), name in site.unpublished) for name in names)


def _source_changed(changed: SourceChanged) -> Diagnostic:
    path, *reason = changed.args
    if reason:
        return Diagnostic(path, None, "file-unreadable", f"Cannot read the file: {reason[0]}.",
                          "Check that the file exists and is readable; nothing was published from this build.")
    return Diagnostic(path, None, "source-changed", "The file changed while the site was being built.",
                      "Build again (nothing was published from this build).")


def _write_failed(config: Config, error: OSError) -> Diagnostic:
    return Diagnostic(str(config.output_dir), None, "write-failed",
                      f"Could not write the site: {error.strerror or error} ({error.filename or config.output_dir}). "
                      "The previous site is unchanged.",
                      "Free some disk space or fix the folder's permissions, then build again.")


# -- the entry points used by the command line and the tests ------------------------

def build(config: Config, *, drafts: bool = False, write: bool = True, strict: bool = False,
          today: date | None = None, jobs: int | None = None, use_cache: bool = True) -> BuildResult:
    """Build the site; with `strict`, the quality checks run too and their errors stop the build."""
    return Builder(config, drafts=drafts, jobs=jobs, use_cache=use_cache).build(write=write, strict=strict, today=today)


def check(config: Config, *, today: date | None = None, jobs: int | None = None, use_cache: bool = True) -> BuildResult:
    """Everything `build --strict` checks, without rendering or writing anything."""
    return Builder(config, jobs=jobs, use_cache=use_cache).build(write=False, check=True, today=today)


def clean(config: Config) -> None:
    """`build --clean`: forget the cache and the spare output tree (the output itself is
    replaced by the next build anyway, and stays in place if that build fails)."""
    discard(config.cache_dir)
    discard_spare(config.output_dir)
