"""The policies of the kit exactly as Terraform renders them, for tests.

``tests/iam`` calls ``terraform/modules/function`` with fixed inputs (partition ``aws``, account
``123456789012``, region ``us-east-1``, image bucket ``png2jpg-images``, queues ``png2jpg`` and
``png2jpg-dlq``, prefixes ``pngfiles/`` and ``jpgfiles/``), and the queue and image-bucket modules
with one sender in another account (``SENDER``); it is planned with a provider that skips every
credential and metadata check, and the policies are read from ``terraform show -json``. No network,
no credentials. The result is cached under ``build/`` keyed on the modules' and the wrapper's
files, so only a change to them plans again.
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
MODULES = [
    ROOT / "terraform" / "modules" / name
    for name in ("function", "queue", "image-bucket", "private-bucket")
]
CACHE = ROOT / "build" / "terraform-policy"
SENDER = "arn:aws:iam::210987654321:role/uploader"
# The planned resource holding each policy, and the attribute it is in.
ROLE_POLICY = ("module.function.aws_iam_role_policy.this", "policy")
QUEUE_POLICY = ("module.queue.aws_sqs_queue.this", "policy")
BUCKET_POLICY = ("module.image_bucket.module.bucket.aws_s3_bucket_policy.this", "policy")


def rendered_role_policy() -> dict[str, Any]:
    """Return the execution role's inline policy that Terraform plans for the fixed inputs."""
    return rendered_policies()[ROLE_POLICY[0]]


def sender_grants() -> list[dict[str, Any]]:
    """The Allow statements of the queue and bucket policies that name ``SENDER``, without it."""
    policies = rendered_policies()
    return [
        {key: value for key, value in statement.items() if key != "Principal"}
        for address in (QUEUE_POLICY[0], BUCKET_POLICY[0])
        for statement in policies[address]["Statement"]
        if statement["Effect"] == "Allow" and SENDER in json.dumps(statement.get("Principal", {}))
    ]


def rendered_policies() -> dict[str, dict[str, Any]]:
    """Every policy of the wrapper's plan, by the address of the resource that holds it."""
    cached = CACHE / f"policies-{_sources_digest()}.json"
    if not cached.exists():
        policies = _plan_policies()
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(policies, indent=2, sort_keys=True) + "\n")
        partial.replace(cached)
    return json.loads(cached.read_text())


def _sources_digest() -> str:
    """SHA-256 over the Terraform files the policies are rendered from."""
    digest = hashlib.sha256()
    files = sorted(path for directory in [*MODULES, WRAPPER] for path in directory.glob("*.tf"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _plan_policies() -> dict[str, dict[str, Any]]:
    """Plan the wrapper configuration and return its planned policies by address."""
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
    resources = {
        resource["address"]: resource["values"]
        for resource in _resources(shown["planned_values"]["root_module"])
    }
    policies = {}
    for address, attribute in (ROLE_POLICY, QUEUE_POLICY, BUCKET_POLICY):
        if address not in resources:
            raise RuntimeError(f"{address} is not in the plan of {WRAPPER}")
        policies[address] = json.loads(resources[address][attribute])
    return policies


def _resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    """The planned resources of ``module`` and of its child modules, recursively."""
    found = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found.extend(_resources(child))
    return found
