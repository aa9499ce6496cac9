"""GitHub workflows and Dependabot: only the package job may sign, and every pin is kept fresh."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
ATTEST = "actions/attest-build-provenance@"
SIGNING = {"id-token": "write", "attestations": "write"}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load(path) for path in sorted((GITHUB / "workflows").glob("*.yml"))}


def test_only_the_package_job_attests_and_holds_the_signing_permissions() -> None:
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
    assert attesting == [("ci.yml", "package")]
    assert signing == [("ci.yml", "package")]


def test_the_attestation_covers_the_zip_with_an_action_pinned_by_commit() -> None:
    steps = workflows()["ci.yml"]["jobs"]["package"]["steps"]
    attest = next(step for step in steps if step.get("uses", "").startswith(ATTEST))
    assert re.fullmatch(re.escape(ATTEST) + "[0-9a-f]{40}", attest["uses"])
    assert attest["with"]["subject-path"].endswith("function.zip")


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
