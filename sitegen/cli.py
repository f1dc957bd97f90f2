"""The command line: build | check | serve | new | translations. A thin face over the pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# typing.TYPE_CHECKING without importing typing (3 ms of the no-op rebuild: fingerprint.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from sitegen.core.config import Config
    from sitegen.system.fingerprint import Look

# Only the standard library at import time: a rebuild where nothing changed answers from
# the fingerprint (fingerprint.py) before Jinja, Markdown or YAML are imported.


def _common(parser: argparse.ArgumentParser, *, jobs: bool = True, cache: bool = True) -> None:
    parser.add_argument(
        "--config",
        default="config.yaml",
        type=Path,
        metavar="FILE",
        help="the site's settings file (default: config.yaml in this folder)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        metavar="FOLDER",
        help="the folder of articles and pages (default: paths.content in config.yaml, content/)",
    )
    # Only the options a command uses are listed; the others keep their defaults for _run.
    if jobs:
        parser.add_argument(
            "--jobs",
            type=int,
            metavar="N",
            help="worker processes (default: one per core; 1 = all in this process, for debugging)",
        )
    else:
        parser.set_defaults(jobs=None)
    if cache:
        parser.add_argument(
            "--no-cache",
            action="store_true",
            help="neither read nor write the build cache in .cache/ (default: use it)",
        )
    else:
        parser.set_defaults(no_cache=False)


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, examples: str
) -> argparse.ArgumentParser:
    """A subcommand with a one-line description and examples (shown by `build.py NAME --help`)."""
    return commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the MS imaging patient-education site.",
        epilog="Run `.venv/bin/python build.py COMMAND --help` for a command's options (after `make build`).\n"
        "examples:\n"
        "  .venv/bin/python build.py                        build the site into public/\n"
        '  .venv/bin/python build.py new "What MRI shows"   start an article\n'
        "  .venv/bin/python build.py serve                  preview while you write\n"
        "  .venv/bin/python build.py check --drafts         check every article, drafts too",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = _command(
        commands,
        "build",
        "build the site into the output folder (the default command)",
        "  .venv/bin/python build.py build\n"
        "  .venv/bin/python build.py build --strict      as CI does: fail on any error-level finding\n"
        "  .venv/bin/python build.py build --drafts --out /tmp/site",
    )
    _common(build)
    build.add_argument(
        "--out",
        type=Path,
        metavar="FOLDER",
        help="the folder the site is written to (default: paths.output in config.yaml, public/)",
    )
    build.add_argument(
        "--drafts", action="store_true", help="include articles marked draft: true (default: leave them out)"
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="also run every quality check (as `check` does) and fail on any error-level finding "
        "(for CI; default: off)",
    )
    build.add_argument(
        "--clean", action="store_true", help="discard the build cache first, for a build from scratch (default: off)"
    )
    build.add_argument(
        "--timings", action="store_true", help="print how long each step of the build took (default: off)"
    )
    build.add_argument(
        "--quiet",
        action="store_true",
        help="no progress line while a long build runs (default: shown on a terminal, never in CI)",
    )
    check = _command(
        commands,
        "check",
        "check every article without writing the site",
        "  .venv/bin/python build.py check\n"
        "  .venv/bin/python build.py check --drafts      the articles still marked draft: true too\n"
        "  .venv/bin/python build.py check --format github",
    )
    _common(check)
    check.add_argument(
        "--drafts", action="store_true", help="check articles marked draft: true too (default: only published ones)"
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text: for people, grouped by file; json: one finding per line; github: annotations "
        "on a pull request (default: text)",
    )
    check.add_argument(
        "--strict", action="store_true", help="exit with an error on warnings too (default: errors only)"
    )
    serve = _command(
        commands,
        "serve",
        "preview the site; rebuild and reload the browser on every save",
        "  .venv/bin/python build.py serve               then open http://127.0.0.1:8000/\n"
        "  .venv/bin/python build.py serve --port 8001   when port 8000 is taken",
    )
    _common(serve, cache=False)  # serve() always uses the cache: --no-cache did nothing there
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the port of the preview's address http://127.0.0.1:PORT/ (default: 8000)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on; 0.0.0.0 lets other computers in (default: 127.0.0.1, this computer only)",
    )
    serve.add_argument(
        "--drafts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show articles marked draft: true (default: shown; --no-drafts hides them)",
    )
    serve.add_argument(
        "--out",
        type=Path,
        metavar="FOLDER",
        help="the folder the preview builds into (default: .preview/site/ beside config.yaml, never public/)",
    )
    serve.add_argument(
        "--editor",
        action="store_true",
        help="also run the browser editor at /admin/, which saves into content/ (needs `make edit`'s "
        "set-up; default: off)",
    )
    new = _command(
        commands,
        "new",
        "start a new article (a draft) with complete front matter to fill in",
        '  .venv/bin/python build.py new "What an MRI scan shows"\n'
        '  .venv/bin/python build.py new "Spinal cord MRI" --tags "MRI basics, Lesions"\n'
        '  .venv/bin/python build.py new --translate content/articles/lesions.md "Qué es una lesión" --language es',
    )
    _common(new, jobs=False, cache=False)
    new.add_argument("title", help='the article\'s title, in quotes: "What MRI shows"; it also gives the file name')
    new.add_argument(
        "--translate",
        metavar="FILE",
        help="start a translation of this article or page (content/articles/x.md); TITLE is the title "
        "in the new language (default: a new article)",
    )
    new.add_argument(
        "--language",
        metavar="CODE",
        help="the language to translate into, e.g. es (default: the site's one other language)",
    )
    new.add_argument(
        "--tags",
        default="",
        metavar="TOPICS",
        help='topics, separated by commas: "MRI basics, Lesions" (default: none)',
    )
    translations = _command(
        commands,
        "translations",
        "list every translation as current, stale or missing, with what changed in a stale one's original",
        "  .venv/bin/python build.py translations\n"
        "  .venv/bin/python build.py translations content/es/articles/lesiones.md    its changes only\n"
        "  .venv/bin/python build.py translations --done content/es/articles/lesiones.md",
    )
    _common(translations, jobs=False, cache=False)
    translations.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="translations (or originals) to show the changes of (default: every stale translation's)",
    )
    translations.add_argument(
        "--done",
        action="store_true",
        help="record that each FILE (a translation) now matches its original's text, so later changes "
        "to the original are noticed (default: only list)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if args.command not in ("build", "check"):
        return _run(args)
    from sitegen.system.tuning import fewer_collections

    with fewer_collections():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    # The no-op fingerprint is recorded after every build that may use the cache (also
    # --clean), and consulted by the next one unless it is --clean.
    quick = args.command == "build" and not args.no_cache
    looked = None
    options: dict[str, object] = {}
    if quick:
        options, looked = _look(args)
        if looked is not None and looked.match is not None:
            return 0  # nothing changed since the last build, which _look said
    from sitegen.core.files import forget_real_roots  # not before: the no-op answer imports little

    forget_real_roots()  # main() may run again in one process (the tests): folders as they are now
    config = _config(args)
    if config is None:
        return 1
    if args.command == "new":
        return _new(args, config)
    if args.command == "translations":
        return _translations(args, config)
    if args.command == "serve":
        from sitegen.serve import serve

        return serve(
            config, host=args.host, port=args.port, drafts=args.drafts, jobs=args.jobs, out=args.out, editor=args.editor
        )
    from sitegen.cli_build import build_or_check

    return build_or_check(args, config, options, looked, quick)


def _look(args: argparse.Namespace) -> tuple[dict[str, object], Look | None]:
    """(the build's options, the fingerprint's look at its inputs); when nothing changed
    since the last build, that build's report is printed again (fingerprint.py)."""
    import time

    from sitegen.system import fingerprint

    started = time.perf_counter()
    options = _build_options(args)
    looked = None if args.clean else fingerprint.unchanged(args.config, options)
    if looked is not None and looked.match is not None:
        sys.stderr.write(looked.match["report"])
        print(looked.match["summary"].replace(fingerprint.SECONDS, f"{time.perf_counter() - started:.2f}"))
    return options, looked


def _config(args: argparse.Namespace) -> Config | None:
    """config.yaml with the command's options, or None once its problems are reported."""
    from sitegen.cli_build import print_findings
    from sitegen.core import errors
    from sitegen.core.config import load_config

    config, problems = load_config(args.config, content=args.content, output=getattr(args, "out", None))
    if config is None:
        print_findings(problems)
        print(f"Stopped: {errors.summary(problems)} in the configuration. Nothing was built.", file=sys.stderr)
    return config


def _new(args: argparse.Namespace, config: Config) -> int:
    from sitegen.content.scaffold import new_article, new_translation

    if args.translate:
        return new_translation(config, args.translate, args.title, args.language)
    return new_article(config, args.title, args.tags)


def _translations(args: argparse.Namespace, config: Config) -> int:
    from sitegen.content import translation_status as translations

    if args.done:
        if not args.files:
            print("--done needs the translation's file: build.py translations --done content/es/articles/x.md")
            return 1
        outcomes = [translations.mark_done(config, file) for file in args.files]
        for _, said in outcomes:
            print(said)
        return 0 if all(done for done, _ in outcomes) else 1
    print(translations.report(translations.survey(config), [file.removeprefix("./") for file in args.files]))
    return 0


def _build_options(args: argparse.Namespace) -> dict[str, object]:
    """What a build's output depends on besides the files it reads (fingerprint.py)."""

    def resolved(path: Path | None) -> str | None:
        return str(path.resolve()) if path is not None else None

    return {
        "command": "build",
        "config": resolved(args.config),
        "content": resolved(args.content),
        "out": resolved(args.out),
        "drafts": args.drafts,
        "strict": args.strict,
    }
