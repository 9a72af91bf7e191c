"""Which municipality's plans the public site shows.

With the setting ``MACHIKPI_MUNICIPALITY`` (the environment variable of the
same name: a name, 都道府県 + name or 6-digit code) the site serves that one
municipality: its plans only, every other plan, node and indicator is not
found (404). Without it the plans page lists every stored municipality and
filters by ``?municipality=ID``.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from ...storage import models as db


def served() -> db.Municipality | None:
    """The municipality the site serves (``MACHIKPI_MUNICIPALITY``), ``None`` when it serves all.

    Raises ``Http404`` when the setting names no stored municipality (a site set up
    for a municipality whose plans are not imported yet shows nothing)."""
    wanted = getattr(settings, "MACHIKPI_MUNICIPALITY", None)
    if not wanted:
        return None
    from ...storage.municipalities import MunicipalityChoiceError, choose_owner

    try:
        owner = choose_owner(wanted)
    except MunicipalityChoiceError as e:
        raise Http404(str(e)) from e
    if owner is None:
        raise Http404(wanted)
    return owner


def public_plans() -> QuerySet[db.Plan]:
    """The plans the site shows: the published ones (an import under review is not) of
    the served municipality, else of all."""
    owner = served()
    qs = db.Plan.objects.filter(published=True)
    return qs.filter(municipality=owner) if owner is not None else qs


def check_plan(plan: db.Plan) -> None:
    """Raise ``Http404`` for an unpublished plan or a plan of another municipality than the one served."""
    if not plan.published:
        raise Http404("an unpublished plan")
    owner = served()
    if owner is not None and plan.municipality_id != owner.pk:
        raise Http404("another municipality's plan")
