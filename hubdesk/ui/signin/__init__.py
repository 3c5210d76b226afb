"""Signing in: the dialog and the flow that runs a sign-in from the GUI."""
