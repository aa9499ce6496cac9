"""The deployment zip: layout, Linux wheels for the runtime, reproducibility, and a real run.

These tests call scripts/package.py (pip downloads Pillow's manylinux wheels, from the cache after
the first run) and run the unpacked zip with the Lambda runtime's Python (``.venv-runtime``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from scripts.package import MAX_ZIP_BYTES, main

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
RUNTIME_VERSION = os.environ.get("RUNTIME_PYTHON_VERSION", "3.13")
# ELF e_machine values: what the native modules were compiled for.
ELF_MACHINE = {"x86_64": 0x3E, "arm64": 0xB7}


def build(output: Path, *extra: str) -> int:
    return main(["--python-version", RUNTIME_VERSION, "--output", str(output), *extra])


@pytest.fixture(scope="module")
def x86_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("x86") / "function.zip"
    assert build(output, "--arch", "x86_64") == 0
    return output


def elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF", "not an ELF shared object"
    return int.from_bytes(data[18:20], "little")


def native_modules(archive: zipfile.ZipFile) -> list[str]:
    return [name for name in archive.namelist() if name.endswith(".so")]


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


def test_arm64_build_has_aarch64_native_modules(tmp_path: Path) -> None:
    output = tmp_path / "function.zip"
    assert build(output, "--arch", "arm64") == 0
    with zipfile.ZipFile(output) as archive:
        modules = native_modules(archive)
        assert any("aarch64-linux-gnu" in name for name in modules)
        for name in modules:
            assert elf_machine(archive.read(name)) == ELF_MACHINE["arm64"], name


def test_two_builds_are_byte_identical(x86_zip: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    assert build(again, "--arch", "x86_64") == 0
    digest = hashlib.sha256(x86_zip.read_bytes()).hexdigest()
    assert hashlib.sha256(again.read_bytes()).hexdigest() == digest


def test_refuses_a_zip_over_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "function.zip"
    assert build(output, "--max-zip-bytes", "1000") == 1
    assert "over the 1,000-byte limit" in capsys.readouterr().err
    assert not output.exists()


def test_refuses_an_unzipped_package_over_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "function.zip"
    assert build(output, "--max-unzipped-bytes", "1000") == 1
    assert "unzipped package is" in capsys.readouterr().err
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
