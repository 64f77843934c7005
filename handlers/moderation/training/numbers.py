"""Identifiers as people type them: every format of the policy, read out, spaced oddly, mistyped.

Each function takes a `random.Random` and returns the text of one made-up identifier. Numbers
are valid where the real thing has a check (NHS mod-11, NINO prefixes), so the generated posts
teach the same shapes the checksum recognisers see.
"""

from __future__ import annotations

import random
import string

_WORDS = "zero one two three four five six seven eight nine".split()


def nhs_digits(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def spoken(digits: str, rng: random.Random) -> str:
    """'07700' -> 'oh seven seven double oh'; groups of the same digit said as double / triple."""
    words: list[str] = []
    index = 0
    zero = rng.choice(["oh", "oh", "zero", "o"])
    while index < len(digits):
        digit = digits[index]
        run = 1
        while index + run < len(digits) and digits[index + run] == digit and run < 3:
            run += 1
        word = zero if digit == "0" else _WORDS[int(digit)]
        if run == 3 and rng.random() < 0.8:
            words.append(f"triple {word}")
        elif run >= 2 and rng.random() < 0.8:
            words.append(f"double {word}")
            run = 2
        else:
            words.append(word)
            run = 1
        index += run
    joiner = rng.choice([" ", " ", ", ", "-"])
    return joiner.join(words)


def grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    if at < len(digits):
        parts.append(digits[at:])
    return sep.join(p for p in parts if p)


def odd_digits(digits: str, rng: random.Random) -> str:
    """The ways people type a long number: spaces, dashes, slashes, commas, one digit at a time."""
    style = rng.randrange(9)
    if style == 0:
        return " ".join(digits)
    if style == 1:
        return ",".join(digits[i : i + rng.choice([2, 3])] for i in range(0, len(digits), 3))
    if style == 2:
        return grouped(digits, (3, 3, 4), ", ")
    if style == 3:
        return digits.replace("0", rng.choice(["O", "o"]), 1)
    if style == 4:
        return grouped(digits, (3, 3, 4), " oh ").replace(" oh ", " ", 1)
    if style == 5:
        return grouped(digits, (2, 4, 4), "  ")
    if style == 6:
        return grouped(digits, (4, 3, 3), ".")
    if style == 7:
        return grouped(digits, (3, 3, 4), "/")
    return spoken(digits, rng)


def nhs_number(rng: random.Random) -> str:
    digits = nhs_digits(rng)
    style = rng.randrange(10)
    if style < 3:
        return grouped(digits, (3, 3, 4), " ")
    if style == 3:
        return digits
    if style == 4:
        return grouped(digits, (3, 3, 4), "-")
    if style == 5:
        return grouped(digits, (3, 3, 4), rng.choice(["/", ".", " - "]))
    return odd_digits(digits, rng)


def chi_number(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99)
    digits = f"{day:02d}{month:02d}{year:02d}{rng.randint(0, 9999):04d}"
    return rng.choice([digits, grouped(digits, (6, 4), " "), grouped(digits, (2, 2, 2, 4), " ")])


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD_PAIRS = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def nino(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
        if prefix not in _NINO_BAD_PAIRS:
            break
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    suffix = rng.choice("ABCD")
    style = rng.randrange(8)
    if style == 0:
        text = f"{prefix}{digits}{suffix}"
    elif style in (1, 2):
        text = f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    elif style == 3:
        text = " ".join(f"{prefix}{digits}{suffix}")
    elif style == 4:
        text = f"{prefix}-{digits[:2]}-{digits[2:4]}-{digits[4:]}-{suffix}"
    elif style == 5:
        text = f"{prefix} {digits} {suffix}"
    elif style == 6:
        text = f"{' '.join(prefix)} {spoken(digits, rng)} {suffix}"
    else:
        text = f"{prefix}{digits[:3]} {digits[3:]}{suffix}"
    return text.lower() if rng.random() < 0.25 else text


def mobile(rng: random.Random) -> str:
    digits = "07" + "".join(rng.choice(string.digits) for _ in range(9))
    if rng.random() < 0.5:
        digits = "07700900" + "".join(rng.choice(string.digits) for _ in range(3))
    return phone_format(digits, rng)


def landline(rng: random.Random) -> str:
    area = rng.choice(["01632", "0113", "0121", "0161", "01792", "01224", "028", "0141", "01273"])
    rest_length = 11 - len(area)
    digits = area + "".join(rng.choice(string.digits) for _ in range(rest_length))
    return phone_format(digits, rng)


def phone_format(digits: str, rng: random.Random) -> str:
    style = rng.randrange(10)
    if style < 3:
        return (
            grouped(digits, (5, 3, 3), " ") if rng.random() < 0.5 else grouped(digits, (5, 6), " ")
        )
    if style == 3:
        return digits
    if style == 4:
        return "+44 " + grouped(digits[1:], (4, 6), " ")
    if style == 5:
        return "+44 (0)" + grouped(digits[1:], (4, 6), " ")
    if style == 6:
        return grouped(digits, (5, 3, 3), "-")
    return odd_digits(digits, rng)


def postcode(rng: random.Random) -> str:
    area = rng.choice(
        "AB B BA BD BH BL BN BR BS CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EH EN "
        "EX FK G GL GU HA HD HG HP HR HU HX IP KA KT KY L LA LD LE LL LN LS LU M ME MK NE NG NN "
        "NP NR OL OX PE PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TF TN "
        "TQ TR TS TW UB W WA WD WF WN WR WS WV YO BT".split()
    )
    district = str(rng.randint(1, 29))
    if rng.random() < 0.1:
        district += rng.choice("ABCDEFHJ")
    unit = f"{rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    style = rng.randrange(6)
    text = f"{area}{district} {unit}"
    if style == 0:
        text = f"{area}{district}{unit}"
    elif style == 1:
        text = text.lower()
    elif style == 2:
        text = f"{area}{district}{unit}".lower()
    elif style == 3:
        text = f"{area}{district}  {unit}"
    return text


def outward_code(rng: random.Random) -> str:
    return f"{rng.choice(['SG', 'LS', 'CF', 'M', 'B', 'NE', 'EH', 'BT', 'SA', 'PL'])}{rng.randint(1, 20)}"


def case_ref(rng: random.Random) -> tuple[str, str]:
    """(label, number): the system named and its record number."""
    label = rng.choice(
        [
            "Mosaic ID",
            "Mosaic",
            "mosaic no",
            "LCS ref",
            "LCS",
            "Liquidlogic",
            "Liquidlogic no",
            "Carefirst",
            "Carefirst no",
            "SystmOne",
            "EMIS no",
            "EMIS number",
            "RiO",
            "RiO number",
            "Paris ID",
            "ECLIPSE",
            "Azeus",
            "SWIFT ref",
            "hospital no",
            "hospital number",
            "MRN",
            "unit no",
            "case no",
            "case",
            "case number",
            "court ref",
            "police ref",
            "crime ref",
            "CAD",
            "s.42 ref",
            "safeguarding ref",
            "client ID",
            "person ID",
            "PID",
            "CRN",
            "housing ref",
            "tenancy ref",
            "HB claim ref",
            "LAC no",
            "CP ref",
        ]
    )
    digits = "".join(rng.choice(string.digits) for _ in range(rng.choice([5, 6, 7, 7, 8])))
    style = rng.randrange(9)
    if style < 4:
        number = digits
    elif style == 4:
        number = f"{rng.choice(['RX', 'K', 'A', 'H', 'M'])}{digits}"
    elif style == 5:
        number = f"{rng.randint(2015, 2026)}/{digits[:4]}"
    elif style == 6:
        number = f"{rng.choice(['SG', 'CP', 'AS', 'CRI', 'MH', 'FC'])}/{rng.randint(19, 26)}/{digits[:4]}"
    elif style == 7:
        number = " ".join(digits)
    else:
        number = f"{rng.choice(['BV', 'ZW', 'LS', 'MA'])}{rng.randint(20, 26)}P{digits[:5]}"
    return label, number


_MONTHS = (
    "January February March April May June July August September October November December".split()
)


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def birth_date(rng: random.Random, young: bool = False) -> str:
    year = rng.randint(2005, 2024) if young else rng.randint(1925, 1975)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    name = _MONTHS[month - 1]
    style = rng.randrange(14)
    yy = year % 100
    return [
        f"{day:02d}/{month:02d}/{year}",
        f"{day}/{month}/{year}",
        f"{day}.{month}.{year}",
        f"{day:02d}-{month:02d}-{year}",
        f"{year}-{month:02d}-{day:02d}",
        f"{day} {name} {year}",
        f"{_ordinal(day)} {name} {year}",
        f"{_ordinal(day)} of {name} {year}",
        f"{name} {day}, {year}",
        f"{day} {name[:3]} {year}",
        f"{day:02d}{month:02d}{yy:02d}",
        f"{day}/{month}/{yy:02d}",
        f"the {_ordinal(day)} of the {_ordinal(month)} {year}",
        f"{day:02d} {month:02d} {year}",
    ][style]


def meeting_date(rng: random.Random) -> str:
    year = rng.randint(2024, 2027)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        [
            f"{day}/{month}/{year}",
            f"{_ordinal(day)} {_MONTHS[month - 1]}",
            f"{day} {_MONTHS[month - 1][:3]}",
            f"{day:02d}.{month:02d}.{year % 100:02d}",
            f"{_ordinal(day)}",
        ]
    )


def staff_number(rng: random.Random) -> str:
    return "".join(rng.choice(string.digits) for _ in range(rng.choice([5, 6, 7, 8])))


def cqc_id(rng: random.Random) -> str:
    return "1-" + "".join(rng.choice(string.digits) for _ in range(rng.choice([9, 10])))


def service_phone(rng: random.Random) -> str:
    prefix = rng.choice(["0300", "0800", "0345", "0808", "0333"])
    digits = prefix + "".join(rng.choice(string.digits) for _ in range(7))
    return rng.choice([grouped(digits, (4, 3, 4), " "), digits, grouped(digits, (4, 7), " ")])
