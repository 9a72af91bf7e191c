"""Findings of the plan audit and the registry of named checks.

A :class:`Finding` is one defect (or point to check) found in a
:class:`~machikpi.core.model.Plan`: the check's English id
(``target-missing``), a :class:`Severity`, a message in Japanese and the
place (document, line, node path and code, indicator name, group, cell).
Every check is registered once in :data:`CHECKS` with its id, default
severity and the rule it applies (see :mod:`machikpi.core.audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import AuditContext


class Severity(StrEnum):
    """How serious a finding is.

    ``error``: the table contradicts itself or its rationale and cannot be
    evaluated as printed; ``warning``: probably a defect, a person must
    decide; ``info``: worth a look (e.g. an OCR repair that was made)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: Order of severities, most serious first (for sorting and filtering).
SEVERITY_RANK: dict[Severity, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class Finding:
    """One finding of the audit.

    ``check`` is the check's id; ``message`` is Japanese; ``doc`` and
    ``line`` (1-based, ``None`` when the plan holds no source line) locate
    the indicator's row; ``node_path`` lists the titles of the nodes from the
    root to the indicator's node, ``node_code`` is the code of the innermost
    node that has one; ``indicator`` and ``group`` name the indicator and
    its series group; ``cell`` names the cell (``"baseline"``,
    ``"target[0]"``, ``"notes"``) or is ``None`` for the whole indicator;
    ``details`` holds the numbers behind the message (JSON-ready values)."""

    check: str
    severity: Severity
    message: str
    doc: str
    line: int | None = None
    node_path: tuple[str, ...] = ()
    node_code: str | None = None
    indicator: str | None = None
    group: str | None = None
    cell: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


CheckFunc = Callable[["AuditContext"], Iterator[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    """A named check: ``id`` (English, kebab-case), default ``severity``,
    ``title`` (Japanese, one line), ``rule`` (English: what it flags and the
    source of the rule) and the function that runs it."""

    id: str
    severity: Severity
    title: str
    rule: str
    func: CheckFunc


#: Every registered check by id, in registration (= report) order.
CHECKS: dict[str, CheckSpec] = {}


def check(id: str, severity: Severity, title: str, rule: str) -> Callable[[CheckFunc], CheckFunc]:
    """Register the decorated generator function as the check ``id``.

    Raises :class:`ValueError` when ``id`` is registered twice."""

    def register(func: CheckFunc) -> CheckFunc:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        CHECKS[id] = CheckSpec(id, severity, title, rule, func)
        return func

    return register


def finding_to_json(f: Finding) -> dict[str, Any]:
    """A finding as a JSON-ready dict (keys: ``check``, ``severity``,
    ``message``, ``doc``, ``line``, ``node_path`` (list), ``node_code``,
    ``indicator``, ``group``, ``cell``, ``details``)."""
    return {
        "check": f.check,
        "severity": str(f.severity),
        "message": f.message,
        "doc": f.doc,
        "line": f.line,
        "node_path": list(f.node_path),
        "node_code": f.node_code,
        "indicator": f.indicator,
        "group": f.group,
        "cell": f.cell,
        "details": dict(f.details),
    }


def findings_to_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """:func:`finding_to_json` of every finding, order kept."""
    return [finding_to_json(f) for f in findings]


def finding_from_json(d: dict[str, Any]) -> Finding:
    """The :class:`Finding` that :func:`finding_to_json` gave ``d`` (stored audits).

    Raises ``KeyError`` for a missing ``check``, ``severity``, ``message`` or
    ``doc`` and ``ValueError`` for an unknown severity."""
    return Finding(
        check=d["check"],
        severity=Severity(d["severity"]),
        message=d["message"],
        doc=d["doc"],
        line=d.get("line"),
        node_path=tuple(d.get("node_path") or ()),
        node_code=d.get("node_code"),
        indicator=d.get("indicator"),
        group=d.get("group"),
        cell=d.get("cell"),
        details=dict(d.get("details") or {}),
    )
