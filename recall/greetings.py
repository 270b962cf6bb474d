"""Greetings and sign-offs: words that name someone without saying anything about them. Its
own module because both the answerability judge and the scope's clip read it, and the clip sits
below retrieval."""

from __future__ import annotations

import re

# "Hi Sam," and "Best, Sam" name someone without saying anything about them — in the languages
# a reply can be written in too ("Hallo Sam,", "Viele Grüße", "Cordialement", "Saludos")
SALUTATION = re.compile(
    r"^\W*((hi|hello|hey|dear|good (morning|afternoon|evening)|hallo|guten (morgen|tag|abend)|"
    r"liebe|lieber|sehr geehrter?|bonjour|bonsoir|salut|cher|chère|hola|buenos días|"
    r"buenas tardes|estimad[oa])\b[\w\s.'’-]{0,40}|"
    r"((kind |best |warm )?regards|best|cheers|thanks|thank you|many thanks|sincerely|warmly|"
    r"talk soon|viele grüße|beste grüße|liebe grüße|mit freundlichen grüßen|lg(?=[\s,]*$|,)|"
    r"danke|cordialement|bien à vous|merci|bonne journée|saludos|un saludo|atentamente|gracias)"
    r"\b[\s,!.]*((?-i:[A-Z])[\w.'’-]*\s*){0,3})[\s,!.:;-]*$",
    re.IGNORECASE,
)
# How a reply greets and signs off, by the language of the message it answers (recall/language)
GREETING = {
    "en": ("Hi", "Best regards,"),
    "de": ("Hallo", "Viele Grüße"),
    "fr": ("Bonjour", "Cordialement,"),
    "es": ("Hola", "Saludos,"),
}


__all__ = ["GREETING", "SALUTATION"]
