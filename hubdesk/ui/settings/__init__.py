"""Settings: the dialog and the controller that saves and applies them."""
