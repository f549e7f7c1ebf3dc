"""``python -m boh_core.client``: the ``boh`` command line."""

import sys

from .cli import main

sys.exit(main())
