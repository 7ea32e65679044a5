"""Typed answers to "are you safe right now?": only a clear "yes, I'm safe" reads as safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.crisis.detection import available_languages
from bot.crisis.safety_answer import (
    DATA_FILE,
    SafetyAnswersError,
    load_vocabularies,
    reads_as_safe,
)

# (language the person has set, what they typed)
SAFE: list[tuple[str, str]] = [
    ("en", "yes"),
    ("en", "Yes!!"),
    ("en", "yesss 🙂"),
    ("en", "yeah"),
    ("en", "yep"),
    ("en", "y"),
    ("en", "ok i'm safe"),
    ("en", "I’m safe."),
    ("en", "yes i'm safe"),
    ("en", "Yes, I am safe right now"),
    ("en", "i'm fine"),
    ("en", "yeah im fine thanks"),
    ("en", "all good 👍"),
    ("en", "I'm safe, let's carry on"),
    ("en", "yes i am"),
    ("es", "sí"),
    ("es", "Si"),
    ("es", "sí, estoy bien"),
    ("es", "estoy bien gracias"),
    ("es", "todo bien"),
    ("es", "estoy a salvo"),
    ("fr", "oui"),
    ("fr", "Ouais ça va"),
    ("fr", "ça va"),
    ("fr", "je suis en sécurité"),
    ("fr", "oui, merci"),
    ("de", "ja"),
    ("de", "Ja, mir geht's gut"),
    ("de", "mir geht es gut"),
    ("de", "alles gut, danke"),
    ("de", "ich bin in Sicherheit"),
    ("pt_BR", "sim"),
    ("pt_BR", "tô bem"),
    ("pt_BR", "Sim, estou bem!"),
    ("pt_BR", "to bem obrigada"),
    ("pt_BR", "tudo certo"),
    ("uk", "так"),
    ("uk", "Так, я в безпеці"),
    ("uk", "так все добре"),
    ("uk", "все гаразд, дякую"),
    ("uk", "нормально"),
    ("ru", "да"),
    ("ru", "Да, я в безопасности"),
    ("ru", "все хорошо"),
    ("ru", "всё нормально"),
    ("ru", "нормально"),
    # English is read in every language, and pt-br / pt find pt_BR
    ("uk", "yes i'm safe"),
    ("pt-br", "sim, tô bem"),
    ("pt", "sim"),
]

NOT_SAFE: list[tuple[str, str]] = [
    ("en", ""),
    ("en", "   "),
    ("en", "🙂"),
    ("en", "no"),
    ("en", "NO!!"),
    ("en", "nope"),
    ("en", "nah"),
    ("en", "not really"),
    ("en", "i'm not safe"),
    ("en", "im not ok"),
    ("en", "yes and no"),
    ("en", "idk"),
    ("en", "maybe"),
    ("en", "kinda"),
    ("en", "for now"),
    ("en", "yes for now"),
    ("en", "safe?"),
    ("en", "am i safe?"),
    ("en", "what do you mean"),
    ("en", "asdfgh"),
    ("en", "ok"),
    ("en", "thanks"),
    ("en", "help"),
    ("en", "yes i want to die"),
    ("en", "yes, i just took all my pills"),
    ("en", "i'm fine, im going to kill myself tonight"),
    ("es", "no"),
    ("es", "no estoy bien"),
    ("es", "más o menos"),
    ("es", "no sé"),
    ("es", "¿por qué?"),
    ("es", "sí, me voy a matar"),
    ("fr", "non"),
    ("fr", "ça va pas"),
    ("fr", "pas vraiment"),
    ("fr", "je sais pas"),
    ("fr", "bof"),
    ("de", "nein"),
    ("de", "nicht wirklich"),
    ("de", "mir geht's nicht gut"),
    ("de", "ne"),
    ("de", "weiß nicht"),
    ("pt_BR", "não"),
    ("pt_BR", "nao"),
    ("pt_BR", "não tô bem"),
    ("pt_BR", "sei lá"),
    ("pt_BR", "mais ou menos"),
    ("uk", "ні"),
    ("uk", "нi"),  # with a Latin i
    ("uk", "не в безпеці"),
    ("uk", "не знаю"),
    ("uk", "не все добре"),
    ("ru", "нет"),
    ("ru", "не в безопасности"),
    ("ru", "не знаю"),
    ("ru", "так себе"),
    ("ru", "да нет"),
    # A "yes" in a language the person does not use and that is not English is not read
    ("ru", "sim"),
]


def _id(language: str, text: str) -> str:
    return f"{language}:{text[:40] or '(empty)'}"


@pytest.mark.parametrize(
    ("language", "text"), [pytest.param(lang, text, id=_id(lang, text)) for lang, text in SAFE]
)
def test_a_clear_yes_reads_as_safe(language: str, text: str) -> None:
    assert reads_as_safe(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [pytest.param(lang, text, id=_id(lang, text)) for lang, text in NOT_SAFE],
)
def test_anything_else_reads_as_not_safe(language: str, text: str) -> None:
    assert not reads_as_safe(text, language)


@pytest.mark.parametrize("language", available_languages())
def test_every_language_is_tested_both_ways(language: str) -> None:
    assert sum(1 for lang, _ in SAFE if lang == language) >= 4
    assert sum(1 for lang, _ in NOT_SAFE if lang == language) >= 4


def test_the_data_file_covers_every_language() -> None:
    assert set(load_vocabularies(DATA_FILE)) == set(available_languages())


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param("- yes\n", "a mapping of languages", id="not-a-mapping"),
        pytest.param(
            "en: {safe: [yes], negations: [no]}\n",
            "exactly safe, fillers and negations",
            id="missing-part",
        ),
        pytest.param(
            "en: {safe: [yes], fillers: [], negations: [no]}\n",
            "non-empty list of strings",
            id="empty-list",
        ),
        pytest.param(
            "en: {safe: ['yes', '🙂'], fillers: [thanks], negations: ['no']}\n",
            "no words once read",
            id="emoji-only-phrase",
        ),
        pytest.param(
            "en: {safe: ['yes', 'not bad'], fillers: [thanks], negations: ['no', 'not']}\n",
            "holds a negation word",
            id="safe-phrase-with-a-negation",
        ),
        pytest.param(
            "en: {safe: ['yes'], fillers: [thanks], negations: ['no']}\n",
            "no answers for",
            id="a-language-missing",
        ),
    ],
)
def test_a_malformed_file_is_refused(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "safety_answers.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SafetyAnswersError, match=problem):
        load_vocabularies(path)
