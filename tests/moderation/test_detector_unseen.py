"""Posts written to the policy but unlike the dev set: a check that the rules generalise.

Message level only, as the eval counts: each breach must raise at least one finding and each
safe post none.
"""

from __future__ import annotations

import pytest

from handlers.moderation.detector import Detector

DETECTOR = Detector()

BREACHES = [
    "The 101-year-old in Lower Birchley who was on the news for her birthday has had a fall.",
    "The twins at Oakwood Primary whose dad is in prison are struggling again.",
    "The lady who runs the chip shop in Haddington has asked for help with her son.",
    "The former mayor of Thornbury who has dementia keeps walking to the town hall at night.",
    "the man who sells the Big Issue outside Tesco in Bicester has a leg ulcer that's getting worse",
    "The 82-year-old on Rowan Ward at Kingsmead with the tracheostomy needs a CHC checklist.",
    "Any advice for the only Syrian family in Coldharbour Green? The kids are being bullied.",
    "Visited Gwen at home today, the district nurse says her leg is infected.",
    "Candice's partner was arrested last night, she's asked us for a refuge space.",
    "Norma (the one with the cats) keeps refusing the carers.",
    "Stephen, 54, on Birch Ward, is refusing to eat.",
    "Josie has had another seizure at school and mum isn't picking up.",
    "Harold Pettigrew died this morning, can someone let the day centre know?",
    "Contact number for the daughter: 0113 496 0222.",
    "Emergency contact is the sister on +44 7700 900 456.",
    "date of birth 01/05/1980, presenting with psychosis, no fixed abode",
    "b. 17.11.1949 — needs a reassessment after the stroke.",
    "DOB 3rd Sept 1958, ex-forces, rough sleeping near the station.",
    "Address: 12 Primrose Hill, Bradford BD7 1AA.",
    "She lives at 44 Bridge Street with her two kids.",
    "SystmOne no 8841203 please, for the district nurse referral.",
    "Court ref: SN24P00871, hearing on the 3rd.",
    "NI: JT 44 87 12 B",
    "his email is tomasz.nowak82@example.pl, he prefers Polish",
]

SAFE = [
    "A resident at Rose Court care home said the food has got much better.",
    "Young carers' group at Brook House meets on Tuesdays, only 5 places left.",
    "The 3 residents at Oak Lodge all need reviews before March.",
    "A 70-year-old man in Leeds with diabetes is refusing his insulin. Thoughts?",
    "The Children Act 1989 came into force on 14 October 1991.",
    "Since 1 April 2015 the Care Act has replaced most of the old law.",
    "Is the only way to get CHC funding through a full assessment?",
    "Our team at Hartley House is recruiting two senior practitioners.",
    "Mrs P has capacity but her son disagrees. Who decides?",
    "Person A and Person B are siblings in my case study, both in foster care.",
    "The Supreme Court ruled in the Cheshire West case that the acid test applies.",
    "I visited a family today where the parents both have a learning disability. Any resources?",
    "Can someone explain the Mosaic workflow for closing a case?",
    "A young man, 19, with autism is moving into supported living. Transition tips?",
    "Has anyone got the Tri.x procedures link? The intranet is down.",
    "Any tips for working with hoarding? A man in his 60s with a house full of newspapers.",
    "The duty number for out of hours is 0345 600 7000.",
    "Shout out to Callum and Dawn for the brilliant MCA training!",
    "Has anyone tried the Bradford model of strengths-based reviews?",
    "Reminder: no names or DOBs in this group, use initials.",
    "We had 42 referrals on Monday alone, the front door is swamped.",
    "Laura from the CHC team says the fast track form has changed again.",
    "Dawn raids by the police are traumatic for children, how do we support them after?",
]


@pytest.mark.parametrize("text", BREACHES)
def test_breach_is_held(text: str) -> None:
    assert DETECTOR.scan(text), text


@pytest.mark.parametrize("text", SAFE)
def test_safe_post_passes(text: str) -> None:
    found = [(f.type, text[f.start : f.end]) for f in DETECTOR.scan(text)]
    assert found == []
