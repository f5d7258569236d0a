# SPDX-License-Identifier: EUPL-1.2
"""Every source file carries the EUPL-1.2 SPDX line (STYLE.md, rule 14)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKER = REPO / "scripts" / "check_spdx.py"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def run_checker(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECKER), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_source_file_in_the_repository_has_an_spdx_header() -> None:
    result = run_checker(REPO)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture()
def tiny_repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    files = {
        ".gitignore": "var/\n",
        "ok.py": "# SPDX-License-Identifier: EUPL-1.2\nprint('ok')\n",
        "run.sh": "#!/usr/bin/env bash\n# SPDX-License-Identifier: EUPL-1.2\necho ok\n",
        "page.html.j2": "{# SPDX-License-Identifier: EUPL-1.2 #}\n<p>ok</p>\n",
        "static/page.html": "<!-- SPDX-License-Identifier: EUPL-1.2 -->\n<p>ok</p>\n",
        "bare.py": "print('no header')\n",
        "late.yml": "a: 1\nb: 2\nc: 3\n# SPDX-License-Identifier: EUPL-1.2\n",
        "Makefile": "all:\n\ttrue\n",
        ".ci/run": "#!/usr/bin/env bash\nexit 0\n",
        "data.csv": "a,b\n1,2\n",
        "notes.md": "# notes\n",
        "docs/standards/copied.yml": "rules: {}\n",
        "var/ignored.py": "print('ignored by .gitignore')\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_checker_flags_files_without_the_header(tiny_repo: Path) -> None:
    result = run_checker(tiny_repo)

    assert result.returncode == 1
    flagged = {line.split(":", 1)[0] for line in result.stdout.splitlines() if ": no '" in line}
    assert flagged == {"bare.py", "late.yml", "Makefile", ".ci/run"}


def test_checker_passes_once_the_headers_are_added(tiny_repo: Path) -> None:
    header = "# SPDX-License-Identifier: EUPL-1.2\n"
    for name in ("bare.py", "late.yml", "Makefile"):
        path = tiny_repo / name
        path.write_text(header + path.read_text(encoding="utf-8"), encoding="utf-8")
    ci_run = tiny_repo / ".ci" / "run"
    ci_run.write_text("#!/usr/bin/env bash\n" + header + "exit 0\n", encoding="utf-8")

    result = run_checker(tiny_repo)

    assert result.returncode == 0, result.stdout
    assert "0 without SPDX header" in result.stdout
