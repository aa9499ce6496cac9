"""The deployment zip: layout, hash-checked Linux wheels, licenses, SBOM, manifest, a real run.

These tests run scripts/package.py as `make package` does, with the Python of ``.venv-package``
(pip downloads Pillow's manylinux wheels, from the cache after the first run), and run the
unpacked zip with the Lambda runtime's Python (``.venv-runtime``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from scripts.package import (
    ARCHITECTURES,
    LICENSE_NAME,
    MAX_ZIP_BYTES,
    REQUIREMENTS,
    RUNTIME_PYTHON_VERSIONS,
    PackageError,
    check_licenses,
    wheel_options,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_PYTHON = ROOT / ".venv-package" / "bin" / "python"
RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
RUNTIME_VERSION = os.environ.get("RUNTIME_PYTHON_VERSION", "3.13")
# ELF e_machine values: what the native modules were compiled for.
ELF_MACHINE = {"x86_64": 0x3E, "arm64": 0xB7}
PILLOW_PIN = re.search(r"^pillow==(\S+)", REQUIREMENTS.read_text(), re.MULTILINE)


def build(output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/package.py the way `make package` does."""
    command = [str(PACKAGE_PYTHON), str(ROOT / "scripts" / "package.py")]
    options = ["--python-version", RUNTIME_VERSION, "--output", str(output), *extra]
    return subprocess.run([*command, *options], capture_output=True, text=True, check=False)


def built(output: Path, *extra: str) -> Path:
    result = build(output, *extra)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def x86_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("x86") / "function.zip", "--arch", "x86_64")


def elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF", "not an ELF shared object"
    return int.from_bytes(data[18:20], "little")


def native_modules(archive: zipfile.ZipFile) -> list[str]:
    return [name for name in archive.namelist() if name.endswith(".so")]


def manifest_of(zip_path: Path) -> dict[str, str]:
    text = zip_path.with_suffix(".manifest.json").read_text()
    assert text.endswith("}\n")
    fields = json.loads(text)
    assert list(fields) == sorted(fields)
    return fields


def test_layout_code_at_root_pillow_for_the_runtime_no_boto3(x86_zip: Path) -> None:
    with zipfile.ZipFile(x86_zip) as archive:
        names = archive.namelist()
        assert "png2jpg/handler.py" in names
        assert "png2jpg/convert.py" in names
        tag = RUNTIME_VERSION.replace(".", "")
        assert f"PIL/_imaging.cpython-{tag}-x86_64-linux-gnu.so" in names
        wheel = next(n for n in names if n.startswith("pillow-") and n.endswith("/WHEEL"))
        assert "manylinux_2_28_x86_64" in archive.read(wheel).decode()
        for name in native_modules(archive):
            assert elf_machine(archive.read(name)) == ELF_MACHINE["x86_64"], name
        assert not any(n.split("/")[0] in {"boto3", "botocore"} for n in names)
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
        assert names == sorted(names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert x86_zip.stat().st_size < MAX_ZIP_BYTES


def test_manifest_names_the_zips_architecture_runtime_and_sha256(x86_zip: Path) -> None:
    assert manifest_of(x86_zip) == {
        "architecture": "x86_64",
        "runtime": f"python{RUNTIME_VERSION}",
        "sha256": hashlib.sha256(x86_zip.read_bytes()).hexdigest(),
    }


def test_arm64_build_has_aarch64_native_modules_and_says_so(tmp_path: Path) -> None:
    output = built(tmp_path / "function.zip", "--arch", "arm64")
    with zipfile.ZipFile(output) as archive:
        modules = native_modules(archive)
        assert any("aarch64-linux-gnu" in name for name in modules)
        for name in modules:
            assert elf_machine(archive.read(name)) == ELF_MACHINE["arm64"], name
    manifest = manifest_of(output)
    assert manifest["architecture"] == "arm64"
    assert manifest["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()


def test_two_builds_give_byte_identical_zip_sbom_and_manifest(
    x86_zip: Path, tmp_path: Path
) -> None:
    again = built(tmp_path / "function.zip", "--arch", "x86_64")
    for suffix in (".zip", ".cdx.json", ".manifest.json"):
        first, second = x86_zip.with_suffix(suffix), again.with_suffix(suffix)
        assert first.read_bytes() == second.read_bytes(), suffix


def test_sbom_lists_the_bundled_pillow_with_its_version(x86_zip: Path) -> None:
    assert PILLOW_PIN, "function/requirements.txt pins no pillow"
    sbom = json.loads(x86_zip.with_suffix(".cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    assert "serialNumber" not in sbom
    assert "timestamp" not in sbom["metadata"]
    components = {c["name"]: c for c in sbom["components"]}
    assert set(components) == {"pillow"}
    pillow = components["pillow"]
    assert pillow["version"] == PILLOW_PIN.group(1)
    assert pillow["purl"] == f"pkg:pypi/pillow@{PILLOW_PIN.group(1)}"


def test_every_bundled_distribution_carries_its_license_files(x86_zip: Path) -> None:
    with zipfile.ZipFile(x86_zip) as archive:
        names = set(archive.namelist())
        dist_infos = sorted({n.split("/")[0] for n in names if ".dist-info/" in n})
        assert dist_infos, "no distribution in the zip"
        for dist_info in dist_infos:
            metadata = Parser().parsestr(archive.read(f"{dist_info}/METADATA").decode())
            declared = metadata.get_all("License-File") or []
            for license_file in declared:
                # Metadata 2.4 keeps license files under licenses/, older wheels flat.
                flat = Path(license_file).name
                places = {f"{dist_info}/licenses/{license_file}", f"{dist_info}/{flat}"}
                assert places & names, (dist_info, license_file)
            if not declared:
                files = [n for n in names if n.startswith(f"{dist_info}/")]
                assert any(LICENSE_NAME.match(Path(n).name) for n in files), dist_info


def test_refuses_to_bundle_a_distribution_without_a_license(tmp_path: Path) -> None:
    dist_info = tmp_path / "unlicensed-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: unlicensed\nVersion: 1.0\n")
    with pytest.raises(PackageError, match=r"unlicensed-1\.0\.dist-info holds no license file"):
        check_licenses(tmp_path)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: unlicensed\nVersion: 1.0\nLicense-File: LICENSE\n"
    )
    with pytest.raises(PackageError, match="declares the license file LICENSE but lacks it"):
        check_licenses(tmp_path)


def test_a_wheel_that_does_not_match_its_pinned_hash_is_refused(tmp_path: Path) -> None:
    tampered = tmp_path / "requirements.txt"
    tampered.write_text(
        re.sub(r"sha256:[0-9a-f]{64}", "sha256:" + "0" * 64, REQUIREMENTS.read_text())
    )
    output = tmp_path / "function.zip"
    result = build(output, "--requirements", str(tampered))
    assert result.returncode == 1
    assert PILLOW_PIN
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith(f"package: refused pillow=={PILLOW_PIN.group(1)}: ")
    assert "sha256" in first_line
    assert not output.exists()
    assert not output.with_suffix(".manifest.json").exists()


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
@pytest.mark.parametrize("python_version", RUNTIME_PYTHON_VERSIONS)
def test_every_runtime_and_architecture_has_its_wheels_pinned(
    python_version: str, arch: str, tmp_path: Path
) -> None:
    download = [str(PACKAGE_PYTHON), "-m", "pip", "download", "--quiet", "--require-hashes"]
    options = [
        *wheel_options(python_version, arch),
        "--dest",
        str(tmp_path),
        "-r",
        str(REQUIREMENTS),
    ]
    result = subprocess.run([*download, *options], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_refuses_a_zip_over_the_limit(tmp_path: Path) -> None:
    output = tmp_path / "function.zip"
    result = build(output, "--max-zip-bytes", "1000")
    assert result.returncode == 1
    assert "over the 1,000-byte limit" in result.stderr
    assert not output.exists()


def test_refuses_an_unzipped_package_over_the_limit(tmp_path: Path) -> None:
    output = tmp_path / "function.zip"
    result = build(output, "--max-unzipped-bytes", "1000")
    assert result.returncode == 1
    assert "unzipped package is" in result.stderr
    assert not output.exists()


def test_handler_runs_from_the_unpacked_zip_under_the_runtime_python(
    x86_zip: Path, tmp_path: Path
) -> None:
    """Import the handler and convert a real PNG with the zip's Pillow, as Lambda would."""
    task_root = tmp_path / "task"
    with zipfile.ZipFile(x86_zip) as archive:
        archive.extractall(task_root)
    png = ROOT / "tests" / "data" / "png-corpus" / "pngsuite" / "basn6a08.png"
    script = f"""
import io, sys
sys.path.insert(0, {str(task_root)!r})  # /var/task comes first on Lambda
import png2jpg.handler
import PIL
from PIL import Image
from png2jpg.convert import png_to_jpeg
assert PIL.__file__.startswith({str(task_root)!r}), PIL.__file__
jpeg = png_to_jpeg(open({str(png)!r}, "rb").read())
image = Image.open(io.BytesIO(jpeg))
print(sys.version_info[:2], image.format, image.mode, image.size)
"""
    result = subprocess.run(
        [str(RUNTIME_PYTHON), "-I", "-c", script],
        cwd=task_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    major, minor = (int(part) for part in RUNTIME_VERSION.split("."))
    assert result.stdout.strip() == f"({major}, {minor}) JPEG RGB (32, 32)"
