"""Qt helpers every feature shares: async slots, icons, theme, times, plain text,
the elided label, fields, table models and Qt-override guards."""
