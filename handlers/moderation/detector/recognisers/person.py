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

from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.cues import CARE, COLLEAGUE, THIRD_PERSON
from handlers.moderation.detector.recognisers.names.full_name import full_names
from handlers.moderation.detector.recognisers.names.single import single
from handlers.moderation.detector.recognisers.names.titled import titled
from handlers.moderation.detector.recognisers.names.words import TOKEN, Token
from handlers.moderation.detector.settings import DetectorSettings


class PersonRecogniser:
    name = "person"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        tokens = [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(doc.text)]
        staff = {name.lower() for name in settings.staff_names}
        # About someone in care: care words, or a third person talked about in a post that
        # has nothing of office life in it.
        care_post = bool(CARE.search(doc.lower)) or (
            THIRD_PERSON.search(doc.lower) is not None and COLLEAGUE.search(doc.lower) is None
        )
        used: set[int] = set()
        for hit, indexes in titled(doc, tokens):
            used.update(indexes)
            yield hit
        for hit, indexes in full_names(doc, tokens, used, staff, care_post):
            used.update(indexes)
            yield hit
        for index, token in enumerate(tokens):
            if index in used or token.bare.lower() in staff:
                continue
            found = single(doc, tokens, index, care_post)
            if found is not None:
                yield found
