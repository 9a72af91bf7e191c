"""The stored plan: what :class:`machikpi.core.model.Plan` holds, plus entered actual values.

Identity across re-imports (see :mod:`.plans`): a plan is its document name
(``Plan.doc``); a node is its *key* within the plan (the path of node codes,
or normalised titles where a node has no code); an indicator is its node key
plus its normalised name (:func:`machikpi.core.text.match_key`); a series is
its group within the indicator. Nothing that an actual value hangs on is
deleted: a node, indicator or series that disappears from a re-imported
document is kept with ``present = False``.

Texts are stored twice where the document's print matters: the cleaned,
NFKC-normalised text (``name``, cell ``value``) and the raw text
(``raw_name``, cell ``raw``; an entered value's ``raw`` is the text exactly
as typed, before NFKC).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class Plan(models.Model):
    """One plan document as last imported; ``doc`` (the file name) is its identity."""

    doc = models.CharField(max_length=500, unique=True)
    title = models.TextField(blank=True, default="")
    layout = models.CharField(max_length=100)
    warnings = models.JSONField(default=list, help_text="the importer's warnings of the last import")
    import_count = models.PositiveIntegerField(default=1)
    audit_findings = models.JSONField(
        default=list,
        help_text="the audit of the last import: machikpi.core.audit.findings_to_json of audit_plan",
    )
    audit_period = models.CharField(
        max_length=20, blank=True, default="", help_text="plan period the audit used, e.g. 2020-2024"
    )
    audited_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "machikpi_plan"
        ordering: ClassVar[list[str]] = ["doc"]

    def __str__(self) -> str:
        return self.title or self.doc


class Node(models.Model):
    """A node of a plan's hierarchy (基本目標, 施策 …); ``key`` is its identity within the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    key = models.CharField(max_length=2000)
    level = models.CharField(max_length=100)
    code = models.CharField(max_length=100, null=True, blank=True)
    title = models.TextField()
    text = models.TextField(blank=True, default="")
    line = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="document order within the plan")
    present = models.BooleanField(default=True, help_text="False: gone from the last import of the document")

    class Meta:
        db_table = "machikpi_node"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "key"], name="machikpi_node_key")
        ]

    def __str__(self) -> str:
        return f"{self.code or ''} {self.title}".strip()


class Department(models.Model):
    """A department (担当課) that owns indicators and reports their actual values.

    Plan documents rarely say who owns an indicator; the planning office
    assigns departments (web staff area, admin, or the demo's assignment)."""

    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "machikpi_department"
        ordering: ClassVar[list[str]] = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """The machikpi role of a staff user (Django's ``auth.User``).

    ``planning`` (企画政策課): everything; ``department``: enters values for
    the indicators its ``department`` owns; ``committee`` (外部有識者会議):
    reads drafts and comments on nodes."""

    PLANNING = "planning"
    DEPARTMENT = "department"
    COMMITTEE = "committee"
    ROLES: ClassVar[list[tuple[str, str]]] = [
        (PLANNING, "企画政策課"),
        (DEPARTMENT, "担当課"),
        (COMMITTEE, "外部有識者会議"),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="machikpi_profile"
    )
    role = models.CharField(max_length=20, choices=ROLES)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )

    class Meta:
        db_table = "machikpi_staff_profile"

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Indicator(models.Model):
    """An indicator (指標) printed for a node. ``key`` is its identity within the plan;
    ``department`` is the owner assigned by the planning office (not re-imported)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="indicators")
    key = models.CharField(max_length=2500)
    role = models.CharField(max_length=20)
    name = models.TextField()
    raw_name = models.TextField()
    definition = models.TextField(null=True, blank=True)
    unit = models.CharField(max_length=50, null=True, blank=True)
    cumulative = models.BooleanField(default=False)
    notes = models.JSONField(default=list)
    line = models.PositiveIntegerField(null=True, blank=True)
    uncertain = models.BooleanField(
        default=False,
        help_text="read from damaged text (values placed by position): a person should check it",
    )
    verdicts = models.JSONField(
        default=list,
        help_text="verdicts an evaluation document printed: [{value, legend, raw, line}] (効果検証・事後評価)",
    )
    position = models.PositiveIntegerField(default=0, help_text="document order within the plan")
    present = models.BooleanField(default=True, help_text="False: gone from the last import of the document")
    missing_since = models.DateTimeField(null=True, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )

    class Meta:
        db_table = "machikpi_indicator"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "key"], name="machikpi_indicator_key")
        ]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """One group of an indicator (``group`` ``None`` when the value is not split);
    ``group_key`` is ``""`` for no group so that it can be unique."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="series")
    group = models.CharField(max_length=200, null=True, blank=True)
    group_key = models.CharField(max_length=200, default="", blank=True)
    position = models.PositiveIntegerField(default=0)
    present = models.BooleanField(default=True)

    class Meta:
        db_table = "machikpi_series"
        ordering: ClassVar[list[str]] = ["indicator", "position"]
        verbose_name_plural = "series"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["indicator", "group_key"], name="machikpi_series_group")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} [{self.group}]" if self.group else self.indicator.name


class Cell(models.Model):
    """A value cell as the document prints it: the baseline, a target, or an
    actual printed in the document (:class:`machikpi.core.model.ValueCell`).
    Replaced on every import of the document (they are the document's data)."""

    BASELINE = "baseline"
    TARGET = "target"
    ACTUAL = "actual"
    KINDS: ClassVar[list[tuple[str, str]]] = [
        (BASELINE, "基準値"),
        (TARGET, "目標値"),
        (ACTUAL, "実績値(計画書)"),
    ]

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="cells")
    kind = models.CharField(max_length=10, choices=KINDS)
    position = models.PositiveIntegerField(default=0, help_text="column order among cells of this kind")
    raw = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10)
    value = models.FloatField(null=True, blank=True)
    year = models.IntegerField(null=True, blank=True)
    year_type = models.CharField(max_length=10, null=True, blank=True)
    bound = models.CharField(max_length=5, null=True, blank=True)
    unit = models.CharField(max_length=50, null=True, blank=True)
    notes = models.JSONField(default=list)
    repairs = models.JSONField(default=list)

    class Meta:
        db_table = "machikpi_cell"
        ordering: ClassVar[list[str]] = ["series", "kind", "position"]

    def __str__(self) -> str:
        return f"{self.kind} {self.raw}"


class ActualValue(models.Model):
    """An entered actual value (実績値) of one series for one year.

    ``raw`` is the text exactly as entered (a number cell is stored as its
    decimal text); ``value`` is in the indicator's unit. ``status``: values
    imported with ``machikpi actuals import`` are ``approved`` unless
    ``--draft`` is given (the planning office runs the CLI); the web forms
    enter ``draft`` values that a planning user approves.

    ``approved_*`` hold the last approved state, which is what the public
    sees and what evaluations use: a draft entered over an approved value
    leaves the approved one public until the draft is approved.
    ``approved_raw`` is ``None`` when the value was never approved.
    ``version`` grows by one with every change; a writer passes the version
    it read and gets a conflict when somebody saved in between.
    Changes go through :mod:`machikpi.adapters.storage.actuals`
    (``record_actual``, ``approve_actual``, ``revert_change``), which write an
    :class:`ActualChange` for each."""

    DRAFT = "draft"
    APPROVED = "approved"
    STATUSES: ClassVar[list[tuple[str, str]]] = [(DRAFT, "下書き"), (APPROVED, "承認済")]

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="actual_values")
    year = models.IntegerField(help_text="fiscal year (年度) the value belongs to, Western")
    value = models.FloatField(null=True, blank=True)
    raw = models.TextField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=STATUSES, default=APPROVED)
    entered_by = models.CharField(max_length=200)
    source = models.TextField(blank=True, default="", help_text="the file the value came from")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    approved_value = models.FloatField(null=True, blank=True)
    approved_raw = models.TextField(null=True, blank=True)
    approved_note = models.TextField(blank=True, default="")
    approved_by = models.CharField(max_length=200, blank=True, default="")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "machikpi_actual"
        ordering: ClassVar[list[str]] = ["series", "year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "year"], name="machikpi_actual_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.year}: {self.raw}"


class ActualChange(models.Model):
    """One change of an actual value: who, when, old and new value, note. Never updated or deleted.

    ``approve``: a planning user approved the value; ``revert``: the value
    was set back to the old state of the change ``reverts``."""

    CREATE = "create"
    UPDATE = "update"
    APPROVE = "approve"
    REVERT = "revert"
    ACTIONS: ClassVar[list[tuple[str, str]]] = [
        (CREATE, "登録"),
        (UPDATE, "変更"),
        (APPROVE, "承認"),
        (REVERT, "取り消し"),
    ]

    actual = models.ForeignKey(ActualValue, on_delete=models.PROTECT, related_name="history")
    action = models.CharField(max_length=10, choices=ACTIONS)
    who = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    old_value = models.FloatField(null=True, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    old_raw = models.TextField(null=True, blank=True)
    new_raw = models.TextField(blank=True, default="")
    old_status = models.CharField(max_length=10, null=True, blank=True)
    new_status = models.CharField(max_length=10)
    note = models.TextField(blank=True, default="", help_text="the note given with the change")
    source = models.TextField(blank=True, default="")
    reverts = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reverted_by"
    )

    class Meta:
        db_table = "machikpi_actual_change"
        ordering: ClassVar[list[str]] = ["actual", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who}: {self.old_raw} → {self.new_raw}"


class Evaluation(models.Model):
    """An evaluation of one series for one year under one rule set; the fields
    are those of the spec's *Evaluation* object (``shared/spec/kpi-rows.md``)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="evaluations")
    year = models.IntegerField()
    rules = models.CharField(max_length=100)
    direction = models.CharField(max_length=10, null=True, blank=True)
    actual = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    expected = models.FloatField(null=True, blank=True)
    achievement_rate = models.FloatField(null=True, blank=True)
    progress_rate = models.FloatField(null=True, blank=True)
    grade = models.CharField(max_length=20, null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    evaluated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "machikpi_evaluation"
        ordering: ClassVar[list[str]] = ["series", "year", "rules"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "year", "rules"], name="machikpi_evaluation_key")
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.year} {self.rules}: {self.grade or self.reason}"


class CommitteeComment(models.Model):
    """A comment of the external committee (外部有識者会議) on a node for an
    evaluation year; shown under the node in the report and on the node page."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="comments")
    year = models.IntegerField(help_text="evaluation fiscal year (年度), Western")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, help_text="name as shown in the report")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "machikpi_committee_comment"
        ordering: ClassVar[list[str]] = ["node", "year", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.author_name}: {self.text[:30]}"


class Opinion(models.Model):
    """A citizen's opinion printed in a plan document with the plan's response
    (意見 → 対応方針 → 計画への反映); :class:`machikpi.core.model.Opinion`.
    Replaced on every import of the document (they are the document's data).

    ``measure`` lists the titles of the plan places the opinion is about
    (outermost first) and ``measure_codes`` their printed codes;
    ``reflections`` is a list of ``{"page", "section", "quote"}``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="opinions")
    number = models.PositiveIntegerField()
    measure = models.JSONField(default=list)
    measure_codes = models.JSONField(default=list)
    opinion = models.TextField()
    response = models.TextField(blank=True, default="")
    reflections = models.JSONField(default=list)
    line = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "machikpi_opinion"
        ordering: ClassVar[list[str]] = ["plan", "position"]

    def __str__(self) -> str:
        return f"{self.number}: {self.opinion[:30]}"
