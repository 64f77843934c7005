"""Posts written to the policy but unlike the dev set: a check that the rules generalise.

Message level only, as the eval counts: each breach must raise at least one finding and each
safe post none.
"""

from __future__ import annotations

import pytest

from handlers.moderation.detector import Detector

DETECTOR = Detector()

BREACHES = [
    "Took Ayodele to the dentist, she was terrified.",
    "Mrs. Jones has been found wandering again, third time this week.",
    "Miss Lily Evans is refusing to let the OT in.",
    "Ms O'Neill's daughter wants a copy of the assessment.",
    "Nana Pat is looking after the kids while mum is in rehab.",
    "Auntie Bev has offered to be a kinship carer for the boys.",
    "Number for the son: 07700-900-123.",
    "Dad's landline (0113) 496 0000, he's hard of hearing so let it ring.",
    "+44(0)7700 900123 is the partner's mobile, he's not on the referral.",
    "Mosaic no. 123456 - the review is 6 months overdue.",
    "LCS ID: 445566 — can someone close the episode?",
    "case no 2023/1234 is back at court next month.",
    "ref: CP-2024-0098 — child protection conference is Thursday.",
    "D.O.B: 01/01/1950, lives alone, recent falls.",
    "date of birth: 1950-01-01, please check the ward has the right one",
    "born on 5 May 1950 and has lived in the same house all his life",
    "She's at EC1A 1BB now, a hostel.",
    "m1 1ae is the postcode for the supported flat.",
    "Her new place is 12a High St, above the bakery.",
    "Flat 4b, 22 Queens Road — ring the bell twice.",
    "Sharon's been self-harming again and her mum won't engage.",
    "Can someone visit Arthur? He hasn't answered the door since Monday.",
    "ngozi said she'd rather go back to her husband than stay in the refuge",
    "Our client Kwame (14) has been excluded again.",
    "The Kowalski family have been evicted and are sofa surfing.",
    "NHS number 9434765919 - he's been discharged without a package.",
    "Mr Adebayo's NI number is NE 12 34 56 D.",
    "the 95-year-old Holocaust survivor at Elmhurst care home is refusing to eat",
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
    "Ask Ben about the hospital discharge process, he did loads.",
    "cc Rachel on the safeguarding referral please",
    "Mrs. X is refusing to let the OT in. Any ideas?",
    "Any tips for a first visit to a family with a history of DV?",
    "Thanks to Helen and the Reablement team for turning that discharge round so quickly.",
    "The office number has changed to 01632 960000.",
    "Our new team email is adult.duty@northmere.gov.uk.",
    "Training on 12/05/2025 has moved to room 3.",
    "The Equality Act 2010 s.20 covers reasonable adjustments.",
    "Does Mosaic let you merge duplicate records?",
    "Big thanks to Sophie Turner for the brilliant ASYE session.",
    "Is anyone going to the BASW conference in Birmingham?",
    "Jack and I are doing the duty rota swap next week.",
    "May is Mental Health Awareness Month, any ideas for a team activity?",
    "Sunny spells forecast for the team picnic on Friday!",
    "Who has the keys to the pool car this afternoon?",
    "The Parkinson's nurse from the community team is joining supervision next week.",
    "What's the threshold for a s.47 versus a CIN assessment?",
    "Heading to Leeds for the regional AMHP meeting, anyone want a lift?",
    "Section 117 aftercare: does it follow the person if they move to Wales?",
    "A lady with dementia keeps phoning the duty team at night. Any ideas?",
    "Reminder: the carers' hub phone line is 0800 123 4567.",
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
