"""The vocabulary (cxkpi/vocabulary/*.toml) loaded once: concepts with their words in nine languages, score
kinds and label ladders, duration unit words. Data only; the recognizer decides what to do with it."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "vocabulary"


@dataclass(frozen=True)
class Target:
    table: str
    column: str
    kind: str | None  # value profile required: datetime / duration / number / text; None = any


@dataclass(frozen=True)
class Concept:
    name: str
    label: str
    targets: tuple[Target, ...]
    words: tuple[str, ...]  # normalized phrases, found inside a header
    exact: tuple[str, ...]  # normalized phrases that count only as the whole header


@dataclass(frozen=True)
class Ladder:
    kind: str  # csat / ces / nps / "" (agreement: the question's text decides)
    steps: tuple[tuple[str, ...], ...]  # best first, each step's labels normalized

    @property
    def size(self) -> int:
        return len(self.steps)

    def scores(self) -> dict[str, float]:
        """label -> score, best = size, worst = 1."""
        out: dict[str, float] = {}
        for i, labels in enumerate(self.steps):
            for w in labels:
                out.setdefault(w, float(self.size - i))
        return out


_NUM_PREFIX = re.compile(r"^\s*(?:q\s*)?\d{1,3}\s*[、.)．:：-]\s*", re.I)
_PUNCT = re.compile(r"[_\-/.:()\[\]{}#?？：（）【】,，;；!！'\"“”‘’*|]+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    """Compare form: NFKC, case-folded, a question number ('1、', 'Q3.') and punctuation removed."""
    t = unicodedata.normalize("NFKC", text.replace("\ufeff", "")).casefold().strip()
    t = _NUM_PREFIX.sub("", t)
    t = _PUNCT.sub(" ", t)
    return " ".join(t.split())


def contains(header: str, phrase: str) -> bool:
    """`phrase` inside `header` as whole words (Latin) or as a substring (CJK)."""
    # Substring test first: most (header, phrase) pairs fail here, without a regex (the vocabulary has more
    # phrases than re's pattern cache holds, so a regex per call was compiled again and again).
    if not phrase or phrase not in header:
        return False
    if CJK.search(phrase):
        return True
    return _whole_words(phrase).search(header) is not None


@functools.lru_cache(maxsize=8192)
def _whole_words(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])")


def phrase_score(header: str, phrase: str) -> float:
    """1.0 for the whole header; a phrase inside scores by how much of the header it covers."""
    if header == phrase:
        return 1.0
    if not contains(header, phrase):
        return 0.0
    return 0.55 + 0.4 * min(1.0, len(phrase) / max(len(header), 1))


def _read(name: str) -> dict:
    with (HERE / name).open("rb") as fh:
        return tomllib.load(fh)


@functools.cache
def concepts() -> tuple[Concept, ...]:
    data = _read("concepts.toml")["concepts"]
    out = []
    for name, c in data.items():
        targets = []
        for t in c.get("targets", []):
            spec, _, kind = t.partition("@")
            table, column = spec.split(".")
            targets.append(Target(table, column, kind or None))
        out.append(
            Concept(
                name,
                c.get("label", name),
                tuple(targets),
                tuple(dict.fromkeys(normalize(w) for w in c.get("words", []))),
                tuple(dict.fromkeys(normalize(w) for w in c.get("exact", []))) or (),
            )
        )
    return tuple(out)


@functools.cache
def suggestion_words() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """synonyms.toml: canonical column -> synonyms, table -> words (the mapping form's first suggestion)."""
    data = _read("synonyms.toml")
    return data["synonyms"], data["tables"]


@functools.cache
def table_words() -> dict[str, tuple[str, ...]]:
    return {t: tuple(normalize(w) for w in v["words"]) for t, v in _read("concepts.toml")["tables"].items()}


@functools.cache
def kind_words() -> dict[str, tuple[str, ...]]:
    return {k: tuple(normalize(w) for w in v["words"]) for k, v in _read("scores.toml")["kinds"].items()}


@functools.cache
def ladders() -> tuple[Ladder, ...]:
    return tuple(
        Ladder(str(x.get("kind", "")), tuple(tuple(normalize(w) for w in step) for step in x["labels"]))
        for x in _read("scores.toml")["ladders"]
    )


@functools.cache
def unit_words() -> dict[str, tuple[str, ...]]:
    return {u: tuple(normalize(w) for w in ws) for u, ws in _read("units.toml")["units"].items()}


def words_in(text: str, group: str) -> list[str]:
    """The kind words of `group` (csat, ces, nps, employee, customer) found in a normalized text."""
    return [w for w in kind_words().get(group, ()) if _stem_in(text, w)]


def _stem_in(text: str, word: str) -> bool:
    # Kind words are stems ('satisf', 'raccomand'): a Latin stem matches at a word start.
    if word not in text:
        return False
    if CJK.search(word):
        return True
    return _word_start(word).search(text) is not None


@functools.lru_cache(maxsize=8192)
def _word_start(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(word)}")


def unit_in(header: str) -> str | None:
    """A duration unit named in a header, e.g. 'Tempo di gestione (minuti)' -> minutes."""
    raw = unicodedata.normalize("NFKC", header).casefold()
    # Units sit in brackets or at the end: '(sec)', '[min]', 'in hrs', '（秒）'.
    parts = [normalize(p) for p in re.findall(r"[(\[（【]([^)\]）】]*)[)\]）】]", raw)]
    words = normalize(re.sub(r"[(\[（【][^)\]）】]*[)\]）】]", " ", raw)).split(" ")
    tail = [" ".join(words[-2:]), words[-1]] if words and not CJK.search(words[-1]) else []
    for unit in ("milliseconds", "seconds", "minutes", "hours"):
        for w in unit_words()[unit]:
            if any(c == w or (not CJK.search(w) and len(w) > 2 and contains(c, w)) for c in parts):
                return unit
            if not CJK.search(w) and len(w) > 2 and any(c == w or c.endswith(" " + w) for c in tail):
                return unit
    return None


def says(header: str, group: str) -> bool:
    """The header says `group` of units.toml (business hours, minor units)."""
    h = normalize(header)
    return any(contains(h, w) for w in unit_words().get(group, ()))


@functools.cache
def value_words(group: str) -> dict[str, str]:
    """values.toml group (intervals, outcomes): normalized cell text -> canonical value."""
    out: dict[str, str] = {}
    for canon, words in _read("values.toml")[group].items():
        for w in words:
            out.setdefault(normalize(w), canon)
    return out
