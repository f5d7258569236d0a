# SPDX-License-Identifier: EUPL-1.2
"""Report source files whose first lines lack the EUPL-1.2 SPDX licence identifier.

Looks at every file git knows about or would pick up (tracked, plus untracked that
is not ignored: `git ls-files -co --exclude-standard`). Source files are recognised
by their ending, plus Makefile, Dockerfile and everything under `.ci/`. Data files
(csv, json, md, lock, txt) and the copied standards under `docs/standards/` are
skipped: they are not ours to stamp.

The identifier must appear in one of the first three lines, in whatever comment
syntax the file type uses, for example:

    # SPDX-License-Identifier: EUPL-1.2                 (Python, shell, YAML, TOML)
    {# SPDX-License-Identifier: EUPL-1.2 #}             (Jinja2 templates)
    <!-- SPDX-License-Identifier: EUPL-1.2 -->          (plain HTML)
    /* SPDX-License-Identifier: EUPL-1.2 */             (CSS, JavaScript)

A shebang may come first. Usage:

    python scripts/check_spdx.py [--root PATH]

Exit status: 0 when every source file carries the line, 1 when any lacks it,
2 when the file list could not be read from git.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

IDENTIFIER = "SPDX-License-Identifier: EUPL-1.2"
HEADER_LINES = 3

SOURCE_SUFFIXES = frozenset(
    {
        ".py",
        ".sh",
        ".yml",
        ".yaml",
        ".toml",
        ".cfg",
        ".ini",
        ".mako",
        ".js",
        ".css",
        ".html",
        ".j2",
        ".java",
    }
)
SOURCE_NAMES = frozenset({"Makefile", "Dockerfile"})
DATA_SUFFIXES = frozenset({".csv", ".json", ".md", ".lock", ".txt"})
SOURCE_DIRS = (".ci/",)
SKIPPED_DIRS = ("docs/standards/",)


def is_source(path: str) -> bool:
    """True when `path` (relative, POSIX separators) must carry the SPDX line."""
    if path.startswith(SKIPPED_DIRS):
        return False
    pure = PurePosixPath(path)
    suffix = pure.suffix.lower()
    if suffix in DATA_SUFFIXES:
        return False
    if path.startswith(SOURCE_DIRS):
        return True
    name = pure.name
    if name in SOURCE_NAMES or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
        return True
    return suffix in SOURCE_SUFFIXES


def candidate_files(root: Path) -> list[str]:
    """Tracked plus untracked-not-ignored files under `root`, as git reports them."""
    result = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    )
    names = result.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return sorted({name for name in names if name})


def has_identifier(path: Path) -> bool:
    """True when one of the first HEADER_LINES lines holds the identifier."""
    with path.open("rb") as handle:
        head = [handle.readline() for _ in range(HEADER_LINES)]
    text = b"".join(head).decode("utf-8", errors="replace")
    return IDENTIFIER in text


def missing_headers(root: Path, files: Iterable[str] | None = None) -> list[str]:
    """Source files under `root` without the SPDX line; deleted files are ignored."""
    missing = []
    for name in files if files is not None else candidate_files(root):
        if not is_source(name):
            continue
        path = root / name
        if not path.is_file():  # tracked but deleted in the work tree, or a submodule
            continue
        if not has_identifier(path):
            missing.append(name)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="repository to check (default: the repository holding this script)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    try:
        files = candidate_files(root)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"check_spdx: cannot list files with git in {root}: {exc}", file=sys.stderr)
        return 2
    missing = missing_headers(root, files)
    checked = sum(1 for name in files if is_source(name) and (root / name).is_file())
    for name in missing:
        print(f"{name}: no '{IDENTIFIER}' in the first {HEADER_LINES} lines")
    print(f"check_spdx: {checked} source files checked, {len(missing)} without SPDX header")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
