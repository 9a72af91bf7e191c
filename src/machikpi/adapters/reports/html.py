"""The evaluation report as one self-contained HTML file (no external asset).

Laid out with Django's template engine (``templates/reports/report.html``);
charts are inline SVG, styles inline CSS, so the file opens offline and can
be mailed as it is. :func:`render_template` also serves the PDF's print
template (:mod:`.pdf`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .charts import LEGEND_HTML
from .context import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_template(name: str, report: Report, **extra: Any) -> str:
    """Render the report template ``name`` (under ``templates/``) with ``report``, the charts'
    ``legend`` (HTML) and ``extra``."""
    from django.conf import settings
    from django.template import Context, Engine

    if not settings.configured:
        # Rendering needs settings only for number localisation; keep it off.
        settings.configure(USE_I18N=False, USE_TZ=True)
    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    return engine.get_template(name).render(
        Context({"report": report, "legend": LEGEND_HTML, **extra}, use_l10n=False)
    )


def render_html(report: Report) -> str:
    """The report as an HTML document (string, UTF-8 when written)."""
    return render_template("reports/report.html", report)
