"""Build the Lambda deployment zip: the png2jpg package plus Linux wheels for the runtime.

The zip is reproducible: entries sorted, fixed timestamps and modes, no ``__pycache__``, so the
same tree always gives the same bytes and Terraform redeploys only on a real change.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = ROOT / "function"
PACKAGE_NAME = "png2jpg"
# Lambda's documented limits for a zip deployment package.
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
# Packages the Lambda runtime already provides: shipping them only makes the zip bigger.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16
SKIPPED_PARTS = {"__pycache__", "bin"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


class PackageError(Exception):
    """The zip cannot be built or breaks a Lambda limit."""


def install_requirements(target: Path, python_version: str, arch: str) -> None:
    """Install function/requirements.txt into ``target`` from manylinux wheels for the runtime."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--platform",
        f"manylinux_2_28_{arch}",
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
        "--target",
        str(target),
        "--requirement",
        str(FUNCTION_DIR / "requirements.txt"),
    ]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise PackageError(f"pip could not install the function's requirements:\n{result.stderr}")
    provided = [name for name in RUNTIME_PROVIDED if (target / name).exists()]
    if provided:
        raise PackageError(f"runtime-provided packages ended up in the zip: {', '.join(provided)}")


def zip_entries(site: Path) -> Iterator[tuple[str, Path]]:
    """Yield (archive name, file) for the code and its dependencies, sorted by name."""
    sources = [(PACKAGE_NAME, FUNCTION_DIR / PACKAGE_NAME), ("", site)]
    entries: dict[str, Path] = {}
    for prefix, base in sources:
        for path in base.rglob("*"):
            relative = path.relative_to(base)
            if path.is_dir() or SKIPPED_PARTS.intersection(relative.parts):
                continue
            if path.suffix in SKIPPED_SUFFIXES:
                continue
            name = f"{prefix}/{relative.as_posix()}" if prefix else relative.as_posix()
            if name in entries:
                raise PackageError(f"{name} is both function code and a dependency")
            entries[name] = path
    yield from sorted(entries.items())


def write_zip(output: Path, entries: Iterator[tuple[str, Path]]) -> int:
    """Write a deterministic zip and return the total uncompressed size."""
    unzipped = 0
    with zipfile.ZipFile(output, "w") as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            archive.writestr(info, data, compresslevel=9)
    return unzipped


def build(
    output: Path,
    python_version: str,
    arch: str,
    max_zip_bytes: int = MAX_ZIP_BYTES,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> str:
    """Build the zip at ``output`` and return its SHA-256; refuse one over Lambda's limits."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="png2jpg-package-") as tmp:
        site = Path(tmp) / "site"
        install_requirements(site, python_version, arch)
        staged = Path(tmp) / "function.zip"
        unzipped = write_zip(staged, zip_entries(site))
        size = staged.stat().st_size
        if size > max_zip_bytes:
            raise PackageError(f"the zip is {size:,} bytes, over the {max_zip_bytes:,}-byte limit")
        if unzipped > max_unzipped_bytes:
            raise PackageError(
                f"the unzipped package is {unzipped:,} bytes,"
                f" over the {max_unzipped_bytes:,}-byte limit"
            )
        digest = hashlib.sha256(staged.read_bytes()).hexdigest()
        shutil.move(staged, output)
    print(
        f"{output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}:"
        f" {size:,} bytes ({unzipped:,} unzipped), python{python_version} {arch},"
        f" sha256 {digest}"
    )
    return digest


def main(argv: list[str] | None = None) -> int:
    """Command line: build the zip, exit 1 with a clear message when it cannot be built."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-version", default="3.13", help="the runtime's Python (3.13)")
    parser.add_argument("--arch", choices=["x86_64", "arm64"], default="x86_64")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "function.zip")
    parser.add_argument("--max-zip-bytes", type=int, default=MAX_ZIP_BYTES, help=argparse.SUPPRESS)
    parser.add_argument(
        "--max-unzipped-bytes", type=int, default=MAX_UNZIPPED_BYTES, help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    # pip names the ARM platform aarch64; Lambda calls it arm64.
    pip_arch = {"x86_64": "x86_64", "arm64": "aarch64"}[args.arch]
    try:
        build(
            args.output.resolve(),
            args.python_version,
            pip_arch,
            args.max_zip_bytes,
            args.max_unzipped_bytes,
        )
    except PackageError as error:
        print(f"package: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
