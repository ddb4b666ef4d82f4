"""CRM writes: contacts (contacts.py), consent (consent.py), scores and segments (scoring.py, segments.py)."""
