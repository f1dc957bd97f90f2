"""Doing what the plan says for images: encode each image whose files the output does not
already hold (images/assets.py `encode`), across forked processes when there are several."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sitegen.build.plan import AssetStep, BuildPlan
from sitegen.images.assets import encode
from sitegen.system.parallel import share_out

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.build.output import Output
    from sitegen.system.tuning import Policy


class AssetOutcome(NamedTuple):
    key: str  # Asset.encode_key
    outputs: tuple[str, ...]
    encoded: bool  # encoded this build (False: the output kept the earlier build's files)


def run_assets(
    plan: BuildPlan, content_dir: Path, output: Output | None, *, jobs: int, policy: Policy, fork: bool = True
) -> list[AssetOutcome]:
    """Encode each image whose files the output does not already hold, across processes when
    there are several; keep the files of the others as they are (Output.reuse: same mtimes)."""
    outcomes = []
    todo = []
    for step in plan.assets:
        if step.current and output is not None:
            for path in step.outputs:
                output.reuse(path)
            outcomes.append(AssetOutcome(step.key, step.outputs, False))
        else:
            todo.append(step)
    if not todo or output is None:
        return outcomes

    def encode_some(steps: list[AssetStep]) -> list[AssetOutcome]:
        done = []
        for step in steps:
            data = (content_dir / step.asset.path).read_bytes()
            for path, encoded in encode(step.asset, data).items():
                output.write(path, encoded)
            done.append(AssetOutcome(step.key, step.outputs, True))
        return done

    if len(todo) > 1 and jobs > 1 and fork:  # fork: the output is on disk (children write there)
        with policy.forking():
            # One image a chunk: encoding one photo takes far longer than handing it out.
            for done in share_out([[step] for step in todo], encode_some, jobs):
                outcomes.extend(done)
        output.expect(path for step in todo for path in step.outputs)  # written by the children
    else:
        outcomes.extend(encode_some(todo))
    return outcomes
