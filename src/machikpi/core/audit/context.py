"""What every check sees: the plan, its period, and a finding factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Indicator, Node, Plan, Series
from .findings import CHECKS, Finding, Severity
from .period import PlanPeriod


@dataclass(frozen=True)
class Entry:
    """An indicator with its node path (outermost first, its own node last)."""

    path: tuple[Node, ...]
    indicator: Indicator


@dataclass
class AuditContext:
    """The plan under audit and the period target years are checked against
    (``None`` when none is known: the period checks then say nothing)."""

    plan: Plan
    period: PlanPeriod | None

    def entries(self) -> list[Entry]:
        """Every indicator of the plan in document order."""
        return [Entry(path, ind) for path, ind in self.plan.indicators()]

    def finding(
        self,
        check_id: str,
        entry: Entry,
        message: str,
        *,
        series: Series | None = None,
        cell: str | None = None,
        severity: Severity | None = None,
        **details: Any,
    ) -> Finding:
        """A finding of ``check_id`` on ``entry`` (severity: the check's
        default unless given). Raises :class:`KeyError` for an unknown check."""
        spec = CHECKS[check_id]
        ind = entry.indicator
        code = next((n.code for n in reversed(entry.path) if n.code), None)
        return Finding(
            check=check_id,
            severity=severity or spec.severity,
            message=message,
            doc=self.plan.doc,
            line=ind.source.line if ind.source else None,
            node_path=tuple(n.title for n in entry.path),
            node_code=code,
            indicator=ind.name,
            group=series.group if series is not None else None,
            cell=cell,
            details=details,
        )
