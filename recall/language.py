"""Which of the few languages we know a text is written in: English, German, French or Spanish.
Read by the answerability judge (a question's own function words are scaffolding) and by drafts
(a reply greets in the client's language; QA, session 14: a German client was greeted "Hi")."""

from __future__ import annotations

import re

from .greetings import SALUTATION

# Words that mark a text as written in one of them: question words and function words no
# English sentence uses.
LANGUAGE_MARKS = {
    "de": frozenset(
        "wer wen wem wann wo warum wieso weshalb wie welche welcher welches viele wieviel "
        "ist sind hat haben wurde wird und der das dem nicht ein eine mit für von zum zur "
        "über".split()
    ),
    "fr": frozenset(
        "qui quoi quel quelle quels quelles combien comment pourquoi quand où est sont les "
        "des du une pour avec dans sur nous vous été avons avez ont".split()
    ),
    "es": frozenset(
        "qué quién cuál cuánto cuánta cuántos cuántas cómo cuándo dónde está están los las "
        "una del para con fue han hay".split()
    ),
}
# Words of a message in each language that English mail does not use (review, session 15: the
# question lists hold "comment", "est", "des", "hat", "mit", "los", "con", "para", which English
# mail does: "Comment on the deck before 3pm EST? Des said ok." is English).
_MAIL_MARKS = {
    "de": frozenset(
        "ich wir sie ihr uns ihnen euch können könnten konnten würden würde müssen bitte danke "
        "grüße gruß und der dem nicht ein eine einen einer ist sind war haben wird wurde für "
        "über auch noch schon morgen heute gestern wann warum wie welche welcher zum zur beim "
        "vom diese dieser dieses oder aber wenn dass".split()
    ),
    "fr": frozenset(
        "je nous vous votre vos notre nos pouvez pourriez pouvons merci cordialement les une "
        "dans avec pour sur sont été avons avez ont qui quand pourquoi combien aujourd'hui "
        "demain hier est-ce c'est n'est pas mais avec cette ces leur".split()
    ),
    "es": frozenset(
        "usted ustedes gracias saludos favor puede podría podemos podrían nosotros nuestro "
        "nuestra está están una del fue han hay qué cómo cuándo dónde mañana hoy ayer pero "
        "muy también esta este estos".split()
    ),
}
# A greeting opening the message says its language outright
_OPENERS = {
    "de": ("hallo", "guten", "liebe", "lieber", "sehr geehrte", "sehr geehrter", "moin", "servus"),
    "fr": ("bonjour", "bonsoir", "salut", "cher", "chère", "madame", "monsieur"),
    "es": ("hola", "buenos", "buenas", "estimado", "estimada", "estimados"),
}
OPENER_WEIGHT = 3
# English function words, to weigh a message's marks against
ENGLISH_MARKS = frozenset(
    "the and is are was were to of in that this it for with you we have has will would could "
    "please can what when which how our your i me my be do not but if on at by from".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def language_of(text: str) -> str:
    """The language a message is written in: "de", "fr" or "es" when its own words (up to the
    sign-off: a signature or a legal footer in another language says nothing about the
    message) carry at least three of that language's marks — a greeting opening it counts
    three — and more than English function words; else "en", what we fall back to."""
    body = _own_words(text)
    words = [w.lower() for w in _WORD.findall(body)]
    head = " ".join(words[:3])
    english = sum(w in ENGLISH_MARKS for w in words)
    best, count = "en", 0
    for lang, marks in _MAIL_MARKS.items():
        n = sum(w in marks for w in words)
        if any(head.startswith(o) for o in _OPENERS[lang]):
            n += OPENER_WEIGHT
        if n > count:
            best, count = lang, n
    return best if count >= 3 and count > english else "en"


def _own_words(text: str) -> str:
    """The message up to its sign-off line ("Viele Grüße", "Best regards," — not counted past
    its first line) or its signature separator."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ", "__"):
            return "\n".join(lines[:i])
        if i and SALUTATION.match(line.strip()) and not _opens(line):
            return "\n".join(lines[: i + 1])
    return text


def _opens(line: str) -> bool:
    low = line.strip().lower()
    return any(low.startswith(o) for os_ in _OPENERS.values() for o in os_) or low.startswith(
        ("hi", "hello", "dear")
    )


__all__ = ["ENGLISH_MARKS", "LANGUAGE_MARKS", "language_of"]
