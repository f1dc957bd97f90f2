"""What one build is asked to do (`BuildMode`) and what it did (`BuildResult`), with the
problems of the build as a whole: a source that changed or could not be read while the site
was built, an output that could not be written, a cache that could not be saved.
`pipeline.Builder.build` takes the one and returns the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sitegen.build.execute import PageOutcome, PageState, SourceChanged
from sitegen.core.errors import Diagnostic, Severity

if TYPE_CHECKING:
    from sitegen.build.search import SearchStats
    from sitegen.content.site import Site
    from sitegen.core.config import Config


@dataclass(frozen=True)
class BuildMode:
    """How one build runs: one value, handed down whole, instead of eight flags."""

    write: bool = True  # write the site (False: its files are kept in BuildResult.files)
    strict: bool = False  # the quality checks run, and their findings stop the build
    check: bool = False  # the quality checks only: nothing is written
    lenient: bool = False  # the preview: the checks run on what changed, and a page's own
    # problems do not stop it from being written (BuildResult.publishable)
    in_place: bool = False  # the preview: changed files into its existing folder
    index_search: bool = True  # False: the output keeps its search index as it is
    save_cache: bool = True
    today: date | None = None  # the date reviews are due against (None: today)

    @property
    def checks(self) -> bool:
        """Whether the quality checks run."""
        return self.strict or self.check or self.lenient


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None  # the default language's
    sites: tuple[Site, ...] = ()  # every language's, the default first
    rendered: int = 0  # pages rendered by Jinja this time
    reused: int = 0  # pages taken unchanged from the previous output
    markdown: int = 0  # bodies that went through Markdown this time
    images_encoded: int = 0  # images encoded this time (the others' files were kept)
    changed: int = 0  # files whose bytes differ from the previous output
    files: dict[str, bytes] = field(default_factory=dict)  # path -> bytes, for builds with write=False
    seconds: float = 0.0
    # Problems of one page that leave it readable (the Markdown pass's, the quality
    # checks'): also in `diagnostics`. The preview writes a page despite them.
    findings: list[Diagnostic] = field(default_factory=list)
    check_findings: list[Diagnostic] = field(default_factory=list)  # the quality checks' part of `findings`
    checked: frozenset[str] = frozenset()  # the source files the quality checks ran on
    lenient: bool = False  # the preview's build: only problems outside `findings` stop it
    search: SearchStats | None = None  # what the search index step did, when it ran
    timings: list[tuple[str, float]] = field(default_factory=list)  # each step's name and seconds

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    @property
    def publishable(self) -> bool:
        """Whether the output may be committed: no error at all, or (lenient) none that
        leaves the site incomplete (an article that could not be read, a template error)."""
        if not self.lenient:
            return self.ok
        findings = set(self.findings)
        return not any(d.is_error and d not in findings for d in self.diagnostics)

    def add_findings(self, found: list[Diagnostic]) -> None:
        self.findings.extend(found)
        self.diagnostics.extend(found)

    def add_check_findings(self, found: list[Diagnostic], checked: frozenset[str]) -> None:
        """The quality checks' findings, of the source files `checked`."""
        self.check_findings += found
        self.add_findings(found)
        self.checked |= checked

    def count(self, outcomes: list[PageOutcome]) -> None:
        for outcome in outcomes:
            self.diagnostics.extend(outcome.problems)
            self.rendered += outcome.state in (PageState.RENDERED, PageState.CHANGED)
            self.changed += outcome.state is PageState.CHANGED
            self.reused += outcome.state is PageState.CURRENT


def source_changed(changed: SourceChanged) -> Diagnostic:
    path, *reason = changed.args
    if reason:
        return Diagnostic(
            path,
            None,
            "file-unreadable",
            f"Cannot read the file: {reason[0]}.",
            "Check that the file exists and is readable; nothing was published from this build.",
        )
    return Diagnostic(
        path,
        None,
        "source-changed",
        "The file changed while the site was being built.",
        "Build again (nothing was published from this build).",
    )


def write_failed(config: Config, error: OSError) -> Diagnostic:
    return Diagnostic(
        str(config.output_dir),
        None,
        "write-failed",
        f"Could not write the site: {error.strerror or error} ({error.filename or config.output_dir}). "
        "The previous site is unchanged.",
        "Free some disk space or fix the folder's permissions, then build again.",
    )


def cache_not_saved(config: Config, error: OSError) -> Diagnostic:
    return Diagnostic(
        str(config.cache_dir),
        None,
        "cache-not-saved",
        f"The site was built and published, but the build cache could not be saved: "
        f"{error.strerror or error} ({error.filename or config.cache_dir}).",
        "The next build will redo the work it could have reused. Free some disk space, "
        "or check the permissions of the cache folder.",
        Severity.WARNING,
    )
