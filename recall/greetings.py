"""Greetings and sign-offs: words that name someone without saying anything about them. Its
own module because both the answerability judge and the scope's clip read it, and the clip sits
below retrieval."""

from __future__ import annotations

import re

# "Hi Sam," and "Best, Sam" name someone without saying anything about them
SALUTATION = re.compile(
    r"^\W*((hi|hello|hey|dear|good (morning|afternoon|evening))\b[\w\s.'’-]{0,40}|"
    r"((kind |best |warm )?regards|best|cheers|thanks|thank you|many thanks|sincerely|warmly|"
    r"talk soon)\b[\s,!.]*([A-Z][\w.'’-]*\s*){0,3})[\s,!.:;-]*$",
    re.IGNORECASE,
)


__all__ = ["SALUTATION"]
