"""The back office's REST API (Django REST framework), its OpenAPI schema and docs page."""
