"""Which of the few languages we know a text is written in: English, German, French or Spanish.
Read by the answerability judge (a question's own function words are scaffolding) and by drafts
(a reply greets in the client's language; QA, session 14: a German client was greeted "Hi")."""

from __future__ import annotations

import re

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
# English function words, to weigh a longer text's marks against
ENGLISH_MARKS = frozenset(
    "the and is are was were to of in that this it for with you we have has will would could "
    "please can what when which how our your".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’]*")


def language_of(text: str) -> str:
    """The language of a text (a client's message): "de", "fr" or "es" when it carries at
    least three of that language's marks and more of them than English function words; else
    "en", what we fall back to."""
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in ENGLISH_MARKS for w in words)
    best, count = "en", 0
    for lang, marks in LANGUAGE_MARKS.items():
        n = sum(w in marks for w in words)
        if n > count:
            best, count = lang, n
    return best if count >= 3 and count > english else "en"


__all__ = ["ENGLISH_MARKS", "LANGUAGE_MARKS", "language_of"]
