"""Per-person translations. Catalogs are loaded once; each update gets its own translator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import negotiate_locale
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


class Translator:
    """One language's messages, handed explicitly to whatever renders text."""

    def __init__(self, translations: NullTranslations) -> None:
        self._translations = translations

    def gettext(self, message: str) -> str:
        return str(self._translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(self._translations.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return str(self._translations.pgettext(context, message))


class MissingCatalog(Exception):
    """A language has a .po file but no compiled .mo: run `make catalogs`."""


def available_languages(locales: Path = LOCALES) -> list[str]:
    """English (the source) plus every language with a catalog in locales/."""
    found = sorted(p.parent.parent.name for p in locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE)]


@dataclass(frozen=True)
class Catalogs:
    by_language: dict[str, Translator]
    default: str = SOURCE_LANGUAGE

    @property
    def languages(self) -> list[str]:
        return list(self.by_language)

    def negotiate(self, saved: str | None, telegram_code: str | None) -> str:
        """Saved choice, else Telegram's language (e.g. 'pt-br' -> 'pt_BR'), else the default."""
        if saved in self.by_language:
            return saved
        if telegram_code:
            wanted = telegram_code.replace("-", "_")
            best = negotiate_locale([wanted, wanted.split("_")[0]], self.languages)
            if best:
                # Babel answers in the spelling it was asked ("pt_br"); ours is "pt_BR".
                by_lower = {code.lower(): code for code in self.languages}
                return by_lower.get(str(best).lower(), self.default)
            prefix = wanted.split("_")[0].lower()
            for code in self.languages:
                if code.split("_")[0].lower() == prefix:
                    return code
        return self.default

    def translator(self, language: str) -> Translator:
        return self.by_language.get(language) or self.by_language[self.default]


def load_catalogs(default: str = SOURCE_LANGUAGE, locales: Path = LOCALES) -> Catalogs:
    by_language = {SOURCE_LANGUAGE: Translator(NullTranslations())}
    for code in available_languages(locales):
        if code == SOURCE_LANGUAGE:
            continue
        translations = Translations.load(str(locales), [code], DOMAIN)
        if not isinstance(translations, Translations):
            raise MissingCatalog(f"No compiled catalog for {code!r}: run `make catalogs`.")
        by_language[code] = Translator(translations)
    return Catalogs(by_language, default if default in by_language else SOURCE_LANGUAGE)
