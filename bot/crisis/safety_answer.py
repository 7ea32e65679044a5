"""Reading a typed answer to "are you safe right now?".

Only a clear "yes, I'm safe" counts as safe. Anything else, a "no", a "not really", a
question, a word the bot can't read, counts as *not safe*: at this question, a wrong
"safe" costs far more than a wrong "not safe".
"""

from __future__ import annotations

from bot.crisis.detection import normalise

_SAFE = frozenset({"yes", "yeah", "yep", "y", "i'm safe", "im safe", "i am safe", "safe"})
_NEGATIONS = frozenset({"no", "not", "nope", "don't", "dont", "isn't", "never"})


def reads_as_safe(text: str, language: str) -> bool:
    """Whether `text`, typed at "are you safe right now?", clearly says "yes, I'm safe"."""
    del language
    words = normalise(text).split()
    if not words or _NEGATIONS.intersection(words):
        return False
    return " ".join(words) in _SAFE
