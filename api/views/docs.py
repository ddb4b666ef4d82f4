"""The OpenAPI schema (drf-spectacular) and a docs page that reads it: plain HTML rendered here, no script and no
asset from elsewhere, so it is served under the site's Content-Security-Policy as it is (drf-spectacular's Swagger UI
and Redoc load from a CDN and run inline scripts)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

METHODS = ("get", "post", "put", "patch", "delete")


class SchemaView(SpectacularAPIView):
    """GET /api/v1/schema/: the OpenAPI 3 schema, as YAML (or JSON with ?format=json)."""

    permission_classes = [AllowAny]
    authentication_classes = []


def _resolve(schema: dict, node):
    """A schema object with its $ref followed (one level)."""
    if isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return schema["components"]["schemas"].get(name, {}), name
    return node or {}, ""


def _fields(schema: dict, node) -> list[dict]:
    node, _name = _resolve(schema, node)
    if node.get("type") == "array":
        node, _name = _resolve(schema, node.get("items"))
    required = set(node.get("required", []))
    fields = []
    for name, prop in node.get("properties", {}).items():
        prop_resolved, ref = _resolve(schema, prop)
        kind = prop_resolved.get("type", "") or ref
        if prop_resolved.get("enum"):
            kind = " | ".join(str(value) for value in prop_resolved["enum"] if value not in ("", None))
        if prop.get("format") or prop_resolved.get("format"):
            kind += f" ({prop.get('format') or prop_resolved.get('format')})"
        if kind == "array":
            _item, item_ref = _resolve(schema, prop_resolved.get("items"))
            kind = f"array of {item_ref or _item.get('type', '')}"
        fields.append({"name": name, "type": kind, "required": name in required,
                       "read_only": prop.get("readOnly", False),
                       "description": prop.get("description") or prop_resolved.get("description", "")})
    return fields


@require_GET
def docs(request):
    """GET /api/v1/docs/: every operation of the schema, its parameters, body and answers."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "anchor": operation.get("operationId", f"{method}-{path}"),
                "parameters": operation.get("parameters", []),
                "body": _fields(schema, body) if body else [],
                "responses": [
                    {"status": code, "description": answer.get("description", ""),
                     "fields": _fields(schema, answer.get("content", {}).get("application/json", {}).get("schema"))}
                    for code, answer in operation.get("responses", {}).items()
                ],
            })
    return render(request, "api/docs.html", {"info": schema["info"], "operations": operations})
