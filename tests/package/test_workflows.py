"""GitHub workflows and Dependabot: only the build jobs may sign, only publishing may write, a
release is built from a tag with notes, and every pin is kept fresh."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
ATTEST = "actions/attest-build-provenance@"
SIGNING = {"id-token": "write", "attestations": "write"}
# The jobs that build what users deploy and sign it: CI on main, and a release on a version tag.
SIGNING_JOBS = [("ci.yml", "package"), ("release.yml", "build")]


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load(path) for path in sorted((GITHUB / "workflows").glob("*.yml"))}


def test_only_the_build_jobs_attest_and_hold_the_signing_permissions() -> None:
    attesting, signing = [], []
    for name, workflow in workflows().items():
        assert not SIGNING.keys() & (workflow.get("permissions") or {}).keys(), name
        for job_id, job in workflow["jobs"].items():
            uses = [step.get("uses", "") for step in job.get("steps", [])]
            if any(use.startswith(ATTEST) for use in uses):
                attesting.append((name, job_id))
            permissions = job.get("permissions") or {}
            if SIGNING.keys() & permissions.keys():
                signing.append((name, job_id))
                assert permissions == {"contents": "read", **SIGNING}, (name, job_id)
    assert attesting == SIGNING_JOBS
    assert signing == SIGNING_JOBS


@pytest.mark.parametrize(("workflow", "job"), SIGNING_JOBS)
def test_the_attestation_covers_every_built_file_with_an_action_pinned_by_commit(
    workflow: str, job: str
) -> None:
    steps = workflows()[workflow]["jobs"][job]["steps"]
    attest = next(step for step in steps if step.get("uses", "").startswith(ATTEST))
    assert re.fullmatch(re.escape(ATTEST) + "[0-9a-f]{40}", attest["uses"])
    # make dist writes each runtime and architecture's zip, manifest and SBOM, and SHA256SUMS there.
    assert attest["with"]["subject-path"] == "build/dist/*"
    assert any("make dist" in step.get("run", "") for step in steps)


def test_a_release_is_built_from_a_version_tag_with_its_notes_checked_first() -> None:
    release = workflows()["release.yml"]
    assert release[True] == {"push": {"tags": ["v*"]}}  # PyYAML reads the key `on` as True
    assert release["permissions"] == {}
    steps = release["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    notes = next(i for i, run in enumerate(runs) if "scripts/release_notes.py" in run)
    builds = [i for i, run in enumerate(runs) if "make " in run]
    assert builds
    assert notes < min(builds)
    assert 'make dist RELEASE_VERSION="${TAG#v}"' in runs
    # A release ships a clean build: no dependency cache in the workflow that publishes.
    assert not any((step.get("with") or {}).get("cache") for step in steps)


def test_only_the_publish_job_may_write_and_it_runs_no_repository_code() -> None:
    writers = [
        (name, job_id)
        for name, workflow in workflows().items()
        for job_id, job in workflow["jobs"].items()
        if "write" in (job.get("permissions") or {}).get("contents", "")
    ]
    assert writers == [("release.yml", "publish")]
    publish = workflows()["release.yml"]["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert not any("checkout" in step.get("uses", "") for step in publish["steps"])
    script = "\n".join(step.get("run", "") for step in publish["steps"])
    assert "gh release create" in script
    assert "--verify-tag" in script


def test_pip_audit_runs_on_a_schedule_from_hash_pinned_requirements() -> None:
    audit = workflows()["audit.yml"]
    assert audit[True]["schedule"]  # PyYAML reads the key `on` as True
    script = "\n".join(step.get("run", "") for step in audit["jobs"]["pip-audit"]["steps"])
    assert "--require-hashes -r requirements/audit.txt" in script
    assert "for file in function/requirements.txt requirements/*.txt" in script


def test_dependabot_updates_every_pinned_ecosystem_in_one_weekly_group() -> None:
    config = load(GITHUB / "dependabot.yml")
    (group,) = config["multi-ecosystem-groups"]
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert {"github-actions", "pip", "terraform"} <= updates.keys()
    assert {update["multi-ecosystem-group"] for update in updates.values()} == {group}
    pinned_dirs = {
        "/" + path.parent.relative_to(ROOT).as_posix()
        for path in [*ROOT.glob("requirements/*.txt"), ROOT / "function" / "requirements.txt"]
    }
    assert pinned_dirs <= set(updates["pip"]["directories"])
