"""Formatting only: a form field's widget with the shop's Bootstrap classes (allauth's forms come without them)."""

from django import forms, template

register = template.Library()


@register.filter
def shop_input(field: forms.BoundField):
    """The field's widget as the shop's forms draw it: form-control, form-select or form-check-input, marked invalid
    when it has errors. Django adds aria-describedby (help text) and aria-invalid itself."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    classes = " ".join(filter(None, [existing, css, "is-invalid" if field.errors else ""]))
    return field.as_widget(attrs={"class": classes})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
