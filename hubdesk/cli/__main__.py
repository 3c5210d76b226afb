"""``python -m hubdesk.cli``."""

from hubdesk.cli.app import main

raise SystemExit(main())
