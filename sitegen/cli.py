"""The command line: build | check | serve | new. A thin face over the pipeline."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Only the standard library at import time: a rebuild where nothing changed answers from
# the fingerprint (fingerprint.py) before Jinja, Markdown or YAML are imported.


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="config.yaml", type=Path, help="path to config.yaml (default: ./config.yaml)")
    parser.add_argument("--content", type=Path, help="content folder (overrides config.yaml)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: all cores; 1 = in this process)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache in .cache/")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the MS imaging patient-education site.")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build the site into the output folder (the default)")
    _common(build)
    build.add_argument("--out", type=Path, help="output folder (overrides config.yaml)")
    build.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    build.add_argument("--strict", action="store_true",
                       help="also run every quality check (as `check` does) and fail on any error-level finding (for CI)")
    build.add_argument("--clean", action="store_true", help="discard the build cache first (a cold build)")
    check = commands.add_parser("check", help="check every article without writing the site")
    _common(check)
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    serve = commands.add_parser("serve", help="preview the site; rebuild and reload the browser on every save")
    _common(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this computer only)")
    serve.add_argument("--drafts", action=argparse.BooleanOptionalAction, default=True,
                       help="show articles marked draft: true (default: yes)")
    serve.add_argument("--out", type=Path, help="output folder (overrides config.yaml)")
    new = commands.add_parser("new", help="start a new article from a complete template")
    _common(new)
    new.add_argument("title", help='the article\'s title, in quotes: "What MRI shows"')
    new.add_argument("--tags", default="", help="topics, separated by commas")
    return parser


def report(diagnostics, fmt: str = "text", stream=None) -> None:
    from . import errors
    if not diagnostics:
        return
    if fmt == "json":
        print(errors.format_json(diagnostics))
    elif fmt == "github":
        print("\n".join(d.to_github() for d in sorted(diagnostics, key=errors.sort_key)))
    else:
        print(errors.format_text(diagnostics), file=stream or sys.stderr)
        print(file=stream or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if args.command not in ("build", "check"):
        return _run(args)
    from .tuning import command

    with command():
        return _run(args)


def _run(args) -> int:
    # The no-op fingerprint is recorded after every build that may use the cache (also
    # --clean), and consulted by the next one unless it is --clean.
    quick = args.command == "build" and not args.no_cache
    looked = None
    if quick:
        import time
        from . import fingerprint
        started = time.perf_counter()
        options = _build_options(args)
        looked = None if args.clean else fingerprint.unchanged(args.config, options)
        if looked is not None and looked.match is not None:
            sys.stderr.write(looked.match["report"])
            print(looked.match["summary"].replace(fingerprint.SECONDS, f"{time.perf_counter() - started:.2f}"))
            return 0
    from . import errors
    from .config import load_config
    config, problems = load_config(args.config, content=args.content, output=getattr(args, "out", None))
    if config is None:
        report(problems)
        print(f"Stopped: {errors.summary(problems)} in the configuration. Nothing was built.", file=sys.stderr)
        return 1
    if args.command == "new":
        from .scaffold import new_article
        return new_article(config, args.title, args.tags)
    if args.command == "serve":
        from .serve import serve
        return serve(config, host=args.host, port=args.port, drafts=args.drafts, jobs=args.jobs)
    from .pipeline import Builder, clean
    if args.command == "check":
        result = Builder(config, jobs=args.jobs, use_cache=not args.no_cache, short_lived=True).build(write=False, check=True)
        report(result.diagnostics, args.format)
        failed = not result.ok or (args.strict and result.diagnostics)
        print(f"check: {errors.summary(result.diagnostics)}.", file=sys.stderr)
        return 1 if failed else 0
    if args.clean:
        clean(config)
    before = fingerprint.before_build(config, options, looked) if quick else None
    # short_lived: this process builds once and exits (tuning.py).
    builder = Builder(config, drafts=args.drafts, jobs=args.jobs, use_cache=not args.no_cache, short_lived=True,
                      seen_stats=before[3] if before else None)
    result = builder.build(write=True, strict=args.strict)
    report(result.diagnostics)
    if not result.ok:
        print(f"Build failed: {errors.summary(result.diagnostics)}. "
              f"The previous site in {config.output_dir.name}/ was left as it was.", file=sys.stderr)
        return 1
    print(f"Built {config.output_dir} in {result.seconds:.2f} s: {result.rendered} pages rendered, "
          f"{result.reused} unchanged, {result.markdown} Markdown bodies converted, {result.changed} files changed.")
    if quick:
        fingerprint.record(config, before, builder.output_signature(),
                           errors.format_text(result.diagnostics) + "\n\n" if result.diagnostics else "",
                           f"Built {config.output_dir} in {fingerprint.SECONDS} s: nothing changed since the last build "
                           f"({result.rendered + result.reused} pages unchanged).")
    return 0


def _build_options(args) -> dict:
    """What a build's output depends on besides the files it reads (fingerprint.py)."""
    resolved = lambda path: str(path.resolve()) if path is not None else None  # noqa: E731
    return {"command": "build", "config": resolved(args.config), "content": resolved(args.content),
            "out": resolved(args.out), "drafts": args.drafts, "strict": args.strict}
