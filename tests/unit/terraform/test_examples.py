"""The examples and the docs say of every setting what the module says, and the module plans when a
configuration outside the repository calls it several times (mock provider, no network)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import hcl2
import pytest

from scripts import package
from scripts.terraform_docs import OPTIONS, ROOT, TERRAFORM, blocks
from scripts.terraform_examples import EXAMPLES, PASS_THROUGH, SENDER_OUTPUTS, generated
from tests import terraform_cli

EXAMPLE_DIRS = sorted(path for path in EXAMPLES.iterdir() if path.is_dir())
FIXTURES = TERRAFORM / "tests" / "fixtures"
# The source address the README shows, and the release zip its minimal call names.
SOURCE = re.compile(r'"github\.com/OWNER/REPO//terraform\?ref=vX\.Y\.Z"')
RELEASE_ZIP = re.compile(r"png2jpg-X\.Y\.Z-python3\.\d+-\w+\.zip")


def named(path: Path) -> str:
    return str(path.relative_to(ROOT))


def defaults(directory: Path) -> dict[str, Any]:
    """The variables of a configuration and their defaults (missing: required)."""
    found = {}
    for path in directory.glob("*.tf"):
        for name, body in blocks(path, "variable"):
            found[name] = body.get("default", "required")
    return found


def test_generated_examples_are_up_to_date() -> None:
    stale = [named(path) for path, text in generated().items() if path.read_text() != text]
    assert not stale, f"{stale} out of date: run `make docs`"


def test_every_example_is_generated_from_the_module_where_it_passes_it_through() -> None:
    assert {example.directory for example in PASS_THROUGH} == set(EXAMPLE_DIRS)
    module_variables = {name for name, _ in blocks(TERRAFORM / "variables.tf", "variable")}
    module_outputs = {name for name, _ in blocks(TERRAFORM / "outputs.tf", "output")}
    generated_files = set(generated())
    for example in EXAMPLE_DIRS:
        for path in sorted(set(example.glob("*.tf")) - generated_files):
            # A hand-written variable or output named like the module's would be a second source.
            assert not {name for name, _ in blocks(path, "variable")} & module_variables, path
            assert not {name for name, _ in blocks(path, "output")} & module_outputs, path


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=named)
def test_tfvars_example_shows_each_variables_default(example: Path) -> None:
    shown = commented_assignments(example / "terraform.tfvars.example")
    variables = defaults(example)
    assert shown, "the example shows its settings"
    assert set(shown) == set(variables), "one line per variable of the example"
    for name, value in shown.items():
        assert value == variables[name], f"{name}: shows {value!r}, default {variables[name]!r}"


def commented_assignments(path: Path) -> dict[str, Any]:
    """The `# name = value` lines of a tfvars example (a value may span `# ` lines), parsed."""
    assignments, current = [], None
    for line in path.read_text().splitlines():
        if current is not None:
            current.append(line.removeprefix("# "))
            if line.startswith("# }") or line.startswith("# ]"):
                current = None
        elif re.match(r"# \w+\s+=", line):
            current = [line.removeprefix("# ")]
            assignments.append(current)
            if not re.search(r"[{\[]\s*(#.*)?$", line):
                current = None
    text = "\n".join("\n".join(lines) for lines in assignments)
    return hcl2.loads(text, serialization_options=OPTIONS)


def test_the_e2e_settings_are_variables_of_the_complete_example() -> None:
    text = (ROOT / "tests" / "e2e" / "e2e.tfvars").read_text()
    settings = hcl2.loads(text, serialization_options=OPTIONS)
    assert set(settings) <= set(defaults(EXAMPLES / "complete"))


def test_every_output_the_sender_reads_is_passed_through() -> None:
    read = set()
    for path in (ROOT / "sender").glob("*.py"):
        read |= set(re.findall(r'outputs(?:\.get\(|\[)"(\w+)"', path.read_text()))
    assert read, "the sender reads Terraform outputs"
    assert read <= set(SENDER_OUTPUTS)
    for example in ("complete", "fifo"):
        outputs = {name for name, _ in blocks(EXAMPLES / example / "outputs.tf", "output")}
        assert read <= outputs, example


def test_the_release_files_the_docs_name_are_those_a_release_builds() -> None:
    runtimes = [f"python{version}" for version in package.RUNTIME_PYTHON_VERSIONS]
    variables = dict(blocks(TERRAFORM / "variables.tf", "variable"))
    for name, values in (("runtime", runtimes), ("architecture", list(package.ARCHITECTURES))):
        (validation,) = variables[name]["validation"]
        assert validation["condition"] == f"${{contains({values}, var.{name})}}".replace("'", '"')
    built = {
        package.release_zip_name("X.Y.Z", version, arch)
        for version in package.RUNTIME_PYTHON_VERSIONS
        for arch in package.ARCHITECTURES
    }
    documents = [ROOT / "README.md", TERRAFORM / "README.md", ROOT / "docs" / "supply-chain.md"]
    for document in documents:
        text = document.read_text()
        named_zips = set(RELEASE_ZIP.findall(text))
        assert named_zips, document
        assert named_zips <= built, document
    readme = (ROOT / "README.md").read_text()
    times = "\N{MULTIPLICATION SIGN}"
    assert f"(`{'`, `'.join(runtimes)}` {times} `{'`, `'.join(package.ARCHITECTURES)}`)" in readme


# ------------------------------------------------------------------------------------------------
# The module called from outside the repository


def module_calls(document: Path) -> list[str]:
    """The HCL blocks of ``document`` that call the module by its released source address."""
    found = re.findall(r"```hcl\n(.*?)```", document.read_text(), re.DOTALL)
    return [block for block in found if SOURCE.search(block)]


def as_local(call: str, module: Path, downloads: Path) -> str:
    """A documented module call, the module at ``module``, its release zip in ``downloads``."""
    call = re.sub(r'(?m)^provider "aws" \{.*?^\}\n', "", call, flags=re.DOTALL)
    call = SOURCE.sub(f'"{module}"', call)
    return re.sub(rf'"({RELEASE_ZIP.pattern})"', rf'"{downloads}/\1"', call)


OUTSIDE_TEST = """\
mock_provider "aws" {
  source = "./mocks"
}

run "every_instance_plans_with_its_own_names" {
  command = plan

  assert {
    condition = alltrue([
      for kind in [
        "bucket_name", "artifacts_bucket_name", "queue_name", "function_name", "function_role_name",
        "log_group_name", "dashboard_name", "dlq_alarm_name",
      ] : length(distinct([for i in local.instances : i[kind]])) == length(local.instances)
    ])
    error_message = "Two instances share a name: ${jsonencode(local.instances)}."
  }

  assert {
    condition     = length(local.instances) == NUMBER
    error_message = "Every module call must plan."
  }

  # depends_on defers the module's data sources (account, region) to apply: its bucket names
  # are unknown until then, its other names are not.
  assert {
    condition     = module.optional[0].function_name == "png2jpg-optional"
    error_message = "The module must plan with count and depends_on."
  }
}
"""


def test_a_configuration_outside_the_repository_calls_the_module_several_times(
    tmp_path: Path,
) -> None:
    module = tmp_path / "vendor" / "png2jpg" / "terraform"
    shutil.copytree(TERRAFORM, module, ignore=shutil.ignore_patterns(".terraform*", "examples"))
    # A release's zip for python3.13 and x86_64 (the fixture's), its manifest beside it.
    release_zip = tmp_path / package.release_zip_name("X.Y.Z", "3.13", "x86_64")
    shutil.copy(FIXTURES / "function.zip", release_zip)
    shutil.copy(FIXTURES / "function.manifest.json", package.companions(release_zip)["manifest"])
    root = tmp_path / "infrastructure"
    shutil.copytree(TERRAFORM / "tests" / "mocks", root / "mocks")
    calls = [
        as_local(call, module, tmp_path)
        for document in (ROOT / "README.md", TERRAFORM / "README.md")
        for call in module_calls(document)
    ]
    assert len(calls) == 2, "the README and the module's README each show a call"
    (root / "documented.tf").write_text(
        "\n".join(
            call.replace('module "png2jpg"', f'module "documented_{i}"')
            for i, call in enumerate(calls)
        )
    )
    (root / "main.tf").write_text(
        textwrap.dedent(f"""\
            provider "aws" {{
              region = "us-east-1"
            }}

            # Two pipelines with for_each, and one more with count that waits for them.
            module "pipelines" {{
              source   = "{module}"
              for_each = {{ photos = "photos/", scans = "scans/" }}

              name              = "png2jpg-${{each.key}}"
              input_prefix      = each.value
              function_zip_path = "../{release_zip.name}"
            }}

            module "optional" {{
              source = "{module}"
              count  = 1

              name              = "png2jpg-optional"
              function_zip_path = "{release_zip}"
              depends_on        = [module.pipelines]
            }}

            locals {{
              instances = concat(
                values(module.pipelines), values(module.documented_1), [module.documented_0],
              )
            }}
            """)
    )
    (root / "tests").mkdir()
    (root / "tests" / "outside.tftest.hcl").write_text(OUTSIDE_TEST.replace("NUMBER", "5"))
    data_dir = tmp_path / "terraform-data"
    terraform_cli.init(root, data_dir)
    result = terraform_cli.run(root, data_dir, "test", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 0 failed" in result.stdout


def test_the_complete_example_finds_the_zip_make_package_builds(tmp_path: Path) -> None:
    # terraform/examples/complete calls ../..; the module's default package is <repository>/build.
    copy = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    (tmp_path / "build").mkdir()
    for name in ("function.zip", "function.manifest.json"):
        shutil.copy(FIXTURES / name, tmp_path / "build" / name)
    example = copy / "examples" / "complete"
    for test in (example / "tests").glob("*.tftest.hcl"):
        test.unlink()
    (example / "tests" / "default_package.tftest.hcl").write_text(
        textwrap.dedent("""\
            mock_provider "aws" {
              source = "../../tests/mocks"
            }

            run "default_package" {
              command = plan

              assert {
                condition     = output.function_name == "png2jpg"
                error_message = "The default package must be found and accepted."
              }
            }
            """)
    )
    data_dir = tmp_path / "terraform-data"
    terraform_cli.init(example, data_dir)
    result = terraform_cli.run(example, data_dir, "test", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "build" / "function.zip").unlink()
    result = terraform_cli.run(example, data_dir, "test", check=False)
    printed = " ".join((result.stdout + result.stderr).split())
    assert "No deployment package at ../../../build/function.zip" in printed
