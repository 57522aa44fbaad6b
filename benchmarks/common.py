"""What every benchmark script shares: installing its own dependencies, and a line naming the machine."""

from __future__ import annotations

import importlib.util
import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

DEPENDENCIES = {"typst": "typst", "psutil": "psutil"}  # import name -> PyPI name


def ensure_dependencies() -> None:
    """Install the benchmarks' own dependencies into this interpreter if they are missing."""
    missing = [pkg for mod, pkg in DEPENDENCIES.items() if not is_installed(mod)]
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *missing])


def is_installed(module: str) -> bool:
    """Whether `module` is a real installed module, not only a folder of the same name on sys.path (the scripts'
    own folder holds typst/, the peer template, which Python would import as an empty namespace package)."""
    spec = importlib.util.find_spec(module)
    return spec is not None and spec.origin is not None


def child_environment() -> dict[str, str]:
    """The environment for measured child processes: Python's default bytecode caching, as on a user's machine.

    Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run recompile the project's modules from
    source; the warm-up run of each command then fills the cache for both engines alike.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def package_version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def environment_line() -> str:
    """Python, ReportLab and Typst versions, CPUs and the load, printed with every benchmark's figures."""
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"Python {platform.python_version()}, reportlab {package_version('reportlab')}, "
        f"typst (PyPI) {package_version('typst')}, {os.cpu_count()} CPUs, "
        f"{platform.machine()} {platform.system()}{load}"
    )
