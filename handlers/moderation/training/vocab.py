"""Words the generator fills posts with, written for it (names come from Faker at run time).

Places are invented from parts, so no list of real villages or homes is needed; towns, languages,
public figures and songs are public facts named outside any care context.
"""

from __future__ import annotations

import importlib
import random
from functools import cache

# Names that are also ordinary words: the hardest first names to tell from text.
WORD_NAMES = (
    "Faith Precious Sunny Rose Grace Hope Joy Patience Blessing Mercy Charity Honour Ruby Pearl "
    "Holly Ivy Daisy Lily Poppy Violet Iris Hazel Amber Crystal Dawn April May June Summer Autumn "
    "Will Frank Bill Mark Pat Sue Rob Jack Dot Sky River Rowan Heather Olive Ginger Duke Angel "
    "Gift Comfort Chance Destiny Bliss Nest Sunshine Goodness Favour Marvel Happy Lucky Precious "
    "Bunny Buddy Sonny Rusty Dusty Cherry Jewel Star Storm Willow Robin Jay Drew Sandy Carol "
    "Chase Miles Wade Grant Bud Rocky Lance Cliff Dale Glen Heath Ray Earl Royal Reign"
).split()

NAN_WORDS = (
    "Nanna Nana Nan Nanny Grandma Granny Gran Grandad Grandpa Grampa Aunty Auntie Uncle Nain Taid "
    "Mamgu Bampi Nonna Babcia Dziadek Bibi Dada Nani Mama Papa Big Little Old Young"
).split()

NICKNAMES = (
    "bubs Bubba Tiny Smudge Sparky Chico Boo Moo Ducky Dodger Tink Squidge Bear Peanut Sunbeam "
    "Champ Lulu Didi Kiki Gigi Bebe Nono Tutu Fifi Kaka Jojo Titch Nipper Sweetpea Midge Pudding"
).split()

_SYLLABLES_A = "Ta Ko Mi Ra Ze Lu No Ve Sa Di Ya Ke Fa Ji Ro Be Ha Ti Wa Chi Ifu Olu Ade Kwa Nsi Tse Zo Mbu Ai Eme".split()
_SYLLABLES_B = "vira dili nna mek lia kwu sha ndo rai tebe mani zuri lani fola keme yinka dunni rai gho besi nai tari mba".split()


def invented_name(rng: random.Random) -> str:
    """A first name no list holds, so a model learns the context, not only the list."""
    return rng.choice(_SYLLABLES_A) + rng.choice(_SYLLABLES_B)


_LOCALES = (
    "en_GB en_IE en_US en_IN hi_IN pl_PL ro_RO lt_LT lv_LV it_IT pt_PT pt_BR es_ES fr_FR de_DE "
    "nl_NL tr_TR yo_NG tw_GH zu_ZA en_NG sk_SK cs_CZ hu_HU hr_HR sl_SI sq_AL bg_BG uk_UA ar_AA "
    "fa_IR ur_PK bn_BD ne_NP ta_IN ka_GE hy_AM el_GR sv_SE da_DK nb_NO fi_FI et_EE ga_IE cy_GB "
    "zh_CN vi_VN th_TH fil_PH id_ID ms_MY ko_KR ja_JP sw am_ET so_SO ti_ER"
).split()


def _provider_names(locale: str, attrs: tuple[str, ...]) -> list[str]:
    try:
        module = importlib.import_module(f"faker.providers.person.{locale}")
    except ImportError:
        return []
    found: list[str] = []
    provider = module.Provider
    for attr in attrs:
        value = getattr(provider, attr, None)
        if isinstance(value, dict):
            value = list(value)
        if isinstance(value, list | tuple):
            for name in value:
                text = str(name)
                if text.replace("-", "").replace("'", "").isalpha() and text.isascii():
                    found.append(text)
    return found


@cache
def first_names() -> tuple[str, ...]:
    names: set[str] = set()
    for locale in _LOCALES:
        names.update(
            _provider_names(
                locale,
                ("first_names", "first_names_male", "first_names_female", "first_romanized_names"),
            )
        )
    return tuple(sorted(n for n in names if 2 < len(n) < 14))


@cache
def last_names() -> tuple[str, ...]:
    names: set[str] = set()
    for locale in _LOCALES:
        names.update(_provider_names(locale, ("last_names", "last_romanized_names")))
    return tuple(sorted(n for n in names if 2 < len(n) < 16))


@cache
def british_first_names() -> tuple[str, ...]:
    names = _provider_names("en_GB", ("first_names_male", "first_names_female"))
    return tuple(sorted(set(names)))


@cache
def british_last_names() -> tuple[str, ...]:
    return tuple(sorted(set(_provider_names("en_GB", ("last_names",)))))


_PLACE_START = (
    "Ash Brant Kel Thorn Wick Hol Stan Mar Bex Cran Dun Pen Llan Aber Strath Kil Bally Glen Carn "
    "Tre Nant Cwm Hen Fen Sal Wel Brom Ald Ayl Bur Chel Dray Eld Farn Gos Hath Ick Kes Lang Mel "
    "Nor Ock Pid Quen Ris Scar Tad Uff Wyn Yar Ard Inver Drum Rath Kirk Strat Ross Bryn Mynydd"
).split()
_PLACE_END = (
    "ley by thorpe ham ton field ford wick stow bridge moor dale combe mouth well hurst den "
    "worth stead cote bury more gill holme ness garth avon muir lea ing sett wood"
).split()
_PLACE_PREFIX = (
    "Nether Upper Lower Little Great Long East West Kings Abbots Much Steeple Castle Market".split()
)


def village(rng: random.Random) -> str:
    name = rng.choice(_PLACE_START) + rng.choice(_PLACE_END)
    if rng.random() < 0.25:
        name = f"{rng.choice(_PLACE_PREFIX)} {name}"
    return name


_TREES = (
    "Oak Elm Ash Birch Willow Rowan Cedar Larch Beech Hazel Holly Maple Alder Yew Juniper Laurel "
    "Sycamore Chestnut Poplar Linden Hawthorn Blackthorn Heather Bracken Primrose Bluebell Foxglove "
    "Lavender Meadow Orchard Brook River Sunny Fair Green Wood Hill Park Lake Moss Fern Kestrel "
    "Wren Heron Swallow Robin Skylark Curlew Osprey"
).split()
_HOME_KIND = (
    "House Lodge Court View Grange Manor Gardens Mews Hall Place Park Bank Lea Croft Heights "
    "Haven Meadows Side Hollow Field"
).split()


def care_home(rng: random.Random) -> str:
    style = rng.randrange(6)
    if style == 0:
        return (
            f"{rng.choice(_TREES)}{rng.choice(['side', 'hollow', 'field', 'lea', 'mead', 'bank'])}"
        )
    if style == 1:
        return (
            f"Ty {rng.choice(['Onnen', 'Eithin', 'Bedwen', 'Derwen', 'Helyg', 'Mair', 'Rhosyn'])}"
        )
    return f"{rng.choice(_TREES)} {rng.choice(_HOME_KIND)}"


def unit_name(rng: random.Random) -> str:
    return f"{rng.choice(_TREES)} {rng.choice(['unit', 'ward', 'wing', 'suite', 'floor', 'house'])}"


_STREET_KIND = (
    "Road Street Close Avenue Lane Drive Way Crescent Court Grove Terrace Gardens Walk Rise Mews "
    "Place Row Hill View Square Parade"
).split()
_STREET_SHORT = {
    "Road": "Rd",
    "Street": "St",
    "Close": "Cl",
    "Avenue": "Ave",
    "Crescent": "Cres",
    "Drive": "Dr",
    "Lane": "Ln",
    "Terrace": "Terr",
}
_WELSH_STREETS = ("Heol", "Ffordd", "Clos", "Lôn", "Stryd", "Cwrt", "Maes")


def street(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"{rng.choice(_WELSH_STREETS)} {rng.choice(['y Parc', 'Goch', 'Gwyn', 'Hafren', 'Glyn', 'yr Eglwys', 'Newydd', 'y Wern'])}"
    stem = rng.choice(
        [
            rng.choice(_TREES),
            rng.choice(british_last_names()),
            rng.choice(_PLACE_START) + rng.choice(_PLACE_END),
            rng.choice(
                [
                    "Church",
                    "Mill",
                    "Station",
                    "Queen",
                    "King",
                    "Victoria",
                    "Coronation",
                    "Jubilee",
                    "Albert",
                    "Castle",
                    "Bridge",
                    "Chapel",
                    "School",
                    "Market",
                    "Water",
                    "Tower",
                ]
            ),
        ]
    )
    kind = rng.choice(_STREET_KIND)
    if rng.random() < 0.2 and kind in _STREET_SHORT:
        kind = _STREET_SHORT[kind]
    return f"{stem} {kind}"


def address(rng: random.Random) -> str:
    number = str(rng.randint(1, 180))
    if rng.random() < 0.12:
        number += rng.choice("abc")
    style = rng.randrange(9)
    if style < 4:
        return f"{number} {street(rng)}"
    if style == 4:
        return f"flat {rng.randint(1, 40)}, {rng.choice(_TREES)} {rng.choice(['Court', 'House', 'Tower', 'Point'])}"
    if style == 5:
        return f"Flat {rng.randint(1, 40)}{rng.choice(['', 'A', 'B'])}, {rng.choice(_TREES)} {rng.choice(['Court', 'House', 'Tower'])}, {street(rng)}"
    if style == 6:
        return f"no. {number} {street(rng)}"
    if style == 7:
        return f"{number} {street(rng)}, {village(rng)}"
    return f"apt {rng.randint(1, 30)} {rng.choice(_TREES).lower()} {rng.choice(['court', 'extra care', 'house'])}"


TOWNS = (
    "Leeds Sheffield Bradford Hull York Cardiff Swansea Newport Wrexham Bangor Glasgow Edinburgh "
    "Dundee Aberdeen Inverness Stirling Belfast Derry Newry Lisburn Norwich Ipswich Luton Stevenage "
    "Watford Reading Oxford Bristol Plymouth Exeter Truro Leicester Derby Nottingham Coventry "
    "Birmingham Wolverhampton Stoke Manchester Salford Bolton Wigan Preston Blackpool Liverpool "
    "Chester Carlisle Newcastle Sunderland Durham Middlesbrough Lincoln Peterborough Cambridge "
    "Southampton Portsmouth Brighton Hastings Croydon Hackney Lambeth Tower Hamlets Camden Bath "
    "Swindon Gloucester Hereford Worcester Telford Shrewsbury Llanelli Merthyr Paisley Falkirk"
).split()
COUNTIES = (
    "Hertfordshire Kent Essex Devon Cornwall Norfolk Suffolk Cumbria Lancashire Yorkshire Fife "
    "Gwynedd Powys Ceredigion Antrim Tyrone Somerset Dorset Wiltshire Shropshire Derbyshire"
).split()
REGIONS = (
    "North Devon",
    "West Yorkshire",
    "South Wales",
    "the Highlands",
    "East Kent",
    "the Borders",
    "mid Wales",
    "North Tyneside",
    "the Wirral",
)

CONDITIONS = (
    "dementia",
    "MND",
    "Parkinson's",
    "COPD",
    "a tracheostomy",
    "a stoma",
    "epilepsy",
    "Huntington's",
    "MS",
    "a PEG tube",
    "Down's syndrome",
    "cerebral palsy",
    "sickle cell",
    "spina bifida",
    "an acquired brain injury",
    "Korsakoff's",
    "Prader-Willi",
    "locked-in syndrome",
    "a cochlear implant",
    "a guide dog",
    "an amputation",
    "a ventilator",
    "a learning disability",
    "autism",
    "motor neurone disease",
    "a colostomy",
    "kidney failure",
    "no sight",
    "a heart pump",
)
RARE_DETAILS = (
    "who restores old motorbikes",
    "who used to be the town crier",
    "who was a wrestler",
    "who was a local councillor for years",
    "who was on a quiz show once",
    "with the pet ferret",
    "who lost an eye in the army",
    "who drove the mobile library",
    "who won big on the pools",
    "whose caravan flooded in the winter",
    "who was in the county paper",
    "who keeps racing pigeons",
    "who used to sing in the working men's club",
    "who trained racehorses",
    "with the pet iguana",
    "who used to be a nun",
    "who carved the church pews",
    "who arrived by lorry last summer",
    "whose brother is on remand",
    "who captained the rugby club",
    "who was the first woman pilot round here",
    "who ran the launderette",
    "who lives on a houseboat",
    "who taught at the grammar school",
    "with the llamas",
    "who was a lifeboat volunteer",
    "who sat on the bench",
    "who builds dolls' houses",
    "who was a wartime evacuee",
    "who plays the bagpipes every morning",
    "who was a famous chef",
)
RARE_ROLES = (
    "former boxer",
    "retired dentist",
    "ex-vicar",
    "former soldier",
    "retired head",
    "ex-councillor",
    "former miner",
    "retired judge",
    "ex-jockey",
    "former footballer",
    "retired nurse",
    "ex-landlord of the pub",
    "former nun",
    "retired crossing warden",
    "ex-mayor",
    "former fireman",
)
ORIGINS = (
    "Polish",
    "Latvian",
    "Ghanaian",
    "Somali",
    "Eritrean",
    "Kurdish",
    "Syrian",
    "Vietnamese",
    "Nigerian",
    "Jamaican",
    "Irish",
    "Portuguese",
    "Romanian",
    "Lithuanian",
    "Sudanese",
    "Afghan",
    "Punjabi-speaking",
    "Tigrinya-speaking",
    "Welsh-speaking",
    "Gaelic-speaking",
    "deaf",
    "blind",
    "Gypsy",
    "Traveller",
    "Iranian",
    "Zimbabwean",
    "Filipino",
    "Tamil-speaking",
)
PERSON_NOUNS = (
    "man",
    "woman",
    "lady",
    "gent",
    "gentleman",
    "lad",
    "girl",
    "boy",
    "resident",
    "tenant",
    "chap",
    "fella",
    "bloke",
    "grandad",
    "widow",
    "young man",
    "young woman",
    "teenager",
    "patient",
    "service user",
    "client",
    "mum",
    "dad",
    "couple",
    "twins",
    "pensioner",
    "veteran",
)
LANGUAGES = (
    "Tigrinya",
    "Amharic",
    "Punjabi",
    "Urdu",
    "Polish",
    "Romanian",
    "Welsh",
    "Gaelic",
    "Somali",
    "Arabic",
    "Farsi",
    "Dari",
    "Pashto",
    "Kurdish Sorani",
    "Bengali",
    "Sylheti",
    "Gujarati",
    "Tamil",
    "Yoruba",
    "Igbo",
    "Twi",
    "Shona",
    "Lingala",
    "Tagalog",
    "Cantonese",
    "Mandarin",
    "Vietnamese",
    "BSL",
    "Makaton",
    "Portuguese",
    "Lithuanian",
    "Czech",
    "Slovak",
    "Hungarian",
    "Turkish",
)
SINGERS = (
    "Elvis Presley",
    "Frank Sinatra",
    "Cliff Richard",
    "Doris Day",
    "Nat King Cole",
    "Johnny Cash",
    "Kate Bush",
    "Aretha Franklin",
    "Bing Crosby",
    "Matt Monro",
    "Cilla Black",
    "Dusty Springfield",
    "Tina Turner",
    "Ella Fitzgerald",
    "Louis Armstrong",
    "Engelbert Humperdinck",
    "Neil Diamond",
    "Elton John",
    "Patsy Cline",
    "Jim Reeves",
    "Connie Francis",
    "Petula Clark",
    "Dean Martin",
    "Perry Como",
    "Val Doonican",
    "Daniel O'Donnell",
    "Bob Marley",
    "Whitney Houston",
)
SONGS = (
    "Moon River",
    "Blue Suede Shoes",
    "Jolene",
    "Delilah",
    "Daydream Believer",
    "Sweet Caroline",
    "Que Sera Sera",
    "Danny Boy",
    "Waterloo",
    "Unchained Melody",
    "Stand By Me",
    "My Way",
    "Amazing Grace",
    "Dancing Queen",
    "Lily the Pink",
    "Daisy Bell",
    "Mack the Knife",
)
THEORISTS = (
    "Kitwood",
    "Bowlby",
    "Maslow",
    "Egan",
    "Kolb",
    "Gibbs",
    "Schön",
    "Bronfenbrenner",
    "Winnicott",
    "Thompson",
    "Munro",
    "Ferguson",
    "Trevithick",
    "Howe",
    "Fook",
    "Payne",
    "Rogers",
    "Ainsworth",
    "Erikson",
    "Piaget",
    "Vygotsky",
    "Dominelli",
    "Beresford",
    "Featherstone",
)
PUBLIC_ROLES = (
    "the health secretary",
    "the minister",
    "the chief social worker",
    "the care minister",
    "the PM",
    "the first minister",
    "the mayor",
    "the chief executive",
    "the ombudsman",
)
SERVICES = (
    "the duty team",
    "the CMHT",
    "the MASH",
    "the front door",
    "EDT",
    "the out of hours team",
    "the falls team",
    "the reablement team",
    "district nurses",
    "the hospice",
    "Age UK",
    "Carers Trust",
    "the council",
    "Shelter",
    "the crisis team",
    "the AMHP hub",
    "the DoLS team",
    "the OT service",
    "the LD team",
    "the hospital discharge team",
    "CAMHS",
    "the YOT",
    "the early help hub",
    "the fostering team",
    "the virtual school",
    "the IRO service",
    "Citizens Advice",
    "the Samaritans",
    "the police",
    "social services",
    "the GP surgery",
)
LEGISLATION = (
    "the Care Act 2014",
    "s.42",
    "the MCA 2005",
    "the Mental Health Act 1983",
    "s.117",
    "the Children Act 1989",
    "s.47",
    "s.17",
    "s.20",
    "the Equality Act 2010",
    "LPS",
    "the Social Services and Well-being (Wales) Act 2014",
    "the Adults with Incapacity (Scotland) Act 2000",
    "Working Together 2023",
    "the Human Rights Act",
    "GDPR",
    "the NMC code",
    "SWE standards",
)
CARE_EVENTS = (
    "slipped in the bathroom overnight",
    "had a fall on the stairs",
    "won't take her tablets",
    "spat out his meds again",
    "was on the floor when nights went in",
    "has pneumonia",
    "died peacefully in her sleep",
    "is receiving end of life care",
    "has been started on a syringe driver",
    "had a fit at breakfast",
    "has gone to A&E with a suspected broken wrist",
    "laughed for the first time since she came in",
    "danced at the party and loved it",
    "keeps trying the coded door",
    "is losing weight fast",
    "isn't drinking enough",
    "took his dressing off",
    "has a pressure ulcer on her heel",
    "thinks it's 1975 and wants to go to work",
    "was detained under the Mental Health Act last night",
    "absconded from the ward again",
    "is back in hospital",
    "has stopped his insulin",
    "hit out at staff during care",
    "had a settled day",
    "cried after her son left",
    "goes home on Thursday",
    "flooded the bathroom again",
    "was picked up by police on the dual carriageway",
    "choked at teatime",
    "has been chesty all week",
    "isn't answering the door to carers",
    "has been readmitted to the ward",
    "was arrested on Saturday",
    "disclosed that her uncle hurt her",
    "arrived at school with marks on her neck",
    "has been self-harming",
    "didn't turn up for contact",
    "passed her driving theory test",
    "won the raffle and was thrilled",
    "told the doctor he wants to die at home",
    "needs a profiling bed",
    "has moved to room 6",
    "had a low blood sugar episode overnight",
    "has a UTI and is very muddled",
    "got lost on the way back from the shop",
)
COLLEAGUE_ROLES = (
    "TL",
    "team leader",
    "senior",
    "RM",
    "registered manager",
    "deputy",
    "nurse in charge",
    "practice educator",
    "PE",
    "AMHP",
    "OT",
    "student",
    "NQSW",
    "SW",
    "HCA",
    "carer",
    "care coordinator",
    "duty manager",
    "trainer",
    "admin",
    "receptionist",
    "co-ordinator",
)
EMOJI = (
    "😬",
    "🙏",
    "😂",
    "😔",
    "🎉",
    "👍",
    "❤️",
    "😢",
    "🙃",
    "😇",
    "☀️",
    "💪",
    "🤞",
    "🥲",
    "🙈",
    "😱",
    "🎶",
    "🐶",
    "☕",
    "🌧️",
)

SHOWS = (
    "Mrs Doubtfire",
    "Mr Selfridge",
    "Miss Marple",
    "Father Brown",
    "Doctor Who",
    "Mr Benn",
    "Mrs Miniver",
    "Paddington",
    "Peppa Pig",
    "Bob the Builder",
    "Postman Pat",
    "Fawlty Towers",
    "Dad's Army",
    "Only Fools and Horses",
    "Call the Midwife",
    "Emmerdale",
    "Coronation Street",
    "Hetty Wainthropp",
    "Inspector Morse",
    "Last of the Summer Wine",
    "Mary Poppins",
    "Annie",
)
HYMNS = (
    "Jerusalem",
    "Be Thou My Vision",
    "How Great Thou Art",
    "The Lord's My Shepherd",
    "Guide Me O Thou Great Redeemer",
    "Morning Has Broken",
    "All Things Bright and Beautiful",
    "Lord of the Dance",
    "Amazing Grace",
    "Dear Lord and Father of Mankind",
)
