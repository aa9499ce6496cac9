"""Regenerate the Terraform reference of each module's README from its variables.tf and outputs.tf.

``make docs`` runs it. Each module (terraform/ and every terraform/modules/*) has a README.md whose
tables of variables and outputs go between the ``BEGIN_TF_DOCS`` and ``END_TF_DOCS`` comment lines;
docs/reference.md carries terraform/'s. The rest of each file is kept. ``--check`` exits 1 instead
of writing when a file is out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parent.parent
TERRAFORM = ROOT / "terraform"
REFERENCE = ROOT / "docs" / "reference.md"
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
OPTIONS = hcl2.SerializationOptions(
    strip_string_quotes=True, explicit_blocks=False, with_comments=False
)


def blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The ``kind`` blocks (variable, output) of a file as (name, attributes), in file order."""
    with path.open() as file:
        parsed = hcl2.load(file, serialization_options=OPTIONS)
    return [(name, body) for block in parsed.get(kind, []) for name, body in block.items()]


def hcl_value(value: Any) -> str:
    """A default value as it is written in HCL."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{key} = {hcl_value(item)}" for key, item in value.items()) + " }"
    return str(value)


def hcl_type(expression: str) -> str:
    """A type constraint without the ``${...}`` wrapper python-hcl2 gives expressions."""
    if expression.startswith("${") and expression.endswith("}"):
        return expression[2:-1]
    return expression


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell (angle brackets would read as HTML tags)."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def reference(terraform_dir: Path = TERRAFORM) -> str:
    """The Markdown tables of a module's variables and outputs."""
    lines = [
        "### Variables",
        "",
        "| name | type | default | description |",
        "|---|---|---|---|",
    ]
    for name, body in blocks(terraform_dir / "variables.tf", "variable"):
        default = f"`{cell(hcl_value(body['default']))}`" if "default" in body else "required"
        kind = cell(hcl_type(body.get("type", "any")))
        lines.append(f"| `{name}` | `{kind}` | {default} | {cell(body['description'])} |")
    lines += ["", "### Outputs", "", "| name | description |", "|---|---|"]
    for name, body in blocks(terraform_dir / "outputs.tf", "output"):
        lines.append(f"| `{name}` | {cell(body['description'])} |")
    return "\n".join(lines)


def updated_readme(readme: str, tables: str, begin: str = BEGIN, end: str = END) -> str:
    """``readme`` with the text between the markers replaced by ``tables``."""
    start, stop = readme.find(begin), readme.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"a document needs a {begin} line before an {end} line")
    return f"{readme[: start + len(begin)]}\n{tables}\n{readme[stop:]}"


def documents() -> dict[Path, Path]:
    """Each file that carries a module's tables, and that module's folder."""
    modules = [TERRAFORM, *sorted(path.parent for path in TERRAFORM.glob("modules/*/variables.tf"))]
    return {REFERENCE: TERRAFORM} | {module / "README.md": module for module in modules}


def main() -> int:
    """Write the tables into every document, or with --check report those out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a document is out of date")
    args = parser.parse_args()
    stale = []
    for document, module in documents().items():
        current = document.read_text()
        wanted = updated_readme(current, reference(module))
        if wanted == current:
            continue
        stale.append(document)
        shown = document.relative_to(ROOT)
        if args.check:
            print(f"{shown}'s Terraform reference is out of date: run `make docs`", file=sys.stderr)
        else:
            document.write_text(wanted)
            print(f"{shown}: Terraform reference regenerated")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
