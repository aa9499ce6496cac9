"""A description of the machine the benchmarks ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import PIL


def _cpuinfo_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def _os_name() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    return platform.platform()


def describe() -> list[tuple[str, str]]:
    """(label, value) pairs: CPU model, cores, RAM, Python, Pillow, OS."""
    return [
        ("CPU", _cpuinfo_model()),
        ("cores", str(os.cpu_count())),
        ("RAM", f"{_ram_gib():.1f} GiB"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Pillow", PIL.__version__),
        ("OS", _os_name()),
    ]
