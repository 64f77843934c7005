"""Name lists and word frequencies the person and quasi recognisers consult.

First and last names come from Faker's per-locale person providers (every locale it ships,
so names of many origins, romanised Chinese included); `wordfreq` tells a name that is also a
common English word ("will", "may", "hope") from one that is only a name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache, lru_cache

from wordfreq import zipf_frequency

_FIRST_ATTRS = (
    "first_names",
    "first_names_male",
    "first_names_female",
    "first_names_nonbinary",
    "first_romanized_names",
)
_LAST_ATTRS = ("last_names", "last_romanized_names")


@dataclass(frozen=True)
class NameLists:
    first: frozenset[str]
    last: frozenset[str]


def _collect(provider: type, attrs: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for attr in attrs:
        value = provider.__dict__.get(attr)
        if value is None:
            value = getattr(provider, attr, None)
        if isinstance(value, tuple | list | dict | set | frozenset):
            names.update(
                str(name).lower()
                for name in value
                if str(name).replace("-", "").replace("'", "").isalpha()
            )
    return names


@cache
def names() -> NameLists:
    from faker.config import AVAILABLE_LOCALES

    first: set[str] = set()
    last: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        first |= _collect(module.Provider, _FIRST_ATTRS)
        last |= _collect(module.Provider, _LAST_ATTRS)
    return NameLists(frozenset(first), frozenset(last))


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a word is in English (0 = unseen, 7 = 'the'); cached, the detector asks often."""
    return zipf_frequency(word.lower(), "en")


def is_first_name(word: str) -> bool:
    key = word.lower()
    if "-" in key:  # "Lily-Mae", "Jean-Paul": a double first name
        return all(part in names().first for part in key.split("-") if part)
    return key in names().first


def is_last_name(word: str) -> bool:
    return word.lower() in names().last


def is_name(word: str) -> bool:
    key = word.lower()
    lists = names()
    return key in lists.first or key in lists.last
