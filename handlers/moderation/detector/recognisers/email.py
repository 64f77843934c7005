"""E-mail addresses; work domains (public bodies, the NHS, a group's allowed domains) are safe."""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.settings import DetectorSettings

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]{1,64}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6})")
# Organisations' domains: practitioners' own work addresses and team inboxes live here.
_WORK_SUFFIXES = (
    ".org.uk",  # charities and regulators; families write from personal mail services
    ".ac.uk",
    ".gov.uk",
    ".nhs.uk",
    "nhs.net",
    ".nhs.scot",
    ".gov.scot",
    ".gov.wales",
    ".police.uk",
    ".sch.uk",
)


# Team inboxes, and "email me at": the practitioner's own or the service's address.
_TEAM_INBOX = re.compile(
    r"(?:^|[._-])(?:team|inbox|admin|duty|referrals?|info|enquiries|office|hub|mash|noreply|no-reply|"
    r"contact|help|support|service|bookings?|training)(?:$|[._-])"
)
_OWN = re.compile(
    r"(?:\b(?:e-?mail|mail|contact|message)\s+me\b|\bmy (?:new |work )?e-?mail\b)[^.!?]{0,25}$"
)


class EmailRecogniser:
    name = "email"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if "@" not in doc.text:
            return
        allowed = {d.lower().lstrip("@") for d in settings.allowed_email_domains}
        for match in _EMAIL.finditer(doc.text):
            domain = match.group(1).lower().rstrip(".")
            if domain.endswith(_WORK_SUFFIXES) or any(
                domain == d or domain.endswith("." + d) for d in allowed
            ):
                continue
            local = match.group()[: match.group().index("@")].lower()
            if _TEAM_INBOX.search(local) or _OWN.search(doc.before(match.start(), 60)):
                continue
            yield Hit("EMAIL", match.start(), match.end(), 0.95, "personal e-mail address")
