"""The service layer: what the command line, the staff area and the API all call.

Each module is one concern, works on the database through :mod:`..storage`
(Django must be set up: :func:`machikpi.adapters.django_settings.setup`) and
never prints, parses arguments or builds an HTTP response:

- :mod:`.plans` — read plan documents and store them (all or nothing), each with its municipality;
- :mod:`.entries` — validate and record entered actual values;
- :mod:`.grading` — grade one entered value against the previous year;
- :mod:`.evaluation` — evaluate a fiscal year and keep the result;
- :mod:`.reports` — make one municipality's evaluation report as a document's bytes;
- :mod:`.documents` — report documents built in the background (task runner) and kept;
- :mod:`.users` — staff logins and API tokens.

The adapters around it — :mod:`machikpi.adapters.cli` (one module per
command group), :mod:`machikpi.adapters.web.staff` and
:mod:`machikpi.adapters.web.api` — call these and never each other.
"""
