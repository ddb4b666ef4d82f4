"""Returns in the admin."""
