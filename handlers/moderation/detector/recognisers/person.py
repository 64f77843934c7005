"""Person names, in three layers, strongest first.

1. A title with a surname ("Mrs Holloway"); a title with a letter ("Mr A") is anonymised.
2. A full name: two or three adjacent name-like words ("Doreen Pike", "zbigniew kowalczyk"),
   unless they are an organisation, a place, a cited author or a named official.
3. A single first name, only with a cue that it is someone the post is about: a family word
   ("her son Jordan"), a possessive with family ("Ngozi's brother"), a visit ("saw May"), or the
   name doing something in a care sentence ("Dawn has relapsed"). Words that are also common
   English ("will", "hope", "frank") need such a cue and the right grammar around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import is_first_name, is_last_name, is_name, zipf
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.cues import CARE, COLLEAGUE, FAMILY
from handlers.moderation.detector.settings import DetectorSettings

_TOKEN = re.compile(r"[^\W\d_](?:[\w'-]*\w)?")
_TITLE = re.compile(r"\b(mr|mrs|ms|miss|mx|mister|dr|doctor)\b\.?$", re.IGNORECASE)
_PSEUDONYM_BEFORE = re.compile(
    r"(?:\bcall(?:ing)? (?:him|her|them)|\bknown here as|\blet's say|['\"‘“])\s*$"
)
_PSEUDONYM_AFTER = re.compile(
    r"^\W{0,3}(?:\(?\s*(?:name|names|initials?) (?:changed|made up)|not (?:his|her|their) real name|pseudonym)"
)
_ROLE_BEFORE = re.compile(
    r"\b(?:director|cllr|councillor|minister|secretary|prof|professor|judge|mp|sir|dame|lord|baroness|"
    r"chair|chief|presenter|author|trainer|speaker|reverend|rev|bishop|mayor|king|queen|prince|princess|"
    r"president|commissioner|ombudsman|officer|lead|head|dr|doctor|consultant|ceo|manager|justice|"
    r"by|novel|book|film|writer|poet|actor|singer|@)\b[^.!?]{0,40}$"
)
_CITATION_AFTER = re.compile(
    r"^(?:'s)?\s*(?:(?:&|and|et al\.?)\s*[A-Z][\w'-]*\s*)?(?:'s)?\s*\(\d{4}"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:in|at|from|near|to|towards|around|outside|across|of|via)\s+(?:the\s+)?$"
)
_ORG_WORDS = frozenset(
    """court house lodge centre center day home homes road street lane close way school primary academy
    college university hospital ward council team service services trust unit hall hub clinic surgery
    practice group foundation society partnership board act report review forum network project
    library park estate care church chapel mosque temple hostel manor gardens place villa mews terrace
    crescent avenue drive view grove green fund week month day centre speech time lion arms inn
    award awards programme act acts regulations guidance code street lodge foods bank café cafe road st way nhs county city borough district
    town village police station line hospice infirmary royal
    memorial institute association alliance commission agency department ministry office""".split()
)
_FAMILY_BEFORE = re.compile(
    rf"(?:\b(?:her|his|their|my|your|the|a|our|\w+'s)\s+(?:\w+\s+)?|^\s*)(?:{FAMILY})\s*,?\s*$"
)
_THE_FAMILY = re.compile(
    r"^\s+(?:family|children|kids|twins|boys|girls|household|brothers|sisters)\b"
)
_ROLES = frozenset(
    "director cllr councillor minister secretary prof professor judge sir dame lord baroness rev reverend "
    "bishop mayor king queen prince princess president commissioner ombudsman dr doctor".split()
)
_PLACE_PREFIX = frozenset(
    "north south east west northern southern eastern western upper lower nether great new port mount "
    "fort saint st central greater royal".split()
)
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers|he's|she's)\b")
_NICKNAME_PREFIX = frozenset(
    {"big", "little", "old", "young", "auntie", "aunty", "uncle", "nana", "nanna", "grandad"}
)
_FAMILY_AFTER = re.compile(
    rf"^'s\s+(?:{FAMILY}|foster|care plan|placement|social worker|gp|nhs|key ?worker|carers?|school|room|"
    r"meds|medication|house|flat|home|benefits|case|file|review|needs|behaviour)\b",
    re.IGNORECASE,
)
_CALLED_BEFORE = re.compile(
    r"\b(?:calls? (?:him|her|them)|known as|called|named|goes by|nicknamed)\s*$", re.IGNORECASE
)
_VISIT_BEFORE = re.compile(
    r"\b(?:visited|visiting|visit|saw|seen|see|seeing|popped in on|popped round to|called in on|checked on|"
    r"check on|text|texted|ring|rang|phone|phoned|call|called|met|meeting with|spoke to|spoke with|"
    r"speaking to|speaking with|talked to|talked with|talking to|went to see|go and see|sat with|"
    r"pop in on|pop round to|drop in on|dropped in on|check in on|chatted to|chatted with|emailed|"
    r"messaged|wrote to|told|asked|assessed|admitted|discharged|"
    r"placed|referred|supporting|support|working with|worked with|for)\s*$",
    re.IGNORECASE,
)
_ACTS_AFTER = re.compile(
    r"^(?:'s\s+(?:been|got|gone|had|not|still|now|back|refusing|moved|being|going|missing|in|at|on|off|out|"
    r"never|always|just|started|stopped)\b"
    r"|\s+(?:is|was|has|had|keeps|kept|told|tells|said|says|refused|refuses|refusing|won't|wouldn't|"
    r"can't|cannot|hasn't|isn't|wasn't|wants|wanted|needs|needed|went|goes|moved|moves|lives|lived|"
    r"relapsed|died|fell|started|stopped|seems|got|gets|came|doesn't|didn't|loves|hates|asked|rang|"
    r"phoned|called|screamed|hit|attacked|left|stayed|stays|disclosed|absconded|missed|took|takes)\b"
    r"|\s+and\s+[A-Z]\w+|,\s+the\b|\s*\(the\b|,\s*(?:aged\s+)?\d{1,3}\s*,)",
)
_MONTH_USE = re.compile(r"^\s+(?:\d|19|20)|^\s+(?:the\s+)?\d")
_MONTH_BEFORE = re.compile(
    r"\b(?:in|of|since|until|till|by|from|during|early|late|mid|end of|last|next|this)\s+$",
    re.IGNORECASE,
)
_MODALS = frozenset(
    {"will", "may", "can", "must", "might", "mark", "bill", "sue", "pat", "jack", "rob"}
)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def bare(self) -> str:
        word = self.text
        return word[:-2] if word.endswith(("'s", "'S")) else word

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper() and not (len(self.text) > 1 and self.bare.isupper())


class PersonRecogniser:
    name = "person"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        tokens = [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(doc.text)]
        staff = {name.lower() for name in settings.staff_names}
        care_post = bool(CARE.search(doc.lower))
        used: set[int] = set()
        for hit, indexes in self._titled(doc, tokens):
            used.update(indexes)
            yield hit
        for hit, indexes in self._full_names(doc, tokens, used, staff, care_post):
            used.update(indexes)
            yield hit
        for index, token in enumerate(tokens):
            if index in used or token.bare.lower() in staff:
                continue
            single = self._single(doc, tokens, index, care_post)
            if single is not None:
                yield single

    @staticmethod
    def _starts_sentence(doc: Document, token: _Token) -> bool:
        return not doc.text[doc.sentence(token.start, token.end)[0] : token.start].strip(" \"'*_(")

    # Layer 1 ---------------------------------------------------------------------------------
    def _titled(self, doc: Document, tokens: list[_Token]) -> Iterator[tuple[Hit, list[int]]]:
        for index, token in enumerate(tokens[:-1]):
            title = _TITLE.match(token.text)
            if title is None or not _TITLE.search(
                doc.text[token.start : tokens[index + 1].start].rstrip()
            ):
                continue
            if token.text.isupper() and not doc.text.isupper():
                continue  # "MS" is multiple sclerosis, "DR" a reference; titles are written "Ms", "Dr"
            gap = doc.text[token.end : tokens[index + 1].start]
            if not re.fullmatch(r"\.?\s{1,2}", gap):
                continue
            surname = tokens[index + 1]
            if len(surname.bare) < 2 or (surname.bare.isupper() and len(surname.bare) <= 3):
                continue  # "Mr A", "Mrs JB": anonymised
            if not surname.capitalised:
                lower_title = token.text[0].islower()
                if not lower_title or zipf(surname.bare) >= 3.5:
                    continue
            if _PSEUDONYM_BEFORE.search(doc.text[max(0, token.start - 25) : token.start]):
                continue
            if _PSEUDONYM_AFTER.search(doc.text[surname.end : surname.end + 30]):
                continue
            end, used = surname.start + len(surname.bare), [index, index + 1]
            nxt = tokens[index + 2] if index + 2 < len(tokens) else None
            if (
                nxt is not None
                and nxt.capitalised
                and doc.text[surname.end : nxt.start] == " "
                and (is_last_name(nxt.bare) or zipf(nxt.bare) < 3.0)
                and nxt.bare.lower() not in _ORG_WORDS
            ):
                end, used = nxt.start + len(nxt.bare), [*used, index + 2]
            doctor = title.group(1).lower() in {"dr", "doctor"}
            confidence, reason = (
                (0.35, "a doctor's name: usually a professional")
                if doctor
                else (0.95, "title and surname")
            )
            yield Hit("PERSON", token.start, end, confidence, reason), used

    # Layer 2 ---------------------------------------------------------------------------------
    def _name_like(self, doc: Document, token: _Token) -> bool:
        if doc.is_lowercase:
            return (is_name(token.bare) and zipf(token.bare) < 5.0) or zipf(token.bare) < 2.5
        return token.capitalised

    def _full_names(
        self, doc: Document, tokens: list[_Token], used: set[int], staff: set[str], care_post: bool
    ) -> Iterator[tuple[Hit, list[int]]]:
        index = 0
        while index < len(tokens) - 1:
            run = self._run(doc, tokens, index)
            if len(run) < 2 or any(i in used for i in run):
                index += 1
                continue
            words = [tokens[i] for i in run]
            # A sentence-initial word that is not a name ("Since Cheshire West", "Thanks Priya Nair").
            if (
                not is_name(words[0].bare)
                and zipf(words[0].bare) >= 4.0
                and words[0].bare.lower() not in _NICKNAME_PREFIX
            ):
                index += 1
                continue
            index = run[-1] + 1
            if not doc.is_lowercase:
                used.update(run)  # judged as one phrase: its words are not re-read as single names
            nxt = tokens[run[-1] + 1] if run[-1] + 1 < len(tokens) else None
            if any(w.bare.lower() in _ORG_WORDS or w.bare.lower() in _ROLES for w in words):
                continue
            if (
                nxt is not None
                and nxt.capitalised
                and nxt.bare.lower() in _ORG_WORDS
                and doc.text[words[-1].end : nxt.start] == " "
            ):
                continue
            if all(w.bare.lower() in staff for w in words):
                continue
            score = self._full_name_score(doc, words, care_post)
            if score is None:
                continue
            start, end = words[0].start, words[-1].start + len(words[-1].bare)
            yield Hit("PERSON", start, end, score, "full name"), run

    def _run(self, doc: Document, tokens: list[_Token], index: int) -> list[int]:
        """Adjacent name-like words from `index`, each at least two letters, one space apart."""
        run = [index]
        if not self._name_like(doc, tokens[index]) or len(tokens[index].bare) < 2:
            return run
        longest = 2 if doc.is_lowercase else 4
        while (
            run[-1] + 1 < len(tokens)
            and len(run) < longest
            and not tokens[run[-1]].text.endswith("'s")
        ):
            nxt = tokens[run[-1] + 1]
            if not self._name_like(doc, nxt) or len(nxt.bare) < 2:
                break
            if doc.text[tokens[run[-1]].end : nxt.start] != " ":
                break
            run.append(run[-1] + 1)
        return run

    def _full_name_score(self, doc: Document, words: list[_Token], care_post: bool) -> float | None:
        first, second = words[0], words[1]
        lowercase = not first.text[0].isupper()
        before = doc.text[max(0, first.start - 60) : first.start]
        after = doc.text[words[-1].end : words[-1].end + 30]
        if _CITATION_AFTER.match(after) or _PSEUDONYM_AFTER.search(after):
            return None
        if _ROLE_BEFORE.search(before.lower()) or _PSEUDONYM_BEFORE.search(before[-3:]):
            return None
        if first.bare.lower() in _PLACE_PREFIX:
            return None  # "North Devon", "Upper Swaleby", "New Milton"
        f_first, f_second = is_first_name(first.bare), is_name(second.bare)
        rare_first, rare_second = zipf(first.bare) < 3.0, zipf(second.bare) < 3.3
        if _PLACE_BEFORE.search(before.lower()) and not (f_first and is_last_name(second.bare)):
            return None
        if first.bare.lower() in _NICKNAME_PREFIX:
            # "Big Tel", "Little Mo": a nickname, when the post is about care.
            return (
                0.7
                if care_post
                and (is_first_name(second.bare) or zipf(second.bare) < 4.0)
                and not _PLACE_BEFORE.search(before.lower())
                else None
            )
        near = doc.lower[max(0, first.start - 30) : first.start]
        if COLLEAGUE.search(near) and not CARE.search(doc.lower[first.start : first.start + 80]):
            return None
        if lowercase:
            # "grace o'brien", "zbigniew kowalczyk": both must read as names, and the post be about care.
            if (
                care_post
                and f_first
                and (is_last_name(second.bare) or rare_second)
                and zipf(second.bare) < 4.0
            ):
                return 0.8
            return None
        if f_first and (f_second or rare_second):
            return 0.9
        if is_last_name(first.bare) and is_first_name(second.bare) and zipf(first.bare) < 4.0:
            return 0.8  # family name first: "Zhang Xiuying", "Wong Mei Ling"
        if rare_first and f_second:
            return 0.85
        if rare_first and rare_second and care_post:
            return 0.65
        return None

    # Layer 3 ---------------------------------------------------------------------------------
    def _single(
        self, doc: Document, tokens: list[_Token], index: int, care_post: bool
    ) -> Hit | None:
        token = tokens[index]
        word = token.bare
        if len(word) < 2 or word.isupper() or not word[0].isalpha():
            return None
        known = is_first_name(word)
        if doc.is_lowercase:
            if not known:
                return None
            capital = True
        elif word[0].isupper():
            if not known and zipf(word) >= 4.0:
                return None  # a common word capitalised at the start of a sentence
            capital = True
        else:
            if not known or (zipf(word) >= 4.2 and not self._starts_sentence(doc, token)):
                return None
            capital = False
        lower = word.lower()
        if lower in _FAMILY_WORDS:
            return None
        common = zipf(word) >= 4.0
        before = doc.text[max(0, token.start - 40) : token.start]
        after = doc.text[token.start + len(word) : token.start + len(word) + 40]
        if (
            before.endswith("@")
            or _PSEUDONYM_AFTER.search(after)
            or _PSEUDONYM_BEFORE.search(before[-2:])
        ):
            return None
        if lower in _ORG_WORDS or lower in _ROLES or _CITATION_AFTER.match(after):
            return None
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            nxt is not None
            and nxt.capitalised
            and nxt.bare.lower() in _ORG_WORDS
            and after.startswith(" ")
        ):
            return None
        if _is_month_use(word, before, after):
            return None
        visited = bool(_VISIT_BEFORE.search(before))
        if _THE_FAMILY.match(after) and before.lower().endswith("the ") and capital:
            return Hit("PERSON", token.start, token.start + len(word), 0.85, "a family's surname")
        sentence_start, sentence_end = doc.sentence(token.start, token.end)
        sentence = doc.lower[sentence_start:sentence_end]
        at_start = not doc.text[sentence_start : token.start].strip(" \"'*_(")

        # Strong cues: a family word before, a family possessive after, "everyone calls him Paddy".
        named = word[0].isupper() or (known and zipf(word) < 5.0)
        if _FAMILY_BEFORE.search(before) and named and not common_function(word):
            return Hit(
                "PERSON", token.start, token.start + len(word), 0.9, "name of a family member"
            )
        if _FAMILY_AFTER.match(after) and named:
            return Hit(
                "PERSON",
                token.start,
                token.start + len(word),
                0.9,
                "name with their family or care",
            )
        if _CALLED_BEFORE.search(before) and capital:
            return Hit(
                "PERSON",
                token.start,
                token.start + len(word),
                0.85,
                "a name or nickname someone goes by",
            )
        if _PLACE_BEFORE.search(before.lower()) and not visited:
            return None
        acts = bool(_ACTS_AFTER.match(after))
        if not known and capital and at_start and acts and zipf(word) < 4.0 and care_post:
            # An unlisted name doing something at the start of a sentence about someone: "Paddy's been drinking".
            if _PRONOUN.search(sentence) and not COLLEAGUE.search(sentence):
                return Hit(
                    "PERSON",
                    token.start,
                    token.start + len(word),
                    0.6,
                    "a name in a post about care",
                )
        if not (known or (capital and zipf(word) < 2.8 and not at_start)):
            return None
        if COLLEAGUE.search(sentence):
            return None
        # Medium cues: visited / rang the person, or the person doing something, in a post about care.
        if lower in _MODALS and not (acts and not after.startswith("'s")) and not visited:
            return None
        if (acts or visited) and care_post and (capital or not common or at_start):
            if common and not capital and not at_start and not visited:
                return None
            return Hit(
                "PERSON",
                token.start,
                token.start + len(word),
                0.75,
                "first name in a post about care",
            )
        # Weak cue: an uncommon first name, capitalised mid-sentence, in a care sentence.
        if (
            known
            and capital
            and not common
            and (not at_start or zipf(word) < 3.5)
            and CARE.search(sentence)
        ):
            return Hit(
                "PERSON",
                token.start,
                token.start + len(word),
                0.55,
                "first name in a post about care",
            )
        return None


_FAMILY_WORDS = frozenset(re.sub(r"[?()]", "", FAMILY).split("|")) | {"mum", "dad", "nan", "nanna"}


def common_function(word: str) -> bool:
    """Words after a family noun that are not names ("her son Is", "wife And")."""
    return zipf(word) >= 5.5 and not is_first_name(word)


def _lowercase_allowed(word: str) -> bool:
    # In a post typed with capitals, a lower-case name is a rare name that is not an English word.
    return is_first_name(word) and zipf(word) < 4.2


def _is_month_use(word: str, before: str, after: str) -> bool:
    lower = word.lower()
    if lower not in {"may", "june", "april", "august", "july", "january"}:
        return False
    return bool(
        _MONTH_USE.match(after)
        or _MONTH_BEFORE.search(before)
        or re.search(r"\d\s*(?:st|nd|rd|th)?\s*(?:of\s+)?$", before)
    )
