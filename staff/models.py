"""No tables of its own: the roles are Django auth groups, kept in line with roles.py after every `migrate`.

This module exists so that Django sends this app its post_migrate signal (it skips apps without a models module).
"""
