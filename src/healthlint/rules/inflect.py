"""English inflection for vocabulary terms, so a list holds ``relieve`` and matches ``relieves``."""
from __future__ import annotations

_VOWELS = set("aeiou")


def _doubles_final_consonant(word: str) -> bool:
    """stop → stopping; beat, heal, fight and treat do not double."""
    if len(word) < 3 or word[-1] in "wxy" or word[-1] in _VOWELS:
        return False
    vowel_groups = sum(1 for i, ch in enumerate(word) if ch in _VOWELS and (i == 0 or word[i - 1] not in _VOWELS))
    return vowel_groups == 1 and word[-2] in _VOWELS and word[-3] not in _VOWELS


def verb_forms(word: str) -> set[str]:
    """Base, third person, past and -ing forms of a regular verb."""
    forms = {word}
    if word.endswith("ie"):
        forms |= {word + "s", word + "d", word[:-2] + "ying"}
    elif word.endswith("e"):
        forms |= {word + "s", word + "d", word[:-1] + "ing"}
    elif word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    elif word.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms |= {word + "es", word + "ed", word + "ing"}
    elif _doubles_final_consonant(word):
        forms |= {word + "s", word + word[-1] + "ed", word + word[-1] + "ing"}
    else:
        forms |= {word + "s", word + "ed", word + "ing"}
    return forms


def noun_forms(word: str) -> set[str]:
    """Singular and plural of a regular noun."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word, word + "es"}
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return {word, word[:-1] + "ies"}
    return {word, word + "s"}


def inflect(term: str, how: str) -> set[str]:
    """Inflect the first word of a verb phrase ("knock out") or the last word of a noun phrase."""
    words = term.split(" ")
    if how == "verb":
        return {" ".join([form] + words[1:]) for form in verb_forms(words[0])}
    if how == "noun":
        return {" ".join(words[:-1] + [form]) for form in noun_forms(words[-1])}
    return {term}
