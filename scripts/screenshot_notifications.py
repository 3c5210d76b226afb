"""Screenshots for issue 14: a notification's buttons in dunst, and where toasts go.

Run inside the private desktop session (it needs Xvfb and dunst):

    .venv/bin/python scripts/desktop_session.py -- .venv/bin/python \
        scripts/screenshot_notifications.py [outdir]

* ``notification-actions.png``: the screen with HubDesk's window and a real dunst (on a
  bus of its own) showing HubDesk's notification for a text; dunst offers the
  notification's buttons in its context menu, which it hands to a dmenu program: the
  panel under the popup lists exactly the lines dunst handed over (dunst draws no
  buttons itself; this machine has no dmenu to draw them).
* ``toast-placement.png``: the Messages page (a thread scrolled to its top message) and
  the Contacts page (Delete / Text / Call enabled), each with a toast in the status bar.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from jeepney import DBusAddress
from jeepney.io.blocking import open_dbus_connection
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hubdesk.core.notify import Notice  # noqa: E402
from hubdesk.domain import Contact  # noqa: E402
from hubdesk.ui.shell.notifications import Notifier  # noqa: E402
from hubdesk.ui.shell.window import CONTACTS, MainWindow  # noqa: E402
from tests.unit.ui.values import make_conversation, make_entry  # noqa: E402

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir={root}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
"""
DUNST_RC = """[global]
    dmenu = {dmenu}
    browser = /bin/false
    show_indicators = yes
    geometry = "420x5-24+24"
    width = 420
    origin = top-right
    offset = 24x24
    font = DejaVu Sans 11
    icon_position = left
    max_icon_size = 48
    frame_color = "#1a73e8"
[urgency_normal]
    background = "#ffffff"
    foreground = "#1f2328"
    timeout = 0
"""
DMENU = '#!/bin/sh\ncat > "{menu}"\nexit 1\n'
CMD = DBusAddress(
    "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.dunstproject.cmd0"
)
PARTNER = "447911123456"
CONTACT_LIST = [
    Contact("447400123456", "Alice Smith", "Prefers texts", ("Staff",), 1),
    Contact("447911100456", "Bob Jones", "", ("Patients",), 2),
    Contact("442079460000", "Carol Evans (reception)", "", ("Staff",), 3),
]


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def filled_window() -> MainWindow:
    w = MainWindow()
    w.resize(1000, 680)
    page = w.messages_page
    page.set_conversations([make_conversation(PARTNER, name="Alice Smith", unread=1)])
    page.show_partner(PARTNER, "Alice Smith", "07911 123456", True)
    page.show_thread([make_entry(i) for i in reversed(range(12))])  # newest first
    page.compose.setEnabled(True)
    w.contacts_page.set_contacts(CONTACT_LIST)
    return w


def toast_placement(out: Path) -> None:
    w = filled_window()
    w.show()
    pump(0.3)
    w.messages_page.thread_view.scrollToTop()
    w.show_toast("Calling 07911 123456: answer your phone. Call ID 8f2c1a")
    pump(0.3)
    left = w.grab()
    w.show_page(CONTACTS)
    w.contacts_page.select_contact(1)
    w.show_toast(
        "The contact was not deleted: the address book is being written by another "
        "HubDesk. Try again in a moment.",
        error=True,
    )
    pump(0.3)
    right = w.grab()
    gap = 16
    sheet = QPixmap(left.width() + right.width() + gap, max(left.height(), right.height()))
    sheet.fill(QColor("#9aa0a6"))
    painter = QPainter(sheet)
    painter.drawPixmap(0, 0, left)
    painter.drawPixmap(left.width() + gap, 0, right)
    painter.end()
    sheet.save(str(out / "toast-placement.png"), "PNG")
    w.close()


def notification_actions(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="hubdesk-shot-"))
    (tmp / "bus").mkdir()
    conf = tmp / "bus.conf"
    conf.write_text(BUS_CONF.format(root=tmp / "bus"), encoding="utf-8")
    bus = subprocess.Popen(
        ["dbus-daemon", f"--config-file={conf}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    menu = tmp / "menu.txt"
    dmenu = tmp / "dmenu.sh"
    dmenu.write_text(DMENU.format(menu=menu), encoding="utf-8")
    dmenu.chmod(0o755)
    rc = tmp / "dunstrc"
    rc.write_text(DUNST_RC.format(dmenu=dmenu), encoding="utf-8")
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    dunst = subprocess.Popen(["dunst", "-config", str(rc)], env=env, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        w = filled_window()
        w.move(0, 0)
        w.show()
        notifier = Notifier(bus_address=address, use_bus=True)
        notifier.show(
            Notice("Alice Smith", "Can you call me back please? <today> & thanks", PARTNER, (1,))
        )
        pump(1.0)
        conn = open_dbus_connection(bus=address)
        from tests.fixtures_desktop import call

        call(conn, CMD, "ContextMenuCall")
        pump(1.0)
        lines = menu.read_text(encoding="utf-8").splitlines() if menu.exists() else []
        screen = QGuiApplication.primaryScreen().grabWindow(0)
        painter = QPainter(screen)
        font = QFont("DejaVu Sans Mono", 11)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = max([metrics.horizontalAdvance(line) for line in lines] + [380]) + 24
        row = metrics.height() + 8
        box = QRect(screen.width() - width - 24, 200, width, row * (len(lines) + 1) + 12)
        painter.fillRect(box, QColor("#202124"))
        painter.setPen(QColor("#8ab4f8"))
        painter.drawText(box.topLeft() + QPoint(12, row), "dunst's context menu (handed to dmenu):")
        for i, line in enumerate(lines):
            rect = QRect(box.left() + 4, box.top() + 12 + row * (i + 1), width - 8, row)
            if ",reply]" in line:
                painter.fillRect(rect, QColor("#1a73e8"))
            painter.setPen(QColor("#e8eaed"))
            painter.drawText(rect.adjusted(8, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, line)
        painter.end()
        screen.save(str(out / "notification-actions.png"), "PNG")
        notifier.close_all()
        notifier.shutdown()
        conn.close()
        w.close()
    finally:
        dunst.terminate()
        dunst.wait(5)
        bus.terminate()
        bus.wait(5)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    toast_placement(out)
    notification_actions(out)
    app.quit()
    print(f"wrote {out / 'toast-placement.png'} and {out / 'notification-actions.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
