"""A release: its notes come from CHANGELOG.md, and its files are named for their version, runtime
and architecture, with a SHA256SUMS over them all."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import package, release_notes
from scripts.release_notes import ReleaseError, notes

ROOT = Path(__file__).resolve().parents[3]
CHANGELOG = """\
# Changelog

## [Unreleased]

### Added

- Something new.

## [1.2.0] - 2026-03-01

### Changed

- **Caller action.** Rename `a` to `b`.

## [1.1.0-rc.1] - 2026-02-01

- A candidate.

## [1.0.0] - 2026-01-15

- First.
"""


def test_a_tags_notes_are_its_section_up_to_the_next() -> None:
    assert notes(CHANGELOG, "v1.2.0") == "### Changed\n\n- **Caller action.** Rename `a` to `b`.\n"
    assert notes(CHANGELOG, "v1.0.0") == "- First.\n"
    assert notes(CHANGELOG, "v1.1.0-rc.1") == "- A candidate.\n"


@pytest.mark.parametrize(
    ("changelog", "tag", "reason"),
    [
        (CHANGELOG, "1.2.0", "not v \\+ a semantic version"),
        (CHANGELOG, "v1.2", "not v \\+ a semantic version"),
        (CHANGELOG, "v01.2.0", "not v \\+ a semantic version"),
        (CHANGELOG, "release-1", "not v \\+ a semantic version"),
        (CHANGELOG, "v1.3.0", "no section for 1.3.0: move the Unreleased entries under"),
        (CHANGELOG, "vUnreleased", "not v \\+ a semantic version"),
        ("## [2.0.0]\n\n- x\n", "v2.0.0", "must be dated: ## \\[2.0.0\\] - YYYY-MM-DD"),
        ("## [2.0.0] - soon\n\n- x\n", "v2.0.0", "must be dated"),
        ("## [2.0.0] - 2026-13-01\n\n- x\n", "v2.0.0", "must be dated"),
        ("## [2.0.0] - 2026-01-01\n\n## [1.0.0] - 2025-01-01\n- x\n", "v2.0.0", "is empty"),
    ],
)
def test_a_release_without_proper_notes_is_refused(changelog: str, tag: str, reason: str) -> None:
    with pytest.raises(ReleaseError, match=reason):
        notes(changelog, tag)


def test_the_command_prints_the_notes_or_why_there_are_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(CHANGELOG)
    monkeypatch.setattr(release_notes, "CHANGELOG", changelog)

    assert release_notes.main(["v1.0.0"]) == 0
    assert capsys.readouterr().out == "- First.\n"
    assert release_notes.main(["v9.9.9"]) == 1
    assert "release: CHANGELOG.md has no section for 9.9.9" in capsys.readouterr().err


def test_the_repositorys_changelog_keeps_an_unreleased_section_first() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    sections = [match["version"] for match in release_notes.SECTION.finditer(text)]
    assert sections[0] == "Unreleased"
    for version in sections[1:]:
        assert notes(text, f"v{version}")  # every released version is dated and has notes


def test_the_script_runs_as_the_release_workflow_calls_it() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/release_notes.py", "not-a-tag"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "release: tag 'not-a-tag' is not v + a semantic version" in result.stderr


def test_a_release_builds_every_runtime_and_architecture_with_its_checksums(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fake_build(output: Path, python_version: str, arch: str, requirements: Path) -> str:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(f"zip {python_version} {arch}".encode())
        companions = package.companions(output)
        companions["sbom"].write_text("{}")
        companions["manifest"].write_text(package.manifest(python_version, arch, "0" * 64))
        return "0" * 64

    monkeypatch.setattr(package, "build", fake_build)

    zips = package.build_release(tmp_path, "1.2.0-rc.1")

    assert [path.name for path in zips] == [
        "png2jpg-1.2.0-rc.1-python3.12-x86_64.zip",
        "png2jpg-1.2.0-rc.1-python3.12-arm64.zip",
        "png2jpg-1.2.0-rc.1-python3.13-x86_64.zip",
        "png2jpg-1.2.0-rc.1-python3.13-arm64.zip",
    ]
    # Terraform reads the manifest at the zip's path without ".zip", plus ".manifest.json".
    manifest = tmp_path / "png2jpg-1.2.0-rc.1-python3.13-arm64.manifest.json"
    assert '"runtime": "python3.13"' in manifest.read_text()
    lines = (tmp_path / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 12
    files = sorted(path for path in tmp_path.iterdir() if path.name != "SHA256SUMS")
    assert lines == [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in files]


@pytest.mark.parametrize("version", ["", "../1.0.0", "1.0.0/x", "v 1", "-1.0.0"])
def test_a_release_version_that_would_make_odd_file_names_is_refused(
    tmp_path: Path, version: str
) -> None:
    with pytest.raises(package.PackageError, match="letters, digits and"):
        package.build_release(tmp_path, version)
    assert not list(tmp_path.iterdir())
