"""Words, patterns and the token shape the three name layers share."""

from __future__ import annotations

import re

from handlers.moderation.detector.recognisers.cues import FAMILY

TOKEN = re.compile(r"[^\W\d_](?:[\w'-]*\w)?")
TITLE = re.compile(r"\b(mr|mrs|ms|miss|mx|mister|dr|doctor)\b\.?$", re.IGNORECASE)
PSEUDONYM_BEFORE = re.compile(
    r"(?:\bcall(?:ing)? (?:him|her|them)|\bknown here as|\blet's say|['\"‘“])\s*$"
)
PSEUDONYM_AFTER = re.compile(
    r"^\W{0,3}(?:\(?\s*(?:name|names|initials?) (?:changed|made up)|not (?:his|her|their) real name|pseudonym)"
)
ROLE_BEFORE = re.compile(
    r"\b(?:director|cllr|councillor|minister|secretary|prof|professor|judge|mp|sir|dame|lord|baroness|"
    r"chair|chief|presenter|author|trainer|speaker|reverend|rev|bishop|mayor|king|queen|prince|princess|"
    r"president|commissioner|ombudsman|officer|lead|head|dr|doctor|consultant|ceo|manager|justice|"
    r"by|novel|book|film|writer|poet|actor|singer|@)\b[^.!?]{0,40}$"
)
CITATION_AFTER = re.compile(
    r"^(?:'s)?\s*(?:(?:&|and|et al\.?)\s*[A-Z][\w'-]*\s*)?(?:'s)?\s*\(\d{4}"
)
PLACE_BEFORE = re.compile(
    r"\b(?:in|at|from|near|to|towards|around|outside|across|of|via)\s+(?:the\s+)?$"
)
ORG_WORDS = frozenset(
    """court house lodge centre center day home homes road street lane close way school primary academy
    college university hospital ward council team service services trust unit hall hub clinic surgery
    practice group foundation society partnership board act report review forum network project
    library park estate care church chapel mosque temple hostel manor gardens place villa mews terrace
    crescent avenue drive view grove green fund week month day centre speech time lion arms inn
    award awards programme act acts regulations guidance code street lodge foods bank café cafe road st way nhs county city borough district
    town village police station line hospice infirmary royal
    memorial institute association alliance commission agency department ministry office""".split()
)
FAMILY_BEFORE = re.compile(
    rf"(?:\b(?:her|his|their|my|your|the|a|our|\w+'s|\w+s')\s+(?:[\w']+\s+)?|^\s*)(?:{FAMILY})\s*,?\s*$"
)
THE_BEFORE = re.compile(
    r"\bthe\s+(?:[a-z]+\s+)?$"
)  # "the Adeyemi children", "the three Ahmadi boys"
THE_FAMILY = re.compile(
    r"^\s+(?:family|children|kids|twins|boys|girls|household|brothers|sisters|girl|boy|lad|child|baby)\b"
    r"|^'\s+(?:youngest|eldest|oldest|middle|son|daughter|kids|children|boy|girl|baby|twins|grandson|"
    r"granddaughter|mum|dad|gran|nan)\b"
)
ROLES = frozenset(
    "director cllr councillor minister secretary prof professor judge sir dame lord baroness rev reverend "
    "bishop mayor king queen prince princess president commissioner ombudsman dr doctor".split()
)
# Lower-case words after a full name that make it an organisation or a public figure's work:
# "the Marie Curie nurses", "the Mary Seacole ward", "Eileen Munro's review".
# "Patricia Hewitt was health secretary", "Marcus Ellery, the director": a public role.
ROLE_AFTER = re.compile(
    r",?\s+(?:was|is|as|,)?\s*(?:the\s+|our\s+|a\s+|former\s+|then\s+)*(?:[a-z]+\s+)?"
    r"(?:secretary|minister|mp|director|ceo|chair|chief executive|president|commissioner|author|"
    r"professor|judge|mayor|councillor|ombudsman)\b"
)
ORG_AFTER = re.compile(
    r"\s+(?:have|are|were)\b"  # "Leonard Cheshire have a vacancy": an organisation takes the plural
    r"|\s+(?:nurses?|hospice|foundation|trust|centre|center|ward|unit|charity|service|services|house|lodge|"
    r"court|fund|award|lecture|report|inquiry|model|theory|framework|approach|principles?|scale|tool)\b"
    r"|'s\s+(?:report|inquiry|model|theory|framework|approach|research|study|book|legacy|principles?|"
    r"ruling|judgment|scale|tool|lecture|ideas|work on|(?:\w+\s+){0,2}reforms?|policies|government|era|"
    r"speech|law)\b"
)
PLACE_PREFIX = frozenset(
    "north south east west northern southern eastern western upper lower nether great new port mount "
    "fort saint st central greater royal".split()
)
PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers|he's|she's)\b")
NICKNAME_PREFIX = frozenset(
    {"big", "little", "old", "young", "auntie", "aunty", "uncle", "nana", "nanna", "grandad"}
)
FAMILY_AFTER = re.compile(
    rf"^(?:\s+and\s+(?:his|her|their)\s+(?:{FAMILY})\b|'s\s+(?:{FAMILY}|foster|care plan|placement|(?:[\w-]+\s+)?worker|deputy|attorney|lpa|advocate|solicitor|appointee|guardian|wheelchair|money|finances|bank|health visitor|teacher|probation officer|care coordinator|gp|nhs|key ?worker|carers?|school|room|"
    r"meds|medication|house|flat|home|benefits|case|file|review|needs|behaviour)\b)",
    re.IGNORECASE,
)
CALLED_BEFORE = re.compile(
    r"\b(?:calls? (?:him|her|them)|known as|called|named|goes by|nicknamed)\s*$", re.IGNORECASE
)
VISIT_BEFORE = re.compile(
    r"\b(?:visited|visiting|visit|saw|seen|see|seeing|popped in on|popped round to|called in on|checked on|"
    r"check on|text|texted|ring|rang|phone|phoned|call|called|met|meeting with|spoke to|spoke with|"
    r"speaking to|speaking with|talked to|talked with|talking to|went to see|go and see|sat with|"
    r"pop in on|pop round to|drop in on|dropped in on|check in on|chatted to|chatted with|emailed|"
    r"messaged|wrote to|told|tell|asked|visit to|visits to|help|helping|chat with|a chat with|went back to|go back to|went with|going with|"
    r"spent(?:\s+\w+){0,3}\s+with|update on|news on|worried about|concerned about|concerns about|"
    r"worry about|took|drove|picked up|collected|accompanied|escorted|helped|brought|assessed|admitted|discharged|"
    r"placed|referred|supporting|support|working with|worked with|for)\s*$",
    re.IGNORECASE,
)
# A practitioner doing the work: "Nadia will do the assessment", "Chloe chaired the meeting".
WORKER_AFTER = re.compile(
    r"\s+(?:(?:has|have|is|was|will|'ll)\s+)?(?:kindly\s+)?(?:(?:do|did|doing)\s+(?:the|a|an|our|this|that|some|all|my)|completed|complete|wrote|"
    r"written|writing|chaired|chairing|chair|allocated|leading|led|lead|presented|presenting|ran|running|"
    r"joined|joining|covering|cover|covered|agreed to|offered to|assessed|assessing|reviewed|reviewing|"
    r"facilitated|facilitating|coordinated|coordinating|signed off|approved|supervises|supervising|the "
    r"allocated|the new|our new|back from|starting|started as)\b"
)
EVENT_AFTER = re.compile(
    r"\s+(?:has|had|have|was|'s)\s+(?:just\s+|now\s+|finally\s+)?(?:been\s+)?(?:found safe|found|gone missing|"
    r"died|passed away|admitted|sectioned|arrested|detained|discharged|overdosed|excluded|evicted|"
    r"taken into care|placed|rehoused|assaulted|attacked|hospitali[sz]ed)\b"
)
IN_BRACKETS = re.compile(r"\(\s*(?:actually\s+|real name\s+)?$", re.IGNORECASE)
AGE_AFTER = re.compile(
    r"(?:\s+(?:is|was|turned|turns)|,)\s+(?:aged\s+)?\d{1,3}\b(?!\s*(?:%|mins?|minutes|hours|days|weeks|months|years?|yrs|am|pm|:))"
)
REFERRED_AFTER = re.compile(r"[?.!]\s+(?:she|he)(?:'s|\s)", re.IGNORECASE)
HOME_VISIT_BEFORE = re.compile(
    r"\b(?:visited|visiting|saw|seeing|popped in on|popped round to|called in on|checked on|went to see|"
    r"sat with|pop in on|dropped in on|home visit to|visit to)\s*$",
    re.IGNORECASE,
)
ACTS_AFTER = re.compile(
    r"^(?:'s\s+(?:been|got|gone|had|not|still|now|back|refusing|moved|being|going|missing|in|at|on|off|out|"
    r"never|always|just|started|stopped)\b"
    r"|\s+(?:is|was|has|had|keeps|kept|told|tells|said|says|refused|refuses|refusing|won't|wouldn't|"
    r"can't|cannot|hasn't|isn't|wasn't|wants|wanted|needs|needed|went|goes|moved|moves|lives|lived|"
    r"relapsed|died|fell|started|stopped|seems|got|gets|came|doesn't|didn't|loves|hates|asked|rang|"
    r"phoned|called|screamed|hit|attacked|left|stayed|stays|disclosed|absconded|missed|took|takes|"
    r"arrived|ran away|turned up|is staying|is living|won't|will not|shouted|cried|collapsed)\b"
    r"|\s+and\s+[A-Z]\w+|,\s+the\b|\s*\(the\b|,\s*(?:aged\s+)?\d{1,3}\s*,|\s*\(\d{1,2}\))",
)
MONTH_USE = re.compile(r"^\s+(?:\d|19|20)|^\s+(?:the\s+)?\d")
MONTH_BEFORE = re.compile(
    r"\b(?:in|of|since|until|till|by|from|during|early|late|mid|end of|last|next|this)\s+$",
    re.IGNORECASE,
)
MODALS = frozenset(
    {"will", "may", "can", "must", "might", "mark", "bill", "sue", "pat", "jack", "rob"}
)


FAMILY_WORDS = frozenset(re.sub(r"[?()]", "", FAMILY).split("|")) | {"mum", "dad", "nan", "nanna"}


class Token:
    """A word of the post; `bare` drops a possessive 's. Plain slots: made for every word."""

    __slots__ = ("bare", "capitalised", "end", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.bare = text[:-2] if text.endswith(("'s", "'S")) else text
        self.capitalised = text[0].isupper() and not (len(text) > 1 and self.bare.isupper())
