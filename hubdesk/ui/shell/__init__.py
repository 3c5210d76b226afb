"""The main window and what surrounds the features: pages holder, status bar, tray,
notifications, toasts, link intents, and the controller that wires the window."""
