"""Context words shared by several recognisers: what turns a number into an identifier, or not."""

from __future__ import annotations

import re

# Numbers that look like identifiers but belong to the office, not to a person.
OFFICE_NUMBER = re.compile(
    r"\b(?:po|purchase order|order|invoice|inv|ticket|helpdesk|help desk|it|call|incident|inc|sr|"
    r"service request|permit|parking|zoom|teams|meeting(?: id)?|passcode|pin|claim|mileage|expenses?|"
    r"cost cent(?:re|er)|budget|grant|course|module|foi|version|v|staff(?: id)?|employee|payroll|"
    r"room|extension|ext|account(?: code| number| no)?|batch|booking|order no|tracking|reservation|"
    r"confirmation|serial|asset|licence|license|registration|reg|badge|voucher|receipt|transaction|"
    r"fax|employee number|payroll number|agenda item|invoice number|supplier|vendor|job)\b[\s.:#-]*"
    r"(?:(?:no|number|ref|reference|id|is|was|code)\b[\s.:#-]*)*$"
)

# Places and lines of a service rather than of a person.
SERVICE = re.compile(
    r"\b(?:duty|team|teams|edt|out of hours|helpline|advice line|line|switchboard|reception|office|hub|"
    r"mash|front door|service|services|desk|venue|training|ward|unit|clinic|hospital|surgery|council|"
    r"department|dept|hq|headquarters|library|building|satnav|base|our|we|us|interpreter|language line|"
    r"repairs|bookings?|crisis|admin|inbox|care home|nursing home|provider|agency|pharmacy|practice|"
    r"school|nursery|college|police|charity|day centre|meeting|event|forum|conference|session|course|"
    r"party|venue|held at)\b"
)

# Someone the post is about, or their family: turns a number or address into theirs.
PERSONAL = re.compile(
    r"\b(?:her|his|their|she|he|him|mum|mum's|dad|dad's|mother|father|son|son's|daughter|daughter's|"
    r"wife|wife's|husband|husband's|partner|partner's|brother|sister|nephew|niece|aunt|uncle|gran|"
    r"grandparents|grandson|granddaughter|neighbour|carer|carers|family|client|patient|service user|"
    r"next of kin|nok|(?<!care )(?<!nursing )home (?:number|phone|landline)|at home|mobile|personal|tenancy|lives|living)\b"
)


def office_number_before(prefix: str) -> bool:
    """True when the words just before a number say it is an office reference."""
    return bool(OFFICE_NUMBER.search(prefix.rstrip()))
