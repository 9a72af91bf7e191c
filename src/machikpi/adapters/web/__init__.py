"""The web application (Django): the public plan site, the staff area and the API.

Layout: :mod:`.config` (settings), :mod:`.urls` (root URLs), ``public/``
(citizens: plan, nodes, indicators, opinions, search), ``staff/`` (login,
my updates, upload, approval, history, committee comments, downloads),
``api/`` (read-only JSON, token writes, ``/api/openapi.json``),
:mod:`.serve` (``machikpi serve``). Templates in ``templates/web/``, static
files (vendored, no CDN) in ``static/machikpi/``.
"""
