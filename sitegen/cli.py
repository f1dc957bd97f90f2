"""The command line: build | check | serve | new. A thin face over the pipeline."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import errors
from .config import load_config


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="config.yaml", type=Path, help="path to config.yaml (default: ./config.yaml)")
    parser.add_argument("--content", type=Path, help="content folder (overrides config.yaml)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the MS imaging patient-education site.")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build the site into the output folder (the default)")
    _common(build)
    build.add_argument("--out", type=Path, help="output folder (overrides config.yaml)")
    build.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    build.add_argument("--strict", action="store_true",
                       help="also run every quality check (as `check` does) and fail on any error-level finding (for CI)")
    check = commands.add_parser("check", help="check every article without writing the site")
    _common(check)
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    return parser


def _report(diagnostics, fmt: str = "text") -> None:
    if not diagnostics:
        return
    if fmt == "json":
        print(errors.format_json(diagnostics))
    elif fmt == "github":
        print("\n".join(d.to_github() for d in sorted(diagnostics, key=errors.sort_key)))
    else:
        print(errors.format_text(diagnostics), file=sys.stderr)
        print(file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    config, problems = load_config(args.config, content=args.content, output=getattr(args, "out", None))
    if config is None:
        _report(problems)
        print(f"Stopped: {errors.summary(problems)} in the configuration. Nothing was built.", file=sys.stderr)
        return 1
    from .pipeline import build, check
    if args.command == "check":
        result = check(config)
        _report(result.diagnostics, args.format)
        failed = not result.ok or (args.strict and result.diagnostics)
        print(f"check: {errors.summary(result.diagnostics)}.", file=sys.stderr)
        return 1 if failed else 0
    result = build(config, drafts=args.drafts, write=True, strict=args.strict)
    failed = not result.ok
    _report(result.diagnostics)
    if failed:
        print(f"Build failed: {errors.summary(result.diagnostics)}. "
              f"The previous site in {config.output_dir.name}/ was left as it was.", file=sys.stderr)
        return 1
    print(f"Built {len(result.files)} pages into {config.output_dir} in {result.seconds:.2f} s "
          f"({result.changed} files changed).")
    return 0
