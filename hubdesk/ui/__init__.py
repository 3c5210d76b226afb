"""HubDesk's widgets, by feature, and the controllers that wire them to ``core``.

* ``messages/`` — the conversation list, the thread, the compose pane, the header and
  New message; ``contacts/``, ``calls/``, ``senders/``, ``bulk/``, ``settings/`` and
  ``signin/`` — each feature's page, controller and dialogs;
* ``shell/`` — the main window, its pages holder, status bar, tray, notifications,
  toasts, link intents and the controller that wires the window;
* ``qt/`` — Qt helpers every feature shares: async slots (the only module that imports
  qasync), icons, theme, times, plain-text helpers, the elided label, overrides.

Widgets are dumb: they take domain values through methods and report what the user did
through signals. Nothing here imports ``hubdesk.api``, ``hubdesk.store`` or
``hubdesk.sync``: what the UI needs from them comes through ``hubdesk.core``
(``tests/unit/test_layering.py`` checks it). Modules are imported from where they are
defined; packages here export nothing of their own.
"""
