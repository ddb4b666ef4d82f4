"""Canadian postal codes: their shape, and the provinces each first letter serves (checked at checkout and in the
address book)."""

import re

# First letter of a Canadian postal code -> the provinces it serves (Canada Post's forward sortation areas).
POSTAL_PREFIXES = {
    "A": {"NL"}, "B": {"NS"}, "C": {"PE"}, "E": {"NB"}, "G": {"QC"}, "H": {"QC"}, "J": {"QC"},
    "K": {"ON"}, "L": {"ON"}, "M": {"ON"}, "N": {"ON"}, "P": {"ON"}, "R": {"MB"}, "S": {"SK"}, "T": {"AB"},
    "V": {"BC"}, "X": {"NT", "NU"}, "Y": {"YT"},
}
POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$")
