"""A seeded corpus of labelled posts for training the detector, in the format of the dev set.

    python -m handlers.moderation.training.generate [--count 24000] [--seed 16] [--out FILE]

Each post is built from segments, so every identifier keeps its exact span through the
register changes (lower case, chat abbreviations, typos, emoji) that make posts look typed.
About half are breaches; the safe half is mostly look-alikes: colleagues, public figures,
services, towns, anonymised cases, names that are also words.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

from handlers.moderation.training import numbers, templates, vocab

Segment = tuple[str, str | None]
DEFAULT_OUT = Path("var/moderation/generated.jsonl")
_SLOT = re.compile(r"(\{\w+\})")


def _pick(rng: random.Random, options: tuple[str, ...] | list[str]) -> str:
    return options[rng.randrange(len(options))]


# ---- identifiers (labelled) -------------------------------------------------------------------


def first_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.42:
        name = _pick(rng, vocab.first_names())
    elif roll < 0.62:
        name = _pick(rng, vocab.british_first_names())
    elif roll < 0.80:
        name = _pick(rng, vocab.WORD_NAMES)
    elif roll < 0.90:
        name = vocab.invented_name(rng)
    elif roll < 0.95:
        name = f"{_pick(rng, vocab.british_first_names())}-{_pick(rng, vocab.WORD_NAMES)}"
    else:
        name = _pick(rng, vocab.first_names())[:3].rstrip("aeiou") + rng.choice(
            ["ie", "y", "o", "s"]
        )
    return name


def surname(rng: random.Random) -> str:
    name = (
        _pick(rng, vocab.last_names())
        if rng.random() < 0.6
        else _pick(rng, vocab.british_last_names())
    )
    roll = rng.random()
    if roll < 0.06:
        name = f"{name}-{_pick(rng, vocab.british_last_names())}"
    elif roll < 0.1:
        name = f"O'{_pick(rng, vocab.british_last_names())}"
    elif roll < 0.13:
        name = f"Mc{_pick(rng, vocab.british_last_names())}"
    return name


def full_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return f"{first_name(rng)} {first_name(rng)} {surname(rng)}"
    if roll < 0.14:
        return f"{first_name(rng)} '{_pick(rng, vocab.NICKNAMES)}' {surname(rng)}"
    return f"{first_name(rng)} {surname(rng)}"


def titled(rng: random.Random) -> str:
    title = rng.choice(["Mrs", "Mr", "Mr", "Mrs", "Miss", "Ms", "Mx", "mrs", "mr", "Mrs.", "Mr."])
    name = surname(rng) if rng.random() < 0.8 else full_name(rng)
    return f"{title} {name}"


def nan_name(rng: random.Random) -> str:
    return f"{_pick(rng, vocab.NAN_WORDS)} {first_name(rng)}"


def email(rng: random.Random) -> str:
    first, last = first_name(rng).lower(), surname(rng).lower().replace("'", "")
    local = rng.choice(
        [
            f"{first}.{last}",
            f"{first}{last}{rng.randint(1, 99)}",
            f"{first[0]}.{last}",
            f"{first}_{last[0]}_{rng.randint(1930, 2005)}",
            f"the{last}s",
            f"{first}.{last}.family",
            f"{last}{first[0]}{rng.randint(50, 99)}",
            f"mumof{rng.randint(2, 4)}{first}",
        ]
    )
    domain = rng.choice(["example.com", "example.org", "example.net", "example.co.uk"])
    sep = " @ " if rng.random() < 0.08 else "@"
    if rng.random() < 0.05:
        return f"{local} at {domain.replace('.', ' dot ')}"
    return f"{local}{sep}{domain}"


def case_segments(rng: random.Random) -> list[Segment]:
    label, number = numbers.case_ref(rng)
    joiner = rng.choice([" ", " ", ": ", " no. ", " - ", " #"])
    return [(label + joiner, None), (number, "CASE_REF")]


def quasi(rng: random.Random) -> str:
    det = rng.choice(["the", "the", "our", "that", "the only", "our only", "this"])
    age_n = rng.randint(15, 101)
    age = rng.choice([f"{age_n}-year-old", f"{age_n} yo", f"{age_n}-yr-old", f"{age_n} year old"])
    noun = _pick(rng, vocab.PERSON_NOUNS)
    origin = _pick(rng, vocab.ORIGINS)
    place = rng.choice(
        [
            f"at {vocab.care_home(rng)}",
            f"in {vocab.village(rng)}",
            f"from {vocab.village(rng)}",
            f"on the {vocab.village(rng)} estate",
            f"at {vocab.care_home(rng)} in {vocab.village(rng)}",
            f"on {vocab.unit_name(rng)}",
            f"at {vocab.village(rng)} Primary",
            f"near {vocab.village(rng)}",
        ]
    )
    rare = rng.choice(
        [
            _pick(rng, vocab.RARE_DETAILS),
            f"with {_pick(rng, vocab.CONDITIONS)}",
            f"who's {age_n}",
            f"({_pick(rng, vocab.RARE_ROLES)})",
        ]
    )
    shape = rng.randrange(9)
    if shape == 0:
        return f"{det} {age} {origin} {noun} {place} {rare}"
    if shape == 1:
        return f"{det} {noun} {place} {rare}, aged {age_n},"
    if shape == 2:
        return f"our only resident with {_pick(rng, vocab.CONDITIONS)} {place}"
    if shape == 3:
        return f"the {_pick(rng, vocab.RARE_ROLES)} {place}, {age_n}"
    if shape == 4:
        return f"the {age} {place} {rare}"
    if shape == 5:
        return f"{det} {origin} {noun} {place}, {age_n}, {rare}"
    if shape == 6:
        return f"the only {origin} family {place}"
    if shape == 7:
        return f"{det} {noun} {place}, {age_n}, the {_pick(rng, vocab.RARE_ROLES)}"
    return f"{det} {age} {noun} {place} whose {rng.choice(['van was torched', 'husband went missing at sea', 'daughter won the lottery', 'horse was stolen'])}"


def quasi_split(rng: random.Random) -> list[Segment]:
    noun = _pick(rng, vocab.PERSON_NOUNS)
    place = rng.choice(
        [f"at {vocab.care_home(rng)}", f"in {vocab.village(rng)}", f"on {vocab.unit_name(rng)}"]
    )
    pronoun = rng.choice(["she's", "he's", "they're"])
    second = rng.choice(
        [
            f"{pronoun} {rng.randint(20, 101)} and {_pick(rng, vocab.RARE_DETAILS)}",
            f"{pronoun} {rng.randint(20, 101)}, the only one with {_pick(rng, vocab.CONDITIONS)}",
            f"{pronoun} the {_pick(rng, vocab.RARE_ROLES)}, {rng.randint(20, 101)}",
        ]
    )
    return [
        (rng.choice(["Re the ", "About the ", "The ", "Our "]), None),
        (f"{noun} {place}", "QUASI"),
        (rng.choice([". ", " - ", ", "]), None),
        (second, "QUASI"),
        (
            rng.choice(
                [". Thoughts?", ". Who should I call?", ". No family around.", " - what next?"]
            ),
            None,
        ),
    ]


ENTITIES: dict[str, Callable[[random.Random], list[Segment]]] = {
    "FIRST": lambda r: [(first_name(r), "PERSON")],
    "FIRST_LOWER_FULL": lambda r: [(full_name(r).lower(), "PERSON")],
    "FULL": lambda r: [(full_name(r), "PERSON")],
    "TITLED": lambda r: [(titled(r), "PERSON")],
    "NAN": lambda r: [(nan_name(r), "PERSON")],
    "NICK": lambda r: [(_pick(r, vocab.NICKNAMES), "PERSON")],
    "SURNAME": lambda r: [(surname(r), "PERSON")],
    "NHS": lambda r: [(numbers.nhs_number(r), "NHS_NUMBER")],
    "CHI": lambda r: [(numbers.chi_number(r), "NHS_NUMBER")],
    "NINO": lambda r: [(numbers.nino(r), "NINO")],
    "DOB": lambda r: [(numbers.birth_date(r), "DATE_OF_BIRTH")],
    "DOBY": lambda r: [(numbers.birth_date(r, young=True), "DATE_OF_BIRTH")],
    "ADDR": lambda r: [(vocab.address(r), "ADDRESS")],
    "PC": lambda r: [(numbers.postcode(r), "POSTCODE")],
    "MOB": lambda r: [(numbers.mobile(r), "PHONE")],
    "LAND": lambda r: [(numbers.landline(r), "PHONE")],
    "EMAIL": lambda r: [(email(r), "EMAIL")],
    "CASE": case_segments,
    "QUASI": lambda r: [(quasi(r), "QUASI")],
    "QUASI_SPLIT": quasi_split,
}

# ---- look-alikes and furniture (never labelled) -------------------------------------------------


def _choice(*options: str) -> Callable[[random.Random], str]:
    return lambda r: options[r.randrange(len(options))]


FILLERS: dict[str, Callable[[random.Random], str]] = {
    "assessment": _choice(
        "mental capacity assessment",
        "carer's assessment",
        "care act assessment",
        "OT assessment",
        "best interests assessment",
        "risk assessment",
        "review",
    ),
    "meeting": _choice(
        "strategy meeting",
        "best interests meeting",
        "core group",
        "MDT",
        "team meeting",
        "professionals meeting",
    ),
    "project": _choice(
        "hospital discharge pilot",
        "carers strategy",
        "audit",
        "new front door",
        "digital records project",
        "strengths-based pilot",
    ),
    "team_long": _choice(
        "the hospital team",
        "the discharge team",
        "the learning disability team",
        "the MASH",
        "the reablement service",
        "the fostering team",
        "the AMHP hub",
    ),
    "leave": _choice(
        "paternity leave",
        "maternity leave",
        "annual leave",
        "sick leave",
        "her holidays",
        "a course",
    ),
    "topic_pro": _choice(
        "self-neglect",
        "contextual safeguarding",
        "loneliness",
        "trauma-informed practice",
        "hoarding",
        "the MCA",
        "professional curiosity",
    ),
    "document": _choice(
        "chronology", "court report", "care plan template", "briefing", "reflective log"
    ),
    "policy_news": _choice(
        "the court deadline is Friday",
        "the new form starts Monday",
        "mileage claims close on the 28th",
        "the audit is next week",
    ),
    "petname": _choice("Benny", "Bramble", "Rolo", "Biscuit", "Poppy", "Max", "Luna", "Teddy"),
    "public_title": _choice(
        "the Chief Social Worker",
        "the local MP",
        "the Director of Adult Services",
        "the chief nurse",
        "the mayor",
    ),
    "award": _choice(
        "team of the year", "long service", "practice educator", "student of the year"
    ),
    "anon_noun": _choice(
        "young man", "young woman", "older man", "older lady", "teenager", "gentleman", "woman"
    ),
    "decade": _choice("20", "30", "40", "50", "60", "70", "80", "90"),
    "initial": lambda r: r.choice("ABCDEFGHJKLMNPRSTW"),
    "own_family": _choice(
        "son", "daughter", "little girl", "little boy", "husband", "wife", "mum", "dad"
    ),
    "own_news": _choice(
        "starts school today",
        "has a hospital appointment",
        "is off sick",
        "has sports day",
        "broke his wrist",
    ),
    "month": _choice("March", "June", "September", "Christmas", "the summer", "January"),
    "fixture": _choice(
        "call bells", "lift", "boiler", "fire doors", "hoist", "washing machine", "wifi"
    ),
    "workemail": lambda r: (
        f"{first_name(r).lower()[0]}.{surname(r).lower().replace(chr(39), '')}@{r.choice(['council.gov.uk', 'nhs.net', 'example.org', 'trust.nhs.uk', 'care-services.co.uk'])}"
    ),
    "show": lambda r: _pick(r, vocab.SHOWS),
    "celebrity": lambda r: full_name(r),
    "hymn": lambda r: _pick(r, vocab.HYMNS),
    "longnum": lambda r: "".join(r.choice("0123456789") for _ in range(r.choice([8, 9, 10]))),
    "supplier": _choice(
        "linen company", "pharmacy", "laundry", "catering firm", "agency", "window cleaners"
    ),
    "regno": lambda r: (
        f"{r.choice(['SIN', 'REG', 'CRN'])}-{r.randint(10000000, 99999999)}-{r.randint(1, 9999):04d}"
    ),
    "pcsafe": lambda r: numbers.postcode(r),
    "event": lambda r: _pick(r, vocab.CARE_EVENTS),
    "followup": _choice(
        "GP visiting this afternoon",
        "family know",
        "skin check done",
        "out of hours doctor called",
        "nights please monitor",
        "obs normal now",
        "incident logged",
    ),
    "together": _choice(
        "want to share a room now",
        "both have the flu",
        "fell out over the remote again",
        "loved the trip to the coast",
        "are inseparable these days",
    ),
    "family": _choice(
        "son",
        "daughter",
        "wife",
        "husband",
        "grandson",
        "granddaughter",
        "sister",
        "brother",
        "niece",
        "nephew",
        "mum",
        "dad",
        "partner",
        "neighbour",
        "stepdad",
        "aunt",
    ),
    "family_relation": _choice(
        "her son",
        "his daughter",
        "her husband",
        "her nan",
        "his partner",
        "her grandchildren",
        "his sister",
    ),
    "family_event": _choice(
        "wants letters in large print",
        "has made a complaint",
        "visited with the new baby",
        "has moved in and she seems frightened",
        "has been using her bank card",
        "doesn't want her in a home",
        "asked for a best interests meeting",
        "turned up drunk again",
        "wants to take her out for the day",
        "isn't allowed contact at the moment",
    ),
    "family_news": _choice(
        "she's settling",
        "the doctor is coming",
        "he had a fall",
        "funding came through",
        "we're looking at nursing care",
    ),
    "topic": _choice(
        "the fees",
        "a personal budget",
        "a short break",
        "moving and handling",
        "her medication",
        "the DoLS",
        "a placement",
        "a parking badge",
        "contact",
        "the tenancy",
        "rehousing",
        "the benefits appeal",
        "extra hours",
        "night support",
    ),
    "symptom": _choice(
        "temperature and a cough",
        "struggling to breathe",
        "a bruise on her leg no one can explain",
        "very confused",
        "blood sugar through the roof",
        "sick since teatime",
        "a swollen knee",
    ),
    "visit_note": _choice(
        "she didn't know who I was",
        "he's much thinner",
        "the heating was off",
        "she was chatty and bright",
        "the fridge was empty",
        "he seemed very low",
        "she says the carers are late every day",
    ),
    "age": lambda r: str(r.randint(12, 101)),
    "small_age": lambda r: str(r.randint(3, 15)),
    "need": _choice(
        "a hearing loop",
        "two carers",
        "the stand aid",
        "prompting with tablets",
        "a falls sensor",
        "a pressure cushion",
        "a key safe fitted",
    ),
    "time": _choice("8am", "lunch", "teatime", "bedtime", "7am", "10pm", "4pm", "morning", "night"),
    "child_event": _choice(
        "has been sent home from school again",
        "saw his dad for the first time in a year",
        "is being groomed online, new phone and cash",
        "made a disclosure to her teacher",
        "ran off from placement again",
        "is caring for her mum",
        "started a new school",
        "has been cutting again",
        "is back with foster carers",
    ),
    "concern": _choice(
        "marks on his arms noticed by school",
        "she's been seen with older men in cars",
        "he's lost his savings to a scam",
        "the lodger is taking her pension",
        "school say she's always hungry",
        "he's drinking heavily again",
        "the flat is unsafe with clutter",
    ),
    "crisis": _choice(
        "mum's been admitted to the psych unit",
        "dad's just been released",
        "the placement has ended",
        "the landlord has evicted them",
        "no one has seen them for days",
    ),
    "wrong_thing": _choice(
        "a full sugar pudding", "a fizzy drink", "someone else's tablets", "food with nuts in"
    ),
    "funny": _choice(
        "she led a conga round the dining room",
        "he flirted with the hairdresser all morning",
        "she beat everyone at dominoes and gloated 😂",
        "he sang to the tea trolley",
    ),
    "tribute": _choice(
        "such a character", "always had a smile", "we'll miss her stories", "thinking of his family"
    ),
    "roomno": lambda r: str(r.randint(1, 40)),
    "su_detail": _choice(
        "yesterday, please read the notes",
        "again, plan updated",
        "last night, we've referred",
        "logged on the system",
    ),
    "disclosure": _choice(
        "her stepdad has hurt her",
        "he's not eaten since the weekend",
        "she wants to move back to Romania",
        "her ex keeps coming to the door",
    ),
    "disclosure_short": _choice(
        "told a teacher something worrying",
        "says a neighbour is taking money",
        "won't go back home",
    ),
    "cond": lambda r: _pick(r, vocab.CONDITIONS),
    "home": lambda r: vocab.care_home(r),
    "unit": lambda r: vocab.unit_name(r),
    "col": lambda r: first_name(r),
    "colfull": lambda r: full_name(r),
    "coltitled": lambda r: titled(r),
    "role": lambda r: _pick(r, vocab.COLLEAGUE_ROLES),
    "workmob": lambda r: numbers.mobile(r) if r.random() < 0.6 else numbers.landline(r),
    "day": _choice(
        "Monday", "Tuesday", "wed", "thurs", "Friday", "the weekend", "tomorrow", "Sat", "Sunday"
    ),
    "date": lambda r: numbers.meeting_date(r),
    "kindness": _choice(
        "staying late", "doing the rota", "the brownies", "covering my visits", "driving me home"
    ),
    "course": _choice(
        "AMHP",
        "BIA",
        "practice educator",
        "manual handling",
        "MCA",
        "safeguarding",
        "NVQ",
        "leadership",
    ),
    "team": _choice(
        "commissioning", "IT", "HR", "finance", "L&D", "the hub", "payroll", "brokerage", "quality"
    ),
    "pub": _choice("Red Lion", "Crown", "White Hart", "Plough", "Kings Arms"),
    "singer": lambda r: _pick(r, vocab.SINGERS),
    "song": lambda r: _pick(r, vocab.SONGS),
    "theorist": lambda r: _pick(r, vocab.THEORISTS),
    "authorsurname": lambda r: _pick(r, vocab.THEORISTS),
    "authorfull": lambda r: full_name(r),
    "booktitle": _choice(
        "Rethinking Risk",
        "Reflective Practice",
        "Relationships First",
        "Dignity in Care",
        "Working with Families",
    ),
    "year": lambda r: str(r.randint(1965, 2025)),
    "theory_topic": _choice(
        "personhood", "attachment", "reflection", "risk", "strengths-based work"
    ),
    "public": lambda r: _pick(r, vocab.PUBLIC_ROLES),
    "money": lambda r: str(r.randint(2, 900)),
    "pence": lambda r: str(r.randint(25, 60)),
    "org": _choice(
        "Mencap",
        "Mind",
        "Age Cymru",
        "Carers UK",
        "Action for Children",
        "Scope",
        "Sense",
        "Turning Point",
        "the Red Cross",
    ),
    "town": lambda r: _pick(r, vocab.TOWNS),
    "county": lambda r: _pick(r, vocab.COUNTIES) if r.random() < 0.7 else _pick(r, vocab.REGIONS),
    "cqc": lambda r: numbers.cqc_id(r),
    "num": lambda r: str(r.randint(2, 60)),
    "service": lambda r: _pick(r, vocab.SERVICES),
    "svcphone": lambda r: numbers.service_phone(r),
    "outward": lambda r: numbers.outward_code(r),
    "street_safe": lambda r: vocab.street(r),
    "office_addr": lambda r: f"{r.randint(1, 200)} {vocab.street(r)}",
    "lang": lambda r: _pick(r, vocab.LANGUAGES),
    "law": lambda r: _pick(r, vocab.LEGISLATION),
    "ticket": lambda r: f"INC{r.randint(100000, 9999999)}",
    "course_code": lambda r: f"{r.choice(['SW', 'HSC', 'MH', 'CPD'])}{r.randint(100, 9999)}",
    "staffno": lambda r: numbers.staff_number(r),
    "meeting_id": lambda r: f"{r.randint(100, 999)} {r.randint(100, 999)} {r.randint(1000, 9999)}",
    "pin": lambda r: str(r.randint(1000, 999999)),
    "clock": _choice("10am", "2pm", "9:30", "13:00", "half 3"),
    "anon_event": _choice(
        "wants to go home against advice",
        "refuses help with washing",
        "was scammed online",
        "won't see the OT",
        "is drinking again",
        "has stopped going to school",
    ),
    "anon_problem": _choice(
        "money being taken by a relative",
        "hoarding and a fire risk",
        "a carer who is exhausted",
        "no recourse to public funds",
        "rent arrears",
    ),
    "generic_q": _choice(
        "how long should an enquiry take?",
        "who authorises a DoLS?",
        "can we share with the GP without consent?",
        "when do we hold a strategy discussion?",
    ),
}

# ---- registers ---------------------------------------------------------------------------------

_CHAT_WORDS = [
    (r"\byou\b", "u"),
    (r"\bplease\b", "pls"),
    (r"\btoday\b", "2day"),
    (r"\btonight\b", "2nite"),
    (r"\bwith\b", "w/"),
    (r"\bbecause\b", "cos"),
    (r"\babout\b", "abt"),
    (r"\bweeks\b", "wks"),
    (r"\bthanks\b", "thx"),
    (r"\bthe\b", "da"),
    (r"\bsomeone\b", "sum1"),
    (r"\banyone\b", "any1"),
    (r"\band\b", "n"),
    (r"\bgoing to\b", "gonna"),
    (r"\bbefore\b", "b4"),
    (r"\bare\b", "r"),
]


def _typo(text: str, rng: random.Random) -> str:
    words = list(re.finditer(r"[a-z]{4,}", text))
    if not words:
        return text
    word = rng.choice(words)
    chars = list(word.group())
    at = rng.randrange(len(chars) - 1)
    if rng.random() < 0.5:
        chars[at], chars[at + 1] = chars[at + 1], chars[at]
    else:
        del chars[at]
    return text[: word.start()] + "".join(chars) + text[word.end() :]


def fill(template: str, rng: random.Random) -> list[Segment]:
    segments: list[Segment] = []
    for piece in _SLOT.split(template):
        if not piece:
            continue
        if piece.startswith("{") and piece.endswith("}"):
            slot = piece[1:-1]
            if slot in ENTITIES:
                segments.extend(ENTITIES[slot](rng))
            else:
                segments.append((FILLERS[slot](rng), None))
        else:
            segments.append((piece, None))
    return segments


def _sentence(template_sets: list[tuple[list[str], float]], rng: random.Random) -> list[Segment]:
    lists, weights = zip(*template_sets, strict=True)
    chosen = rng.choices(lists, weights=weights)[0]
    return fill(rng.choice(chosen), rng)


BREACH_SETS = [
    (templates.PERSON_CARE, 0.5),
    (templates.NUMBERS, 0.32),
    (templates.QUASI_FRAMES, 0.18),
]
SAFE_SETS = [
    (templates.COLLEAGUE, 0.3),
    (templates.PUBLIC, 0.12),
    (templates.WORDS_AS_WORDS, 0.14),
    (templates.PLACES_SERVICES, 0.24),
    (templates.ANONYMISED, 0.2),
]


def compose(rng: random.Random, breach: bool) -> list[Segment]:
    parts = [_sentence(BREACH_SETS if breach else SAFE_SETS, rng)]
    if breach and rng.random() < 0.12:
        parts.append(_sentence(BREACH_SETS, rng))
    if rng.random() < 0.22:
        extra = _sentence(SAFE_SETS, rng)
        parts.insert(rng.randrange(len(parts) + 1), extra)
    chat = rng.random() < 0.55
    if chat:
        return _chat(parts, rng)
    return _slack(parts, rng)


def _map_text(segments: list[Segment], change: Callable[[str], str]) -> list[Segment]:
    return [(change(text) if kind is None else text, kind) for text, kind in segments]


def _one_typo(segments: list[Segment], rng: random.Random) -> list[Segment]:
    plain = [i for i, (text, kind) in enumerate(segments) if kind is None and len(text) > 8]
    if not plain:
        return segments
    at = rng.choice(plain)
    out = list(segments)
    out[at] = (_typo(out[at][0], rng), None)
    return out


def _capitalise(segments: list[Segment]) -> list[Segment]:
    if not segments:
        return segments
    text, kind = segments[0]
    return [(text[:1].upper() + text[1:], kind), *segments[1:]]


def _slack(parts: list[list[Segment]], rng: random.Random) -> list[Segment]:
    out: list[Segment] = []
    if rng.random() < 0.35:
        out.append((_pick(rng, templates.OPENERS_SLACK) + " ", None))
    for index, part in enumerate(parts):
        part = _capitalise(part)
        last = part[-1][0] if part else ""
        out.extend(part)
        if not last.rstrip().endswith((".", "?", "!")) and part[-1][1] is None:
            out.append((".", None))
        elif not last.rstrip().endswith((".", "?", "!")):
            out.append((".", None))
        if index < len(parts) - 1:
            out.append((" ", None))
    if rng.random() < 0.15:
        out.append((" " + _pick(rng, templates.FILLERS), None))
    if rng.random() < 0.4:
        out.append((" " + _pick(rng, templates.CLOSERS_SLACK), None))
    if rng.random() < 0.05:
        out = [(text, kind) if kind is None else (text.lower(), kind) for text, kind in out]
    if rng.random() < 0.1:
        out = _one_typo(out, rng)
    return out


def _chat(parts: list[list[Segment]], rng: random.Random) -> list[Segment]:
    out: list[Segment] = []
    if rng.random() < 0.2:
        out.append((_pick(rng, templates.OPENERS_CHAT) + " ", None))
    for index, part in enumerate(parts):
        out.extend(part)
        if index < len(parts) - 1:
            out.append((rng.choice([". ", ", ", " - ", " ", "\n", "!! "]), None))
    if rng.random() < 0.25:
        out.append((" " + _pick(rng, templates.CLOSERS_CHAT), None))
    if rng.random() < 0.3:
        out.append((" " + _pick(rng, vocab.EMOJI), None))
    lower = rng.random() < 0.5
    if lower:
        out = [(text.lower(), kind) for text, kind in out]
    else:
        out = _capitalise(out)
    if rng.random() < 0.5:
        out = _abbreviated(out, rng)
    if rng.random() < 0.18:
        out = _one_typo(out, rng)
    return out


def _abbreviated(out: list[Segment], rng: random.Random) -> list[Segment]:
    """Chat shorthand: about half the usual abbreviations ("pls", "tmrw"), chosen at random."""
    subs = [pair for pair in _CHAT_WORDS if rng.random() < 0.5]

    def abbreviate(text: str) -> str:
        for pattern, short in subs:
            text = re.sub(pattern, short, text)
        return text

    return _map_text(out, abbreviate)


def post(rng: random.Random, number: int) -> dict[str, object]:
    breach = rng.random() < 0.5
    segments = compose(rng, breach)
    text_parts: list[str] = []
    spans: list[dict[str, object]] = []
    at = 0
    for text, kind in segments:
        if kind is not None and text.strip():
            lead = len(text) - len(text.lstrip())
            trail = len(text.rstrip())
            spans.append({"start": at + lead, "end": at + trail, "type": kind})
        text_parts.append(text)
        at += len(text)
    text = "".join(text_parts)
    return {
        "id": f"gen-{number:06d}",
        "text": text,
        "label": "breach" if spans else "safe",
        "spans": spans,
    }


def generate(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    return [post(rng, number) for number in range(1, count + 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handlers.moderation.training.generate", description=__doc__
    )
    parser.add_argument("--count", type=int, default=24000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = generate(args.count, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    breaches = sum(row["label"] == "breach" for row in rows)
    print(f"wrote {len(rows)} posts ({breaches} breaches) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
