"""Re-pin the requirement files with the sha256 of every file pip may install from them.

``requirements/<name>.in`` -> ``requirements/<name>.txt`` by ``pip-compile --generate-hashes``,
run by the interpreter the pins are for (requirements/runtime.in by the Lambda runtime's Python).
``requirements/function.in`` -> ``function/requirements.txt`` the same way, then narrowed to the
hashes of the wheels the zip can take: each Lambda runtime Python x x86_64/aarch64 manylinux.
Existing pins are kept unless ``--upgrade``; Dependabot moves them between re-pins.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.package import ARCHITECTURES, REQUIREMENTS, RUNTIME_PYTHON_VERSIONS, wheel_options

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS_DIR = ROOT / "requirements"
PIP_TOOLS = REQUIREMENTS_DIR / "pip-tools.txt"
HASH_LINE = re.compile(r"^\s+--hash=sha256:([0-9a-f]{64})")


def tools_python(python: str, venv: Path) -> Path:
    """A throwaway virtualenv of ``python`` with pip-compile installed from its hash-pinned file."""
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--require-hashes"]
    subprocess.run([*install, "-r", str(PIP_TOOLS)], check=True)
    return venv / "bin" / "python"


def compile_pins(python: Path, source: Path, output: Path, upgrade: bool) -> None:
    """pip-compile ``source`` into ``output`` (relative paths: a portable header)."""
    command = [
        str(python),
        "-m",
        "piptools",
        "compile",
        "--quiet",
        "--generate-hashes",
        "--allow-unsafe",
        "--strip-extras",
        "--no-emit-index-url",
        "--no-emit-find-links",
        *(["--upgrade"] if upgrade else []),
        f"--output-file={output.relative_to(ROOT)}",
        str(source.relative_to(ROOT)),
    ]
    subprocess.run(command, check=True, cwd=ROOT)


def zip_wheel_hashes(python: Path, pins: Path, workdir: Path) -> set[str]:
    """sha256 of every wheel the zip can take: each runtime Python x architecture, hash-checked."""
    hashes = set()
    for version in RUNTIME_PYTHON_VERSIONS:
        for arch in ARCHITECTURES:
            dest = workdir / f"wheels-{version}-{arch}"
            download = [str(python), "-m", "pip", "download", "--quiet", "--require-hashes"]
            options = [*wheel_options(version, arch), "--dest", str(dest), "-r", str(pins)]
            subprocess.run([*download, *options], check=True)
            hashes.update(
                hashlib.sha256(wheel.read_bytes()).hexdigest() for wheel in dest.iterdir()
            )
    return hashes


def keep_hashes(text: str, allowed: set[str]) -> str:
    """Drop the ``--hash`` lines of pip-compile output whose digest is not in ``allowed``."""
    lines = [
        line
        for line in text.splitlines()
        if not (match := HASH_LINE.match(line)) or match.group(1) in allowed
    ]
    # Each requirement's last option line ends its logical line: no continuation backslash.
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.endswith(" \\") and not HASH_LINE.match(following):
            lines[index] = line.removesuffix(" \\")
    return "\n".join(lines) + "\n"


def pin_function(tools: Path, upgrade: bool, workdir: Path) -> None:
    """Pin requirements/function.in into function/requirements.txt: hashes of the zip's wheels."""
    # pip-compile keeps the existing versions but would also hold pip to the narrowed hashes,
    # refusing the build host's own wheel: it starts from the pins without their hashes.
    previous = REQUIREMENTS.read_text() if REQUIREMENTS.exists() else None
    if previous is not None:
        REQUIREMENTS.write_text(keep_hashes(previous, set()))
    try:
        compile_pins(tools, REQUIREMENTS_DIR / "function.in", REQUIREMENTS, upgrade)
        allowed = zip_wheel_hashes(tools, REQUIREMENTS, workdir)
    except subprocess.CalledProcessError:
        if previous is not None:
            REQUIREMENTS.write_text(previous)
        raise
    REQUIREMENTS.write_text(keep_hashes(REQUIREMENTS.read_text(), allowed))


def main(argv: list[str] | None = None) -> None:
    """Pin every requirements/*.in (or the names given)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="e.g. dev function (default: all)")
    parser.add_argument(
        "--upgrade", action="store_true", help="move every pin to the newest release"
    )
    parser.add_argument(
        "--runtime-python",
        default=sys.executable,
        help="the Lambda runtime's Python, for requirements/runtime.in",
    )
    args = parser.parse_args(argv)
    names = args.names or sorted(path.stem for path in REQUIREMENTS_DIR.glob("*.in"))
    with tempfile.TemporaryDirectory(prefix="png2jpg-pin-") as tmp:
        tools: dict[str, Path] = {}
        for name in names:
            python = args.runtime_python if name == "runtime" else sys.executable
            if python not in tools:
                tools[python] = tools_python(python, Path(tmp) / f"tools-{len(tools)}")
            source = REQUIREMENTS_DIR / f"{name}.in"
            if name == "function":
                pin_function(tools[python], args.upgrade, Path(tmp))
            else:
                compile_pins(tools[python], source, source.with_suffix(".txt"), args.upgrade)
            print(f"pinned {name}")


if __name__ == "__main__":
    main()
