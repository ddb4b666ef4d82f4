#!/usr/bin/env python
"""Django's command-line utility for the Oscar benchmark shop: run it with bench/oscar/.venv/bin/python."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oscarbench.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
