# SPDX-License-Identifier: EUPL-1.2
"""One suite over a whole signal file, chunk by chunk, as findings without values.

Memory stays flat: a chunk is validated and dropped; only counts, the failing line
numbers of row checks and (for table checks) column names are kept. A table check
that fails in any chunk fails for the file; a row check with `mostly` is judged on
the file's totals, not per chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch.frame import (
    CONTRACT_COLUMN,
    DEFAULT_CHUNK_ROWS,
    ERROR_COLUMN,
    ROW_COLUMN,
    iter_file_frames,
)
from vroegsignaal.contract.io import FileRefused, SignalFile

if TYPE_CHECKING:
    import pandas as pd

    from batch.suites import SuiteRunner

log = logging.getLogger(__name__)


@dataclass
class Finding:
    """What one expectation found in the whole file."""

    code: str
    expectation: str
    severity: str
    why: str
    columns: tuple[str, ...]
    identificerend: bool
    row_level: bool = False
    success: bool = True
    checked: int = 0  # rows the check looked at (non-empty values)
    failed: int = 0  # rows that failed it
    lines: list[int] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    mostly: float | None = None
    crashed: bool = False  # GX raised: the file could not be checked

    def judge(self) -> None:
        if self.crashed:
            self.success = False
        elif self.row_level:
            if self.mostly is None:
                self.success = self.failed == 0
            else:
                self.success = self.checked == 0 or (
                    (self.checked - self.failed) / self.checked >= self.mostly
                )


MAX_CONTRACT_LINES = 1000  # lines named per contract error in the report


@dataclass
class ContractTally:
    """How many rows the contract refused with one (veld, fout), and the first lines."""

    count: int = 0
    lines: list[int] = field(default_factory=list)


@dataclass
class FileValidation:
    """Everything the file rule and the report need; no values from the file.

    `contract` counts the contract's own refusals per "veld:fout" (the codes of the
    `contractfout` column); `regels` the file's physical lines by kind
    (contract/lines.py); `file_refused` the code when the file was refused whole (no
    header, wrong separator, not UTF-8): then nothing of it was validated.
    """

    suite: str
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    contract: dict[str, ContractTally] = field(default_factory=dict)
    regels: dict[str, int] = field(default_factory=dict)
    file_refused: str | None = None

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if not f.success]

    def invalid_lines(self) -> dict[int, list[str]]:
        """Lines that fail an error or fatal row check, with the codes they fail."""
        out: dict[int, list[str]] = {}
        for f in self.failed:
            if f.row_level and f.severity != "warning":
                for line in f.lines:
                    out.setdefault(line, []).append(f.code)
        return out


def _columns(kwargs: dict[str, Any]) -> tuple[str, ...]:
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    return tuple(kwargs.get("column_list", ()))


def _new_findings(expectations: list[dict[str, Any]]) -> dict[str, Finding]:
    out = {}
    for exp in expectations:
        meta, kwargs = exp["meta"], exp.get("kwargs", {})
        out[meta["code"]] = Finding(
            code=meta["code"],
            expectation=exp["type"],
            severity=meta["severity"],
            why=meta["why"],
            columns=_columns(kwargs),
            identificerend=bool(meta.get("identificerend", False)),
            mostly=kwargs.get("mostly"),
        )
    return out


def _raised(info: Any) -> bool:
    """GX reports an exception flat, or per metric: {metric id: {raised_exception: ...}}."""
    if not isinstance(info, dict):
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _absorb(finding: Finding, result: dict[str, Any]) -> None:
    """Fold one chunk's result for this expectation into the file's finding."""
    if _raised(result.get("exception_info")):
        finding.crashed = True
        finding.details["fout"] = "De controle kon niet worden uitgevoerd."
        return
    res = result.get("result") or {}
    if "unexpected_index_list" in res or "unexpected_count" in res:
        finding.row_level = True
        missing = int(res.get("missing_count") or 0)
        finding.checked += int(res.get("element_count") or 0) - missing
        finding.failed += int(res.get("unexpected_count") or 0)
        for entry in res.get("unexpected_index_list") or []:
            value = entry.get(ROW_COLUMN) if isinstance(entry, dict) else entry
            finding.lines.extend(int(v) for v in (value if isinstance(value, list) else [value]))
        return
    if not result.get("success", True):
        finding.success = False
        mismatched = (res.get("details") or {}).get("mismatched") or {}
        if mismatched.get("unexpected"):
            # Column names, never values: the schuldeiser's own header.
            names = set(finding.details.get("onverwachte_kolommen", []))
            names.update(str(c) for c in mismatched["unexpected"])
            finding.details["onverwachte_kolommen"] = sorted(names)
        if "observed_value" in res and finding.expectation.startswith("expect_table_row_count"):
            finding.details["aantal_regels"] = res["observed_value"]


def validate_frames(
    frames: Iterable[pd.DataFrame],
    runner: SuiteRunner,
    parameters: dict[str, Any] | None = None,
) -> FileValidation:
    findings = _new_findings(runner.expectations)
    outcome = FileValidation(suite=runner.name, findings=list(findings.values()))
    for frame in frames:
        outcome.rows += len(frame)
        _tally_contract(outcome.contract, frame)
        result = runner.validate(frame, parameters)
        for r in result.results:
            code = (r.expectation_config.meta or {}).get("code")
            if code in findings:
                info = r.exception_info or {}
                _absorb(
                    findings[code],
                    {"success": r.success, "result": r.result, "exception_info": info},
                )
        log.debug("validated chunk rows=%d total=%d", len(frame), outcome.rows)
    _report_unreadable_once(outcome.findings)
    for f in outcome.findings:
        f.lines.sort()
        f.judge()
    return outcome


def _tally_contract(tally: dict[str, ContractTally], frame: pd.DataFrame) -> None:
    if CONTRACT_COLUMN not in frame.columns:
        return
    for line, codes in frame[CONTRACT_COLUMN].dropna().items():
        for code in str(codes).split(";"):
            t = tally.setdefault(code, ContractTally())
            t.count += 1
            if len(t.lines) < MAX_CONTRACT_LINES:
                t.lines.append(int(line))


def _report_unreadable_once(findings: list[Finding]) -> None:
    """A line that could not be read is empty in every column; it is named once, by the
    check on `leesfout`, not again by every required-field check."""
    unreadable = {
        line for f in findings if ERROR_COLUMN in f.columns and f.row_level for line in f.lines
    }
    if not unreadable:
        return
    for f in findings:
        if f.row_level and ERROR_COLUMN not in f.columns:
            kept = [line for line in f.lines if line not in unreadable]
            f.failed -= len(f.lines) - len(kept)
            f.lines = kept


def merge(parts: list[FileValidation]) -> FileValidation:
    """One file's validation from the validations of its parts (chunks)."""
    merged = FileValidation(suite=parts[0].suite, findings=[])
    by_code: dict[str, Finding] = {}
    for part in parts:
        merged.rows += part.rows
        merged.file_refused = merged.file_refused or part.file_refused
        merged.regels = merged.regels or part.regels
        for code, t in part.contract.items():
            into_t = merged.contract.setdefault(code, ContractTally())
            into_t.count += t.count
            into_t.lines = sorted(into_t.lines + t.lines)[:MAX_CONTRACT_LINES]
        for f in part.findings:
            into = by_code.get(f.code)
            if into is None:
                by_code[f.code] = into = replace(
                    f, lines=[], details={}, checked=0, failed=0, success=True, crashed=False
                )
                merged.findings.append(into)
            into.row_level = into.row_level or f.row_level
            into.crashed = into.crashed or f.crashed
            into.checked += f.checked
            into.failed += f.failed
            into.lines.extend(f.lines)
            if not f.row_level and not f.success:
                into.success = False
            for key, value in f.details.items():
                if isinstance(value, list):
                    into.details[key] = sorted(set(into.details.get(key, [])) | set(value))
                else:
                    into.details.setdefault(key, value)
    for f in merged.findings:
        f.lines.sort()
        if f.row_level or f.crashed:
            f.judge()
    return merged


def validate_part(
    path: Path,
    suite: str,
    directory: Path | None,
    parameters: dict[str, Any] | None,
    chunk_rows: int,
    part: tuple[int, int],
) -> FileValidation:
    """Every `part[1]`-th chunk of the file from the `part[0]`-th on; a worker's share."""
    from batch.suites import SuiteRunner

    runner = SuiteRunner.load(suite, directory)
    records = SignalFile(path)
    try:
        validation = validate_frames(iter_file_frames(records, chunk_rows, part), runner,
                                     parameters)
    except FileRefused as refused:
        validation = FileValidation(suite=suite, file_refused=refused.code)
    if part[0] == 0:  # every part reads the whole file; one of them says what it holds
        validation.regels = records.counts.as_dict()
    return validation


def validate_file(
    path: Path,
    *,
    suite: str,
    parameters: dict[str, Any] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    workers: int = 1,
    directory: Path | None = None,
) -> FileValidation:
    """Validate every record of a JSONL or CSV signal file against the suite.

    With `workers > 1` that many worker processes (batch/parallel.py) each read the
    file and validate every `workers`-th chunk; their findings are merged. Memory per
    process stays at about one chunk, however long the file. Raises
    `batch.parallel.WorkerFailed` when a worker fails.
    """
    args = {
        "path": path,
        "suite": suite,
        "directory": directory,
        "parameters": parameters,
        "chunk_rows": chunk_rows,
    }
    if workers <= 1:
        return validate_part(**args, part=(0, 1))
    from batch.parallel import run_workers

    calls = [{**args, "part": (k, workers)} for k in range(workers)]
    return merge(run_workers("batch.validation:validate_part", calls))
