"""Step "read and validate" of a build: every language's sources read and validated
(content/read.py), the images' records (images/assets.py), each language's Site
(content/site.py), the Sites paired with each other, and the articles past their review
date marked. Above the checks layer: whether an overdue review only warns is a check's
setting (checks/quality.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from sitegen.build.interface import catalogue_problems
from sitegen.checks.policy import settings
from sitegen.content.read import Content, ParsedKey, load_content
from sitegen.content.site import Site, make_site, pair_sites
from sitegen.core.config import language_config
from sitegen.images.assets import load_assets

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.build.cache import Cache
    from sitegen.build.result import BuildResult
    from sitegen.core.config import Config
    from sitegen.system.fingerprint import Signature
    from sitegen.system.tuning import Policy


def read_languages(
    config: Config,
    cache: Cache,
    result: BuildResult,
    *,
    drafts: bool,
    stats: dict[str, tuple[Signature, ParsedKey]] | None,
    changed: set[Path],
    seen: dict[str, Signature] | None,
    jobs: int,
    policy: Policy,
) -> dict[str, Content]:
    """Read and validate every source of every language (one with no folder yet is not
    built). `stats`, `changed` and `seen` say which sources need no reading again
    (content/read.py `StatMemo`)."""
    contents: dict[str, Content] = {}
    parsed: dict[ParsedKey, object] = {}
    for language in config.languages:
        if language != config.language and not (config.content_dir / language).is_dir():
            continue  # a language listed before its first translation: nothing to publish yet
        content = load_content(
            config,
            drafts=drafts,
            parsed=cache.parsed,
            stats=stats,
            changed=changed,
            jobs=jobs,
            seen=seen,
            policy=policy,
            language="" if language == config.language else language,
        )
        contents[language] = content
        parsed.update(content.parsed)
        result.diagnostics.extend(content.diagnostics)
        result.diagnostics.extend(catalogue_problems(config, language))
    # Always this build's values: they carry the bodies loaded for entries read from disk.
    cache.parsed = parsed  # type: ignore[assignment]
    return contents


def gather_sites(
    config: Config, cache: Cache, contents: dict[str, Content], result: BuildResult, today: date | None
) -> tuple[Site, ...]:
    """Each language's Site, paired with the others and knowing its overdue articles (none
    when two articles share a slug)."""
    if any(d.code == "slug-duplicate" for content in contents.values() for d in content.diagnostics):
        return ()
    sites = _make_sites(config, cache, contents, result)
    paired = pair_sites(sites) if len(sites) > 1 else tuple(sites)
    return mark_overdue(config, paired, today or date.today())


def _make_sites(config: Config, cache: Cache, contents: dict[str, Content], result: BuildResult) -> list[Site]:
    """Each language's Site, from its content and the images every language shares."""
    assets, asset_problems, cache.assets = load_assets(config, cache.assets)
    result.diagnostics.extend(asset_problems)
    sites: list[Site] = []
    memo: dict[str, object] = {}
    for language, content in contents.items():
        default = language == config.language
        site, problems, found = make_site(
            config if default else language_config(config, language, content.texts),
            content.articles,
            content.pages,
            content.glossary,
            content.all_names - {a.source.name for a in content.articles},
            related_memo=cache.related,
            prefix="" if default else f"{language}/",
            assets=assets,
        )
        memo.update(found)
        sites.append(site)
        result.diagnostics.extend(problems)
    cache.related = memo  # type: ignore[assignment]
    return sites


def mark_overdue(config: Config, sites: tuple[Site, ...], today: date) -> tuple[Site, ...]:
    """Each site knowing its articles past their review date, which stay published with
    a line that says so (unless checks.review.overdue is off, or error: then nothing is
    published)."""
    if settings(config)[0]["review"]["overdue"] != "warning":
        return sites
    return tuple(
        replace(site, overdue=frozenset(a.url for a in site.articles if a.next_review and a.next_review < today))
        for site in sites
    )
