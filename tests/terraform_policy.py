"""The function role's inline policy exactly as Terraform renders it, for tests.

``tests/iam`` calls ``terraform/modules/function`` with fixed inputs (partition ``aws``, account
``123456789012``, region ``us-east-1``, image bucket ``png2jpg-images``, queues ``png2jpg`` and
``png2jpg-dlq``, prefixes ``pngfiles/`` and ``jpgfiles/``); it is planned with a provider that skips
every credential and metadata check, and the policy is read from ``terraform show -json``. No
network, no credentials. The result is cached under ``build/`` keyed on the module's and the
wrapper's files, so only a change to them plans again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from tests import terraform_cli

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = ROOT / "tests" / "iam"
MODULE = ROOT / "terraform" / "modules" / "function"
CACHE = ROOT / "build" / "terraform-policy"
POLICY_ADDRESS = "module.function.aws_iam_role_policy.this"


def rendered_role_policy() -> dict[str, Any]:
    """Return the execution role's inline policy that Terraform plans for the fixed inputs."""
    cached = CACHE / f"policy-{_sources_digest()}.json"
    if not cached.exists():
        policy = _plan_policy()
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(policy, indent=2, sort_keys=True) + "\n")
        partial.replace(cached)
    return json.loads(cached.read_text())


def _sources_digest() -> str:
    """SHA-256 over the Terraform files the policy is rendered from."""
    digest = hashlib.sha256()
    for path in sorted([*MODULE.glob("*.tf"), *WRAPPER.glob("*.tf")]):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _plan_policy() -> dict[str, Any]:
    """Plan the wrapper configuration and return the planned policy of the role."""
    data_dir = CACHE / "terraform"
    plan_file = CACHE / f"plan.{os.getpid()}"
    terraform_cli.init(WRAPPER, data_dir)
    try:
        terraform_cli.run(
            WRAPPER, data_dir, "plan", "-refresh=false", "-lock=false", f"-out={plan_file}"
        )
        shown = json.loads(
            terraform_cli.run(WRAPPER, data_dir, "show", "-json", str(plan_file)).stdout
        )
    finally:
        plan_file.unlink(missing_ok=True)
    for module in shown["planned_values"]["root_module"].get("child_modules", []):
        for resource in module.get("resources", []):
            if resource["address"] == POLICY_ADDRESS:
                return json.loads(resource["values"]["policy"])
    raise RuntimeError(f"{POLICY_ADDRESS} is not in the plan of {WRAPPER}")
