"""Every requirement file pins each distribution to one version and the sha256 of its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.pin_requirements import keep_hashes

ROOT = Path(__file__).resolve().parents[2]
PINNED = sorted([*ROOT.glob("requirements/*.txt"), ROOT / "function" / "requirements.txt"])


def requirements(path: Path) -> list[str]:
    """The logical requirement lines of a pip requirements file (continuations joined)."""
    text = path.read_text().replace("\\\n", " ")
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("path", PINNED, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_requirement_is_pinned_with_hashes(path: Path) -> None:
    lines = requirements(path)
    assert lines, f"{path} pins nothing"
    for line in lines:
        name = line.split()[0]
        assert "==" in name, f"{path.name}: {name} is not pinned to one version"
        assert "--hash=sha256:" in line, f"{path.name}: {name} has no hash"


def test_narrowing_keeps_only_the_zips_wheels_and_a_valid_file() -> None:
    kept, dropped = "a" * 64, "b" * 64
    compiled = (
        "pillow==13.0.0 \\\n"
        f"    --hash=sha256:{kept} \\\n"
        f"    --hash=sha256:{dropped}\n"
        "    # via -r requirements/function.in\n"
    )
    assert keep_hashes(compiled, {kept}) == (
        f"pillow==13.0.0 \\\n    --hash=sha256:{kept}\n    # via -r requirements/function.in\n"
    )
