"""The README's Terraform reference comes from variables.tf and outputs.tf and stays up to date."""

from __future__ import annotations

import pytest

from scripts.terraform_docs import BEGIN, END, README, TERRAFORM, blocks, reference, updated_readme


def test_readme_reference_is_up_to_date() -> None:
    readme = README.read_text()
    assert readme == updated_readme(readme, reference()), (
        "README.md's Terraform reference is out of date: run `make docs`"
    )


def test_reference_lists_every_variable_and_output_once_in_file_order() -> None:
    variables, outputs = reference().split("### Outputs")
    for table, kind, file in (
        (variables, "variable", "variables.tf"),
        (outputs, "output", "outputs.tf"),
    ):
        names = [name for name, _ in blocks(TERRAFORM / file, kind)]
        rows = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
        assert rows == names


def test_stale_reference_is_replaced_and_the_rest_kept() -> None:
    readme = f"intro\n{BEGIN}\n| `old_variable` | gone |\n{END}\noutro\n"
    assert updated_readme(readme, "TABLES") == f"intro\n{BEGIN}\nTABLES\n{END}\noutro\n"


def test_missing_markers_are_reported() -> None:
    with pytest.raises(ValueError, match="BEGIN_TF_DOCS"):
        updated_readme("no markers here", "TABLES")


def test_defaults_are_written_as_hcl() -> None:
    tables = reference()
    assert (
        '| `tags` | `map(string)` | `{ Project = "png2jpg", ManagedBy = "terraform" }` |' in tables
    )
    assert "| `bucket_name` | `string` | `null` |" in tables
    assert '| `s3_notification_suffixes` | `list(string)` | `[".png", ".PNG"]` |' in tables
