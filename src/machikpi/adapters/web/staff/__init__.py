"""The web application's staff part (see :mod:`machikpi.adapters.web`)."""
