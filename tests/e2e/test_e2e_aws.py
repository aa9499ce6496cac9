"""``make e2e-aws``'s code path, with this session's LocalStack standing in for an AWS account.

The run applies the root under its own unique name, runs one scenario, and must leave nothing
of what it created behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, client

SCENARIO = "tests/e2e/test_pipeline.py::test_happy_path"
TERRAFORM_LOG = ROOT / "build" / "e2e-aws" / "terraform.log"


def leftovers(name: str) -> list[str]:
    """Every resource of the kinds the root creates whose name contains ``name``."""
    found = [bucket["Name"] for bucket in client("s3").list_buckets()["Buckets"]]
    found += client("sqs").list_queues(QueueNamePrefix=name).get("QueueUrls", [])
    found += [f["FunctionName"] for f in client("lambda").list_functions()["Functions"]]
    found += [role["RoleName"] for role in client("iam").list_roles()["Roles"]]
    found += [group["logGroupName"] for group in client("logs").describe_log_groups()["logGroups"]]
    cloudwatch = client("cloudwatch")
    found += [alarm["AlarmName"] for alarm in cloudwatch.describe_alarms()["MetricAlarms"]]
    found += [entry["DashboardName"] for entry in cloudwatch.list_dashboards()["DashboardEntries"]]
    found += [topic["TopicArn"] for topic in client("sns").list_topics()["Topics"]]
    return sorted(item for item in found if name in item)


def resource_count(log: str, verb: str) -> int:
    """The N of terraform's "Resources: N <verb>." summary line."""
    match = re.search(rf"Resources: (\d+) {verb}", log)
    assert match, f"no '{verb}' summary in {TERRAFORM_LOG}"
    return int(match.group(1))


@pytest.mark.localstack_only
def test_e2e_aws_applies_runs_and_destroys(deployment: Any) -> None:
    name = f"p2j-aws-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "PNG2JPG_E2E_NAME": name}

    result = subprocess.run(
        ["make", "--no-print-directory", "e2e-aws", f"E2E_AWS_TESTS={SCENARIO}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\b1 passed\b", result.stdout), result.stdout[-2000:]
    log = Path(TERRAFORM_LOG).read_text()
    created = resource_count(log, "added")
    assert created > 0
    assert resource_count(log, "destroyed") == created
    assert leftovers(name) == []
