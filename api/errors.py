"""Every error of the API is JSON: ``{"error": "<what went wrong>"}``, plus ``"fields": {"<field>": ["<message>"]}``
when fields are not valid (400). The point-of-sale endpoints always answered this way; the rest of the API does too.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def error_response(status_code: int, message: str, **extra) -> Response:
    return Response({"error": str(message), **extra}, status=status_code)


def _flatten(detail):
    """DRF's nested ErrorDetail lists and dicts as plain strings."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling (logged, reported)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields if isinstance(fields, list) else [fields]}
        response.data = {"error": _("Some fields are not valid."), "fields": fields}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": str(response.data["detail"])}
    return response


class ErrorSerializer(serializers.Serializer):
    """An error answer (documented in the schema)."""

    error = serializers.CharField()


class FieldErrorsSerializer(ErrorSerializer):
    fields = serializers.DictField(child=serializers.JSONField(), required=False,
                                   help_text="The messages of each field that is not valid.")


def not_found_response():
    return error_response(status.HTTP_404_NOT_FOUND, _("There is nothing at this address in the API."))
