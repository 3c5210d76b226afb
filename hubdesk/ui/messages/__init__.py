"""The Messages page: conversation list, thread, compose pane, header, New message."""
