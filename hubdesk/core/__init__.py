"""Use cases shared by the GUI and the CLI (no widgets; nothing here imports PySide6).

Submodules are imported directly (``from hubdesk.core.session import SessionManager``)
so that importing one use case does not load the others.
"""
