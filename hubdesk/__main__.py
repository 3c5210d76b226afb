"""``python -m hubdesk``: the GUI."""

from hubdesk.app.main import main

raise SystemExit(main())
