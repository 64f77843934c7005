"""The detector on posts written for these tests (none are from the dev set): what it holds, what it lets through."""

from __future__ import annotations

import itertools

import pytest

from handlers.moderation.detector import (
    Detector,
    DetectorSettings,
    Finding,
    describe,
    reasons,
    redact,
)

DETECTOR = Detector()


def types_in(text: str, detector: Detector = DETECTOR) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in detector.scan(text)]


BREACHES = [
    (
        "Went to see Margaret Ellison this afternoon, she's lost weight again.",
        "PERSON",
        "Margaret Ellison",
    ),
    (
        "mr pritchard has refused his insulin three days running, GP says escalate.",
        "PERSON",
        "mr pritchard",
    ),
    ("Her grandson Tyrone has been taking her bank card. Police?", "PERSON", "Tyrone"),
    ("Visited Bronwen today, the pressure sore on her heel is much worse.", "PERSON", "Bronwen"),
    ("Priyanka's dad has started hitting her again, school raised it.", "PERSON", "Priyanka"),
    ("Declan keeps leaving the care home at night and was found by the canal.", "PERSON", "Declan"),
    ("Will is refusing his tablets again since the move.", "PERSON", "Will"),
    (
        "Can anyone check SystmOne for NHS no 943 476 5919? Discharge letter missing.",
        "NHS_NUMBER",
        "943 476 5919",
    ),
    (
        "The number on the referral is 9434765919 but the ward can't find her.",
        "NHS_NUMBER",
        "9434765919",
    ),
    (
        "CHI 1502457716 is moving down from Aberdeen to live with her niece.",
        "NHS_NUMBER",
        "1502457716",
    ),
    ("NI number AB 12 34 56 C for the PIP form, he can't remember it.", "NINO", "AB 12 34 56 C"),
    (
        "Her date of birth is 14 March 1936, the home has it wrong.",
        "DATE_OF_BIRTH",
        "14 March 1936",
    ),
    ("dob 2/9/1944 - lives alone, no heating, neighbour worried.", "DATE_OF_BIRTH", "2/9/1944"),
    (
        "He's at 7 Orchard Lane and the landlord wants him out by Friday.",
        "ADDRESS",
        "7 Orchard Lane",
    ),
    ("Flat 12, Coleridge House: the carers can't get in.", "ADDRESS", "Flat 12, Coleridge House"),
    ("lives on Juniper Close with her partner, who drinks.", "ADDRESS", "Juniper Close"),
    ("Postcode is le3 9qp if anyone can do a joint visit.", "POSTCODE", "le3 9qp"),
    ("Son's mobile is 07700 900555, he wants a call after the review.", "PHONE", "07700 900555"),
    (
        "Please email the plan to denise.hart1962@example.co.uk, it's the daughter.",
        "EMAIL",
        "denise.hart1962@example.co.uk",
    ),
    ("Mosaic 8837261 needs closing, she passed away on Sunday.", "CASE_REF", "8837261"),
    ("Hospital number K7730122 has been on the ward 40 days.", "CASE_REF", "K7730122"),
    ("Spoke to Leanne this morning, she says the bruises are from falling.", "PERSON", "Leanne"),
    ("Talked to Kyle's mum about the exclusion, she's at the end of her rope.", "PERSON", "Kyle"),
    (
        "Lorraine Baxter's care package has been cut again, she can't wash herself.",
        "PERSON",
        "Lorraine Baxter",
    ),
    (
        "Pop in on Stanislaw when you're next in Ware, he's not answering the phone.",
        "PERSON",
        "Stanislaw",
    ),
    (
        "The Hendersons at number 4 have asked for an assessment for their son Lewis.",
        "PERSON",
        "Lewis",
    ),
    ("Ref no. 4471923 for the s.42 if anyone's picking it up.", "CASE_REF", "4471923"),
    (
        "her nhs number is 485 777 3456 and she's waiting for a bed on ward 3",
        "NHS_NUMBER",
        "485 777 3456",
    ),
]


@pytest.mark.parametrize(("text", "kind", "span"), BREACHES)
def test_identifying_details_are_found_with_their_span(text: str, kind: str, span: str) -> None:
    assert (kind, span) in types_in(text)


def test_a_small_place_an_exact_age_and_a_rare_detail_single_someone_out() -> None:
    text = "The 90-year-old former headmistress in Little Hadstock who fell on the ice is asking for respite."
    assert [kind for kind, _ in types_in(text)] == ["QUASI"]


SAFE = [
    "Thanks Margaret for chairing the team meeting, really useful discussion.",
    "Mrs B is refusing her insulin again, any tips on motivational interviewing?",
    "Let's call her 'Mrs Smith': she's in her 80s and won't accept carers.",
    "Duty desk is on 0300 123 4567 over the bank holiday.",
    "Our team landline is 01632 960 250 while the mobiles are down.",
    "Team away day is on 14 March 2025 at the Civic Centre, bring lunch.",
    "Can I get a copy of Munro (2011) for my ASYE portfolio?",
    "We cover the HX1 and HX2 area, so Halifax town centre is ours.",
    "Please send your timesheets to timesheets@northmere.gov.uk by Friday.",
    "Ticket 4471239981 is still open with IT, printers down again.",
    "An older woman with dementia in Leeds is refusing personal care. Best interests?",
    "A 92-year-old man in a care home in Kent keeps asking for his wife.",
    "Will anyone be at the DoLS forum tomorrow?",
    "May I ask what everyone uses for carers' assessments?",
    "Hope you all have a good weekend, see you Monday!",
    "Welcome Aisha to the team, she joins us from the hospital social work team.",
    "The Mental Capacity Act 2005 Code of Practice chapter 4 covers this.",
    "Does anyone know if the Bristol Royal Infirmary discharge hub has a direct number?",
    "Frank conversations about care home fees are the hardest part of the job.",
    "Our new principal social worker, Dr Helen Marsh, is running a workshop next week.",
    "Grace Lodge has a lovely new garden room for residents.",
    "Frank from IT fixed the docking stations on floor 2.",
    "Talked to the team about the new rota, everyone is on board.",
    "Spoke to Priya from L&D about the training budget.",
    "Our office is at 10 Market Street, parking round the back.",
    "Email me at sam.jones@ageuk.org.uk if you want the referral form.",
    "Referrals to the carers' team go to carers.referrals@example-council.org.uk now.",
    "Jenny and I are running the student forum on Thursday, come along!",
    "Meeting ID 845 2210 9987, passcode 1234, for the AMHP forum.",
    "I'm covering duty today, ring me on my work mobile 07700 900999 if needed.",
    "Lots of families in the Moss Side area are struggling with damp.",
]


@pytest.mark.parametrize("text", SAFE)
def test_policy_safe_posts_are_not_flagged(text: str) -> None:
    assert types_in(text) == []


def test_priya_example_from_the_issue_is_redacted_and_described() -> None:
    text = "visited Doreen Pike at 14 Elm Road today, NHS 943 476 5919, she's refusing meds"
    findings = DETECTOR.scan(text)
    assert (
        redact(text, findings)
        == "visited [PERSON] at [ADDRESS] today, NHS [NHS_NUMBER], she's refusing meds"
    )
    assert describe(findings) == "a name, an address, an NHS or CHI number"
    assert len(reasons(findings)) == 3


def test_findings_are_sorted_non_overlapping_and_explained() -> None:
    text = "New referral: Kamal Ratnam, DOB 08/12/1939, 22 Clifton Street, LE4 7ZL, son on 07700 900316."
    findings = DETECTOR.scan(text)
    assert [f.type for f in findings] == ["PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE"]
    for earlier, later in itertools.pairwise(findings):
        assert earlier.end <= later.start
    assert all(isinstance(f, Finding) and f.reason and 0 < f.confidence <= 1 for f in findings)


def test_invalid_nhs_checksum_and_bad_nino_prefix_are_not_identifiers() -> None:
    assert types_in("Order 943 476 5918 arrived") == []
    assert types_in("Form BG 12 34 56 C is the old one") == []


def test_outward_postcode_alone_is_a_district() -> None:
    assert types_in("Anyone covering SG1 today for a joint visit?") == []


def test_staff_names_and_allowed_terms_are_not_flagged() -> None:
    text = "Visited Bronwen today with the OT, she's doing well."
    settings = DetectorSettings(staff_names=frozenset({"Bronwen"}))
    assert types_in(text) == [("PERSON", "Bronwen")]
    assert types_in(text, Detector(settings)) == []
    allow = Detector(DetectorSettings(allow_terms=frozenset({"bronwen"})))
    assert types_in(text, allow) == []


def test_allowed_email_domains_are_work_addresses() -> None:
    text = "Send it to j.bloggs@partner-charity.org please"
    assert [k for k, _ in types_in(text)] == ["EMAIL"]
    settings = DetectorSettings(allowed_email_domains=frozenset({"partner-charity.org"}))
    assert types_in(text, Detector(settings)) == []


def test_low_sensitivity_drops_hunches_that_high_keeps() -> None:
    text = "Saw Dr Okafor about her meds."  # a doctor's name: usually a professional
    assert types_in(text) == []
    assert types_in(text, Detector(DetectorSettings(sensitivity="high"))) == [
        ("PERSON", "Dr Okafor")
    ]
    with pytest.raises(ValueError, match="sensitivity"):
        DetectorSettings(sensitivity="extreme")


def test_a_custom_recogniser_can_be_composed() -> None:
    from handlers.moderation.detector import Hit, default_recognisers
    from handlers.moderation.detector.document import Document

    class Bedroom:
        name = "bedroom"

        def find(self, doc: Document, settings: DetectorSettings) -> list[Hit]:
            index = doc.text.find("room 7")
            return [Hit("QUASI", index, index + 6, 0.9, "room number")] if index >= 0 else []

    detector = Detector(recognisers=[*default_recognisers(), Bedroom()])
    assert ("QUASI", "room 7") in types_in("He is in room 7.", detector)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+44 1632 960001 is the daughter's", "[PHONE] is the daughter's"),
        ("DOB 12 03 1941, lives alone", "DOB [DATE_OF_BIRTH], lives alone"),
        ("Anyone in North Devon doing AMHP cover?", "Anyone in North Devon doing AMHP cover?"),
        ("lives on Larch Close in Ware", "lives on [ADDRESS] in Ware"),
        ("d.o.b. 1941-03-12", "d.o.b. [DATE_OF_BIRTH]"),
        ("LCS ref 88213", "LCS ref [CASE_REF]"),
    ],
)
def test_policy_examples_redact_as_expected(text: str, expected: str) -> None:
    assert redact(text, DETECTOR.scan(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Pharmacy on 01632 960123 can do blister packs.",
        "The care home number is 01632 960111, ask for the manager.",
        "The CQC inspector is j.smith@cqc.org.uk if you need her.",
        "Meeting at 2 Market Square at 10.",
        "The court case 2019 changed how we do reviews.",
        "Booking reference 4016828775 for the venue.",
    ],
)
def test_services_venues_and_office_references_are_safe(text: str) -> None:
    assert types_in(text) == []


def test_dates_of_birth_with_short_years_need_birth_words() -> None:
    assert types_in("DOB 12th Jan 41, lives alone") == [("DATE_OF_BIRTH", "12th Jan 41")]
    assert types_in("Meeting on 12 Jan 25 at 10") == []
