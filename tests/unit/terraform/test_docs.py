"""Each module's README carries its inputs and outputs, generated from its own files and up to date;
the README stays a landing page whose links lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.terraform_docs import (
    BEGIN,
    END,
    REFERENCE,
    ROOT,
    TERRAFORM,
    blocks,
    documents,
    reference,
    updated_readme,
)

README = ROOT / "README.md"
# A Markdown link or image target that is not a URL or a mail address: a file of the repository.
LOCAL_LINK = re.compile(r"\]\((?!https?://|mailto:)([^)#\s]*)(#[^)\s]*)?\)")


def test_every_module_has_a_readme_with_its_reference() -> None:
    folders = {path for path in TERRAFORM.glob("modules/*") if path.is_dir()}
    assert set(documents().values()) == {TERRAFORM, *folders}
    assert all(document.is_file() for document in documents())
    assert documents()[REFERENCE] == TERRAFORM


@pytest.mark.parametrize(
    "document", list(documents()), ids=lambda path: str(path.relative_to(ROOT))
)
def test_reference_is_up_to_date(document: Path) -> None:
    text = document.read_text()
    assert text == updated_readme(text, reference(documents()[document])), (
        f"{document.relative_to(ROOT)}'s Terraform reference is out of date: run `make docs`"
    )


@pytest.mark.parametrize("module", [TERRAFORM, TERRAFORM / "modules" / "function"])
def test_reference_lists_every_variable_and_output_once_in_file_order(module: Path) -> None:
    variables, outputs = reference(module).split("### Outputs")
    for table, kind, file in (
        (variables, "variable", "variables.tf"),
        (outputs, "output", "outputs.tf"),
    ):
        names = [name for name, _ in blocks(module / file, kind)]
        rows = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
        assert rows == names


def test_stale_reference_is_replaced_and_the_rest_kept() -> None:
    readme = f"intro\n{BEGIN}\n| `old_variable` | gone |\n{END}\noutro\n"
    assert updated_readme(readme, "TABLES") == f"intro\n{BEGIN}\nTABLES\n{END}\noutro\n"


def test_missing_markers_are_reported() -> None:
    with pytest.raises(ValueError, match="BEGIN_TF_DOCS"):
        updated_readme("no markers here", "TABLES")


def test_defaults_are_written_as_hcl_and_required_variables_say_so() -> None:
    tables = reference()
    assert (
        '| `tags` | `map(string)` | `{ Project = "png2jpg", ManagedBy = "terraform" }` |' in tables
    )
    assert "| `bucket_name` | `string` | `null` |" in tables
    assert '| `s3_notification_suffixes` | `list(string)` | `[".png", ".PNG"]` |' in tables
    assert "| `queue_arn` | `string` | required |" in reference(TERRAFORM / "modules" / "function")


def test_the_readme_is_a_landing_page_of_at_most_20_kb() -> None:
    size = len(README.read_bytes())
    assert size <= 20 * 1024, f"README.md is {size:,} bytes: move reference material to docs/"
    headings = re.findall(r"^## (.+)$", README.read_text(), re.MULTILINE)
    for section in ("Two commands", "Deploy to AWS", "Call it as a module", "Send images"):
        assert section in headings
    assert "What it costs" in headings


@pytest.mark.parametrize(
    "document",
    [
        README,
        ROOT / "CHANGELOG.md",
        *sorted(ROOT.glob("docs/*.md")),
        *sorted(TERRAFORM.rglob("README.md")),
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_local_link_leads_to_a_file_or_folder(document: Path) -> None:
    targets = [match[1] for match in LOCAL_LINK.finditer(document.read_text()) if match[1]]
    missing = [target for target in targets if not (document.parent / target).exists()]
    assert not missing, f"{document.relative_to(ROOT)} links to what does not exist: {missing}"


def test_links_to_a_readme_section_name_a_heading_it_has() -> None:
    anchors = {
        re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", README.read_text(), re.MULTILINE)
    }
    for document in [README, *ROOT.glob("docs/*.md"), *TERRAFORM.rglob("README.md")]:
        for match in re.finditer(r"\]\(((?:\.\./)*README\.md)?#([\w-]+)\)", document.read_text()):
            if match[1] or document == README:
                assert match[2] in anchors, (
                    f"{document.relative_to(ROOT)}: no #{match[2]} in README.md"
                )
