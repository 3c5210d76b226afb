"""The Templates page, its controller, and the quick-filter popup that inserts a template
into a message box (compose, Bulk send, New message)."""
