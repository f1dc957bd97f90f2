"""The command line's `build` and `check`: one build of a project at a time, and what it
says of the result. Imported only once a build runs (cli.py answers a rebuild where
nothing changed without it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from sitegen.core import errors
from sitegen.core.sources import display_path

if TYPE_CHECKING:
    from sitegen.core.config import Config
    from sitegen.core.errors import Diagnostic
    from sitegen.pipeline import BuildResult
    from sitegen.system.fingerprint import Look


def print_findings(diagnostics: Sequence[Diagnostic], fmt: str = "text", stream: TextIO | None = None) -> None:
    if not diagnostics:
        return
    if fmt == "json":
        print(errors.format_json(diagnostics))
    elif fmt == "github":
        print("\n".join(d.to_github() for d in sorted(diagnostics, key=errors.sort_key)))
    else:
        print(errors.format_text(diagnostics), file=stream or sys.stderr)
        print(file=stream or sys.stderr)


def build_or_check(
    args: argparse.Namespace, config: Config, options: dict[str, object], looked: Look | None, quick: bool
) -> int:
    """`build` or `check`, under the project's build lock (a build refused for its output
    folder is refused before it takes the lock: nothing is written)."""
    from sitegen.system.lock import BuildLock, Busy
    from sitegen.system.write import output_problems

    if args.command == "build" and output_problems(config):
        return _build_or_check(args, config, options, looked, quick)  # refused before anything is written
    try:
        # One build (or check) of a project at a time, from reading its cache to saving it.
        with BuildLock(config.cache_dir, display_path(config.cache_dir, config.root)):
            return _build_or_check(args, config, options, looked, quick)
    except Busy as busy:
        print_findings([busy.finding])
        print("Stopped: another build of this project is running. Nothing was built.", file=sys.stderr)
        return 1


def _build_or_check(
    args: argparse.Namespace, config: Config, options: dict[str, object], looked: Look | None, quick: bool
) -> int:
    if args.command == "check":
        return _check(args, config)
    return _build(args, config, options, looked, quick)


def _check(args: argparse.Namespace, config: Config) -> int:
    from sitegen.pipeline import Builder

    result = Builder(config, drafts=args.drafts, jobs=args.jobs, use_cache=not args.no_cache, short_lived=True).build(
        write=False, check=True
    )
    print_findings(result.diagnostics, args.format)
    failed = not result.ok or (args.strict and result.diagnostics)
    print(f"check: {outcome(result, args.drafts)}.", file=sys.stderr)
    return 1 if failed else 0


def _build(
    args: argparse.Namespace, config: Config, options: dict[str, object], looked: Look | None, quick: bool
) -> int:
    from sitegen.pipeline import Builder, clean
    from sitegen.system import fingerprint
    from sitegen.system.steps import TerminalProgress, timings_table

    if args.clean:
        clean(config)
    before = fingerprint.before_build(config, options, looked) if quick else None
    # short_lived: this process builds once and exits (tuning.py).
    builder = Builder(
        config,
        drafts=args.drafts,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        short_lived=True,
        seen_stats=before[3] if before else None,
    )
    if TerminalProgress.wanted(sys.stderr, args.quiet):
        builder.progress = TerminalProgress(sys.stderr)
    result = builder.build(write=True, strict=args.strict)
    print_findings(result.diagnostics)
    if not result.ok:
        print(
            f"Build failed: {errors.summary(result.diagnostics)}. "
            f"The previous site in {display_path(config.output_dir, config.root)}/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    _say_built(config, result)
    if args.timings:
        print(timings_table(result.timings, result.seconds))
    if before is not None:  # taken exactly when `quick`
        fingerprint.record(
            config,
            before,
            builder.output_signature(),
            errors.format_text(result.diagnostics) + "\n\n" if result.diagnostics else "",
            f"Built {config.output_dir} in {fingerprint.SECONDS} s: nothing changed since the last build "
            f"({result.rendered + result.reused} pages unchanged).",
        )
    return 0


def _say_built(config: Config, result: BuildResult) -> None:
    """A successful build's summary: pages, bodies, files, and the search index."""
    print(
        f"Built {config.output_dir} in {result.seconds:.2f} s: {result.rendered} pages rendered, "
        f"{result.reused} unchanged, {result.markdown} Markdown bodies converted, {result.changed} {'file' if result.changed == 1 else 'files'} changed."
    )
    if result.search is not None:
        made = result.search
        print(
            f"Search index: {made.made} of {made.indexes} {'language' if made.indexes == 1 else 'languages'} "
            f"indexed again "
            f"({made.pages} {'page' if made.pages == 1 else 'pages'}) in "
            f"{made.seconds:.2f} s, pagefind's peak memory {made.peak_mb:.0f} MB."
            if made.made
            else f"Search index: unchanged ({made.indexes} {'language' if made.indexes == 1 else 'languages'} kept)."
        )


def outcome(result: BuildResult, drafts: bool) -> str:
    """`check`'s last line: what it found and what it looked at. "0 errors in 0 files" read as
    if nothing had been checked, and said nothing of the drafts it had left out."""
    from pathlib import PurePath

    found = errors.summary(result.diagnostics)
    if not result.diagnostics:
        found = found.rsplit(" in ", 1)[0]
    site = result.site
    if site is None:
        return found

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    sites = result.sites or (site,)
    articles, pages = sum(len(s.articles) for s in sites), sum(len(s.pages) for s in sites)
    checked = f"{plural(articles, 'article')} and {plural(pages, 'page')} checked"
    if len(sites) > 1:
        checked += f" in {len(sites)} languages ({', '.join(s.language for s in sites)})"
    if drafts:
        return f"{found}; {checked}, drafts included"
    # Files not built are drafts, or files whose errors are listed above.
    failed = {PurePath(d.file).name for d in result.diagnostics if d.is_error}
    skipped = sum(len(s.unpublished - failed) for s in sites)
    if skipped:
        checked += (
            f"; {plural(skipped, 'draft')} not checked (add --drafts to check {'it' if skipped == 1 else 'them'})"
        )
    return f"{found}; {checked}"
