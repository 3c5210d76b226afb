"""The composition root: the only place that builds objects and wires them together.

* ``main`` — the entry point (``hubdesk``): arguments, single instance, the first frame;
* ``firstpaint`` — the main window painted from the cache before asyncio starts;
* ``shell`` — the running application: store, core, runtime, window, tray, wired once;
* ``runtime`` — the signed-in side: session, sync loops and the use cases bound to a
  client, rebuilt on every sign-in;
* ``demo`` — ``--demo``: the built-in simulator in process; ``selftest`` (and
  ``selftest_desktop``) — ``--self-test`` of an installed bundle;
* process plumbing: ``single_instance`` (one HubDesk per profile, hand-over of links),
  ``urlevents`` (macOS link opens), ``gcguard`` (garbage collection on the GUI thread),
  ``importscan`` (PySide6's import hook without its source cache).

It may import every layer; nothing imports it (``tests/unit/test_layering.py``).
"""
