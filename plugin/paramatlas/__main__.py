"""`python -m paramatlas`: the same as the `paramatlas` command."""

import sys

from .cli import main

sys.exit(main())
