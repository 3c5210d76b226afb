"""The window's pages: Contacts, Sender IDs and Calls (the Messages page is the
conversation list, thread and compose pane). Dumb widgets: methods in, signals out."""

from hubdesk.ui.pages.calls import CallHistoryPage
from hubdesk.ui.pages.contacts import ContactsPage
from hubdesk.ui.pages.senders import SenderIdsPage

__all__ = ["CallHistoryPage", "ContactsPage", "SenderIdsPage"]
