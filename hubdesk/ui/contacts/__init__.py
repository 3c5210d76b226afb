"""The Contacts page, its controller, the contact editor and the import report."""
