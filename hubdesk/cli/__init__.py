"""``hubdesk-cli``: every HubWork API operation from the command line.

The entry point is ``hubdesk.cli.app.main`` (argument parsing, dispatch, exit codes);
``runner`` runs one command, ``commands`` holds one module per command group. Importing
``hubdesk.cli.app`` is cheap (argparse only); the API client, keyring and the rest are
loaded when a command runs. Nothing here imports PySide6.
"""
