"""``python -m hubdesk``: the GUI."""

from hubdesk.app import main

raise SystemExit(main())
