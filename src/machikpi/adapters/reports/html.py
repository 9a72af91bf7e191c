"""The evaluation report as one self-contained HTML file (no external asset).

Laid out with Django's template engine (``templates/reports/report.html``);
charts are inline SVG, styles inline CSS, so the file opens offline and can
be mailed as it is.
"""

from __future__ import annotations

from pathlib import Path

from .context import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_html(report: Report) -> str:
    """The report as an HTML document (string, UTF-8 when written)."""
    from django.conf import settings
    from django.template import Context, Engine

    if not settings.configured:
        # Rendering needs settings only for number localisation; keep it off.
        settings.configure(USE_I18N=False, USE_TZ=True)
    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    return engine.get_template("reports/report.html").render(Context({"report": report}, use_l10n=False))
