"""The search form: words, a category, a price range, in stock only, the order."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.selectors import CategoryTree

from . import search

PRICE_ERRORS = {
    "invalid": _("Enter a price in dollars, such as 25 or 19.99."),
    "min_value": _("Enter a price of 0 or more."),
    "max_digits": _("Enter a smaller price."),
    "max_whole_digits": _("Enter a smaller price."),
    "max_decimal_places": _("Enter a price with at most 2 decimals (cents)."),
}


class QueryField(forms.CharField):
    """The words searched for: control characters (NUL included) dropped and long queries cut to
    search.MAX_QUERY_LENGTH, before validation, so any text gives a search rather than an error."""

    def to_python(self, value):
        return search.query_clean(super().to_python(value))


def sort_choices():
    return [
        (search.RELEVANCE, _("Best match")),
        ("price", _("Price (low to high)")),
        ("-price", _("Price (high to low)")),
        ("name", _("Name (A to Z)")),
    ]


class SearchForm(forms.Form):
    """The search page's words and filters (GET). Every field is optional; a field with bad input is reported
    and left out of the search, the others still apply."""

    q = QueryField(label=_("Search for"), required=False, strip=True)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    min_price = forms.DecimalField(label=_("Minimum price ($)"), required=False, min_value=Decimal("0"),
                                   max_digits=12, decimal_places=2, error_messages=PRICE_ERRORS)
    max_price = forms.DecimalField(label=_("Maximum price ($)"), required=False, min_value=Decimal("0"),
                                   max_digits=12, decimal_places=2, error_messages=PRICE_ERRORS)
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.CharField(label=_("Sort by"), required=False)  # anything unknown: best match, silently

    def __init__(self, *args, tree: CategoryTree, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All categories"))]
        todo = [(node, 0) for node in reversed(tree.roots)]
        while todo:  # depth first, sub-categories indented under their parent
            node, depth = todo.pop()
            choices.append((str(node.id), "\u2003" * depth + node.name))
            todo.extend((child, depth + 1) for child in reversed(node.children))
        self.fields["category"].choices = choices
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": search.MAX_QUERY_LENGTH})
        for name in ("min_price", "max_price"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        return sort if sort in search.SORTS else search.RELEVANCE

    def sort_options(self):
        return sort_choices()

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            # Which of the two is wrong cannot be known: both are left out.
            self.add_error("min_price", _("The minimum price must be at most the maximum price."))
            self.add_error("max_price", _("The maximum price must be at least the minimum price."))
        return data

    def filters(self) -> search.SearchFilters:
        """The filters that passed validation (call after is_valid())."""
        data = self.cleaned_data
        return search.SearchFilters(
            category_id=data.get("category"),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort") or search.RELEVANCE,
        )

    def query(self) -> str:
        return self.cleaned_data.get("q") or ""

    def link_params(self) -> list[tuple[str, str]]:
        """The valid words and filters as URL parameters, for page links (the page number left out)."""
        params = []
        query, filters = self.query(), self.filters()
        if query:
            params.append(("q", query))
        if filters.category_id is not None:
            params.append(("category", str(filters.category_id)))
        if filters.min_price is not None:
            params.append(("min_price", str(filters.min_price)))
        if filters.max_price is not None:
            params.append(("max_price", str(filters.max_price)))
        if filters.in_stock:
            params.append(("in_stock", "on"))
        if filters.sort != search.RELEVANCE:
            params.append(("sort", filters.sort))
        return params
