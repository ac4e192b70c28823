"""Check digits of registration numbers that legal and medical documents carry.

A wrong check digit proves the number was never issued; a right one proves nothing.  Numbers
made of one repeated digit or a plain sequence are documentation placeholders, not claims.
"""
from __future__ import annotations

_DEA_FIRST = set("ABCDEFGHJKLMPRSTUX")  # registrant types in use


def placeholder_digits(digits: str) -> bool:
    d = "".join(c for c in digits if c.isdigit())
    return len(set(d)) <= 1 or d in "01234567890123456789" or d in "98765432109876543210"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def npi_problem(npi: str) -> str | None:
    """US National Provider Identifier: 10 digits, first 1 or 2, Luhn over 80840 + the number."""
    if len(npi) != 10 or not npi.isdigit():
        return None
    if npi[0] not in "12":
        return f"an NPI starts with 1 or 2, not {npi[0]}"
    if not luhn_ok("80840" + npi):
        return "its check digit fails the Luhn test over 80840 + the number"
    return None


def dea_problem(dea: str) -> str | None:
    """DEA registration: two letters, seven digits; the last digit is the check digit."""
    if len(dea) != 9 or not dea[:2].isalpha() or not dea[2:].isdigit():
        return None
    if dea[0].upper() not in _DEA_FIRST:
        return f"no DEA registrant type starts with {dea[0].upper()}"
    d = [int(c) for c in dea[2:]]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    if check != d[6]:
        return f"its check digit should be {check}, not {d[6]}"
    return None


def aba_problem(rtn: str) -> str | None:
    """ABA routing transit number: 9 digits, a Federal Reserve prefix, weighted mod-10 sum."""
    if len(rtn) != 9 or not rtn.isdigit():
        return None
    prefix = int(rtn[:2])
    if not (prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return f"no routing number starts with {rtn[:2]}"
    d = [int(c) for c in rtn]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    if total % 10:
        return "its weighted check sum (3-7-1) is not a multiple of 10"
    return None
