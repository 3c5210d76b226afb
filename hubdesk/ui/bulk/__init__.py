"""Bulk send: the step-by-step dialog, its recipient picker and report, its controller."""
