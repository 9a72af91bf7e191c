"""Stored municipalities: the owner of each plan, and choosing one for a report or workbook.

An *owner* is a stored :class:`~.models.Municipality`, or ``None`` for the
plans that have none (stored before municipalities existed, or whose
document names none). Every report, workbook and evaluation is for one
owner (:func:`owner_docs`), never for all stored plans at once.
"""

from __future__ import annotations

from ...core.errors import MachikpiError
from ...core.municipality import Municipality as Proposed
from ...core.municipality import lookup
from . import models as db


class MunicipalityChoiceError(MachikpiError):
    """No municipality, or several, match what was asked (the message lists them, in Japanese)."""


def ensure_municipality(m: Proposed) -> db.Municipality:
    """The stored municipality of ``m`` (matched by code, else by prefecture and name,
    else by name alone when that is unique), created when new; a known code or
    prefecture fills in one the stored row lacked."""
    row: db.Municipality | None = None
    if m.code:
        row = db.Municipality.objects.filter(code=m.code).first()
    if row is None:
        same = db.Municipality.objects.filter(name=m.name)
        if m.prefecture:
            row = same.filter(prefecture=m.prefecture).first() or same.filter(prefecture="").first()
        elif same.count() == 1:
            row = same.first()
    if row is None:
        position = db.Municipality.objects.count()
        return db.Municipality.objects.create(
            name=m.name, prefecture=m.prefecture, code=m.code, position=position
        )
    changed = False
    if m.code and not row.code:
        row.code, changed = m.code, True
    if m.prefecture and not row.prefecture:
        row.prefecture, changed = m.prefecture, True
    if changed:
        row.save()
    return row


def municipality_from_argument(text: str) -> Proposed:
    """What ``--municipality NAME|CODE`` names for an import: a known municipality
    (:func:`machikpi.core.municipality.lookup`), else the name as given (no code).
    Raises :class:`MunicipalityChoiceError` when the name is that of several
    municipalities (府中市): give the prefecture (東京都府中市) or the code."""
    found = lookup(text)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise MunicipalityChoiceError(
            f"「{text}」という団体は複数あります。都道府県名をつけるか団体コードで指定してください: "
            + "、".join(f"{m.label}（{m.code}）" for m in found)
        )
    if text.strip().isdigit():
        raise MunicipalityChoiceError(f"団体コード「{text}」は全国地方公共団体コードの一覧にありません")
    return Proposed(name=text.strip())


def owners() -> list[db.Municipality | None]:
    """Every owner of a stored plan: the municipalities in their order, then ``None``
    when some plan has no municipality."""
    out: list[db.Municipality | None] = list(db.Municipality.objects.filter(plans__isnull=False).distinct())
    if db.Plan.objects.filter(municipality__isnull=True).exists():
        out.append(None)
    return out


#: What names the plans without a municipality (in messages, and for ``--municipality``).
NO_MUNICIPALITY = "団体未設定"


def owner_label(m: db.Municipality | None) -> str:
    """The municipality's name for messages and documents; ``団体未設定`` for ``None``."""
    return m.name if m is not None else NO_MUNICIPALITY


def choose_owner(query: str | None) -> db.Municipality | None:
    """The owner a report or workbook is for: the stored municipality whose name,
    prefecture + name or code is ``query`` (``団体未設定`` or ``none``: the plans without
    one); with no ``query``, the only owner.

    Raises :class:`MunicipalityChoiceError` (Japanese, listing the stored
    municipalities) when ``query`` matches none or several, or when it is
    ``None`` and several owners are stored."""
    stored = owners()
    listing = "、".join(f"{m.name}（{m.code}）" if m and m.code else owner_label(m) for m in stored) or "なし"
    if query is None or not query.strip():
        if len(stored) == 1:
            return stored[0]
        if not stored:
            raise MunicipalityChoiceError(
                "計画が保存されていません。先に計画書を取り込んでください（machikpi import）"
            )
        raise MunicipalityChoiceError(
            f"保存されている団体が複数あります。--municipality で団体名か団体コードを指定してください: {listing}"
        )
    q = query.strip()
    if q in (NO_MUNICIPALITY, "none") and None in stored:
        return None
    rows = list(db.Municipality.objects.all())
    hits = [m for m in rows if q in (m.code, m.name, m.label)]
    if not hits and q.isdigit() and len(q) == 5:  # the code without its check digit
        hits = [m for m in rows if m.code and m.code[:5] == q]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise MunicipalityChoiceError(
            f"「{q}」に当たる団体が複数あります。都道府県名をつけるか団体コードで指定してください: "
            + "、".join(f"{m.label}（{m.code or 'コード未設定'}）" for m in hits)
        )
    raise MunicipalityChoiceError(f"団体「{q}」は保存されていません。保存されている団体: {listing}")


def owner_docs(owner: db.Municipality | None, plans: list[str] | None = None) -> list[str]:
    """The document names of the plans of ``owner`` (``None``: the plans without a
    municipality), limited to ``plans`` when given. Raises
    :class:`MunicipalityChoiceError` for a plan in ``plans`` that is not the owner's."""
    qs = db.Plan.objects.filter(municipality=owner) if owner else db.Plan.objects.filter(municipality=None)
    docs = list(qs.order_by("doc").values_list("doc", flat=True))
    if plans is None:
        return docs
    unknown = [p for p in plans if p not in docs]
    if unknown:
        raise MunicipalityChoiceError(
            f"計画「{'」「'.join(unknown)}」は{owner_label(owner)}の計画として保存されていません"
            f"（{owner_label(owner)}の計画: {'、'.join(docs) or 'なし'}）"
        )
    return [d for d in docs if d in plans]
