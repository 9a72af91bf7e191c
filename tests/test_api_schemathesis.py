"""The served API against its own OpenAPI document, with schemathesis (issue 13.10).

The web application is served by Waitress (as ``machikpi serve`` does) on a
free local port, over the session's test database holding seed 003 (伊勢崎市's
strategy) and seed 001 (平塚市's opinions) and a planning user with a token.
schemathesis loads ``/api/openapi.json`` from that server and, for every
operation, sends a bounded number of generated requests (valid and invalid
ones, with the token), checking each answer: no 5xx, a status code and
content type the document lists, a body that matches the documented schema,
invalid input refused. A finding fails the test with the request to replay.
Left out: schemathesis' "schema-valid request accepted" check, as the API
rightly refuses some schema-valid bodies with a documented 400 (a value text
that is no number in the indicator's unit, a year after the current fiscal
year, a series id nobody has), which a JSON schema cannot express.

Bounded to keep the suite fast: :data:`EXAMPLES` examples per operation and
mode; run once (the SQLite run of ``make test``): the answers do not depend on
the database, as every parameter is checked before any query.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, empty_tables

__all__ = ["database_url"]

pytestmark = pytest.mark.db

#: Generated requests per API operation (about 10 operations).
EXAMPLES = 8


@pytest.fixture(scope="module")
def served(database_url: str) -> Iterator[dict[str, Any]]:
    """Seeds stored, a planning token, and the application served by Waitress on a free port."""
    from django.contrib.auth.models import User
    from django.core.wsgi import get_wsgi_application
    from waitress.server import create_server

    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.services.users import create_token
    from machikpi.adapters.storage import models as m

    empty_tables()
    store_documents(
        [SEEDS_DIR / "003_06b39d270299f45c.txt", SEEDS_DIR / "001_f3abde356c42c768.txt"], warn=lambda _m: None
    )
    user = User.objects.create_user("kikaku")
    m.StaffProfile.objects.create(user=user, role="planning")
    token = create_token("kikaku")[0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(get_wsgi_application(), host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{port}", "token": token}
    finally:
        server.close()
        thread.join(timeout=5)


def test_the_api_answers_as_its_schema_says(served: dict[str, Any]) -> None:
    """Every operation, valid (positive) and invalid (negative) generated requests."""
    from hypothesis import given
    from schemathesis.core.result import Ok
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    api = schemathesis.openapi.from_url(f"{served['base']}/api/openapi.json", wait_for_schema=10)
    headers = {"Authorization": f"Token {served['token']}"}
    results = list(api.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results) >= 8  # the document is valid for every operation
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def check(case: Any) -> None:
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

            check()
