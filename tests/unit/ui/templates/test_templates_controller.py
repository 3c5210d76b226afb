"""The Templates page <-> TemplateBook in the real window, on a real profile database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hubdesk.ui.shell.window import TEMPLATES
from hubdesk.ui.templates.page import TemplatesPage
from tests.unit.ui.appkit import Driver, in_loop, shell_driver  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


async def templates_page(d: Driver) -> TemplatesPage:
    d.window.page_actions[TEMPLATES].trigger()  # View > Templates (Ctrl+5)
    assert d.window.pages.currentIndex() == TEMPLATES
    page: TemplatesPage = d.window.templates_page
    await d.until(lambda: d.shell.templates is not None and d.shell.templates.loaded, what="load")
    return page


def names(page: TemplatesPage) -> list[str]:
    return [t.name for t in page.model.rows()]


async def save(d: Driver, page: TemplatesPage, name: str, text: str) -> None:
    page.start_new()
    page.name_edit.setText(name)
    page.text_edit.setPlainText(text)
    page.save_button.click()
    await d.until(lambda: name in names(page), what=f"{name} saved")


@in_loop
async def test_add_edit_duplicate_delete_and_reorder(driver: Driver) -> None:
    page = await templates_page(driver)
    assert page.model.rowCount() == 0
    assert driver.window.page_actions[TEMPLATES].shortcut().toString() == "Ctrl+5"
    await save(driver, page, "Table ready", "Hi {first_name|there}, your table is ready.")
    await save(driver, page, "Late", "Running 10 minutes late, sorry!")
    assert names(page) == ["Table ready", "Late"]
    assert page.selected() is not None and page.selected().name == "Late"  # type: ignore[union-attr]

    # an unknown placeholder is refused on save, naming it and listing the known ones
    page.text_edit.setPlainText("Running late, {firstname}")
    assert "Unknown placeholder {firstname}" in page.check.text()  # said while typing
    page.save_button.click()
    await driver.until(lambda: page.status.isVisible() and "{firstname}" in page.status.text())
    said = page.status.text()
    assert "did you mean {first_name}" in said and "{last_name}" in said and "{time}" in said
    assert page.text_edit.textCursor().selectedText() == "{"  # the cursor at the problem
    assert [t.text for t in await driver.shell.templates.book.list()][1] == (  # type: ignore[union-attr]
        "Running 10 minutes late, sorry!"
    )

    # edit: name and text
    page.name_edit.setText("Running late")
    page.text_edit.setPlainText("Running {time|a few minutes} late")
    page.save_button.click()
    await driver.until(lambda: names(page) == ["Table ready", "Running late"], what="edited")
    assert page.model.rows()[1].text == "Running {time|a few minutes} late"

    # duplicate, then reorder by button and by keyboard
    page.duplicate_button.click()
    await driver.until(lambda: len(names(page)) == 3, what="duplicated")
    assert names(page) == ["Table ready", "Running late", "Running late (copy)"]
    assert page.selected().name == "Running late (copy)"  # type: ignore[union-attr]
    page.up_button.click()
    await driver.until(lambda: names(page)[1] == "Running late (copy)", what="moved up")
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    await driver.until(lambda: names(page)[0] == "Running late (copy)", what="moved by key")
    assert not page.up_button.isEnabled() and page.down_button.isEnabled()
    stored = [t.name for t in await driver.shell.templates.book.list()]  # type: ignore[union-attr]
    assert stored == ["Running late (copy)", "Table ready", "Running late"]

    # delete asks for a second press
    page.delete_button.click()
    assert "again" in page.status.text() and len(names(page)) == 3
    page.delete_button.click()
    await driver.until(lambda: names(page) == ["Table ready", "Running late"], what="deleted")


@in_loop
async def test_csv_export_then_import_reports_every_row(driver: Driver) -> None:
    tmp_path: Path = driver.shell.home
    page = await templates_page(driver)
    await save(driver, page, "Table ready", 'Hi {first_name|there}, "table" ready,\nsee you')
    await save(driver, page, "Late", "Running late")
    target = tmp_path / "shared.csv"
    page.export_requested.emit(str(target))
    await driver.until(target.exists, what="exported")
    assert target.read_bytes().startswith(b"\xef\xbb\xbfname,text")

    book = driver.shell.templates.book  # type: ignore[union-attr]
    for template in await book.list():
        await book.delete(template.id)
    await driver.until(lambda: page.model.rowCount() == 0, what="emptied")
    extra = tmp_path / "more.csv"
    extra.write_text(
        "name,text\r\nBad one,Hello {frist_name}\r\nLate,Another text\r\n"
        "New one,Hello {name|you}\r\n",
        encoding="utf-8",
    )
    page.import_requested.emit(str(target))
    await driver.until(lambda: page.report_dialog is not None, what="report")
    assert names(page) == ["Table ready", "Late"]
    assert page.model.rows()[0].text == 'Hi {first_name|there}, "table" ready,\nsee you'
    assert page.report_dialog is not None
    page.report_dialog.close()
    await driver.until(lambda: page.report_dialog is None, what="closed")

    page.import_requested.emit(str(extra))
    await driver.until(lambda: page.report_dialog is not None, what="second report")
    report = page.report_dialog
    assert report is not None
    rows = [(r.name, r.status.value) for r in report.model.rows()]
    assert ("Bad one", "rejected") in rows and ("Late", "skipped") in rows
    bad = next(r for r in report.model.rows() if r.name == "Bad one")
    assert "{frist_name}" in bad.reason
    assert ("New one", "added") in rows
    assert report.summary.text() == "1 added, 0 replaced, 1 skipped, 1 rejected."
    assert "1 rejected" in page.status.text()
    assert names(page) == ["Table ready", "Late", "New one"]
    assert page.model.rows()[1].text == "Running late"  # the saved one kept
