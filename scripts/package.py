"""Build the Lambda deployment zip: the png2jpg package plus Linux wheels for the runtime.

Beside ``<name>.zip`` it writes ``<name>.manifest.json`` (the architecture and runtime the zip is
built for and its sha256, which Terraform checks against its variables) and ``<name>.cdx.json``,
a CycloneDX SBOM of the distributions it bundles, each with its license files. Wheels are
installed in pip's hash-checking mode: one whose sha256 is not pinned in function/requirements.txt
is refused. All three files are reproducible: entries sorted, fixed timestamps and modes, no
``__pycache__``, no SBOM serial number or timestamp, so the same tree always gives the same bytes
and Terraform redeploys only on a real change.

``--release VERSION`` builds a release's files instead: the zip of every supported runtime and
architecture, named ``png2jpg-VERSION-python3.13-x86_64.zip`` and so on, each with its manifest and
SBOM, and a ``SHA256SUMS`` of them all, in ``--dist-dir``.
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = ROOT / "function"
REQUIREMENTS = FUNCTION_DIR / "requirements.txt"
PACKAGE_NAME = "png2jpg"
# The Lambda runtimes the zip can be built for, and Lambda's architecture names with pip's.
RUNTIME_PYTHON_VERSIONS = ("3.12", "3.13")
ARCHITECTURES = {"x86_64": "x86_64", "arm64": "aarch64"}
# What a release's files are named after: a semantic version (1.2.3-rc.1) or git describe's.
RELEASE_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]*")
# Lambda's documented limits for a zip deployment package.
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
# Packages the Lambda runtime already provides: shipping them only makes the zip bigger.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16
SKIPPED_PARTS = {"__pycache__", "bin"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
# License file names, for a wheel whose metadata lists none (no License-File field).
LICENSE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
# pip's report of a wheel whose sha256 is not among the pinned ones: "    pillow==13.0.0 from …".
HASH_MISMATCH = re.compile(r"^\s+(\S+==\S+) from ", re.MULTILINE)


class PackageError(Exception):
    """The zip cannot be built or breaks a Lambda limit."""


def wheel_options(python_version: str, arch: str) -> list[str]:
    """pip options selecting the manylinux wheels for a Lambda runtime Python and architecture."""
    return [
        "--platform",
        f"manylinux_2_28_{ARCHITECTURES[arch]}",
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
    ]


def install_requirements(target: Path, requirements: Path, python_version: str, arch: str) -> None:
    """Install ``requirements`` into ``target``: hash-checked manylinux wheels for the runtime."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--require-hashes",
        *wheel_options(python_version, arch),
        "--target",
        str(target),
        "--requirement",
        str(requirements),
    ]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise PackageError(pip_failure(result.stderr, requirements))
    provided = [name for name in RUNTIME_PROVIDED if (target / name).exists()]
    if provided:
        raise PackageError(f"runtime-provided packages ended up in the zip: {', '.join(provided)}")


def pip_failure(stderr: str, requirements: Path) -> str:
    """What to tell the user when pip refused to install: the mismatching wheels first."""
    mismatched = HASH_MISMATCH.findall(stderr) if "DO NOT MATCH THE HASHES" in stderr else []
    if not mismatched:
        return f"pip could not install the function's requirements:\n{stderr}"
    return (
        f"refused {', '.join(mismatched)}: its wheel's sha256 is not one of those pinned in"
        f" {display(requirements)} (if the pin changed on purpose, re-pin with"
        f" `make requirements`)\n{stderr}"
    )


def license_files(dist_info: Path) -> list[Path]:
    """The license files in a .dist-info folder; raise if a declared one is missing."""
    metadata = email.parser.Parser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"))
    declared = metadata.get_all("License-File") or []
    found = []
    for name in declared:
        # Metadata 2.4 keeps them under licenses/ with their source path; older wheels flat.
        candidates = [dist_info / "licenses" / name, dist_info / Path(name).name]
        match = next((path for path in candidates if path.is_file()), None)
        if match is None:
            raise PackageError(f"{dist_info.name} declares the license file {name} but lacks it")
        found.append(match)
    if not declared:
        found = [path for path in dist_info.rglob("*") if LICENSE_NAME.match(path.name)]
    return found


def check_licenses(site: Path) -> None:
    """Refuse to bundle a distribution that does not carry its license files."""
    for dist_info in sorted(site.glob("*.dist-info")):
        if not license_files(dist_info):
            raise PackageError(f"{dist_info.name} holds no license file to ship in the zip")


def write_sbom(site: Path, output: Path, workdir: Path) -> None:
    """Write a reproducible CycloneDX SBOM of the distributions installed in ``site``.

    cyclonedx-py reads an interpreter's environment: a virtualenv without pip whose only
    third-party path is ``site`` (a .pth file) makes that environment exactly the zip's.
    """
    env = workdir / "sbom-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    paths = {"base": str(env), "platbase": str(env)}
    purelib = sysconfig.get_path("purelib", scheme="venv", vars=paths)
    (Path(purelib) / "function-zip.pth").write_text(f"{site}\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "cyclonedx_py",
        "environment",
        "--output-reproducible",
        "--output-format",
        "JSON",
        "--output-file",
        str(output),
        str(env),
    ]
    # With SOURCE_DATE_EPOCH set, cyclonedx-py would stamp the SBOM with it: no timestamp at all
    # keeps every machine's SBOM identical.
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(command, check=False, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise PackageError(f"cyclonedx-py could not write the SBOM:\n{result.stderr}")


def manifest(python_version: str, arch: str, digest: str) -> str:
    """The manifest Terraform reads: what the zip is built for and its sha256 (keys sorted)."""
    fields = {"architecture": arch, "runtime": f"python{python_version}", "sha256": digest}
    return json.dumps(fields, indent=2, sort_keys=True) + "\n"


def companions(zip_path: Path) -> dict[str, Path]:
    """The files written beside a zip: its manifest (Terraform reads it) and its SBOM."""
    return {
        "manifest": zip_path.with_suffix(".manifest.json"),
        "sbom": zip_path.with_suffix(".cdx.json"),
    }


def display(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


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
    requirements: Path = REQUIREMENTS,
    max_zip_bytes: int = MAX_ZIP_BYTES,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> str:
    """Build the zip at ``output`` with its manifest and SBOM; return the zip's SHA-256.

    Refuses a zip over Lambda's limits. The manifest is written last: it vouches for a complete zip.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="png2jpg-package-") as tmp:
        site = Path(tmp) / "site"
        install_requirements(site, requirements, python_version, arch)
        check_licenses(site)
        sbom = Path(tmp) / "function.cdx.json"
        write_sbom(site, sbom, Path(tmp))
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
        shutil.move(sbom, companions(output)["sbom"])
    companions(output)["manifest"].write_text(manifest(python_version, arch, digest))
    print(
        f"{display(output)}: {size:,} bytes ({unzipped:,} unzipped), python{python_version} {arch},"
        f" sha256 {digest}; manifest and SBOM beside it"
    )
    return digest


def release_zip_name(version: str, python_version: str, arch: str) -> str:
    """The file name of a release's zip; its manifest and SBOM take the same stem."""
    return f"{PACKAGE_NAME}-{version}-python{python_version}-{arch}.zip"


def build_release(directory: Path, version: str, requirements: Path = REQUIREMENTS) -> list[Path]:
    """Build the zip of every supported runtime and architecture into ``directory``.

    Writes ``SHA256SUMS`` (``sha256sum -c`` format) over every file built; returns the zips.
    """
    if not RELEASE_VERSION.fullmatch(version):
        raise PackageError(f"release version {version!r}: letters, digits and . + - only")
    built = []
    for python_version in RUNTIME_PYTHON_VERSIONS:
        for arch in ARCHITECTURES:
            path = directory / release_zip_name(version, python_version, arch)
            build(path, python_version, arch, requirements)
            built.append(path)
    files = sorted(
        path for zip_path in built for path in (zip_path, *companions(zip_path).values())
    )
    sums = [f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in files]
    (directory / "SHA256SUMS").write_text("".join(sums))
    return built


def main(argv: list[str] | None = None) -> int:
    """Command line: build the zip, exit 1 with a clear message when it cannot be built."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python-version", choices=RUNTIME_PYTHON_VERSIONS, default="3.13", help="the runtime's"
    )
    parser.add_argument("--arch", choices=list(ARCHITECTURES), default="x86_64")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "function.zip")
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS, help=argparse.SUPPRESS)
    parser.add_argument("--max-zip-bytes", type=int, default=MAX_ZIP_BYTES, help=argparse.SUPPRESS)
    parser.add_argument(
        "--max-unzipped-bytes", type=int, default=MAX_UNZIPPED_BYTES, help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--release",
        metavar="VERSION",
        help="build every runtime and architecture, named for VERSION",
    )
    parser.add_argument("--dist-dir", type=Path, default=ROOT / "build" / "dist")
    args = parser.parse_args(argv)
    try:
        if args.release:
            build_release(args.dist_dir.resolve(), args.release, args.requirements.resolve())
            return 0
        build(
            args.output.resolve(),
            args.python_version,
            args.arch,
            args.requirements.resolve(),
            args.max_zip_bytes,
            args.max_unzipped_bytes,
        )
    except PackageError as error:
        print(f"package: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
