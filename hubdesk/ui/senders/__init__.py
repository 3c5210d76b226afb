"""The Sender IDs page and its controller."""
