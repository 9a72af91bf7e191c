"""JSON shapes of the API (Django REST framework serializers; drf-spectacular reads them for the schema).

Public shapes carry only what the public site shows: for actual values the
approved state (``ActualValue.approved_*``), never a draft. The staff shapes
(:class:`StaffActualSerializer`, :class:`ActualWriteSerializer`) carry drafts
with their ``version`` for conflict detection.

Numbers are in the indicator's unit (``unit``); years are Western fiscal
years (年度) unless a cell's ``year_type`` says otherwise; ``raw`` texts are
as printed in the plan document (cells) or as typed (actual values).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ....core.catalogue import concept as catalogue_concept
from ....core.periods import fiscal_year_of
from ...actual_entry import MIN_YEAR, parse_value
from ...storage import models as db
from ..params import MAX_ID

# ---------------------------------------------------------------------------
# Small references


class PlanRefSerializer(serializers.Serializer[Any]):
    """A plan named by id, document name and title."""

    id = serializers.IntegerField()
    doc = serializers.CharField(help_text="document file name, the plan's identity")
    title = serializers.CharField()


class MunicipalityRefSerializer(serializers.Serializer[Any]):
    """The municipality owning a plan."""

    name = serializers.CharField(help_text="e.g. 鯖江市")
    prefecture = serializers.CharField(help_text="e.g. 福井県 (empty when unknown)")
    code = serializers.CharField(
        allow_null=True, help_text="6-digit 全国地方公共団体コード (null when unknown)"
    )


class NodeRefSerializer(serializers.Serializer[Any]):
    """A node (基本目標, 施策 …) named by id, printed code, level and title."""

    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True, help_text="the number printed before the title, if any")
    level = serializers.CharField(help_text="the plan's name of the level, e.g. 基本目標, 施策")
    title = serializers.CharField()


class IndicatorRefSerializer(serializers.Serializer[Any]):
    """An indicator named by id, name, role and unit."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="kpi, numeric_goal … (machikpi.core.model.Role)")
    unit = serializers.CharField(allow_null=True)


class SdgGoalSerializer(serializers.Serializer[Any]):
    """An SDG goal of a node: confirmed by the planning office (企画政策課), or suggested
    at import from the node's indicators and text and not yet reviewed (a rejected
    suggestion is never listed)."""

    number = serializers.IntegerField(min_value=1, max_value=17, help_text="the goal, 1 to 17")
    short = serializers.CharField(
        help_text="the goal's short Japanese name (外務省), e.g. すべての人に健康と福祉を"
    )
    confirmed = serializers.BooleanField(help_text="false: an automatic suggestion not yet reviewed")


class ConceptSerializer(serializers.Serializer[Any]):
    """The indicator-catalogue concept of an indicator (the same concept links
    indicators of different plans)."""

    id = serializers.CharField(help_text="the concept's id in the catalogue, e.g. crimes")
    score = serializers.FloatField(
        allow_null=True, help_text="the matcher's score (null: set by a person, not matched)"
    )
    confirmed = serializers.BooleanField(help_text="true: confirmed or set by the planning office")


# ``label`` is also an attribute of every DRF field, so it is declared after the class (as
# ``children`` of the tree nodes), in the order the schema lists it: after ``id``.
ConceptSerializer._declared_fields = {
    "id": ConceptSerializer._declared_fields["id"],
    "label": serializers.CharField(help_text="the concept's Japanese label, e.g. 刑法犯認知件数"),
    **{k: v for k, v in ConceptSerializer._declared_fields.items() if k != "id"},
}


class EvaluationSerializer(serializers.Serializer[Any]):
    """An evaluation of one series for one fiscal year under one rule set
    (fields of the spec's *Evaluation*; rates are fractions, 1.0 = 100 %)."""

    year = serializers.IntegerField(help_text="evaluated fiscal year (年度)")
    rules = serializers.CharField(help_text="rule set name, e.g. baseline-band")
    direction = serializers.CharField(allow_null=True, help_text="up, down or keep")
    actual = serializers.FloatField(allow_null=True, help_text="the approved actual value evaluated")
    target = serializers.FloatField(allow_null=True)
    expected = serializers.FloatField(allow_null=True, help_text="value expected by this year on the path")
    achievement_rate = serializers.FloatField(allow_null=True, help_text="達成率")
    progress_rate = serializers.FloatField(allow_null=True, help_text="進捗率")
    grade = serializers.CharField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(allow_null=True, help_text="why there is no grade, when there is none")
    reason_code = serializers.CharField(
        allow_null=True,
        help_text="the reason's stable code (no-actual, no-target, no-baseline, direction-unknown …)",
    )


# ---------------------------------------------------------------------------
# Plans


class PlanSummarySerializer(serializers.Serializer[Any]):
    """A plan in the plan list."""

    id = serializers.IntegerField()
    doc = serializers.CharField(help_text="document file name, the plan's identity")
    title = serializers.CharField()
    municipality = MunicipalityRefSerializer(allow_null=True, help_text="the municipality owning the plan")
    layout = serializers.CharField(help_text="the reading pipeline that read the document")
    audit_period = serializers.CharField(help_text="plan period, e.g. 2020-2024 (empty when unknown)")
    indicator_count = serializers.IntegerField(help_text="indicators in the current document")
    url = serializers.HyperlinkedIdentityField(view_name="api:plan-detail")


class PlanTreeNodeSerializer(serializers.Serializer[Any]):
    """A node of the plan hierarchy with its indicators, the grade counts of
    its subtree (itself and every node below) and its children."""

    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True)
    level = serializers.CharField()
    title = serializers.CharField()
    indicators = IndicatorRefSerializer(many=True)
    grades = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="series per grade in the subtree for the plan's latest evaluation (see `evaluation`)",
    )
    ungraded = serializers.IntegerField(help_text="evaluated series of the subtree without a grade")
    sdgs = SdgGoalSerializer(many=True, help_text="the node's SDG goals in goal order")


# Children are nodes of the same shape (declared after the class so it can refer to itself).
PlanTreeNodeSerializer._declared_fields["children"] = PlanTreeNodeSerializer(many=True)


class EvaluationRefSerializer(serializers.Serializer[Any]):
    """Which evaluation a summary counts: fiscal year and rule set."""

    year = serializers.IntegerField()
    rules = serializers.CharField()


class PlanDetailSerializer(serializers.Serializer[Any]):
    """A plan with its hierarchy of goals and measures (nodes of the current document, in document order)."""

    id = serializers.IntegerField()
    doc = serializers.CharField()
    title = serializers.CharField()
    municipality = MunicipalityRefSerializer(allow_null=True, help_text="the municipality owning the plan")
    layout = serializers.CharField()
    audit_period = serializers.CharField()
    evaluation = EvaluationRefSerializer(
        allow_null=True, help_text="the latest stored evaluation of the plan (null: never evaluated)"
    )
    nodes = PlanTreeNodeSerializer(many=True, help_text="top-level nodes, each with its children")


# ---------------------------------------------------------------------------
# Nodes


class SeriesGradeSerializer(serializers.Serializer[Any]):
    """A series of an indicator with the evaluations of its latest evaluated year (one per rule set)."""

    id = serializers.IntegerField()
    group = serializers.CharField(allow_null=True, help_text="e.g. 男性/女性, 小/中; null: not split")
    latest = EvaluationSerializer(many=True)


class NodeIndicatorSerializer(serializers.Serializer[Any]):
    """An indicator of a node with its series' latest grades."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    series = SeriesGradeSerializer(many=True)


class CommentSerializer(serializers.Serializer[Any]):
    """A comment of the external committee (外部有識者会議) on a node for an evaluation year."""

    year = serializers.IntegerField(help_text="evaluation fiscal year (年度)")
    author_name = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class NodeDetailSerializer(serializers.Serializer[Any]):
    """A node: its text, its place in the plan, its children, the committee's comments
    (latest year first) and its indicators with their latest grades."""

    id = serializers.IntegerField()
    plan = PlanRefSerializer()
    path = NodeRefSerializer(many=True, help_text="the nodes above this one, outermost first")
    code = serializers.CharField(allow_null=True)
    level = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField(help_text="the node's text in the plan document")
    present = serializers.BooleanField(help_text="false: gone from the last import of the document")
    sdgs = SdgGoalSerializer(many=True, help_text="the node's SDG goals in goal order")
    children = NodeRefSerializer(many=True)
    comments = CommentSerializer(many=True)
    indicators = NodeIndicatorSerializer(many=True)


# ---------------------------------------------------------------------------
# Indicators


class CellSerializer(serializers.Serializer[Any]):
    """A value as the plan document prints it (baseline, target or printed actual)."""

    raw = serializers.CharField(help_text="the cell text as printed, e.g. 11,942億円 (平成30年)")
    status = serializers.CharField(help_text="value, pending, none … (machikpi.core.model.CellStatus)")
    value = serializers.FloatField(allow_null=True, help_text="in the cell's unit")
    year = serializers.IntegerField(allow_null=True)
    year_type = serializers.CharField(allow_null=True, help_text="fiscal (年度) or calendar (年)")
    bound = serializers.CharField(allow_null=True, help_text="e.g. 以上, 以下 when the target is a bound")
    unit = serializers.CharField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class PublicActualSerializer(serializers.Serializer[Any]):
    """An approved actual value (実績値) as published: the approved state only, never a draft."""

    year = serializers.IntegerField(help_text="fiscal year (年度)")
    value = serializers.FloatField(source="approved_value", allow_null=True)
    raw = serializers.CharField(source="approved_raw", help_text="as entered")
    note = serializers.CharField(source="approved_note")
    approved_at = serializers.DateTimeField(allow_null=True)


class SeriesDetailSerializer(serializers.Serializer[Any]):
    """A series: baseline, targets with their years, printed actuals, approved actuals, evaluations per year."""

    id = serializers.IntegerField()
    group = serializers.CharField(allow_null=True)
    present = serializers.BooleanField()
    baseline = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()
    printed_actuals = serializers.SerializerMethodField()
    actuals = PublicActualSerializer(many=True, source="public_actuals")
    evaluations = EvaluationSerializer(many=True, source="evaluation_list")

    @staticmethod
    def _cells(obj: db.Series, kind: str) -> list[dict[str, Any]]:
        return [dict(CellSerializer(c).data) for c in obj.cells.all() if c.kind == kind]

    @extend_schema_field(CellSerializer(allow_null=True))
    def get_baseline(self, obj: db.Series) -> dict[str, Any] | None:
        """The baseline (基準値) cell, or null."""
        cells = self._cells(obj, db.Cell.BASELINE)
        return cells[0] if cells else None

    @extend_schema_field(CellSerializer(many=True))
    def get_targets(self, obj: db.Series) -> list[dict[str, Any]]:
        """The target (目標値) cells in document order, each with its year."""
        return self._cells(obj, db.Cell.TARGET)

    @extend_schema_field(CellSerializer(many=True))
    def get_printed_actuals(self, obj: db.Series) -> list[dict[str, Any]]:
        """Actual values printed in the plan document itself (実績値 columns)."""
        return self._cells(obj, db.Cell.ACTUAL)


class IndicatorDetailSerializer(serializers.Serializer[Any]):
    """An indicator: definition, unit, and per series baseline, targets, approved actuals, evaluations."""

    id = serializers.IntegerField()
    plan = PlanRefSerializer()
    node = NodeRefSerializer()
    path = serializers.SerializerMethodField()
    name = serializers.CharField()
    raw_name = serializers.CharField(help_text="the name as printed")
    role = serializers.CharField()
    definition = serializers.CharField(allow_null=True, help_text="the plan's definition or source note")
    unit = serializers.CharField(allow_null=True)
    cumulative = serializers.BooleanField(help_text="true: the values are totals since the baseline")
    notes = serializers.ListField(child=serializers.CharField())
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    present = serializers.BooleanField()
    concept = serializers.SerializerMethodField()
    series = SeriesDetailSerializer(many=True, source="series_list")

    @extend_schema_field(ConceptSerializer(allow_null=True))
    def get_concept(self, obj: db.Indicator) -> dict[str, Any] | None:
        """The indicator's stored catalogue concept (null: none matched, or a person said none fits)."""
        row: db.IndicatorConcept | None = getattr(obj, "concept_match", None)
        if row is None or not row.concept:
            return None
        try:
            label = catalogue_concept(row.concept).label
        except KeyError:  # a concept the catalogue no longer has
            return None
        return {
            "id": row.concept,
            "label": label,
            "score": row.score,
            "confirmed": row.confirmed or row.set_by == db.IndicatorConcept.PERSON,
        }

    @extend_schema_field(NodeRefSerializer(many=True))
    def get_path(self, obj: db.Indicator) -> list[dict[str, Any]]:
        """The indicator's node and the nodes above it, outermost first (given in the context)."""
        path: list[dict[str, Any]] = self.context.get("path", [])
        return path


# ---------------------------------------------------------------------------
# Opinions


class ReflectionSerializer(serializers.Serializer[Any]):
    """A place of the plan an opinion was reflected in."""

    page = serializers.IntegerField(allow_null=True)
    section = serializers.CharField(allow_blank=True)
    quote = serializers.CharField(allow_blank=True)


class OpinionSerializer(serializers.Serializer[Any]):
    """A citizen's opinion with the plan's response and the plan places it was reflected in."""

    id = serializers.IntegerField()
    plan = PlanRefSerializer()
    number = serializers.IntegerField(help_text="the opinion's number in the document")
    measure = serializers.ListField(child=serializers.CharField(), help_text="titles, outermost first")
    measure_codes = serializers.ListField(child=serializers.CharField())
    opinion = serializers.CharField()
    response = serializers.CharField(help_text="対応方針")
    reflections = ReflectionSerializer(many=True)
    nodes = serializers.SerializerMethodField()

    @extend_schema_field(NodeRefSerializer(many=True))
    def get_nodes(self, obj: db.Opinion) -> list[dict[str, Any]]:
        """The stored nodes the opinion is about, outermost first (``context["nodes"]`` by opinion id)."""
        nodes: dict[int, list[dict[str, Any]]] = self.context.get("nodes", {})
        return nodes.get(obj.pk, [])


# ---------------------------------------------------------------------------
# Actual values (staff)


class StaffActualSerializer(serializers.ModelSerializer[db.ActualValue]):
    """A stored actual value as staff see it: the current (possibly draft) state with its
    ``version`` and the approved state the public sees (``approved_raw`` null: never approved)."""

    indicator = serializers.IntegerField(source="series.indicator_id", read_only=True)
    indicator_name = serializers.CharField(source="series.indicator.name", read_only=True)
    group = serializers.CharField(source="series.group", read_only=True, allow_null=True)

    class Meta:
        model = db.ActualValue
        fields: tuple[str, ...] = (
            "id",
            "series",
            "indicator",
            "indicator_name",
            "group",
            "year",
            "value",
            "raw",
            "note",
            "status",
            "version",
            "entered_by",
            "updated_at",
            "approved_value",
            "approved_raw",
            "approved_note",
            "approved_by",
            "approved_at",
        )
        read_only_fields: tuple[str, ...] = fields


class ActualWriteResultSerializer(StaffActualSerializer):
    """The stored value after a write, with what the write did and any warnings."""

    action = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta(StaffActualSerializer.Meta):
        fields = (*StaffActualSerializer.Meta.fields, "action", "warnings")
        read_only_fields = fields

    def get_action(self, obj: db.ActualValue) -> str:
        """``create``, ``update`` or ``same`` (nothing changed), from ``context["action"]``."""
        return str(self.context.get("action", ""))

    def get_warnings(self, obj: db.ActualValue) -> list[str]:
        """Warnings that did not stop the write (e.g. a value far outside the known ones)."""
        return list(self.context.get("warnings", []))


class ActualWriteSerializer(serializers.Serializer[Any]):
    """A value to enter as a draft (POST /api/actuals/).

    ``value`` is the text as typed and is read like the entry workbook's 実績値
    (:func:`machikpi.adapters.actual_entry.parse_value`): ``1,234``, ``12.5``,
    ``△3``, optionally followed by the indicator's own unit (``45.2%``);
    a JSON number is taken as it is. ``version`` is the version the writer
    read (0: it saw no value); when somebody saved in between the write is
    refused with 409. Without ``version`` the write is not checked."""

    #: The series named by ``series``, once validated.
    series_object: db.Series | None = None

    series = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="the series id (see /api/indicators/{id}/)"
    )
    year = serializers.IntegerField(
        min_value=MIN_YEAR,
        max_value=2200,
        error_messages={
            k: f"the year must be between {MIN_YEAR} and the current fiscal year"
            for k in ("min_value", "max_value")
        },
        help_text="fiscal year (年度), Western, e.g. 2024; at most the current fiscal year",
    )
    value = serializers.CharField(
        min_length=1, max_length=200, help_text="the value as typed, e.g. 1,234 or 45.2%"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_ID,
        help_text="the version read",
    )

    def validate_series(self, value: int) -> int:
        """The series must exist (kept with its indicator in :attr:`series_object`)."""
        series = db.Series.objects.select_related("indicator").filter(pk=value).first()
        if series is None:
            raise serializers.ValidationError(f"there is no series {value}")
        self.series_object = series
        return value

    def validate_year(self, value: int) -> int:
        """Between 1900 and the current fiscal year (as the entry workbook)."""
        latest = fiscal_year_of(date.today())
        if not MIN_YEAR <= value <= latest:
            raise serializers.ValidationError(f"the year must be between {MIN_YEAR} and {latest}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Read ``value`` in the indicator's unit; adds ``number`` (float) to the data."""
        series = self.series_object
        assert series is not None  # validate_series ran
        text = attrs["value"]
        try:
            attrs["number"] = parse_value(text.strip(), series.indicator.unit)
        except ValueError as e:
            raise serializers.ValidationError({"value": [str(e)]}) from e
        return attrs


class ApproveSerializer(serializers.Serializer[Any]):
    """An approval (POST /api/actuals/{id}/approve/): ``version`` is the version
    the approver looked at (optional; 409 when the value changed since)."""

    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=MAX_ID
    )


class ApproveResultSerializer(StaffActualSerializer):
    """The value after an approval; ``approved`` is false when it was already approved."""

    approved = serializers.SerializerMethodField()

    class Meta(StaffActualSerializer.Meta):
        fields = (*StaffActualSerializer.Meta.fields, "approved")
        read_only_fields = fields

    def get_approved(self, obj: db.ActualValue) -> bool:
        """Whether this request approved the value (``context["approved"]``)."""
        return bool(self.context.get("approved", False))


class CurrentValueSerializer(serializers.Serializer[Any]):
    """The value as stored now (in a conflict)."""

    value = serializers.FloatField(allow_null=True)
    raw = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    status = serializers.CharField(
        allow_blank=True, help_text="draft, approved or returned (差し戻し); empty: no value"
    )
    version = serializers.IntegerField(help_text="pass this version to overwrite deliberately")
    entered_by = serializers.CharField(allow_blank=True)


class ConflictSerializer(serializers.Serializer[Any]):
    """409: somebody saved the value after the writer read it; nothing was written."""

    detail = serializers.CharField()
    current = CurrentValueSerializer()


class ErrorSerializer(serializers.Serializer[Any]):
    """401/403/404: why the request was refused."""

    detail = serializers.CharField()
