"""What factlint says, in the reader's language: a catalog of messages keyed by id.

A finding carries a message id and its arguments; the text is rendered at the edge (the
reporters, ``factlint rules``, the CLI's errors) from ``_messages/<language>.json``:

- ``en`` and ``zh`` (Simplified Chinese) are written by hand and hold the same ids with
  the same placeholders (a test checks);
- ``zh-Hant`` is ``zh`` converted by OpenCC (``tools/messages_traditional.py``; a test
  checks it is current), for briefs written in Traditional characters.

A template is a ``str.format`` text with named placeholders (``{label}``). An id with a
``.one`` variant in a language uses it when its ``count`` argument is 1 (English plurals).
An argument may be a Message or a Phrase (rendered in the same language) or a tuple of
wordings (shown as quoted alternatives). Languages may show different arguments of a message (the
English one the interval a figure implies, the Chinese one its meaning in plain words);
the finding carries them all.
Catalogs are read once, when first needed (JSON: well under a millisecond).

``--messages zh|en|auto`` (and ``messages:`` in the configuration) chooses the language;
``auto`` gives each finding the language of the text it points at (see ``language_of``),
and the brief's language where that text has no words of its own (a URL, a marker).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from factlint.lazyre import lazy

LANGUAGES = ("en", "zh", "zh-Hant")
CHOICES = ("auto", "zh", "en")  # what --messages and `messages:` accept
MAX_MESSAGE = 600  # characters of a rendered message; see shorten()

_CATALOGS = Path(__file__).parent / "_messages"


class Message:
    """A message id with its arguments: what a finding, an error or a label says, before
    it is put into words. ``str()`` gives the English text."""

    __slots__ = ("id", "arguments")

    def __init__(self, message_id: str, /, **arguments: Any) -> None:
        self.id = message_id
        self.arguments = tuple(arguments.items())

    def text(self, language: str = "en") -> str:
        return render(self.id, dict(self.arguments), language)

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {dict(self.arguments)!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and self.id == other.id
                and self.arguments == other.arguments)

    def __hash__(self) -> int:
        return hash((self.id, self.arguments))


class Phrase(str):
    """A reason, detail or problem told inside another message ("URL answered 404", "data
    file x.csv not found"): the English text, as a ``str`` for the code and the files that
    keep it (an exception's text, an evidence record, a fix's refusal), that also knows its
    message id, so that a message in another language renders it from the catalog instead
    of quoting the English. Text built from it (``f"…{phrase}"``) is plain English again."""

    message: Message

    def __new__(cls, message_id: str, /, **arguments: Any) -> Phrase:
        message = Message(message_id, **arguments)
        phrase = super().__new__(cls, message.text("en"))
        phrase.message = message
        return phrase

    def __reduce__(self) -> tuple:  # findings cross process boundaries (engine's pool)
        return _phrase, (self.message.id, self.message.arguments, str(self))

    def but(self, **changes: Any) -> Phrase:
        """The same phrase with some arguments changed."""
        return Phrase(self.message.id, **{**dict(self.message.arguments), **changes})


def _phrase(message_id: str, arguments: tuple, text: str) -> Phrase:
    """A Phrase unpickled, with the English ``text`` it was made with (not rendered again)."""
    phrase = str.__new__(Phrase, text)
    phrase.message = Message(message_id, **dict(arguments))
    return phrase


def joined(phrases: list, message_id: str = "list.comma") -> Any:
    """Phrases one after another, two at a time under ``message_id`` ("{a}, {b}")."""
    result = phrases[0] if phrases else ""
    for phrase in phrases[1:]:
        result = Phrase(message_id, a=result, b=phrase)
    return result


def stored(text: Any) -> dict[str, Any] | None:
    """A Phrase or Message as plain data for a file (``{id, arguments}``, nested for the
    messages among its arguments, a list for a tuple of wordings); None for plain text."""
    message = text.message if isinstance(text, Phrase) else text
    if not isinstance(message, Message):
        return None

    def value(argument: Any) -> Any:
        inner = stored(argument)
        if inner is not None:
            return inner
        if isinstance(argument, tuple):
            return [str(item) for item in argument]
        return argument if type(argument) in (int, float, bool) else str(argument)

    return {"id": message.id, "arguments": {name: value(argument)
                                            for name, argument in message.arguments}}


def restored(data: Any, text: str) -> str:
    """The Phrase ``stored`` made ``data`` from, or ``text`` (what the file keeps in
    English) when ``data`` is absent or is not a message this catalog can put into words
    in every language (written by another version, or by hand)."""
    def phrase(value: Any) -> Any:
        if isinstance(value, dict):
            arguments = value.get("arguments", {})
            if not isinstance(value.get("id"), str) or not isinstance(arguments, dict):
                raise ValueError(value)
            return Phrase(value["id"], **{str(k): phrase(v) for k, v in arguments.items()})
        if isinstance(value, list):
            return tuple(str(item) for item in value)
        return value

    if not isinstance(data, dict):
        return text
    try:
        made = phrase(data)
        if problems(made.message):
            return text
        for language in LANGUAGES:
            made.message.text(language)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return text
    return made


def told(text: Any, language: str) -> str:
    """``text`` (a Phrase, a Message or plain text) in ``language``."""
    if isinstance(text, Phrase):
        return text.message.text(language)
    if isinstance(text, Message):
        return text.text(language)
    return str(text)


class Quoted(tuple):
    """Wordings shown quoted, one after another: “a”, “b” (“a”、“b”). A plain tuple is
    shown as alternatives instead: “a” or “b”."""

    __slots__ = ()


@lru_cache(maxsize=len(LANGUAGES))
def catalog(language: str) -> Mapping[str, str]:
    """id -> template of one language (``zh-Hant`` and ``zh`` share ids)."""
    if language not in LANGUAGES:
        raise ValueError(f"no message catalog for {language!r}")
    with open(_CATALOGS / f"{language}.json", encoding="utf-8") as handle:
        return json.load(handle)


def template(message_id: str, language: str = "en", count: Any = None) -> str:
    """The template of ``message_id`` in ``language`` (English where that has none)."""
    return _template(message_id, language, count == 1)


@lru_cache(maxsize=4096)
def _template(message_id: str, language: str, one: bool) -> str:
    # looked up once per id, language and plural form: a brief's findings share a few ids
    for lang in (language, "en") if language != "en" else ("en",):
        texts = catalog(lang)
        if one and f"{message_id}.one" in texts:
            return texts[f"{message_id}.one"]
        if message_id in texts:
            return texts[message_id]
    raise KeyError(f"message id {message_id!r} is not in the catalog")


def render(message_id: str, arguments: Mapping[str, Any] | None = None,
           language: str = "en") -> str:
    """The text of a message in ``language``. A template that does not fit its arguments
    (a translation gone wrong) falls back to English, which a test keeps complete."""
    arguments = arguments or {}
    text = _template(message_id, language, arguments.get("count") == 1)
    try:
        text = text.format_map({name: value if type(value) in _PLAIN else _worded(value, language)
                                for name, value in arguments.items()})
    except (KeyError, IndexError, ValueError):
        if language == "en":
            raise
        return render(message_id, arguments, "en")
    return text if len(text) <= MAX_MESSAGE else shorten(text)


_PLAIN = frozenset((str, int, float))


def _worded(value: Any, language: str) -> Any:
    """An argument as the message shows it: a Message in the same language, a tuple as
    quoted alternatives (“a”, “b” or “c”; “a”、“b”或“c”)."""
    if type(value) in _PLAIN:  # most arguments: shown as they are
        return value
    if isinstance(value, Message):
        return value.text(language)
    if isinstance(value, Phrase):
        return value.message.text(language)
    if isinstance(value, Quoted):
        return render("list.separator", None, language).join(f"“{item}”" for item in value)
    if isinstance(value, tuple):
        quoted = [f"“{item}”" for item in value]
        if len(quoted) < 2:
            return "".join(quoted)
        return render("list.or", {"items": render("list.separator", None, language)
                                  .join(quoted[:-1]), "last": quoted[-1]}, language)
    return value


def problems(message: Message) -> list[str]:
    """What keeps ``message`` (and the messages among its arguments) from being put into
    words in every language: an id a catalog lacks, a placeholder no argument fills."""
    found = []
    arguments = dict(message.arguments)
    for language in LANGUAGES:
        texts = catalog(language)
        if message.id not in texts:
            found.append(f"{message.id}: not in the {language} catalog")
            continue
        variants = [message.id, f"{message.id}.one"]
        for text in (texts[v] for v in variants if v in texts):
            missing = [name for name in placeholders(text) if name not in arguments]
            if missing:
                found.append(f"{message.id} ({language}): nothing fills {', '.join(missing)}")
    for value in arguments.values():
        if isinstance(value, Message):
            found += problems(value)
        elif isinstance(value, Phrase):
            found += problems(value.message)
    return found


def rule_doc(code: str, language: str, english: str) -> str:
    """A rule's docs in ``language``: the English docstring (``english``: summary, why,
    Bad/Good examples), or its Chinese summary and reasons (``rule.CODE``; its first
    sentence is the summary) with the same examples, each remark on them (an example
    line's closing parenthesis in English, see ``asides``) in Chinese (``rule.CODE.aside.N``
    for the N-th)."""
    if language == "en" or f"rule.{code}" not in catalog(language):
        return english
    text = catalog(language)[f"rule.{code}"]
    summary, _, rest = text.partition("。")
    lines = [summary + "。"] + ([rest.strip()] if rest.strip() else [])
    examples = re.split(r"\n(?=(?:Bad|Good):)", english, maxsplit=1)
    if len(examples) == 2:
        words = {"Bad:": render("rules.bad", None, language),
                 "Good:": render("rules.good", None, language)}
        told = {aside: f"（{text}）" for number, aside in enumerate(asides(english), 1)
                if (text := catalog(language).get(f"rule.{code}.aside.{number}"))}
        shown = _ASIDE.sub(lambda m: told.get(m.group(), m.group()), examples[1])
        lines.append(re.sub(r"^(Bad:|Good:)", lambda m: words[m.group()], shown,
                            flags=re.MULTILINE))
    return "\n\n".join(lines)


# a remark on an example at the end of its line, in English: "(no answer within 10 s)"
_ASIDE = lazy(r"\((?=[^()\n]*[A-Za-z]{2})[^()\n]*\)$", re.MULTILINE)


def asides(english: str) -> list[str]:
    """The remarks on a rule docstring's examples, each once, in order."""
    examples = re.split(r"\n(?=(?:Bad|Good):)", english, maxsplit=1)
    return list(dict.fromkeys(_ASIDE.findall(examples[1]))) if len(examples) == 2 else []


def shorten(text: str) -> str:
    """A message quotes what a file holds, and a file may hold a 600,000-character quote:
    keep its start (what is wrong) and its end (what to do), and elide the middle."""
    if len(text) <= MAX_MESSAGE:
        return text
    return f"{text[: MAX_MESSAGE * 2 // 3]} … {text[-MAX_MESSAGE // 4:]}"


def placeholders(text: str) -> list[str]:
    """The named placeholders of a template, in order of first appearance."""
    names: list[str] = []
    for name in _PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")):
        if name not in names:
            names.append(name)
    return names


_PLACEHOLDER = lazy(r"\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")

# --- which language ----------------------------------------------------------------------

_HAN = lazy(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# URLs, tags, markers and code: no words of a language (bounded, so linear on any line)
_NOT_WORDS = lazy(r"\b[A-Za-z][\w+.-]{0,15}://\S*|\bwww\.\S+|<[^<>\n]{0,200}>"
                  r"|\[\^?[^\[\]\n]{0,200}\]|`[^`\n]{0,200}`")
_LATIN_WORD = lazy(r"[A-Za-zÀ-ɏ]{2,}")


def language_of(text: str, default: str = "en") -> str:
    """``zh`` or ``en``: the language a piece of text is written in, judged by its words.

    Chinese when it holds Han characters and they (with the other wide characters) weigh
    at least a third of its Latin words' letters; English when it holds two or more Latin
    words; else ``default`` (a line that is only a URL, a marker or a figure says nothing
    about its language)."""
    ascii_part = text.encode("ascii", "ignore")
    # characters beyond ASCII: almost all Han and CJK punctuation in a Chinese line
    han = len(text) - len(ascii_part) if _HAN.search(text) else 0
    if not _LATIN_WORD.search(text):
        return "zh" if han else default
    if han * 3 >= len(ascii_part):  # more Chinese than anything Latin could outweigh
        return "zh"
    words = _LATIN_WORD.findall(_NOT_WORDS.sub(" ", text))
    if han and han * 3 >= sum(len(w) for w in words):
        return "zh"
    if len(words) >= 2:
        return "en"
    return "zh" if han else default


def chosen(setting: str, text: str | None, brief_language: str) -> str:
    """The catalog language for a message under the ``messages`` setting (auto, zh, en).

    ``text`` is what the message points at (a line of the brief), or None; ``brief_language``
    is the brief's (``en``, ``zh`` or ``zh-Hant``). Chinese follows the brief's script."""
    chinese = "zh-Hant" if brief_language == "zh-Hant" else "zh"
    if setting == "en":
        return "en"
    if setting == "zh":
        return chinese
    base = "zh" if brief_language.startswith("zh") else "en"
    language = language_of(text, base) if text else base
    return chinese if language == "zh" else "en"


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """zh or en: the reader's, from the locale (LC_ALL, LC_MESSAGES or LANG, the first one
    set; one starting with zh gives Chinese)."""
    import os

    environ = os.environ if environ is None else environ
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                   if environ.get(name)), "")
    return "zh" if locale.lower().startswith("zh") else "en"


def text_of(finding: Any, language: str) -> str:
    """A finding's message in ``language``; a finding without an id keeps its own text."""
    if not finding.message_id:
        return finding.message
    if language == "en":
        return finding.message
    return render(finding.message_id, dict(finding.arguments), language)


def rendered_arguments(finding: Any, language: str) -> dict[str, Any]:
    """A finding's arguments as its message in ``language`` shows them."""
    return {name: _worded(value, language) for name, value in finding.arguments}


def sarif_template(message_id: str, language: str = "en") -> tuple[str, list[str]]:
    """A template in SARIF's form (``{0}``, ``{1}``: positions, not names) and the names in
    that order — the English template's, then those only the Chinese one shows, so that
    every language numbers them alike."""
    names = placeholders(template(message_id, "en"))
    names += [name for name in placeholders(template(message_id, "zh")) if name not in names]
    text = template(message_id, language)
    for index, name in enumerate(names):
        text = re.sub(r"\{" + re.escape(name) + r"(?:[!:][^{}]*)?\}", f"{{{index}}}", text)
    return text, names
