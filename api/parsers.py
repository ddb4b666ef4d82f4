"""Request bodies are JSON objects."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONObjectParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as error:
            raise ParseError(_("The body must be JSON.")) from error
        if not isinstance(data, dict):
            raise ParseError(_("The body must be a JSON object."))
        return data
