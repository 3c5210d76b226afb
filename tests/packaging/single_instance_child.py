"""Harness for test_single_instance.py: one HubDesk-like process around SingleInstance.

    python single_instance_child.py HOME RECORD [ARG...]

Claims the single instance for profile folder HOME. The first instance prints
``first <server name>`` and then appends one JSON line per hand-over to RECORD:
``{"args": [...], "parsed": [...]}`` (each argument run through ``parse_uri``, as the app
would), until the file ``RECORD.stop`` appears. A later instance prints ``handed-over``
and exits 0 when the first one acknowledged its ARGs, else ``not-handed-over`` and 3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer

from hubdesk.app.single_instance import SingleInstance
from hubdesk.domain.uris import DialRequest, UriError, parse_uri


def describe(arg: str) -> str:
    try:
        request = parse_uri(arg)
    except UriError as exc:
        return f"UriError: {exc}"
    if isinstance(request, DialRequest):
        return f"DialRequest {request.number.digits}"
    return "ComposeRequest " + ",".join(n.digits for n in request.numbers)


def main(argv: list[str]) -> int:
    home, record, args = Path(argv[0]), Path(argv[1]), argv[2:]
    app = QCoreApplication(sys.argv[:1])
    instance = SingleInstance(home)
    if not instance.claim():
        print("second", flush=True)  # about to hand over (tests wait for this line)
        ok = instance.send_to_running(args, timeout=5)
        print("handed-over" if ok else "not-handed-over", flush=True)
        return 0 if ok else 3

    def received(items: list[str]) -> None:
        line = json.dumps({"args": items, "parsed": [describe(a) for a in items]})
        with record.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    instance.message_received.connect(received)
    stop = record.with_name(record.name + ".stop")

    def check_stop() -> None:
        if stop.exists():
            instance.close()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(check_stop)
    timer.start(50)
    QTimer.singleShot(90_000, app.quit)  # never outlive a broken test
    print("first", instance.server_name, flush=True)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
