"""Canadian postal codes: their shape, and the provinces each first letter serves (checked at checkout and in the
address book, by the same two functions)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# First letter of a Canadian postal code -> the provinces it serves (Canada Post's forward sortation areas).
POSTAL_PREFIXES = {
    "A": {"NL"}, "B": {"NS"}, "C": {"PE"}, "E": {"NB"}, "G": {"QC"}, "H": {"QC"}, "J": {"QC"},
    "K": {"ON"}, "L": {"ON"}, "M": {"ON"}, "N": {"ON"}, "P": {"ON"}, "R": {"MB"}, "S": {"SK"}, "T": {"AB"},
    "V": {"BC"}, "X": {"NT", "NU"}, "Y": {"YT"},
}
POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$")

# "in Alberta": each language says "in" its own way before a province's name ("en Alberta", "au Québec").
IN_PROVINCE = {
    "AB": gettext_lazy("in Alberta"), "BC": gettext_lazy("in British Columbia"), "MB": gettext_lazy("in Manitoba"),
    "NB": gettext_lazy("in New Brunswick"), "NL": gettext_lazy("in Newfoundland and Labrador"),
    "NS": gettext_lazy("in Nova Scotia"), "NT": gettext_lazy("in the Northwest Territories"),
    "NU": gettext_lazy("in Nunavut"), "ON": gettext_lazy("in Ontario"), "PE": gettext_lazy("in Prince Edward Island"),
    "QC": gettext_lazy("in Quebec"), "SK": gettext_lazy("in Saskatchewan"), "YT": gettext_lazy("in Yukon"),
}
IN_NT_OR_NU = gettext_lazy("in the Northwest Territories or Nunavut")  # X serves both territories


def postal_code_clean(raw: str) -> str:
    """'t2p1j9 ' -> 'T2P 1J9'; '' stays ''; anything that is not a Canadian postal code raises ValidationError."""
    raw = (raw or "").strip().upper()
    if not raw:
        return ""
    match = POSTAL_CODE.match(raw)
    if match is None:
        raise ValidationError(_("Enter a Canadian postal code such as T2P 1J9."), code="postal_code")
    return f"{match.group(1)} {match.group(2)}"


def postal_code_mismatch(code: str, province: str) -> str:
    """'' when the (clean) postal code is in the province or either is missing; else what to tell the customer:
    "T2P 1J9 is in Alberta, not in Ontario. Check the postal code or the province." """
    if not code or not province or province not in IN_PROVINCE:
        return ""
    served = POSTAL_PREFIXES.get(code[0], set())
    if province in served:
        return ""
    where = IN_NT_OR_NU if len(served) > 1 else IN_PROVINCE[next(iter(served))]
    return _("%(code)s is %(where)s, not %(province)s. Check the postal code or the province.") % {
        "code": code, "where": where, "province": IN_PROVINCE[province]}
