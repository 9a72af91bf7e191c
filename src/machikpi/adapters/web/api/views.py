"""API views: read-only JSON of the public plan data, token-authenticated writes of actual values.

Public (no authentication; any credentials sent are ignored):
``GET /api/plans/`` (paginated), ``/api/plans/{id}/``, ``/api/nodes/{id}/``,
``/api/indicators/{id}/``, ``/api/opinions/`` (paginated, ``?plan=``). They
show approved actual values only (``ActualValue.approved_*``).

Staff (``Authorization: Token KEY`` from ``machikpi token create USER``, or
the staff area's session with its CSRF token): ``GET /api/actuals/``
(drafts with their version), ``POST /api/actuals/`` (enter a draft),
``POST /api/actuals/{id}/approve/`` (planning users). Who may write what:
:mod:`.access`. Status codes: 401 without credentials, 403 for a role that
may not, 400 with the field's error for bad input, 404 for an unknown id,
409 with the stored value when somebody saved in between (no write is lost
silently).

Each view reads with a fixed number of queries (``select_related`` /
``prefetch_related`` / ``values``), whatever the size of the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from ....core import sdgs
from ...actual_entry import outlier
from ...services.grading import check_grade
from ...storage import models as db
from ...storage.actuals import ActualConflict, approve_actual, record_actual
from ...storage.catalogue import public_goals
from ...storage.tree import ancestry
from ..params import MAX_ID, exact_number
from ..public import queries as q
from . import access
from . import serializers as s

#: The schema of an id in a path or query: a whole number a database integer holds.
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
#: The schema of a fiscal year (年度) in a query.
YEAR_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1900, "maximum": 2200}


def query_int(request: Request, name: str, *, minimum: int, maximum: int) -> int | None:
    """``?name=`` as a whole number in [``minimum``, ``maximum``], ``None`` when absent or
    empty; raises ``ValidationError`` (400, ``{name: [message]}``) for anything else."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    number = exact_number(raw)
    if number is None or not minimum <= number <= maximum:
        raise ValidationError({name: [f"{raw!r} is not a whole number from {minimum} to {maximum}"]})
    return number


def id_path(name: str = "id") -> OpenApiParameter:
    """The schema of an id in the path (:data:`ID_SCHEMA`)."""
    return OpenApiParameter(name, ID_SCHEMA, OpenApiParameter.PATH, description="the id")


#: The answers every paginated list may give besides 200.
PAGE_ERRORS = {
    400: OpenApiResponse(description="bad query parameter: an object of parameter name → messages"),
    404: OpenApiResponse(s.ErrorSerializer, description="a page past the last one"),
}


class Pages(PageNumberPagination):
    """``?page=N`` (from 1) and ``?page_size=N`` (default 50, 1 to 500). A page or
    page size that is not such a whole number is a 400 naming the parameter; a
    page past the last one is a 404 (both in the schema)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        """``?page_size=`` within [1, 500], default 50; 400 otherwise."""
        size = query_int(request, self.page_size_query_param, minimum=1, maximum=self.max_page_size)
        return self.page_size if size is None else size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        """One page; ``?page=`` must be a whole number ≥ 1 (400 otherwise)."""
        query_int(request, self.page_query_param, minimum=1, maximum=MAX_ID)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page`` and ``page_size`` with their bounds."""
        params = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_ID},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for p in params:
            p["schema"] = {**p["schema"], **bounds.get(p["name"], {})}
        return params


class PublicMixin:
    """Read-only, open to everybody, no authentication (so a stale token cannot break a
    public read); each public view also sets ``permission_classes = (AllowAny,)``."""

    authentication_classes: Sequence[type[BaseAuthentication]] = ()


def _dicts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``values()`` rows as plain dicts."""
    return [dict(r) for r in rows]


def _node_ref(n: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": n["id"], "code": n["code"], "level": n["level"], "title": n["title"]}


def _plan_nodes(plan_id: int) -> dict[int, dict[str, Any]]:
    """Every node of a plan as ``values`` dicts by id (one query), in document order."""
    rows = db.Node.objects.filter(plan_id=plan_id).order_by("position", "id")
    return {n["id"]: n for n in _dicts(rows.values("id", "parent_id", "code", "level", "title", "present"))}


def _ancestors(nodes: dict[int, dict[str, Any]], node_id: int | None) -> list[dict[str, Any]]:
    """``node_id`` and the nodes above it, outermost first, as node references."""
    known = node_id if node_id in nodes else None
    return [_node_ref(nodes[n]) for n in ancestry(known, lambda n: nodes[n]["parent_id"])]


def _sdgs(goals: Iterable[tuple[int, bool]]) -> list[dict[str, Any]]:
    """A node's public SDG goals (``(goal, confirmed)``) as :class:`~.serializers.SdgGoalSerializer` data."""
    return [{"number": g, "short": sdgs.goal(g).short, "confirmed": c} for g, c in goals]


def _latest_evaluations(evaluations: list[db.Evaluation]) -> list[db.Evaluation]:
    """The evaluations of the latest evaluated year among ``evaluations`` (one per rule set)."""
    if not evaluations:
        return []
    year = max(e.year for e in evaluations)
    return sorted((e for e in evaluations if e.year == year), key=lambda e: e.rules)


# ---------------------------------------------------------------------------
# Plans


@extend_schema(
    tags=["public"],
    summary="Plans (paginated)",
    responses={200: s.PlanSummarySerializer(many=True), **PAGE_ERRORS},
)
class PlanList(PublicMixin, ListAPIView[db.Plan]):
    """Every stored plan, by document name, with its count of current indicators."""

    serializer_class = s.PlanSummarySerializer
    permission_classes = (AllowAny,)
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[db.Plan]:
        """Plans with ``indicator_count`` (indicators present in the last import) and their
        municipality: the published plans (of the served municipality, ``MACHIKPI_MUNICIPALITY``)."""
        from ..public.municipality import public_plans

        return (
            public_plans()
            .select_related("municipality")
            .annotate(indicator_count=Count("indicators", filter=Q(indicators__present=True)))
            .order_by("doc")
        )


@extend_schema(
    tags=["public"],
    summary="A plan with its hierarchy",
    parameters=[id_path()],
    responses={
        200: s.PlanDetailSerializer,
        404: OpenApiResponse(s.ErrorSerializer, description="no such plan"),
    },
)
class PlanDetail(PublicMixin, GenericAPIView[db.Plan]):
    """A plan with the tree of its current nodes, their indicators, and per node
    the grade counts of its subtree for the plan's latest stored evaluation
    (latest fiscal year; among rule sets, the last one evaluated)."""

    serializer_class = s.PlanDetailSerializer
    permission_classes = (AllowAny,)
    queryset = db.Plan.objects.filter(published=True)

    def get(self, request: Request, pk: int) -> Response:
        """The plan (404 when unknown, unpublished or of another municipality than the one
        served); a fixed number of queries whatever its size. The tree and its grade counts are
        the public site's read model (:func:`..public.queries.plan_tree`) under its default
        evaluation (:func:`..public.queries.choose_evaluation`)."""
        from ..public.municipality import check_plan

        plan = get_object_or_404(db.Plan.objects.select_related("municipality"), pk=pk)
        check_plan(plan)
        indicators: dict[int, list[dict[str, Any]]] = defaultdict(list)
        rows = db.Indicator.objects.filter(plan=plan, present=True).order_by("position", "id")
        for ind in _dicts(rows.values("id", "node_id", "name", "role", "unit")):
            indicators[ind.pop("node_id")].append(ind)
        choice = q.choose_evaluation(q.evaluation_choices(plan.pk), None)
        tree = q.plan_tree(plan.pk, choice)
        goals = public_goals([n.id for n in tree.walk()])

        def node_data(n: q.TreeNode) -> dict[str, Any]:
            counts = n.total.counts if choice is not None else {}
            return {
                "id": n.id,
                "code": n.code,
                "level": n.level,
                "title": n.title,
                "indicators": indicators.get(n.id, []),
                "grades": {g: c for g, c in counts.items() if g != q.NO_GRADE},
                "ungraded": counts.get(q.NO_GRADE, 0),
                "sdgs": _sdgs(goals.get(n.id, [])),
                "children": [node_data(c) for c in n.children],
            }

        roots = [node_data(r) for r in tree.roots]
        latest = (choice.year, choice.rules) if choice is not None else None
        data = {
            "id": plan.pk,
            "doc": plan.doc,
            "title": plan.title,
            "municipality": plan.municipality,
            "layout": plan.layout,
            "audit_period": plan.audit_period,
            "evaluation": {"year": latest[0], "rules": latest[1]} if latest else None,
            "nodes": roots,
        }
        return Response(s.PlanDetailSerializer(data).data)


# ---------------------------------------------------------------------------
# Nodes


@extend_schema(
    tags=["public"],
    summary="A node with its indicators and their latest grades",
    parameters=[id_path()],
    responses={
        200: s.NodeDetailSerializer,
        404: OpenApiResponse(s.ErrorSerializer, description="no such node"),
    },
)
class NodeDetail(PublicMixin, RetrieveAPIView[db.Node]):
    """A node (基本目標, 施策 …): its text, the nodes above it, its children
    (current ones), the external committee's comments, and its indicators
    with each series' evaluations of its latest evaluated year."""

    serializer_class = s.NodeDetailSerializer
    permission_classes = (AllowAny,)

    def get_queryset(self) -> QuerySet[db.Node]:
        """Nodes with plan, current indicators, their series and evaluations prefetched."""
        series = db.Series.objects.filter(present=True).order_by("position", "id")
        series = series.prefetch_related(
            Prefetch("evaluations", queryset=db.Evaluation.objects.order_by("year", "rules"))
        )
        indicators = db.Indicator.objects.filter(present=True).order_by("position", "id")
        indicators = indicators.prefetch_related(Prefetch("series", queryset=series))
        comments = db.CommitteeComment.objects.order_by("-year", "created_at", "id")
        goals = db.NodeSdg.objects.exclude(state=db.NodeSdg.REJECTED).order_by("goal")
        return (
            db.Node.objects.filter(plan__published=True)
            .select_related("plan")
            .prefetch_related(
                Prefetch("indicators", queryset=indicators),
                Prefetch("comments", queryset=comments),
                Prefetch("sdgs", queryset=goals),
            )
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The node as :class:`~.serializers.NodeDetailSerializer` (404 when unknown)."""
        node = self.get_object()
        nodes = _plan_nodes(node.plan_id)
        children = [_node_ref(n) for n in nodes.values() if n["parent_id"] == node.pk and n["present"]]
        data = {
            "id": node.pk,
            "plan": node.plan,
            "path": _ancestors(nodes, node.parent_id),
            "code": node.code,
            "level": node.level,
            "title": node.title,
            "text": node.text,
            "present": node.present,
            "sdgs": _sdgs((g.goal, g.state == db.NodeSdg.CONFIRMED) for g in node.sdgs.all()),
            "children": children,
            "comments": list(node.comments.all()),
            "indicators": [
                {
                    "id": ind.pk,
                    "name": ind.name,
                    "role": ind.role,
                    "unit": ind.unit,
                    "series": [
                        {
                            "id": ser.pk,
                            "group": ser.group,
                            "latest": _latest_evaluations(list(ser.evaluations.all())),
                        }
                        for ser in ind.series.all()
                    ],
                }
                for ind in node.indicators.all()
            ],
        }
        return Response(s.NodeDetailSerializer(data).data)


# ---------------------------------------------------------------------------
# Indicators


@extend_schema(
    tags=["public"],
    summary="An indicator: definition, baseline, targets, approved actuals",
    parameters=[id_path()],
    responses={
        200: s.IndicatorDetailSerializer,
        404: OpenApiResponse(s.ErrorSerializer, description="no such indicator"),
    },
)
class IndicatorDetail(PublicMixin, RetrieveAPIView[db.Indicator]):
    """An indicator with, per series, its baseline and targets as printed (each
    with its year), the actual values printed in the plan, the APPROVED actual
    values entered since (drafts are never shown), and its evaluations per
    fiscal year and rule set."""

    serializer_class = s.IndicatorDetailSerializer
    permission_classes = (AllowAny,)

    def get_queryset(self) -> QuerySet[db.Indicator]:
        """Indicators with plan, node, department, catalogue concept (joined: no query of its
        own), series, cells, approved actuals and evaluations."""
        published = db.ActualValue.objects.filter(approved_raw__isnull=False).order_by("year")
        series = db.Series.objects.order_by("position", "id").prefetch_related(
            Prefetch("cells", queryset=db.Cell.objects.order_by("kind", "position", "id")),
            Prefetch("actual_values", queryset=published, to_attr="public_actuals"),
            Prefetch(
                "evaluations",
                queryset=db.Evaluation.objects.order_by("year", "rules"),
                to_attr="evaluation_list",
            ),
        )
        return (
            db.Indicator.objects.filter(plan__published=True)
            .select_related("plan", "node", "department", "concept_match")
            .prefetch_related(Prefetch("series", queryset=series, to_attr="series_list"))
        )

    def get_serializer_context(self) -> dict[str, Any]:
        """Adds ``path`` (the node and those above it) once the object is known."""
        context = dict(super().get_serializer_context())
        context["path"] = getattr(self, "_path", [])
        return context

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The indicator as :class:`~.serializers.IndicatorDetailSerializer` (404 when unknown)."""
        indicator = self.get_object()
        self._path = _ancestors(_plan_nodes(indicator.plan_id), indicator.node_id)
        return Response(self.get_serializer(indicator).data)


# ---------------------------------------------------------------------------
# Opinions


@extend_schema(
    tags=["public"],
    summary="Opinions with responses (paginated)",
    parameters=[OpenApiParameter("plan", ID_SCHEMA, description="only the opinions of this plan id")],
    responses={200: s.OpinionSerializer(many=True), **PAGE_ERRORS},
)
class OpinionList(PublicMixin, ListAPIView[db.Opinion]):
    """Citizens' opinions with the plan's response, the places they were
    reflected in, and the stored nodes they are about (matched by the
    printed codes, else by the titles, within the same plan)."""

    serializer_class = s.OpinionSerializer
    permission_classes = (AllowAny,)
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[db.Opinion]:
        """Opinions in document order, ``?plan=ID`` to keep one plan's."""
        qs = (
            db.Opinion.objects.filter(plan__published=True)
            .select_related("plan")
            .order_by("plan__doc", "position", "id")
        )
        plan = query_int(self.request, "plan", minimum=1, maximum=MAX_ID)
        if plan is not None:
            qs = qs.filter(plan_id=plan)
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One page of opinions; their nodes are looked up with one query per page."""
        page = self.paginate_queryset(self.get_queryset())
        opinions = list(page) if page is not None else list(self.get_queryset())
        self._nodes = _opinion_nodes(opinions)
        serializer = self.get_serializer(opinions, many=True)
        return self.get_paginated_response(serializer.data)

    def get_serializer_context(self) -> dict[str, Any]:
        """Adds ``nodes``: the linked nodes by opinion id."""
        context = dict(super().get_serializer_context())
        context["nodes"] = getattr(self, "_nodes", {})
        return context


def _opinion_nodes(opinions: list[db.Opinion]) -> dict[int, list[dict[str, Any]]]:
    """The nodes each opinion is about, in its own plan: the node keyed by each
    prefix of its ``measure_codes`` (node keys are the code paths joined by
    `` / ``), else for each of its ``measure`` titles the one node with that
    title (a title several nodes share is not linked: never a wrong link)."""
    plan_ids = {o.plan_id for o in opinions}
    if not plan_ids:
        return {}
    by_key: dict[tuple[int, str], dict[str, Any]] = {}
    by_title: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    rows = db.Node.objects.filter(plan_id__in=plan_ids).order_by("-present", "position")
    for n in _dicts(rows.values("id", "plan_id", "key", "code", "level", "title")):
        by_key.setdefault((n["plan_id"], n["key"]), n)
        by_title[(n["plan_id"], n["title"])].append(n)
    out: dict[int, list[dict[str, Any]]] = {}
    for o in opinions:
        found: list[dict[str, Any]] = []
        codes = [str(c).strip() for c in o.measure_codes or [] if str(c).strip()]
        for i in range(len(codes)):
            keyed = by_key.get((o.plan_id, " / ".join(codes[: i + 1])))
            if keyed is not None:
                found.append(_node_ref(keyed))
        if not found:
            for title in o.measure or []:
                titled = by_title.get((o.plan_id, str(title)), [])
                if len(titled) == 1:
                    found.append(_node_ref(titled[0]))
        out[o.pk] = found
    return out


# ---------------------------------------------------------------------------
# Actual values (staff)


def _current(c: tuple[float | None, str, str, str, int, str]) -> dict[str, Any]:
    return dict(zip(("value", "raw", "note", "status", "version", "entered_by"), c, strict=True))


def _conflict(message: str, current: tuple[float | None, str, str, str, int, str]) -> Response:
    return Response({"detail": message, "current": _current(current)}, status=status.HTTP_409_CONFLICT)


def _staff_actuals() -> QuerySet[db.ActualValue]:
    return db.ActualValue.objects.select_related("series__indicator").order_by("series_id", "year")


_REFUSED = {
    401: OpenApiResponse(s.ErrorSerializer, description="no or invalid token"),
    403: OpenApiResponse(s.ErrorSerializer, description="your role may not do this"),
}


class Actuals(GenericAPIView[db.ActualValue]):
    """Actual values as staff see them (drafts included) and entering a draft."""

    permission_classes = (IsAuthenticated,)
    pagination_class = Pages

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        """The write shape for POST, the staff shape otherwise."""
        if self.request is not None and self.request.method == "POST":
            return s.ActualWriteSerializer
        return s.StaffActualSerializer

    def get_queryset(self) -> QuerySet[db.ActualValue]:
        """Stored values, filtered by ``?series=`` and ``?year=``."""
        return _staff_actuals()

    @extend_schema(
        tags=["staff"],
        summary="Stored actual values with drafts and versions (staff)",
        parameters=[
            OpenApiParameter("series", ID_SCHEMA, description="only this series id"),
            OpenApiParameter("year", YEAR_SCHEMA, description="only this fiscal year (年度)"),
        ],
        responses={200: s.StaffActualSerializer(many=True), **PAGE_ERRORS, **_REFUSED},
    )
    def get(self, request: Request) -> Response:
        """Every stored value (paginated), drafts included, with its ``version``.
        Any staff role may read (403 for users without one)."""
        if not access.may_read_drafts(request.user):
            return Response({"detail": "only staff read values in draft"}, status=status.HTTP_403_FORBIDDEN)
        qs = self.get_queryset()
        errors: dict[str, Any] = {}
        for name, schema in (("series", ID_SCHEMA), ("year", YEAR_SCHEMA)):
            try:
                number = query_int(request, name, minimum=schema["minimum"], maximum=schema["maximum"])
            except ValidationError as e:
                assert isinstance(e.detail, dict)
                errors.update(e.detail)
                continue
            if number is not None:
                qs = qs.filter(**{f"{name}_id" if name == "series" else name: number})
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.StaffActualSerializer(page, many=True).data)

    @extend_schema(
        tags=["staff"],
        summary="Enter an actual value as a draft",
        request=s.ActualWriteSerializer,
        responses={
            201: OpenApiResponse(s.ActualWriteResultSerializer, description="a new value (draft)"),
            200: OpenApiResponse(
                s.ActualWriteResultSerializer, description="the value changed, or unchanged"
            ),
            400: OpenApiResponse(description="bad input: an object of field name → messages"),
            **_REFUSED,
            409: OpenApiResponse(s.ConflictSerializer, description="changed by somebody since you read it"),
        },
    )
    def post(self, request: Request) -> Response:
        """Create or update the value of a series and year as a DRAFT (the
        public sees it once a planning user approves it); every change is
        kept in the history with the user's name and the note."""
        serializer = s.ActualWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = serializer.series_object
        assert series is not None  # set by validation
        refusal = access.write_refusal(request.user, series.indicator)
        if refusal is not None:
            return Response({"detail": refusal}, status=status.HTTP_403_FORBIDDEN)
        assert request.user is not None
        # the rule of the staff form: a value that lowers the grade needs a note saying why
        fall = None
        if data["number"] is not None:
            fall = check_grade(series.pk, data["year"], data["number"], data["value"])
        if fall is not None and fall.falls and not data["note"]:
            return Response(
                {
                    "note": [
                        f"with this value the grade falls from {fall.previous_grade!r} ({fall.previous_year}) "
                        f"to {fall.new_grade!r} (rule set {fall.rules}); give a note saying why "
                        "(評価が下がる値には備考が必要です)"
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            with transaction.atomic():
                outcome = record_actual(
                    series.pk,
                    data["year"],
                    value=data["number"],
                    raw=data["value"],
                    note=data["note"],
                    who=request.user.get_username(),
                    status=db.ActualValue.DRAFT,
                    source="api",
                    expected_version=data["version"],
                )
        except ActualConflict as e:  # also two first writes at once (record_actual catches the unique key)
            return _conflict(str(e), e.current)
        actual = _staff_actuals().get(pk=outcome.actual_id)
        warnings = []
        known = _known_values(series.pk, data["year"])
        why = outlier(data["number"], known)
        if why:
            warnings.append(why)
        result = s.ActualWriteResultSerializer(
            actual, context={"action": outcome.action, "warnings": warnings}
        )
        code = status.HTTP_201_CREATED if outcome.action == "create" else status.HTTP_200_OK
        return Response(result.data, status=code)


def _known_values(series_id: int, year: int) -> tuple[float, ...]:
    """The known numbers of a series for the outlier check: baseline, targets, printed
    actuals and the entered values of other years (as :func:`~machikpi.adapters.storage.actuals.series_info`)."""
    cells = db.Cell.objects.filter(series_id=series_id, value__isnull=False).values_list("value", flat=True)
    others = (
        db.ActualValue.objects.filter(series_id=series_id, value__isnull=False)
        .exclude(year=year)
        .values_list("value", flat=True)
    )
    return tuple(v for v in [*cells, *others] if v is not None)


@extend_schema(
    tags=["staff"],
    summary="Approve a draft (planning users)",
    parameters=[id_path()],
    request=s.ApproveSerializer,
    responses={
        200: s.ApproveResultSerializer,
        400: OpenApiResponse(description="bad input: an object of field name → messages"),
        **_REFUSED,
        404: OpenApiResponse(s.ErrorSerializer, description="no such value"),
        409: OpenApiResponse(s.ConflictSerializer, description="changed since you looked at it"),
    },
)
class Approve(GenericAPIView[db.ActualValue]):
    """Approve a draft: it becomes the published value, and the approval is kept in the history."""

    permission_classes = (IsAuthenticated,)
    serializer_class = s.ApproveSerializer
    queryset = db.ActualValue.objects.all()

    def post(self, request: Request, pk: int) -> Response:
        """Approve value ``pk`` (``approved`` false when it already was)."""
        refusal = access.approve_refusal(request.user)
        if refusal is not None:
            return Response({"detail": refusal}, status=status.HTTP_403_FORBIDDEN)
        serializer = s.ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        get_object_or_404(db.ActualValue, pk=pk)
        assert request.user is not None
        try:
            with transaction.atomic():
                approved = approve_actual(
                    pk, request.user.get_username(), expected_version=serializer.validated_data["version"]
                )
        except ActualConflict as e:
            return _conflict(str(e), e.current)
        actual = _staff_actuals().get(pk=pk)
        return Response(s.ApproveResultSerializer(actual, context={"approved": approved}).data)
