"""Local persistence: the profile folder and config file, and the keyring-backed
session vault. (The SQLite cache joins this package later.)"""

from hubdesk.store.profile import (
    DEFAULT_API_URL,
    Profile,
    ProfileError,
    clear_profile,
    home_dir,
    load_profile,
    resolve_base_url,
    save_profile,
)
from hubdesk.store.secrets import (
    KeyringVault,
    MemoryVault,
    SessionVault,
    StoredSession,
    VaultUnavailable,
)

__all__ = [
    "DEFAULT_API_URL",
    "Profile",
    "ProfileError",
    "clear_profile",
    "home_dir",
    "load_profile",
    "resolve_base_url",
    "save_profile",
    "KeyringVault",
    "MemoryVault",
    "SessionVault",
    "StoredSession",
    "VaultUnavailable",
]
