"""A newcomer's wrong plans, refused with the messages docs/troubleshooting.md quotes.

Each file of terraform/tests/messages holds one plan that must fail (mock provider, no network);
this test runs them and reads what Terraform prints, not only that they fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import terraform_cli

ROOT = Path(__file__).resolve().parents[3]
TERRAFORM = ROOT / "terraform"
# run name -> what its failure must say (docs/troubleshooting.md quotes these).
EXPECTED = {
    "zip_for_another_architecture": "The package tests/fixtures/function.zip is built for x86_64 "
    'and python3.13, but this configuration sets architecture = "arm64" and runtime = '
    '"python3.13": run `make package ARCH=arm64 RUNTIME_PYTHON_VERSION=3.13`',
    "no_zip": "No deployment package at tests/fixtures/missing/function.zip: run `make package` "
    "first",
    "unknown_runtime": "runtime must be python3.12 or python3.13",
    "kit_variable_in_environment_variables": "environment_variables must not set JPEG_QUALITY: "
    "the kit sets these itself",
    "wildcard_in_input_prefix": "input_prefix may only hold letters, digits and / ! - _ . ' ( )",
}


@pytest.fixture(scope="module")
def failures() -> dict[str, str]:
    """What Terraform prints for each run (one file each), its lines joined."""
    data_dir = ROOT / "build" / "terraform-messages"
    terraform_cli.init(TERRAFORM, data_dir)
    printed = {}
    for run in EXPECTED:
        result = terraform_cli.run(
            TERRAFORM,
            data_dir,
            "test",
            "-test-directory=tests/messages",
            f"-filter=tests/messages/{run}.tftest.hcl",
            check=False,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        printed[run] = " ".join((result.stdout + result.stderr).split())
    return printed


@pytest.mark.parametrize("run", list(EXPECTED))
def test_the_plan_is_refused_with_its_message(failures: dict[str, str], run: str) -> None:
    assert f'run "{run}"... fail' in failures[run]
    assert EXPECTED[run] in failures[run]


def test_every_refusal_has_a_run() -> None:
    runs = {
        path.name.removesuffix(".tftest.hcl")
        for path in (TERRAFORM / "tests" / "messages").iterdir()
    }
    assert runs == set(EXPECTED)
