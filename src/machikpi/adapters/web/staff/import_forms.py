"""Forms of the plan import review and the plan administration (plain Django forms, no script)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...services.imports import DIRECTION_VALUES, field_label
from ...storage import models as db

#: Largest plan document accepted (a 300-page PDF is some 10 MB).
MAX_PLAN_BYTES = 50 * 1024 * 1024
DIRECTION_CHOICES = [
    ("", gettext_lazy("（計画書の値から判断）")),
    ("higher", gettext_lazy("高いほど良い")),
    ("lower", gettext_lazy("低いほど良い")),
    ("keep", gettext_lazy("維持")),
]
assert [c for c, _label in DIRECTION_CHOICES] == list(DIRECTION_VALUES)


def _year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1900, max_value=2200)


def department_choices() -> list[tuple[str, str]]:
    """The departments by name, with "none" first."""
    return [("", _("（未割当）")), *((d.name, d.name) for d in db.Department.objects.all())]


class PlanUploadForm(forms.Form):
    """A plan document: a PDF with a text layer, or text extracted from one."""

    file = forms.FileField(label=gettext_lazy("計画書のファイル(.pdf / .txt)"))
    revises = forms.ModelChoiceField(
        queryset=db.Plan.objects.order_by("title", "doc"),
        required=False,
        label=gettext_lazy("改訂する計画(ファイル名が前回と違うときに選ぶ)"),
        empty_label=gettext_lazy("（ファイル名で判断: 同じ名前の計画があればその改訂、なければ新しい計画）"),
    )

    def clean_file(self) -> Any:
        """Up to :data:`MAX_PLAN_BYTES`."""
        f = self.cleaned_data["file"]
        if f.size is not None and f.size > MAX_PLAN_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます(上限 50 MB)。"))
        return f


class PlanMetaForm(forms.Form):
    """The plan's title, municipality and period as the reviewer sets them."""

    title = forms.CharField(label=gettext_lazy("表題"), max_length=500)
    municipality = forms.CharField(label=gettext_lazy("自治体名"), max_length=200, required=False)
    period_start = _year_field(gettext_lazy("計画期間（開始年度・西暦）"))
    period_end = _year_field(gettext_lazy("計画期間（終了年度・西暦）"))

    def clean(self) -> dict[str, Any]:
        """Both years or neither, start not after end."""
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("計画期間は開始と終了の両方を入力してください。"))
        if start is not None and end is not None and start > end:
            raise forms.ValidationError(_("計画期間の開始が終了より後です。"))
        return data


class RowForm(forms.Form):
    """Every correctable field of one indicator row (names as the corrections'
    fields, ``.`` written ``__``), filled with the values in effect."""

    def __init__(
        self, *args: Any, values: dict[str, Any], nodes: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names: dict[str, str] = {}
        node_choices = [
            (n["key"], ("　" * n["depth"]) + f"{n['code'] or ''} {n['title']}".strip()) for n in nodes
        ]
        for field, value in values.items():
            name = field.replace(".", "__")
            self.names[name] = field
            label = _(field_label(field))
            f: forms.Field
            if field in ("cumulative", "deleted"):
                f = forms.BooleanField(label=label, required=False)
            elif field == "direction":
                f = forms.ChoiceField(label=label, choices=DIRECTION_CHOICES, required=False)
            elif field == "node":
                f = forms.ChoiceField(label=label, choices=node_choices)
            elif field == "department":
                f = forms.ChoiceField(label=label, choices=department_choices(), required=False)
            elif field.endswith("_year"):
                f = _year_field(label)
            else:
                f = forms.CharField(label=label, max_length=500, required=field != "name")
            f.initial = value
            self.fields[name] = f

    def changes(self, values: dict[str, Any]) -> dict[str, Any]:
        """The fields whose cleaned value differs from ``values`` (the values in effect)."""
        out: dict[str, Any] = {}
        for name, field in self.names.items():
            new = self.cleaned_data.get(name)
            old = values.get(field)
            if isinstance(new, str):
                new = new.strip()
            if (new in (None, "") and old in (None, "")) or new == old:
                continue
            out[field] = new
        return out


class AddRowForm(forms.Form):
    """A row the reader missed."""

    node = forms.ChoiceField(label=gettext_lazy("上位の項目"))
    name = forms.CharField(label=gettext_lazy("指標名"), max_length=500)
    unit = forms.CharField(label=gettext_lazy("単位"), max_length=50, required=False)
    baseline = forms.CharField(label=gettext_lazy("基準値"), max_length=200, required=False)
    baseline_year = _year_field(gettext_lazy("基準値の年度"))
    target = forms.CharField(label=gettext_lazy("目標値"), max_length=200, required=False)
    target_year = _year_field(gettext_lazy("目標値の年度"))
    cumulative = forms.BooleanField(label=gettext_lazy("累計"), required=False)

    def __init__(self, *args: Any, nodes: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n["key"], ("　" * n["depth"]) + f"{n['code'] or ''} {n['title']}".strip()) for n in nodes]
        self.fields["node"].choices = choices  # type: ignore[attr-defined]


class PlanAdminForm(forms.Form):
    """A stored plan's title and period."""

    title = forms.CharField(label=gettext_lazy("表題"), max_length=500)
    period_start = _year_field(gettext_lazy("計画期間（開始年度・西暦）"))
    period_end = _year_field(gettext_lazy("計画期間（終了年度・西暦）"))
