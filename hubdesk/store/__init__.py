"""Local persistence: the profile folder and config file, the keyring-backed session
vault and the SQLite cache (one database per profile).

Import each name from the module that defines it (``from hubdesk.store.database import
Database``): this ``__init__`` exports nothing, so that reading the profile and settings
for the first frame does not load the keyring stack (``secrets``) or the database layer.

* ``profile`` (where the files live, the non-secret login facts), ``settings``,
  ``private_files``, ``logfile``, ``lock`` (file locks between processes);
* ``secrets``: the session vault in the OS keyring;
* ``database`` (open, migrate, recover; ``migrations``) and ``worker`` (the one thread
  that touches SQLite);
* one repository per table: ``messages``, ``conversations``, ``threads``, ``outbox``
  (``outbox_recovery``), ``resends``, ``contacts``, ``calls``, ``drafts``, ``marks``,
  ``optouts``, ``templates``, ``batches``, ``schedule``, ``syncstate``, ``search``
  (``snippets``);
* ``timecodec``, ``transactions``: how times are stored, explicit transactions.

Imports ``hubdesk.domain`` only (``tests/unit/test_layering.py``).
"""
