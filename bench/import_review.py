"""Staff plan import: upload → review page time for a long generated PDF.

Usage: ``.venv/bin/python bench/import_review.py [--pages 100] [--database URL]``

Builds a PDF of at least ``--pages`` pages (seed 003 printed again and again,
``machikpi.samples.pdf_samples``; not timed), then, as a logged-in 企画政策課
user through Django's test client against a throw-away SQLite database (or
``--database``): POST the file to ``/staff/imports/`` (the reading, kept as
an import draft) and GET the review page it redirects to. Prints pages,
indicators, and the seconds of each step and of both (what the person waits
between 「読み取る」 and the review page).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

SEED = "003_06b39d270299f45c.txt"


def main() -> None:
    """Run the bench (module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--database", default="")
    a = ap.parse_args()

    import pdfplumber

    from machikpi.samples.pdf_samples import seed_pdf

    once = seed_pdf(SEED)
    with pdfplumber.open(__import__("io").BytesIO(once)) as pdf:
        per_copy = len(pdf.pages)
    data = seed_pdf(SEED, repeat=math.ceil(a.pages / per_copy))
    with pdfplumber.open(__import__("io").BytesIO(data)) as pdf:
        pages = len(pdf.pages)

    folder = Path(tempfile.mkdtemp(prefix="machikpi-bench-"))
    from machikpi.adapters.django_settings import setup

    setup(a.database or f"sqlite:///{folder / 'bench.db'}")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from machikpi.adapters.services.users import add_user
    from machikpi.adapters.storage import models as db

    call_command("migrate", verbosity=0)
    user, _ = add_user("bench-kikaku", "planning", "bench-password-123456")
    client = Client()
    client.force_login(user)

    started = time.perf_counter()
    r = client.post("/staff/imports/", {"file": SimpleUploadedFile("bench-plan.pdf", data)})
    uploaded = time.perf_counter()
    assert r.status_code == 302, r.status_code
    page = client.get(r["Location"])
    shown = time.perf_counter()
    assert page.status_code == 200
    imp = db.PlanImport.objects.order_by("-id").first()
    assert imp is not None
    print(f"PDF: {pages} pages, {len(data) / 1e6:.1f} MB; {len(imp.rows['indicators'])} indicators read")
    print(
        f"upload + reading (POST /staff/imports/): {uploaded - started:.2f} s (reader alone {imp.read_seconds:.2f} s)"
    )
    print(f"review page (GET): {shown - uploaded:.2f} s, {len(page.content) / 1e6:.1f} MB of HTML")
    print(f"upload → review page: {shown - started:.2f} s ({pages / (shown - started):.1f} pages/s)")


if __name__ == "__main__":
    main()
