"""Kept report documents: the data version of a municipality, and the documents' rows.

A report document (:class:`~.models.ReportDocument`) is kept per
(municipality, year, rule set, format, data version). :func:`data_version`
is a hash of what a report of the municipality is made from, read with a
handful of aggregate queries (no query per plan or value):

* the municipality (name, prefecture, code);
* its plans: count, sum of import counts, latest ``updated_at`` and ``audited_at``
  (a re-import replaces the printed cells and bumps both);
* their entered actual values: count, sum of ``version`` (every change of a
  value — entry, approval, return, revert — adds one) and latest ``updated_at``;
* the committee comments on their nodes: count and latest ``updated_at``;
* which department owns each indicator, and the departments' names.

Stored evaluations are left out on purpose: building a report evaluates the
year and saves the evaluations, so they are an output of the build (made
from the data above and the rule set, whose text is part of the key), and
counting them would make every build change the version it was made for.
"""

from __future__ import annotations

import hashlib
import json

from django.db.models import Count, Max, Sum

from . import models as db


def data_version(owner: db.Municipality | None) -> str:
    """The data version of ``owner``'s reports (module docstring): 16 hex digits that
    change when any plan, actual value, comment or department assignment of it changes."""
    plans = db.Plan.objects.filter(municipality=owner)
    parts: list[object] = [
        [owner.pk, owner.name, owner.prefecture, owner.code] if owner is not None else None,
        plans.aggregate(n=Count("id"), i=Sum("import_count"), u=Max("updated_at"), a=Max("audited_at")),
        db.ActualValue.objects.filter(series__indicator__plan__in=plans).aggregate(
            n=Count("id"), v=Sum("version"), u=Max("updated_at")
        ),
        db.CommitteeComment.objects.filter(node__plan__in=plans).aggregate(
            n=Count("id"), u=Max("updated_at")
        ),
        list(
            db.Indicator.objects.filter(plan__in=plans, department__isnull=False)
            .order_by("id")
            .values_list("id", "department__name")
        ),
    ]
    text = json.dumps(parts, default=str, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def document_key(
    owner: db.Municipality | None, year: int, rules: str, rules_text: str, fmt: str, version: str
) -> str:
    """The identity of a kept document: a hash of the municipality, year, rule set (name and
    text), format and data version."""
    text = json.dumps(
        [owner.pk if owner else None, year, rules, rules_text, fmt, version], ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def set_progress(document_id: int, percent: int, step: str) -> None:
    """Record the progress of a document being built (outside any transaction of the build)."""
    db.ReportDocument.objects.filter(pk=document_id).update(
        status=db.ReportDocument.RUNNING, progress=percent, step=step[:200]
    )
