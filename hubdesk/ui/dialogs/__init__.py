"""Dialogs: settings, bulk send, new message, masked call, dial confirmation, contact
editor and import report. Each is opened with ``open()`` and reports through signals."""

from hubdesk.ui.dialogs.bulk import BulkSendDialog
from hubdesk.ui.dialogs.bulk_report import BulkInputs, BulkSendRequest
from hubdesk.ui.dialogs.contact_editor import ContactDraft, ContactEditor
from hubdesk.ui.dialogs.dial_confirm import DialConfirmDialog
from hubdesk.ui.dialogs.import_report import ImportReportDialog
from hubdesk.ui.dialogs.masked_call import MaskedCallDialog
from hubdesk.ui.dialogs.new_message import NewMessageDialog
from hubdesk.ui.dialogs.settings import SettingsDialog

__all__ = [
    "BulkInputs",
    "BulkSendDialog",
    "BulkSendRequest",
    "ContactDraft",
    "ContactEditor",
    "DialConfirmDialog",
    "ImportReportDialog",
    "MaskedCallDialog",
    "NewMessageDialog",
    "SettingsDialog",
]
