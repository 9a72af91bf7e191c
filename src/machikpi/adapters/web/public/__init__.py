"""The web application's public part (see :mod:`machikpi.adapters.web`)."""
