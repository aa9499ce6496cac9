"""terraform/ is a module a team can call: no provider configuration, tags on everything it creates,
one version range everywhere, and CI at both ends of that range."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

from scripts.terraform_docs import OPTIONS, ROOT, TERRAFORM
from tests import terraform_cli

MODULES = [TERRAFORM, *sorted(path for path in TERRAFORM.glob("modules/*") if path.is_dir())]
EXAMPLES = sorted(path for path in TERRAFORM.glob("examples/*") if path.is_dir())
# Every configuration that states the versions it needs: the module, its parts, its examples and the
# configuration tests/terraform_policy.py plans.
CONFIGURATIONS = [*MODULES, *EXAMPLES, ROOT / "tests" / "iam"]
AWS = "registry.terraform.io/hashicorp/aws"


def parsed(directory: Path) -> list[dict[str, Any]]:
    """Every .tf file of ``directory`` (not its subfolders), parsed."""
    documents = []
    for path in sorted(directory.glob("*.tf")):
        with path.open() as file:
            documents.append(hcl2.load(file, serialization_options=OPTIONS))
    return documents


def named(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("module", MODULES, ids=named)
def test_a_module_configures_no_provider_and_no_backend(module: Path) -> None:
    for document in parsed(module):
        assert "provider" not in document
        for block in document.get("terraform", []):
            assert not {"backend", "cloud"} & block.keys()


@pytest.mark.parametrize("example", EXAMPLES, ids=named)
def test_an_example_is_a_root_with_its_provider_block(example: Path) -> None:
    providers = [block for document in parsed(example) for block in document.get("provider", [])]
    assert [list(block) for block in providers] == [["aws"]]
    assert (example / "terraform.tfvars.example").is_file()
    assert list(example.glob("tests/*.tftest.hcl")), "make tf-check tests every example"


def versions(directory: Path) -> tuple[str, str]:
    """(required_version, the AWS provider's constraint) that ``directory`` states."""
    stated = [
        (block["required_version"], block["required_providers"][0]["aws"])
        for document in parsed(directory)
        for block in document.get("terraform", [])
    ]
    assert len(stated) == 1, f"{named(directory)}: one terraform block with both"
    required_version, aws = stated[0]
    assert aws["source"] == "hashicorp/aws"
    return required_version, aws["version"]


def test_every_configuration_states_the_same_versions() -> None:
    stated = {named(directory): versions(directory) for directory in CONFIGURATIONS}
    assert set(stated.values()) == {(">= 1.9", ">= 5.100, < 7.0")}, stated


def test_ci_tests_the_lowest_and_the_highest_versions_allowed() -> None:
    required_version, constraint = versions(TERRAFORM)
    floor = re.fullmatch(r">= (\d+\.\d+)", required_version)[1]
    aws_floor, aws_ceiling = re.fullmatch(r">= (\d+\.\d+), < (\d+)\.0", constraint).groups()
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    matrix = ci["jobs"]["terraform-versions"]["strategy"]["matrix"]["include"]
    lowest, latest = matrix
    assert lowest["terraform"].startswith(f"{floor}.")
    assert lowest["aws"] == f"= {aws_floor}.0"
    assert re.match(lowest["expected"], f"{aws_floor}.0")
    assert latest["terraform"] == "latest"
    highest_major = int(aws_ceiling) - 1
    assert latest["aws"] == f"~> {highest_major}.0"
    assert re.match(latest["expected"], f"{highest_major}.47.0")
    assert not re.match(latest["expected"], f"{aws_floor}.0")
    steps = ci["jobs"]["terraform-versions"]["steps"]
    assert any(step.get("run") == "make tf-test" for step in steps)


def test_dependabot_watches_every_configuration() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    (terraform,) = [u for u in config["updates"] if u["package-ecosystem"] == "terraform"]
    watched = set(terraform["directories"])
    for directory in [*MODULES, *EXAMPLES]:
        folder = "/" + named(directory)
        assert folder in watched or f"/{named(directory.parent)}/*" in watched, folder


@pytest.fixture(scope="module")
def taggable() -> set[str]:
    """The AWS resource types whose schema has a `tags` argument (provider schema, no network)."""
    data_dir = ROOT / "build" / "terraform-schema"
    terraform_cli.init(TERRAFORM, data_dir)
    schema = json.loads(
        terraform_cli.run(TERRAFORM, data_dir, "providers", "schema", "-json").stdout
    )
    resources = schema["provider_schemas"][AWS]["resource_schemas"]
    return {
        name for name, resource in resources.items() if "tags" in resource["block"]["attributes"]
    }


def takes_tags(module: Path) -> bool:
    """Whether a module has a `tags` variable."""
    return any(
        "tags" in variable
        for document in parsed(module)
        for variable in document.get("variable", [])
    )


@pytest.mark.parametrize("module", MODULES, ids=named)
def test_every_resource_that_takes_tags_gets_the_modules_tags(
    module: Path, taggable: set[str]
) -> None:
    untagged = [
        f"{kind}.{name}"
        for document in parsed(module)
        for block in document.get("resource", [])
        for kind, resources in block.items()
        for name, body in resources.items()
        if kind in taggable and body.get("tags") != "${var.tags}"
    ]
    assert not untagged, f"{named(module)}: set tags = var.tags on {untagged}"
    calls = [
        name
        for document in parsed(module)
        for block in document.get("module", [])
        for name, body in block.items()
        if takes_tags(module / body["source"]) and body.get("tags") != "${var.tags}"
    ]
    assert not calls, f"{named(module)}: pass tags = var.tags to {calls}"


def test_moved_blocks_take_the_pre_1_0_addresses_into_the_module() -> None:
    # Before 1.0.0 terraform/ was the root: its objects move under module.png2jpg of `complete`.
    (document,) = [d for d in parsed(TERRAFORM / "examples" / "complete") if "moved" in d]
    top_level = {
        f"{kind}.{name}"
        for block in parsed(TERRAFORM)
        for resource in block.get("resource", [])
        for kind, resources in resource.items()
        for name in resources
    } | {
        f"module.{name}"
        for block in parsed(TERRAFORM)
        for call in block.get("module", [])
        for name in call
    }
    moves = {(move["from"], move["to"]) for move in document["moved"]}
    for source, target in moves:
        assert target == "${module.png2jpg." + source.removeprefix("${")
        assert source.removeprefix("${").removesuffix("}") in top_level
    moved = {source.removeprefix("${").removesuffix("}") for source, _ in moves}
    assert {
        "terraform_data.package",
        "module.queue",
        "module.function",
        "module.image_bucket",
    } <= moved
