"""Search results that show the hit: one row per matching message (the snippet with the
matched words in bold, the date, the person), contacts and conversations found by name
or number; painted as plain text, never markup."""
