"""``python -m machikpi.adapters.cli``: the ``machikpi`` command."""

import sys

from . import main

sys.exit(main())
