"""効果検証 (issue 12, item 1): the departments' review of their indicators and measures,
and the committee's 外部評価, each published only when 企画政策課 approves it.

A :class:`~..storage.models.ReviewEntry` (取組の成果と課題, 今後の方向性, 内部評価) of an
indicator or a measure for an evaluation year is written by the owning 担当課 only: an
indicator's department (``Indicator.department``), a measure's every department that owns
an indicator of it. It goes draft → submitted → approved (or returned with a reason, then
written and submitted again); the approved content is copied to ``approved_*``, which is
what the reports and the public pages show, so a later draft leaves it public until
approved. An :class:`~..storage.models.ExternalReview` (外部評価) of a goal or measure is
written by the committee and published on approval under the committee's name
(:func:`committee_name`, 企画政策課's setting), never a login name.

Every change writes a :class:`~..storage.models.ReviewChange` (who, when, the fields before
and after, the states, a return's reason). A writer passes the ``version`` it read; a save
over a newer version raises :class:`ReviewConflict`. Callers run these in a transaction
(``transaction.atomic``); each locks its row (``select_for_update``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ...core.errors import MachikpiError
from ..storage import models as db
from ..web.roles import COMMITTEE, DEPARTMENT, PLANNING, department_of, role_of


class ReviewError(MachikpiError):
    """A 効果検証 change that cannot be made (the message says why, in Japanese)."""


class ReviewPermissionError(ReviewError):
    """The user may not make this change (not the owning department, not planning …)."""


class ReviewConflict(ReviewError):
    """Somebody saved after the writer read the entry (optimistic locking); ``current``
    is the entry as stored now."""

    def __init__(self, message: str, current: db.ReviewEntry | db.ExternalReview) -> None:
        super().__init__(message)
        self.current = current


# --- settings: the direction list and the committee's name -------------------------------------


def direction_choices(*, include_inactive: bool = False) -> list[db.DirectionChoice]:
    """The 今後の方向性 list in order (active ones only unless ``include_inactive``); an empty
    table (a fresh database the migration's defaults were flushed from) gets the defaults."""
    if not db.DirectionChoice.objects.exists():
        for k, label in enumerate(db.DEFAULT_DIRECTIONS):
            db.DirectionChoice.objects.get_or_create(
                label=label, defaults={"position": k, "source": db.DEFAULT_DIRECTIONS_SOURCE}
            )
    qs = db.DirectionChoice.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    return list(qs.order_by("position", "id"))


def committee_name() -> str:
    """The name the committee's 外部評価 is published under (企画政策課's setting, else the
    default). Reads only: a public page asking for it writes nothing."""
    name = db.ReviewSetting.objects.filter(pk=1).values_list("committee_name", flat=True).first()
    return name or db.DEFAULT_COMMITTEE_NAME


def set_committee_name(user: Any, name: str) -> None:
    """Set the committee's published name (planning only). Already published 外部評価 keep
    the name they were approved under until approved again."""
    _require_planning(user)
    name = name.strip()
    if not name:
        raise ReviewError("会議の名称を入力してください。")
    setting, _created = db.ReviewSetting.objects.get_or_create(pk=1)
    setting.committee_name = name
    setting.updated_by = user.get_username()
    setting.save()


def save_direction(
    user: Any, *, label: str, position: int, active: bool, choice_id: int | None = None
) -> None:
    """Add (``choice_id`` ``None``) or change one 今後の方向性 choice (planning only). A
    renamed choice renames it in unapproved entries; approved ones keep the label approved."""
    _require_planning(user)
    label = label.strip()
    if not label:
        raise ReviewError("今後の方向性の名称を入力してください。")
    clash = db.DirectionChoice.objects.filter(label=label)
    if choice_id is not None:
        clash = clash.exclude(pk=choice_id)
    if clash.exists():
        raise ReviewError(f"「{label}」はすでにあります。")
    if choice_id is None:
        db.DirectionChoice.objects.create(
            label=label, position=position, active=active, source="企画政策課が追加"
        )
        return
    choice = db.DirectionChoice.objects.get(pk=choice_id)
    choice.label, choice.position, choice.active = label, position, active
    choice.save()


# --- who may write -----------------------------------------------------------------------------


def measure_departments(node: db.Node) -> set[int]:
    """The ids of the departments owning an indicator of ``node`` (its owners for the 効果検証)."""
    return {
        d
        for d in db.Indicator.objects.filter(node=node, present=True, department__isnull=False).values_list(
            "department_id", flat=True
        )
        if d is not None
    }


def can_write_review(
    user: Any, *, indicator: db.Indicator | None = None, node: db.Node | None = None
) -> bool:
    """Whether ``user`` may write the 効果検証 of ``indicator`` or of the measure ``node``:
    a department user of the owning department (module docstring); nobody else."""
    if role_of(user) != DEPARTMENT:
        return False
    dept = department_of(user)
    if dept is None:
        return False
    if indicator is not None:
        return indicator.department_id == dept.pk
    return node is not None and dept.pk in measure_departments(node)


def _require_planning(user: Any) -> None:
    if role_of(user) != PLANNING:
        raise ReviewPermissionError("承認・差し戻し・設定ができるのは企画政策課だけです。")


# --- the department's review -------------------------------------------------------------------


def _fields(entry: db.ReviewEntry) -> dict[str, str]:
    return {
        "results": entry.results,
        "direction": entry.direction.label if entry.direction is not None else "",
        "internal": entry.internal,
    }


def _change(
    *,
    entry: db.ReviewEntry | None = None,
    external: db.ExternalReview | None = None,
    action: str,
    who: str,
    old: dict[str, str],
    new: dict[str, str],
    old_status: str | None,
    new_status: str,
    note: str = "",
) -> None:
    db.ReviewChange.objects.create(
        entry=entry,
        external=external,
        action=action,
        who=who,
        old=old,
        new=new,
        old_status=old_status,
        new_status=new_status,
        note=note,
    )


def _check_version(current: db.ReviewEntry | db.ExternalReview, expected: int | None) -> None:
    if expected is not None and current.version != expected:
        raise ReviewConflict(
            f"画面を開いた後に {current.written_by} さんが内容を変更しました(版 {current.version})。"
            "見直してから、もう一度保存してください。",
            current,
        )


def save_review(
    user: Any,
    *,
    year: int,
    indicator_id: int | None = None,
    node_id: int | None = None,
    results: str,
    direction_id: int | None,
    internal: str,
    expected_version: int | None = None,
    submit: bool = False,
) -> db.ReviewEntry:
    """Write the 効果検証 of an indicator (``indicator_id``) or a measure (``node_id``) for
    ``year`` as the owning department: a draft, or ``submit``-ted to 企画政策課.
    ``expected_version`` is the version read (``0``: none existed). Raises
    :class:`ReviewPermissionError`, :class:`ReviewConflict`, :class:`ReviewError`."""
    if (indicator_id is None) == (node_id is None):
        raise ReviewError("指標か施策のどちらか一つを指定してください。")
    indicator = db.Indicator.objects.filter(pk=indicator_id).first() if indicator_id is not None else None
    node = db.Node.objects.filter(pk=node_id).first() if node_id is not None else None
    if indicator is None and node is None:
        raise ReviewError("指定された指標・施策が見つかりません。")
    if not can_write_review(user, indicator=indicator, node=node):
        raise ReviewPermissionError("効果検証を書けるのは、その指標・施策を担当する課だけです。")
    direction = None
    if direction_id is not None:
        direction = db.DirectionChoice.objects.filter(pk=direction_id).first()
        if direction is None:
            raise ReviewError("今後の方向性の選択肢が見つかりません。")
    results, internal = results.strip(), internal.strip()
    if submit and not results:
        raise ReviewError("提出するには「取組の成果と課題」を書いてください。")
    who = user.get_username()
    key: dict[str, Any] = {"indicator": indicator} if indicator is not None else {"node": node}
    entry = db.ReviewEntry.objects.select_for_update().filter(year=year, **key).first()
    new_status = db.ReviewEntry.SUBMITTED if submit else db.ReviewEntry.DRAFT
    if entry is None:
        if expected_version:
            raise ReviewError("保存されていた効果検証が見つかりません。画面を開き直してください。")
        entry = db.ReviewEntry.objects.create(
            year=year,
            results=results,
            direction=direction,
            internal=internal,
            status=new_status,
            written_by=who,
            **key,
        )
        _change(
            entry=entry,
            action=db.ReviewChange.SUBMIT if submit else db.ReviewChange.CREATE,
            who=who,
            old={},
            new=_fields(entry),
            old_status=None,
            new_status=new_status,
        )
        return entry
    _check_version(entry, expected_version)
    old, old_status = _fields(entry), entry.status
    entry.results, entry.direction, entry.internal = results, direction, internal
    if old == _fields(entry) and old_status == new_status:
        return entry  # nothing changed, nothing written
    entry.status = new_status
    entry.written_by = who
    entry.version += 1
    entry.save()
    _change(
        entry=entry,
        action=db.ReviewChange.SUBMIT if submit else db.ReviewChange.UPDATE,
        who=who,
        old=old,
        new=_fields(entry),
        old_status=old_status,
        new_status=new_status,
    )
    return entry


def approve_review(user: Any, entry_id: int, *, expected_version: int | None = None) -> bool:
    """Approve a submitted 効果検証 (planning): its content becomes the published one.
    ``False`` when it is not submitted (nothing done)."""
    _require_planning(user)
    entry = (
        db.ReviewEntry.objects.select_for_update(of=("self",)).select_related("direction").get(pk=entry_id)
    )
    _check_version(entry, expected_version)
    if entry.status != db.ReviewEntry.SUBMITTED:
        return False
    fields = _fields(entry)
    entry.approved_results = fields["results"]
    entry.approved_direction = fields["direction"]
    entry.approved_internal = fields["internal"]
    entry.approved_by = user.get_username()
    entry.approved_at = timezone.now()
    entry.status = db.ReviewEntry.APPROVED
    entry.version += 1
    entry.save()
    _change(
        entry=entry,
        action=db.ReviewChange.APPROVE,
        who=user.get_username(),
        old=fields,
        new=fields,
        old_status=db.ReviewEntry.SUBMITTED,
        new_status=db.ReviewEntry.APPROVED,
    )
    return True


def return_review(user: Any, entry_id: int, *, reason: str, expected_version: int | None = None) -> bool:
    """Send a submitted 効果検証 back to its department with ``reason`` (planning; required).
    ``False`` when it is not submitted."""
    _require_planning(user)
    reason = reason.strip()
    if not reason:
        raise ReviewError("差し戻しの理由を書いてください。")
    entry = (
        db.ReviewEntry.objects.select_for_update(of=("self",)).select_related("direction").get(pk=entry_id)
    )
    _check_version(entry, expected_version)
    if entry.status != db.ReviewEntry.SUBMITTED:
        return False
    entry.status = db.ReviewEntry.RETURNED
    entry.version += 1
    entry.save()
    fields = _fields(entry)
    _change(
        entry=entry,
        action=db.ReviewChange.RETURN,
        who=user.get_username(),
        old=fields,
        new=fields,
        old_status=db.ReviewEntry.SUBMITTED,
        new_status=db.ReviewEntry.RETURNED,
        note=reason,
    )
    return True


def latest_review_returns(entry_ids: list[int]) -> dict[int, db.ReviewChange]:
    """The latest ``return`` change (with its reason in ``note``) of each entry."""
    out: dict[int, db.ReviewChange] = {}
    for c in db.ReviewChange.objects.filter(entry_id__in=entry_ids, action=db.ReviewChange.RETURN).order_by(
        "entry_id", "-id"
    ):
        if c.entry_id is not None:
            out.setdefault(c.entry_id, c)
    return out


# --- the committee's 外部評価 --------------------------------------------------------------------


def save_external(
    user: Any, *, node_id: int, year: int, text: str, expected_version: int | None = None
) -> db.ExternalReview:
    """Write the 外部評価 of a goal or measure for ``year`` (committee members): a draft until
    企画政策課 approves it. Raises :class:`ReviewPermissionError`, :class:`ReviewConflict`,
    :class:`ReviewError`."""
    if role_of(user) != COMMITTEE:
        raise ReviewPermissionError("外部評価を書けるのは外部有識者会議の委員だけです。")
    node = db.Node.objects.filter(pk=node_id).first()
    if node is None:
        raise ReviewError("指定された目標・施策が見つかりません。")
    text = text.strip()
    if not text:
        raise ReviewError("外部評価を入力してください。")
    who = user.get_username()
    review = db.ExternalReview.objects.select_for_update().filter(node=node, year=year).first()
    if review is None:
        if expected_version:
            raise ReviewError("保存されていた外部評価が見つかりません。画面を開き直してください。")
        review = db.ExternalReview.objects.create(
            node=node, year=year, text=text, author=user, written_by=who
        )
        _change(
            external=review,
            action=db.ReviewChange.CREATE,
            who=who,
            old={},
            new={"text": text},
            old_status=None,
            new_status=db.ExternalReview.DRAFT,
        )
        return review
    _check_version(review, expected_version)
    if review.text == text and review.status == db.ExternalReview.DRAFT:
        return review
    old, old_status = {"text": review.text}, review.status
    review.text, review.author, review.written_by = text, user, who
    review.status = db.ExternalReview.DRAFT
    review.version += 1
    review.save()
    _change(
        external=review,
        action=db.ReviewChange.UPDATE,
        who=who,
        old=old,
        new={"text": text},
        old_status=old_status,
        new_status=db.ExternalReview.DRAFT,
    )
    return review


def approve_external(user: Any, review_id: int, *, expected_version: int | None = None) -> bool:
    """Publish a draft 外部評価 (planning) under the committee's name (:func:`committee_name`).
    ``False`` when it is not a draft."""
    _require_planning(user)
    review = db.ExternalReview.objects.select_for_update().get(pk=review_id)
    _check_version(review, expected_version)
    if review.status != db.ExternalReview.DRAFT:
        return False
    review.approved_text = review.text
    review.committee_name = committee_name()
    review.approved_by = user.get_username()
    review.approved_at = timezone.now()
    review.status = db.ExternalReview.APPROVED
    review.version += 1
    review.save()
    _change(
        external=review,
        action=db.ReviewChange.APPROVE,
        who=user.get_username(),
        old={"text": review.text},
        new={"text": review.text, "committee_name": review.committee_name},
        old_status=db.ExternalReview.DRAFT,
        new_status=db.ExternalReview.APPROVED,
    )
    return True
