"""Calls: the Calls page, its controller, the dial confirmation and the masked-call dialog."""
