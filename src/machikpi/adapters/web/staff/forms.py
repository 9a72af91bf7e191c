"""Forms of the staff area: an actual value, an entry-file upload, a committee
comment, a report download. Validation of numbers is the entry workbook's
(:func:`machikpi.adapters.actual_entry.parse_value`), so a value typed in the
browser is read exactly as the same text in the workbook would be."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...actual_entry import parse_value
from ...storage import models as db

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ValueForm(forms.Form):
    """One actual value: the text as typed (``value``, read in the indicator's
    ``unit``), a note, and the ``version`` of the stored value the user saw
    (``0``: none); ``overwrite`` is set by the conflict page's "save mine" button."""

    value = forms.CharField(
        label=gettext_lazy("実績値"),
        max_length=100,
        help_text=gettext_lazy("例: 1,234 / 12.5 / △3(マイナス)。単位を付ける場合は指標の単位に限ります。"),
    )
    note = forms.CharField(
        label=gettext_lazy("備考"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("評価が前年度より下がる値には、理由の記入が必要です。"),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    overwrite = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, unit: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        if unit:
            self.fields["value"].label = _("実績値(単位: %(unit)s)") % {"unit": unit}

    def clean_value(self) -> str:
        """The text as typed (stripped); the number read from it is ``parsed``."""
        raw = str(self.cleaned_data["value"]).strip()
        try:
            self.parsed = parse_value(raw, self.unit)
        except ValueError as e:
            raise forms.ValidationError(
                _(
                    "%(detail)s。数字で入力してください(例: 1,234 / 12.5 / △3)。単位は「%(unit)s」のみ使えます。"
                )
                % {"detail": str(e), "unit": self.unit or _("なし")}
            ) from e
        return raw

    def clean_note(self) -> str:
        """The note, stripped."""
        return str(self.cleaned_data.get("note") or "").strip()


class ReasonForm(forms.Form):
    """The reason of a return (差し戻し) or a revert (取り消し), required; ``version``
    is the version of the value the user saw (a return checks it)."""

    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": gettext_lazy("理由を入力してください。")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)

    def clean_reason(self) -> str:
        """The reason, stripped; not empty."""
        text = str(self.cleaned_data["reason"]).strip()
        if not text:
            raise forms.ValidationError(_("理由を入力してください。"))
        return text


class UploadForm(forms.Form):
    """An entry workbook (``.xlsx``) or CSV, the year of rows without 年度, and
    (planning users only) whether to store the values as approved."""

    file = forms.FileField(label=gettext_lazy("入力ファイル(.xlsx / .csv)"))
    year = forms.IntegerField(
        label=gettext_lazy("年度(ファイルに年度の列がない行に使います)"),
        required=False,
        min_value=1900,
        max_value=2200,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("登録の状態"),
        choices=[
            (db.ActualValue.DRAFT, gettext_lazy("下書き(承認待ち)")),
            (db.ActualValue.APPROVED, gettext_lazy("承認済(すぐに公開)")),
        ],
        initial=db.ActualValue.DRAFT,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, may_approve: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_approve:
            del self.fields["status"]

    def clean_file(self) -> Any:
        """Only ``.xlsx``/``.xlsm``/``.csv`` up to :data:`MAX_UPLOAD_BYTES`."""
        f = self.cleaned_data["file"]
        name = str(f.name or "").lower()
        if not name.endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("入力ファイルは .xlsx か .csv にしてください。"))
        if f.size is not None and f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます(上限 20 MB)。"))
        return f


def node_choices() -> list[Any]:
    """The present nodes as the choices of a node field, grouped by plan (``code title``, at
    most 80 characters), after an empty choice: the committee's comment and 外部評価 forms."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for node in db.Node.objects.filter(present=True).select_related("plan").order_by("plan__doc", "position"):
        label = f"{node.code + ' ' if node.code else ''}{node.title}"
        groups.setdefault(str(node.plan), []).append((node.pk, label[:80]))
    return [("", "—"), *((plan, items) for plan, items in groups.items())]


class CommentForm(forms.Form):
    """A committee comment on a node for an evaluation year."""

    node = forms.TypedChoiceField(label=gettext_lazy("対象(目標・施策)"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("評価年度"), min_value=1900, max_value=2200)
    text = forms.CharField(
        label=gettext_lazy("コメント"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5, "cols": 70})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["node"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = node_choices()

    def clean_text(self) -> str:
        """The comment, stripped; not empty."""
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("コメントを入力してください。"))
        return text


REPORT_FORMATS: list[tuple[str, str]] = [("html", "HTML"), ("xlsx", "Excel (XLSX)"), ("pdf", "PDF")]


class ReportForm(forms.Form):
    """Which report to make: municipality, year, rule set, format. ``municipalities``
    are the choices of the municipality (value: the id, ``"none"`` for the plans without one)."""

    municipality = forms.ChoiceField(label=gettext_lazy("団体"))
    year = forms.IntegerField(label=gettext_lazy("評価年度"), min_value=1900, max_value=2200)
    rules = forms.ChoiceField(label=gettext_lazy("評価ルール"))
    format = forms.ChoiceField(label=gettext_lazy("形式"), choices=REPORT_FORMATS, widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, rules: list[str], municipalities: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rules"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(r, r) for r in rules]
        owner = self.fields["municipality"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = municipalities
