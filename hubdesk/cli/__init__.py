"""``hubdesk-cli``: every HubWork API operation from the command line.

Importing this package is cheap (argparse only); the API client, keyring and the rest
are loaded when a command runs. Nothing here imports PySide6.
"""

from hubdesk.cli.app import main

__all__ = ["main"]
