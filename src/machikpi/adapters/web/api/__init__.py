"""The web application's api part (see :mod:`machikpi.adapters.web`)."""
