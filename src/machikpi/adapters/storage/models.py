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
from django.utils.translation import gettext_lazy as _

from ...core.evaluation.codes import REASON_KEYS
from ...core.model import Bound, CellStatus, Role, YearType

#: Database choices taken from the core's enums, so that storage holds nothing the core
#: cannot read back; the labels are what the admin shows.
ROLE_CHOICES = [(r.value, r.value) for r in Role]
CELL_STATUS_CHOICES = [
    (CellStatus.VALUE.value, _("数値")),
    (CellStatus.NONE.value, _("なし")),
    (CellStatus.PENDING.value, _("未設定")),
    (CellStatus.TALLYING.value, _("集計中")),
    (CellStatus.TEXT.value, _("文言")),
]
YEAR_TYPE_CHOICES = [(YearType.FISCAL.value, _("年度")), (YearType.CALENDAR.value, _("年"))]
BOUND_CHOICES = [(Bound.MAX.value, _("以下・以内・未満")), (Bound.MIN.value, _("以上・超"))]
DIRECTION_CHOICES = [
    ("higher", _("高いほど良い")),
    ("lower", _("低いほど良い")),
    ("keep", _("維持")),
]
REASON_CODE_CHOICES = [(code, code) for code in REASON_KEYS.values() if code]


class Municipality(models.Model):
    """A municipality (地方公共団体) that owns plans: every report, workbook and evaluation
    is for one of them. ``code`` is the 6-digit 全国地方公共団体コード where known
    (:mod:`machikpi.core.municipality` proposes it from the plan document)."""

    name = models.CharField(max_length=100, verbose_name=_("団体名"))
    prefecture = models.CharField(max_length=10, blank=True, default="", verbose_name=_("都道府県"))
    code = models.CharField(
        max_length=6,
        null=True,
        blank=True,
        unique=True,
        help_text=_("全国地方公共団体コード（6桁、検査数字つき）"),
        verbose_name=_("団体コード"),
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("表示順"))

    class Meta:
        db_table = "machikpi_municipality"
        ordering: ClassVar[list[str]] = ["position", "code", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["prefecture", "name"], name="machikpi_municipality_name")
        ]
        verbose_name = _("団体")
        verbose_name_plural = _("団体（市区町村）")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name with its prefecture (福井県鯖江市), or the name alone."""
        return f"{self.prefecture}{self.name}"


class Plan(models.Model):
    """One plan document as last imported; ``doc`` (the file name) is its identity;
    ``municipality`` owns it (``None`` only for plans stored before municipalities existed,
    or whose document names none and was imported without ``--municipality``)."""

    doc = models.CharField(max_length=500, unique=True, verbose_name=_("文書名（ファイル名）"))
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("団体"),
    )
    title = models.TextField(blank=True, default="", verbose_name=_("表題"))
    layout = models.CharField(max_length=100, verbose_name=_("書式"))
    warnings = models.JSONField(
        default=list, help_text=_("最後の取込で読み取りが出した警告"), verbose_name=_("取込時の警告")
    )
    import_count = models.PositiveIntegerField(default=1, verbose_name=_("取込回数"))
    audit_findings = models.JSONField(
        default=list,
        help_text=_("最後の取込時に行った計画の指標表の点検（監査）の結果"),
        verbose_name=_("監査所見"),
    )
    audit_period = models.CharField(
        max_length=20,
        blank=True,
        default="",
        help_text=_("監査が使った計画期間（例: 2020-2024）"),
        verbose_name=_("監査の計画期間"),
    )
    audited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("監査日時"))
    period_start = models.IntegerField(
        null=True, blank=True, help_text=_("計画期間の最初の年度（西暦）"), verbose_name=_("計画期間（開始）")
    )
    period_end = models.IntegerField(
        null=True, blank=True, help_text=_("計画期間の最後の年度（西暦）"), verbose_name=_("計画期間（終了）")
    )
    published = models.BooleanField(
        default=True,
        help_text=_("オフ: 公開サイトと API に出さない（職員の画面にだけ出る）"),
        verbose_name=_("公開"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("公開日時"))
    published_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("公開した人"))
    imported_at = models.DateTimeField(auto_now_add=True, verbose_name=_("初回取込日時"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))

    class Meta:
        db_table = "machikpi_plan"
        ordering: ClassVar[list[str]] = ["doc"]
        verbose_name = _("計画")
        verbose_name_plural = _("計画")

    def __str__(self) -> str:
        return self.title or self.doc


class Node(models.Model):
    """A node of a plan's hierarchy (基本目標, 施策 …); ``key`` is its identity within the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("計画"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("上位の項目"),
    )
    key = models.CharField(max_length=2000, verbose_name=_("識別キー"))
    level = models.CharField(max_length=100, verbose_name=_("階層"))
    code = models.CharField(max_length=100, null=True, blank=True, verbose_name=_("番号"))
    title = models.TextField(verbose_name=_("名称"))
    text = models.TextField(blank=True, default="", verbose_name=_("本文"))
    line = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("行番号"))
    position = models.PositiveIntegerField(
        default=0, help_text=_("計画書の中での順序"), verbose_name=_("順序")
    )
    present = models.BooleanField(
        default=True,
        help_text=_("オフ: 最後に取り込んだ計画書にはない（以前の版の項目）"),
        verbose_name=_("最新の計画書にある"),
    )

    class Meta:
        db_table = "machikpi_node"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "key"], name="machikpi_node_key")
        ]
        verbose_name = _("計画の項目")
        verbose_name_plural = _("計画の項目（目標・施策）")

    def __str__(self) -> str:
        return f"{self.code or ''} {self.title}".strip()


class Department(models.Model):
    """A department (担当課) that owns indicators and reports their actual values.

    Plan documents rarely say who owns an indicator; the planning office
    assigns departments (web staff area, admin, or the demo's assignment)."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("課名"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("表示順"))

    class Meta:
        db_table = "machikpi_department"
        ordering: ClassVar[list[str]] = ["position", "name"]
        verbose_name = _("担当課")
        verbose_name_plural = _("担当課")

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="machikpi_profile",
        verbose_name=_("ユーザー"),
    )
    role = models.CharField(max_length=20, choices=ROLES, verbose_name=_("役割"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("担当課"),
    )

    class Meta:
        db_table = "machikpi_staff_profile"
        verbose_name = _("職員の役割")
        verbose_name_plural = _("職員の役割")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


#: The good directions an indicator can be given (the KPI rows' ``direction``).
DIRECTIONS: list[tuple[str, str]] = [
    ("higher", "高いほど良い"),
    ("lower", "低いほど良い"),
    ("keep", "維持"),
]


class Indicator(models.Model):
    """An indicator (指標) printed for a node. ``key`` is its identity within the plan;
    ``department`` is the owner assigned by the planning office (not re-imported)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("計画")
    )
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("項目")
    )
    key = models.CharField(max_length=2500, verbose_name=_("識別キー"))
    role = models.CharField(max_length=20, choices=ROLE_CHOICES, verbose_name=_("区分"))
    name = models.TextField(verbose_name=_("指標名"))
    raw_name = models.TextField(verbose_name=_("指標名（原文）"))
    definition = models.TextField(null=True, blank=True, verbose_name=_("定義"))
    unit = models.CharField(max_length=50, null=True, blank=True, verbose_name=_("単位"))
    cumulative = models.BooleanField(default=False, verbose_name=_("累計"))
    notes = models.JSONField(default=list, verbose_name=_("備考"))
    line = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("行番号"))
    uncertain = models.BooleanField(
        default=False,
        help_text=_("崩れた文字から読み取った（値は位置で対応づけた）: 人が確認してください"),
        verbose_name=_("要確認（読み取りが不確か）"),
    )
    verdicts = models.JSONField(
        default=list,
        help_text=_("評価の文書（効果検証・事後評価）に記載された評価: [{value, legend, raw, line}]"),
        verbose_name=_("計画書に記載された評価"),
    )
    position = models.PositiveIntegerField(
        default=0, help_text=_("計画書の中での順序"), verbose_name=_("順序")
    )
    present = models.BooleanField(
        default=True,
        help_text=_("オフ: 最後に取り込んだ計画書にはない（以前の版の項目）"),
        verbose_name=_("最新の計画書にある"),
    )
    missing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("計画書から消えた日時"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        verbose_name=_("担当課"),
    )
    #: The good direction set by the planning office (the import review), which
    #: overrides the one inferred from the printed values; not re-imported.
    direction = models.CharField(
        max_length=10,
        choices=DIRECTIONS,
        null=True,
        blank=True,
        help_text=_("空欄: 基準値・目標値から判断する"),
        verbose_name=_("良い方向"),
    )

    class Meta:
        db_table = "machikpi_indicator"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "key"], name="machikpi_indicator_key")
        ]
        verbose_name = _("指標")
        verbose_name_plural = _("指標")

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """One group of an indicator (``group`` ``None`` when the value is not split);
    ``group_key`` is ``""`` for no group so that it can be unique."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="series", verbose_name=_("指標")
    )
    group = models.CharField(max_length=200, null=True, blank=True, verbose_name=_("区分（グループ）"))
    group_key = models.CharField(max_length=200, default="", blank=True, verbose_name=_("区分キー"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("順序"))
    present = models.BooleanField(default=True, verbose_name=_("最新の計画書にある"))

    class Meta:
        db_table = "machikpi_series"
        ordering: ClassVar[list[str]] = ["indicator", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["indicator", "group_key"], name="machikpi_series_group")
        ]
        verbose_name = _("系列")
        verbose_name_plural = _("系列")

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

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="cells", verbose_name=_("系列"))
    kind = models.CharField(max_length=10, choices=KINDS, verbose_name=_("種類"))
    position = models.PositiveIntegerField(
        default=0, help_text=_("同じ種類の値の中での列の順序"), verbose_name=_("列の順序")
    )
    raw = models.TextField(blank=True, default="", verbose_name=_("原文"))
    status = models.CharField(max_length=10, choices=CELL_STATUS_CHOICES, verbose_name=_("状態"))
    value = models.FloatField(null=True, blank=True, verbose_name=_("値"))
    year = models.IntegerField(null=True, blank=True, verbose_name=_("年度"))
    year_type = models.CharField(
        max_length=10, null=True, blank=True, choices=YEAR_TYPE_CHOICES, verbose_name=_("年度の種類")
    )
    bound = models.CharField(
        max_length=5, null=True, blank=True, choices=BOUND_CHOICES, verbose_name=_("以上・以内")
    )
    unit = models.CharField(max_length=50, null=True, blank=True, verbose_name=_("単位"))
    notes = models.JSONField(default=list, verbose_name=_("注記"))
    repairs = models.JSONField(default=list, verbose_name=_("読み取りの修正"))

    class Meta:
        db_table = "machikpi_cell"
        ordering: ClassVar[list[str]] = ["series", "kind", "position"]
        verbose_name = _("計画書の値")
        verbose_name_plural = _("計画書の値（基準値・目標値・実績値）")

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
    #: a draft that the planning office sent back to its department with a reason (``return`` change)
    RETURNED = "returned"
    STATUSES: ClassVar[list[tuple[str, str]]] = [
        (DRAFT, "下書き"),
        (APPROVED, "承認済"),
        (RETURNED, "差し戻し"),
    ]

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="actual_values", verbose_name=_("系列")
    )
    year = models.IntegerField(help_text=_("値が属する年度（西暦）"), verbose_name=_("年度"))
    value = models.FloatField(null=True, blank=True, verbose_name=_("値"))
    raw = models.TextField(blank=True, default="", verbose_name=_("入力どおりの値"))
    note = models.TextField(blank=True, default="", verbose_name=_("備考"))
    status = models.CharField(max_length=10, choices=STATUSES, default=APPROVED, verbose_name=_("状態"))
    entered_by = models.CharField(max_length=200, verbose_name=_("入力者"))
    source = models.TextField(
        blank=True, default="", help_text=_("値を取り込んだファイル"), verbose_name=_("入力元")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("登録日時"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("版"))
    approved_value = models.FloatField(null=True, blank=True, verbose_name=_("承認済みの値"))
    approved_raw = models.TextField(null=True, blank=True, verbose_name=_("承認済みの値（入力どおり）"))
    approved_note = models.TextField(blank=True, default="", verbose_name=_("承認済みの備考"))
    approved_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("承認者"))
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("承認日時"))

    class Meta:
        db_table = "machikpi_actual"
        ordering: ClassVar[list[str]] = ["series", "year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "year"], name="machikpi_actual_series_year")
        ]
        verbose_name = _("実績値")
        verbose_name_plural = _("実績値")

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
    RETURN = "return"
    ACTIONS: ClassVar[list[tuple[str, str]]] = [
        (CREATE, "登録"),
        (UPDATE, "変更"),
        (APPROVE, "承認"),
        (REVERT, "取り消し"),
        (RETURN, "差し戻し"),
    ]

    actual = models.ForeignKey(
        ActualValue, on_delete=models.PROTECT, related_name="history", verbose_name=_("実績値")
    )
    action = models.CharField(max_length=10, choices=ACTIONS, verbose_name=_("操作"))
    who = models.CharField(max_length=200, verbose_name=_("実施者"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("日時"))
    old_value = models.FloatField(null=True, blank=True, verbose_name=_("変更前の値"))
    new_value = models.FloatField(null=True, blank=True, verbose_name=_("変更後の値"))
    old_raw = models.TextField(null=True, blank=True, verbose_name=_("変更前（入力どおり）"))
    new_raw = models.TextField(blank=True, default="", verbose_name=_("変更後（入力どおり）"))
    old_status = models.CharField(max_length=10, null=True, blank=True, verbose_name=_("変更前の状態"))
    new_status = models.CharField(max_length=10, verbose_name=_("変更後の状態"))
    note = models.TextField(
        blank=True, default="", help_text=_("変更のときに入力された備考"), verbose_name=_("備考")
    )
    source = models.TextField(blank=True, default="", verbose_name=_("入力元"))
    reverts = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reverted_by",
        verbose_name=_("取り消した変更"),
    )

    class Meta:
        db_table = "machikpi_actual_change"
        ordering: ClassVar[list[str]] = ["actual", "at", "id"]
        verbose_name = _("実績値の変更履歴")
        verbose_name_plural = _("実績値の変更履歴")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who}: {self.old_raw} → {self.new_raw}"

    @property
    def old_status_label(self) -> str:
        """The status before the change in words (下書き, 承認済, 差し戻し), ``""`` for none."""
        return status_label(self.old_status)

    @property
    def new_status_label(self) -> str:
        """The status after the change in words."""
        return status_label(self.new_status)


def status_label(status: str | None) -> str:
    """A status code (``draft`` …) as the words the staff area shows (translated)."""
    from django.utils.translation import gettext

    if not status:
        return ""
    label = dict(ActualValue.STATUSES).get(status)
    return gettext(label) if label is not None else status


class EntryRound(models.Model):
    """The collection of one fiscal year's actual values: the due date (提出期限)
    the planning office set for the departments (one per year)."""

    year = models.IntegerField(unique=True, help_text=_("実績値を集める年度（西暦）"), verbose_name=_("年度"))
    due_date = models.DateField(verbose_name=_("提出期限"))
    set_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("設定者"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))

    class Meta:
        db_table = "machikpi_entry_round"
        ordering: ClassVar[list[str]] = ["-year"]
        verbose_name = _("実績値の提出期限")
        verbose_name_plural = _("実績値の提出期限")

    def __str__(self) -> str:
        return f"{self.year}年度: {self.due_date:%Y-%m-%d}"


class Evaluation(models.Model):
    """An evaluation of one series for one year under one rule set; the fields
    are those of the spec's *Evaluation* object (``docs/kpi-rows.md``)."""

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("系列")
    )
    year = models.IntegerField(verbose_name=_("年度"))
    rules = models.CharField(max_length=100, verbose_name=_("評価基準"))
    direction = models.CharField(
        max_length=10, null=True, blank=True, choices=DIRECTION_CHOICES, verbose_name=_("良い方向")
    )
    actual = models.FloatField(null=True, blank=True, verbose_name=_("実績値"))
    target = models.FloatField(null=True, blank=True, verbose_name=_("目標値"))
    expected = models.FloatField(null=True, blank=True, verbose_name=_("想定値"))
    achievement_rate = models.FloatField(null=True, blank=True, verbose_name=_("達成率"))
    progress_rate = models.FloatField(null=True, blank=True, verbose_name=_("進捗率"))
    grade = models.CharField(max_length=20, null=True, blank=True, verbose_name=_("評価"))
    points = models.FloatField(null=True, blank=True, verbose_name=_("点数"))
    reason = models.TextField(null=True, blank=True, verbose_name=_("評価できない理由"))
    reason_code = models.CharField(
        max_length=40,
        null=True,
        blank=True,
        choices=REASON_CODE_CHOICES,
        verbose_name=_("評価できない理由の符号"),
    )
    direction_note = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text=_("方向を計画書でなく指標カタログから取ったとき、その旨"),
        verbose_name=_("方向の根拠"),
    )
    evaluated_at = models.DateTimeField(auto_now=True, verbose_name=_("評価日時"))

    class Meta:
        db_table = "machikpi_evaluation"
        ordering: ClassVar[list[str]] = ["series", "year", "rules"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "year", "rules"], name="machikpi_evaluation_key")
        ]
        verbose_name = _("評価結果")
        verbose_name_plural = _("評価結果")

    def __str__(self) -> str:
        return f"{self.series_id} {self.year} {self.rules}: {self.grade or self.reason}"


class CommitteeComment(models.Model):
    """A comment of the external committee (外部有識者会議) on a node for an
    evaluation year; shown under the node in the report and on the node page."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="comments", verbose_name=_("項目"))
    year = models.IntegerField(help_text=_("評価年度（西暦）"), verbose_name=_("評価年度"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("委員（ユーザー）"),
    )
    author_name = models.CharField(
        max_length=200, help_text=_("報告書に表示する名前"), verbose_name=_("委員名")
    )
    text = models.TextField(verbose_name=_("意見"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("登録日時"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))

    class Meta:
        db_table = "machikpi_committee_comment"
        ordering: ClassVar[list[str]] = ["node", "year", "created_at", "id"]
        verbose_name = _("外部有識者会議の意見")
        verbose_name_plural = _("外部有識者会議の意見")

    def __str__(self) -> str:
        return f"{self.year} {self.author_name}: {self.text[:30]}"


class Opinion(models.Model):
    """A citizen's opinion printed in a plan document with the plan's response
    (意見 → 対応方針 → 計画への反映); :class:`machikpi.core.model.Opinion`.
    Replaced on every import of the document (they are the document's data).

    ``measure`` lists the titles of the plan places the opinion is about
    (outermost first) and ``measure_codes`` their printed codes;
    ``reflections`` is a list of ``{"page", "section", "quote"}``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("計画"))
    number = models.PositiveIntegerField(verbose_name=_("番号"))
    measure = models.JSONField(default=list, verbose_name=_("施策"))
    measure_codes = models.JSONField(default=list, verbose_name=_("施策の番号"))
    opinion = models.TextField(verbose_name=_("意見"))
    response = models.TextField(blank=True, default="", verbose_name=_("対応方針"))
    reflections = models.JSONField(default=list, verbose_name=_("計画への反映"))
    line = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("行番号"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("順序"))

    class Meta:
        db_table = "machikpi_opinion"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        verbose_name = _("市民の意見")
        verbose_name_plural = _("市民の意見")

    def __str__(self) -> str:
        return f"{self.number}: {self.opinion[:30]}"


class PlanImport(models.Model):
    """A plan document uploaded in the staff area, read and waiting for review (取込の下書き).

    Nothing of it is public until it is published (:mod:`machikpi.adapters.services.imports`):
    then the reading with its :class:`Correction` records applied is stored as
    a :class:`Plan` through the same ``store_plan`` as ``machikpi import``.
    ``reading`` is the reader's plan as JSON (:func:`machikpi.adapters.plan_json.plan_to_json`),
    ``rows`` the flat review list (nodes and indicators with their keys and
    reader values), ``lines`` the source lines the rows point at
    (``{"line": [text, page]}``). ``municipality`` is plain text for now."""

    DRAFT = "draft"
    PUBLISHED = "published"
    DISCARDED = "discarded"
    STATUSES: ClassVar[list[tuple[str, str]]] = [
        (DRAFT, "確認中"),
        (PUBLISHED, "公開済"),
        (DISCARDED, "破棄"),
    ]

    name = models.CharField(max_length=500, verbose_name=_("ファイル名"))
    data = models.BinaryField(verbose_name=_("ファイルの内容"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_by = models.CharField(max_length=200, verbose_name=_("取り込んだ人"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("取込日時"))
    read_seconds = models.FloatField(default=0.0, verbose_name=_("読み取り時間（秒）"))
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT, verbose_name=_("状態"))
    reading = models.JSONField(default=dict, verbose_name=_("読み取り結果"))
    rows = models.JSONField(default=dict, verbose_name=_("確認用の一覧"))
    lines = models.JSONField(default=dict, verbose_name=_("原文の行"))
    warnings = models.JSONField(default=list, verbose_name=_("読み取りの警告"))
    not_carried = models.JSONField(
        default=list,
        help_text=_("前回の修正のうち、読み取り結果が変わったため引き継がなかったもの"),
        verbose_name=_("引き継がなかった修正"),
    )
    municipality = models.CharField(max_length=200, blank=True, default="", verbose_name=_("自治体名"))
    plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
        verbose_name=_("公開した計画"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("公開日時"))
    published_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("公開した人"))
    #: The stored plan this upload revises (改訂), chosen on upload: its file may have
    #: another name. ``None``: the plan of the same document name, if any.
    revises = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revision_imports",
        verbose_name=_("改訂する計画"),
    )

    class Meta:
        db_table = "machikpi_plan_import"
        ordering: ClassVar[list[str]] = ["-uploaded_at", "-id"]
        verbose_name = _("計画書の取込")
        verbose_name_plural = _("計画書の取込")

    def __str__(self) -> str:
        return f"{self.name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class Correction(models.Model):
    """A person's correction of what the reader read: one field of one row
    (``key``: the reader's indicator key, ``""`` for the plan itself), the
    reader's value and the person's, who and when. Never deleted: a
    correction set again is ``replaced``, one taken back ``reverted``.

    Fields: ``name``, ``unit``, ``cumulative``, ``direction``, ``node`` (the
    parent node's key), ``department`` (a department name), ``s{i}.baseline``,
    ``s{i}.baseline_year``, ``s{i}.t{j}``, ``s{i}.t{j}_year`` (series ``i``,
    target ``j``), ``deleted`` (a false row), ``added`` (a missed row: the
    person's value holds the whole row); plan fields ``title``,
    ``period_start``, ``period_end``, ``municipality``."""

    ACTIVE = "active"
    REPLACED = "replaced"
    REVERTED = "reverted"
    STATES: ClassVar[list[tuple[str, str]]] = [
        (ACTIVE, "有効"),
        (REPLACED, "置き換え済"),
        (REVERTED, "取り消し済"),
    ]

    plan_import = models.ForeignKey(
        PlanImport, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("取込")
    )
    plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        verbose_name=_("計画"),
    )
    key = models.CharField(max_length=500, blank=True, default="", verbose_name=_("行の識別キー"))
    label = models.TextField(blank=True, default="", verbose_name=_("行（指標名）"))
    field = models.CharField(max_length=50, verbose_name=_("項目"))
    reader_value = models.JSONField(null=True, blank=True, verbose_name=_("読み取った値"))
    person_value = models.JSONField(null=True, blank=True, verbose_name=_("修正した値"))
    who = models.CharField(max_length=200, verbose_name=_("修正した人"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("日時"))
    state = models.CharField(max_length=10, choices=STATES, default=ACTIVE, verbose_name=_("状態"))
    reverted_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("取り消した人"))
    reverted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("取り消し日時"))
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        verbose_name=_("引き継いだ修正"),
    )

    class Meta:
        db_table = "machikpi_correction"
        ordering: ClassVar[list[str]] = ["plan_import", "at", "id"]
        verbose_name = _("読み取りの修正")
        verbose_name_plural = _("読み取りの修正")

    def __str__(self) -> str:
        return f"{self.key} {self.field}: {self.reader_value!r} → {self.person_value!r}"


class PlanChange(models.Model):
    """One change of a stored plan in the staff area: publish (with the import
    and its corrections), unpublish, rename, period, department. Never updated."""

    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    RENAME = "rename"
    PERIOD = "period"
    DEPARTMENT = "department"
    ACTIONS: ClassVar[list[tuple[str, str]]] = [
        (PUBLISH, "公開"),
        (UNPUBLISH, "非公開"),
        (RENAME, "表題の変更"),
        (PERIOD, "計画期間の変更"),
        (DEPARTMENT, "担当課の割当"),
    ]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("計画"))
    plan_import = models.ForeignKey(
        PlanImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
        verbose_name=_("取込"),
    )
    action = models.CharField(max_length=20, choices=ACTIONS, verbose_name=_("操作"))
    who = models.CharField(max_length=200, verbose_name=_("実施者"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("日時"))
    detail = models.JSONField(default=dict, verbose_name=_("内容"))

    class Meta:
        db_table = "machikpi_plan_change"
        ordering: ClassVar[list[str]] = ["plan", "-at", "-id"]
        verbose_name = _("計画の変更履歴")
        verbose_name_plural = _("計画の変更履歴")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who}: {self.action}"

    @property
    def action_label(self) -> str:
        """The action in words (translated)."""
        from django.utils.translation import gettext

        return gettext(dict(self.ACTIONS).get(self.action, self.action))


# --- 効果検証 (issue 12, item 1): the departments' review and the committee's 外部評価 ---------------


#: The default 今後の方向性 list, created by migration 0010 and changed by 企画政策課 in the staff area.
DEFAULT_DIRECTIONS: tuple[str, ...] = ("拡充", "継続", "見直し", "廃止")
#: Where the default list comes from (shown on the staff page that edits it).
DEFAULT_DIRECTIONS_SOURCE = (
    "既定値: 地方版総合戦略の効果検証シートに多い区分（拡充・継続・見直し・廃止）。"
    "machikpi の読み取りによる例で、自治体ごとに変更してください。"
)
#: The published name of the committee until 企画政策課 sets the municipality's own.
DEFAULT_COMMITTEE_NAME = "外部有識者会議"


class DirectionChoice(models.Model):
    """One choice of 今後の方向性 (拡充, 継続 …); the list is the municipality's, set by 企画政策課.
    A choice in use is never deleted, only made inactive (``active = False``)."""

    label = models.CharField(max_length=50, unique=True, verbose_name=_("今後の方向性"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("表示順"))
    active = models.BooleanField(default=True, verbose_name=_("選択肢に表示する"))
    source = models.TextField(blank=True, default="", verbose_name=_("出典"))

    class Meta:
        db_table = "machikpi_direction_choice"
        ordering: ClassVar[list[str]] = ["position", "id"]
        verbose_name = _("今後の方向性の選択肢")
        verbose_name_plural = _("今後の方向性の選択肢")

    def __str__(self) -> str:
        return self.label


class ReviewSetting(models.Model):
    """The settings of the 効果検証 (one row, ``pk`` 1): the name the committee's
    外部評価 is published under (「○○市総合戦略推進会議」), never a login name."""

    committee_name = models.CharField(
        max_length=200, default=DEFAULT_COMMITTEE_NAME, verbose_name=_("外部評価を公表する会議の名称")
    )
    updated_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("設定者"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))

    class Meta:
        db_table = "machikpi_review_setting"
        verbose_name = _("効果検証の設定")
        verbose_name_plural = _("効果検証の設定")

    def __str__(self) -> str:
        return self.committee_name


class ReviewEntry(models.Model):
    """The 効果検証 of one indicator or one measure (a node) for an evaluation year,
    written by the owning 担当課: 取組の成果と課題 (``results``), 今後の方向性
    (``direction``) and 内部評価 (``internal``).

    States as an actual value: ``draft`` (being written), ``submitted`` (sent to
    企画政策課), ``approved``, ``returned`` (sent back with a reason). The
    ``approved_*`` fields hold the last approved content, which is what the
    reports and the public pages show; a new draft leaves it public until
    approved. ``version`` grows with every change (optimistic locking).
    Changes go through :mod:`machikpi.adapters.services.review`, which
    writes a :class:`ReviewChange` for each."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    STATUSES: ClassVar[list[tuple[str, str]]] = [
        (DRAFT, "下書き"),
        (SUBMITTED, "提出済"),
        (APPROVED, "承認済"),
        (RETURNED, "差し戻し"),
    ]

    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("指標"),
    )
    node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("施策")
    )
    year = models.IntegerField(help_text=_("評価年度（西暦）"), verbose_name=_("評価年度"))
    results = models.TextField(blank=True, default="", verbose_name=_("取組の成果と課題"))
    direction = models.ForeignKey(
        DirectionChoice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("今後の方向性"),
    )
    internal = models.TextField(blank=True, default="", verbose_name=_("内部評価"))
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT, verbose_name=_("状態"))
    written_by = models.CharField(max_length=200, verbose_name=_("記入者"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("版"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("登録日時"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))
    approved_results = models.TextField(blank=True, default="", verbose_name=_("承認済みの取組の成果と課題"))
    approved_direction = models.CharField(
        max_length=50, blank=True, default="", verbose_name=_("承認済みの今後の方向性")
    )
    approved_internal = models.TextField(blank=True, default="", verbose_name=_("承認済みの内部評価"))
    approved_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("承認者"))
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("承認日時"))

    class Meta:
        db_table = "machikpi_review_entry"
        ordering: ClassVar[list[str]] = ["year", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["indicator", "year"], name="machikpi_review_indicator_year"),
            models.UniqueConstraint(fields=["node", "year"], name="machikpi_review_node_year"),
            models.CheckConstraint(
                condition=(models.Q(indicator__isnull=True) & models.Q(node__isnull=False))
                | (models.Q(indicator__isnull=False) & models.Q(node__isnull=True)),
                name="machikpi_review_indicator_or_node",
            ),
        ]
        verbose_name = _("効果検証（担当課）")
        verbose_name_plural = _("効果検証（担当課）")

    def __str__(self) -> str:
        return f"{self.year} {self.indicator or self.node}: {self.status}"

    @property
    def status_label(self) -> str:
        """The state in words (translated)."""
        from django.utils.translation import gettext

        return gettext(dict(self.STATUSES).get(self.status, self.status))

    @property
    def published(self) -> bool:
        """Whether an approved content exists (what the public sees)."""
        return self.approved_at is not None


class ExternalReview(models.Model):
    """The committee's 外部評価 of a goal or measure (a node) for an evaluation year: one per
    node and year, written by committee members, published when 企画政策課 approves it,
    under ``committee_name`` (the :class:`ReviewSetting` name at approval), not a login name.
    ``approved_text`` is the published text; a later edit stays a draft until approved again."""

    DRAFT = "draft"
    APPROVED = "approved"
    STATUSES: ClassVar[list[tuple[str, str]]] = [(DRAFT, "下書き"), (APPROVED, "承認済")]

    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="external_reviews", verbose_name=_("目標・施策")
    )
    year = models.IntegerField(help_text=_("評価年度（西暦）"), verbose_name=_("評価年度"))
    text = models.TextField(verbose_name=_("外部評価"))
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT, verbose_name=_("状態"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("記入した委員（ユーザー）"),
    )
    written_by = models.CharField(max_length=200, verbose_name=_("記入者"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("版"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("登録日時"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新日時"))
    approved_text = models.TextField(blank=True, default="", verbose_name=_("公表中の外部評価"))
    committee_name = models.CharField(max_length=200, blank=True, default="", verbose_name=_("公表名"))
    approved_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("承認者"))
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("承認日時"))

    class Meta:
        db_table = "machikpi_external_review"
        ordering: ClassVar[list[str]] = ["year", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["node", "year"], name="machikpi_external_review_node_year")
        ]
        verbose_name = _("外部評価")
        verbose_name_plural = _("外部評価")

    def __str__(self) -> str:
        return f"{self.year} {self.node}: {self.text[:30]}"

    @property
    def status_label(self) -> str:
        from django.utils.translation import gettext

        return gettext(dict(self.STATUSES).get(self.status, self.status))


class ReviewChange(models.Model):
    """One change of a :class:`ReviewEntry` or an :class:`ExternalReview`: who, when,
    the fields before and after (``old``/``new``: ``{field: text}``), the states, a note
    (the reason of a 差し戻し). Never updated or deleted."""

    CREATE = "create"
    UPDATE = "update"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    ACTIONS: ClassVar[list[tuple[str, str]]] = [
        (CREATE, "登録"),
        (UPDATE, "変更"),
        (SUBMIT, "提出"),
        (APPROVE, "承認"),
        (RETURN, "差し戻し"),
    ]

    entry = models.ForeignKey(
        ReviewEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="history",
        verbose_name=_("効果検証"),
    )
    external = models.ForeignKey(
        ExternalReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="history",
        verbose_name=_("外部評価"),
    )
    action = models.CharField(max_length=10, choices=ACTIONS, verbose_name=_("操作"))
    who = models.CharField(max_length=200, verbose_name=_("実施者"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("日時"))
    old = models.JSONField(default=dict, verbose_name=_("変更前"))
    new = models.JSONField(default=dict, verbose_name=_("変更後"))
    old_status = models.CharField(max_length=10, null=True, blank=True, verbose_name=_("変更前の状態"))
    new_status = models.CharField(max_length=10, verbose_name=_("変更後の状態"))
    note = models.TextField(blank=True, default="", verbose_name=_("備考"))

    class Meta:
        db_table = "machikpi_review_change"
        ordering: ClassVar[list[str]] = ["at", "id"]
        verbose_name = _("効果検証の変更履歴")
        verbose_name_plural = _("効果検証の変更履歴")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who}: {self.action}"


class ReportDocument(models.Model):
    """A report document (HTML, PDF, XLSX) built in the background and kept.

    ``key`` is the hash of (municipality, year, rule set name and text, format,
    data version — :func:`machikpi.adapters.storage.documents.data_version`):
    a second request with unchanged data finds the document done and is served
    at once; a change of any of the municipality's data gives a new key and a
    new document. ``status``: ``queued`` → ``running`` → ``done`` or
    ``failed`` (``error`` says why, in Japanese); ``progress`` is 0–100
    with ``step`` naming the current step."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUSES: ClassVar[list[tuple[str, str]]] = [
        (QUEUED, "待機中"),
        (RUNNING, "作成中"),
        (DONE, "完了"),
        (FAILED, "失敗"),
    ]

    key = models.CharField(max_length=64, unique=True, verbose_name=_("識別キー"))
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_documents",
        verbose_name=_("団体"),
    )
    year = models.IntegerField(verbose_name=_("年度"))
    rules = models.CharField(max_length=200, verbose_name=_("評価基準"))
    format = models.CharField(max_length=10, verbose_name=_("形式"))
    data_version = models.CharField(max_length=64, verbose_name=_("データの版"))
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED, verbose_name=_("状態"))
    progress = models.PositiveSmallIntegerField(default=0, verbose_name=_("進捗（%）"))
    step = models.CharField(max_length=200, blank=True, default="", verbose_name=_("処理中の段階"))
    error = models.TextField(blank=True, default="", verbose_name=_("エラー"))
    content = models.BinaryField(null=True, blank=True, verbose_name=_("内容"))
    size = models.PositiveIntegerField(default=0, verbose_name=_("大きさ（バイト）"))
    requested_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("依頼者"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("依頼日時"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完了日時"))

    class Meta:
        db_table = "machikpi_report_document"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        verbose_name = _("レポート文書")
        verbose_name_plural = _("レポート文書")

    def __str__(self) -> str:
        return f"{self.year} {self.rules} {self.format} ({self.status})"

    @property
    def status_label(self) -> str:
        """The status in words (待機中, 作成中, 完了, 失敗), translated."""
        from django.utils.translation import gettext

        return gettext(dict(self.STATUSES)[self.status])


class IndicatorConcept(models.Model):
    """The indicator-catalogue concept of an indicator (:mod:`machikpi.core.catalogue`).

    Set by the matcher at every import (``set_by`` ``matcher``, ``score`` its score,
    ``why`` its reason), unless a person set or confirmed it (``set_by`` ``person`` or
    ``confirmed``): then the import leaves it as it is. ``concept`` ``""`` means "no
    concept" (the matcher found none, or a person said none fits)."""

    MATCHER = "matcher"
    PERSON = "person"
    SET_BY: ClassVar[list[tuple[str, str]]] = [(MATCHER, "自動照合"), (PERSON, "職員")]

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="concept_match", verbose_name=_("指標")
    )
    concept = models.CharField(max_length=100, blank=True, default="", verbose_name=_("指標カタログの概念"))
    score = models.FloatField(null=True, blank=True, verbose_name=_("照合の得点"))
    why = models.TextField(blank=True, default="", verbose_name=_("照合の根拠"))
    set_by = models.CharField(max_length=10, choices=SET_BY, default=MATCHER, verbose_name=_("設定"))
    confirmed = models.BooleanField(default=False, verbose_name=_("確認済み"))
    confirmed_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("確認者"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("確認日時"))

    class Meta:
        db_table = "machikpi_indicator_concept"
        verbose_name = _("指標の概念（指標カタログ）")
        verbose_name_plural = _("指標の概念（指標カタログ）")

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.concept or '-'}"


class NodeSdg(models.Model):
    """An SDG goal (1–17) of a node: ``suggested`` from its indicators' concepts and
    its text at import, ``confirmed`` or ``rejected`` by the planning office (a
    person's decision is kept through re-imports)."""

    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    STATES: ClassVar[list[tuple[str, str]]] = [
        (SUGGESTED, "提案（未確認）"),
        (CONFIRMED, "確認済み"),
        (REJECTED, "該当しない"),
    ]

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="sdgs", verbose_name=_("項目"))
    goal = models.PositiveSmallIntegerField(verbose_name=_("SDGsのゴール"))
    state = models.CharField(max_length=10, choices=STATES, default=SUGGESTED, verbose_name=_("状態"))
    score = models.PositiveIntegerField(default=0, verbose_name=_("提案の根拠の数"))
    why = models.TextField(blank=True, default="", verbose_name=_("提案の根拠"))
    decided_by = models.CharField(max_length=200, blank=True, default="", verbose_name=_("確認者"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("確認日時"))

    class Meta:
        db_table = "machikpi_node_sdg"
        ordering: ClassVar[list[str]] = ["node", "goal"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["node", "goal"], name="machikpi_node_sdg_goal"),
            models.CheckConstraint(
                condition=models.Q(goal__gte=1, goal__lte=17), name="machikpi_node_sdg_goal_range"
            ),
        ]
        verbose_name = _("項目のSDGsゴール")
        verbose_name_plural = _("項目のSDGsゴール")

    def __str__(self) -> str:
        return f"{self.node_id}: {self.goal} ({self.state})"


class PlanLinkRow(models.Model):
    """A cross-cutting plan of a plan document (政策連携プラン, :class:`machikpi.core.model.PlanLink`):
    its heading, its 課題意識 ``text`` and the nodes it serves (:class:`PlanLinkTarget`).
    ``key`` (its code, else its normalised title) is its identity: re-importing the
    document updates the row of the same key (its page address stays), and a link
    gone from the document is kept with ``present = False``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="link_rows", verbose_name=_("計画"))
    key = models.CharField(max_length=400, verbose_name=_("識別キー"))
    code = models.CharField(max_length=100, null=True, blank=True, verbose_name=_("番号"))
    title = models.TextField(verbose_name=_("名称"))
    text = models.TextField(blank=True, default="", verbose_name=_("課題意識"))
    line = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("行番号"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("順序"))
    present = models.BooleanField(default=True, verbose_name=_("最新の計画書にある"))

    class Meta:
        db_table = "machikpi_plan_link"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "key"], name="machikpi_plan_link_key")
        ]
        verbose_name = _("政策連携プラン")
        verbose_name_plural = _("政策連携プラン")

    def __str__(self) -> str:
        return f"{self.code or ''} {self.title}".strip()


class PlanLinkTarget(models.Model):
    """A node a cross-cutting plan names (code and title as printed), with the stored
    node of the same code in the plan when there is one (``node`` ``None`` otherwise)."""

    link = models.ForeignKey(
        PlanLinkRow, on_delete=models.CASCADE, related_name="targets", verbose_name=_("政策連携プラン")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("順序"))
    code = models.CharField(max_length=100, blank=True, default="", verbose_name=_("番号"))
    title = models.TextField(blank=True, default="", verbose_name=_("名称"))
    node = models.ForeignKey(
        Node,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="link_targets",
        verbose_name=_("項目"),
    )

    class Meta:
        db_table = "machikpi_plan_link_target"
        ordering: ClassVar[list[str]] = ["link", "position"]
        verbose_name = _("政策連携プランの施策")
        verbose_name_plural = _("政策連携プランの施策")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class TargetRevision(models.Model):
    """The targets of a series superseded by a revised plan (改訂): the target cells
    in force before (``targets``, spec value cells with ``unit``) and those that
    replaced them (``new_targets``), and the period the old ones were in force.

    ``valid_from`` is when they came in (the previous revision of the series, else
    the plan's first import); ``valid_to`` when the revision replaced them (its
    publication). ``to_year`` is the fiscal year of ``valid_to``: the revision
    applies from that year on, so the evaluation of a year before it uses
    ``targets`` (:func:`machikpi.adapters.storage.revisions.targets_in_force`).
    Never updated or deleted."""

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="target_revisions", verbose_name=_("系列")
    )
    targets = models.JSONField(default=list, verbose_name=_("旧目標値"))
    new_targets = models.JSONField(default=list, verbose_name=_("新しい目標値"))
    valid_from = models.DateTimeField(null=True, blank=True, verbose_name=_("適用開始"))
    valid_to = models.DateTimeField(verbose_name=_("適用終了（改訂の日時）"))
    from_year = models.IntegerField(null=True, blank=True, verbose_name=_("適用開始年度"))
    to_year = models.IntegerField(
        help_text=_("改訂を公開した年度: この年度から新しい目標値で評価する"), verbose_name=_("改訂の年度")
    )
    plan_import = models.ForeignKey(
        PlanImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="target_revisions",
        verbose_name=_("改訂の取込"),
    )
    who = models.CharField(max_length=200, blank=True, default="", verbose_name=_("改訂した人"))

    class Meta:
        db_table = "machikpi_target_revision"
        ordering: ClassVar[list[str]] = ["series", "valid_to", "id"]
        verbose_name = _("目標値の改訂履歴")
        verbose_name_plural = _("目標値の改訂履歴")

    def __str__(self) -> str:
        return f"{self.series_id} 〜{self.to_year}: {[t.get('raw') for t in self.targets]}"
