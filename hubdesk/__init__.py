"""HubDesk: a desktop messenger and click-to-dial client for the HubWork SMS Extension API."""

__version__ = "0.1.0"

__all__ = ["__version__"]
