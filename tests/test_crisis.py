"""Gentle crisis detection: bot/crisis/detection.py and bot/data/crisis_phrases/.

The tables are the specification a clinician can read: what must make the bot pause and ask
whether the person is safe right now, or offer the crisis lines for suicidal thoughts, and
what must not (warning signs and plan items, the past, negations, questions about a topic,
hyperbole, a bare word such as "suicide"). Recall and false alarms are measured on a larger
corpus in test_crisis_eval.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.crisis.detection import (
    DATA_DIR,
    KINDS,
    URGENCY,
    CrisisDataError,
    CrisisKind,
    CrisisSignal,
    available_languages,
    detect,
    load_lexicon,
    normalise,
)

LANGUAGES = ("de", "en", "es", "fr", "pt_BR", "ru", "uk")
INTENT: CrisisKind = "intent_now"
SELF_HARM: CrisisKind = "self_harm_now"
OVERDOSE: CrisisKind = "overdose_now"
INJURY: CrisisKind = "injury_now"
THOUGHTS: CrisisKind = "thoughts"

# (language the person has set, what they typed, the kind of danger it must signal)
MATCHES: list[tuple[str, str, CrisisKind]] = [
    # English
    ("en", "I'm going to kill myself tonight", INTENT),
    ("en", "im gonna kms", INTENT),
    ("en", "i’m goin to kill myself", INTENT),
    ("en", "Im gonna killl myself 2nite", INTENT),
    ("en", "i want to die right now", INTENT),
    ("en", "I JUST WANT TO DIE RN 😭😭", INTENT),
    ("en", "im so suicidal right now", INTENT),
    ("en", "ive decided to end my life", INTENT),
    ("en", "by tomorrow i'll be dead", INTENT),
    ("en", "im not ok, im going to kill myself tonight", INTENT),
    ("en", "I'm about to cut myself", SELF_HARM),
    ("en", "i need to cut rn", SELF_HARM),
    ("en", "im cutting myself right now", SELF_HARM),
    ("en", "i cut too deep and i cant stop the bleeding", INJURY),
    ("en", "I just took too many pills", OVERDOSE),
    ("en", "i took a whole bottle of tylenol", OVERDOSE),
    ("en", "i think im overdosing", OVERDOSE),
    ("en", "he's not breathing", OVERDOSE),
    ("en", "hes not breathing what do i do", OVERDOSE),
    ("en", "my friend won't wake up and her lips are blue", OVERDOSE),
    ("en", "she's turning blue!!", OVERDOSE),
    ("en", "i literally just took 50 pills", OVERDOSE),
    ("en", "he just took too many pills", OVERDOSE),
    ("en", "he's not breathing, what do I do?", OVERDOSE),
    ("en", "goodbye world", INTENT),
    ("en", "this is my goodbye letter", INTENT),
    ("en", "this is the last time youll hear from me", INTENT),
    ("en", "tonight i end it", INTENT),
    ("en", "im gonna end it all tomorrow", INTENT),
    ("en", "i'm gonna jump off the roof", INTENT),
    ("en", "i wont be alive tomorrow", INTENT),
    ("en", "im going to kill myself tonight, im at the bridge", INTENT),
    ("en", "im gonna cut myself", SELF_HARM),
    ("en", "urge to cut is so bad rn", SELF_HARM),
    ("en", "about to relapse and cut", SELF_HARM),
    ("en", "i cant stop bleeding", INJURY),
    ("en", "i cut myself really deep", INJURY),
    ("en", "i just cut and its deep", INJURY),
    ("en", "i just swallowed a bunch of pills", OVERDOSE),
    ("en", "took 25 of my sleeping pills", OVERDOSE),
    ("en", "he's not responding and his lips are purple", OVERDOSE),
    ("en", "i want to die. right now i am at home", THOUGHTS),  # no time word for the wish
    ("en", "i dont think i can keep going anymore", THOUGHTS),
    ("en", "i just dont want to live anymore", THOUGHTS),
    ("en", "i keep wishing i was dead", THOUGHTS),
    ("en", "i'm thinking of ending it all", THOUGHTS),
    ("en", "i have thoughts of suicide", THOUGHTS),
    ("en", "i hate myself and want to die", THOUGHTS),
    ("en", "i feel like killing myself", THOUGHTS),
    ("en", "i just want to not exist", THOUGHTS),
    ("en", "id be better off dead", THOUGHTS),
    ("en", "the world would be better without me", THOUGHTS),
    ("en", "sometimes i wish i wasnt alive", THOUGHTS),
    ("en", "I have been having thoughts of ending my life", THOUGHTS),
    ("en", "I don't want to go on living", THOUGHTS),
    ("en", "i dont want to be here anymore", THOUGHTS),
    ("en", "I have a plan to end my life", INTENT),
    ("en", "suicidal again tonight", INTENT),
    ("en", "I have taken all of my husband's heart tablets", OVERDOSE),
    ("en", "I've swallowed 40 paracetamol", OVERDOSE),
    ("en", "my daughter overdosed, she's breathing but won't respond", OVERDOSE),
    ("en", "i'm bleeding and it won't stop", INJURY),
    # The most urgent kind wins, wherever it is in the message
    ("en", "i want to die. i took 30 pills", OVERDOSE),
    ("en", "im going to kill myself, i just took too many pills", OVERDOSE),
    ("en", "i want to die and i cant stop the bleeding", INJURY),
    ("en", "im cutting rn and im going to kill myself tonight", INTENT),
    # Spanish
    ("es", "me voy a matar", INTENT),
    ("es", "Me voy a matar esta noche 😢", INTENT),
    ("es", "no, me voy a matar", INTENT),
    ("es", "quiero morirme ya", INTENT),
    ("es", "kiero morirme ya", INTENT),
    ("es", "ya no aguanto, me quiero morir ahora mismo", INTENT),
    ("es", "hoy me mato", INTENT),
    ("es", "estoy a punto de suicidarme", INTENT),
    ("es", "me voy a cortar ahora", SELF_HARM),
    ("es", "me estoy cortando ahorita", SELF_HARM),
    ("es", "me tomé todas las pastillas", OVERDOSE),
    ("es", "me tome demasiadas pastillas", OVERDOSE),
    ("es", "creo que tengo una sobredosis", OVERDOSE),
    ("es", "mi amigo no respira", OVERDOSE),
    ("es", "NO RESPIRA!!!", OVERDOSE),
    ("es", "no se despierta y tiene los labios morados", OVERDOSE),
    ("es", "tomé 30 pastillas", OVERDOSE),
    ("es", "no respira, ¿qué hago?", OVERDOSE),
    # French
    ("fr", "je vais me tuer", INTENT),
    ("fr", "J'vais me tuer ce soir", INTENT),
    ("fr", "JE VAIS ME SUICIDER 😭", INTENT),
    ("fr", "jveux mourir maintenant", INTENT),
    ("fr", "j'ai trop envie de crever là maintenant", INTENT),
    ("fr", "ce soir je me tue", INTENT),
    ("fr", "je suis sur le point de me foutre en l’air", INTENT),
    ("fr", "je suis en train de me scarifier", SELF_HARM),
    ("fr", "j'ai envie de me couper maintenant", SELF_HARM),
    ("fr", "j'ai pris trop de médocs", OVERDOSE),
    ("fr", "j'ai avalé toute la boîte", OVERDOSE),
    ("fr", "je crois que je fais une overdose", OVERDOSE),
    ("fr", "il respire plus", OVERDOSE),
    ("fr", "j'arrive pas à le réveiller", OVERDOSE),
    ("fr", "ses lèvres sont bleues", OVERDOSE),
    # German
    ("de", "ich bring mich um", INTENT),
    ("de", "Ich bringe mich heute Nacht um", INTENT),
    ("de", "ICH BRING MICH UM 😭", INTENT),
    ("de", "ich will jetzt sterben", INTENT),
    ("de", "ich werde mir heute das leben nehmen", INTENT),
    ("de", "ich bin kurz davor mich umzubringen", INTENT),
    ("de", "ich ritze mich gerade", SELF_HARM),
    ("de", "ich will mich jetzt ritzen", SELF_HARM),
    ("de", "es hört nicht auf zu bluten", INJURY),
    ("de", "ich habe zu viele Tabletten genommen", OVERDOSE),
    ("de", "ich hab grad ne ganze Packung Schlaftabletten geschluckt", OVERDOSE),
    ("de", "ich glaube ich hab ne Überdosis", OVERDOSE),
    ("de", "er atmet nicht mehr", OVERDOSE),
    ("de", "ich krieg ihn nicht wach", OVERDOSE),
    ("de", "seine Lippen sind blau", OVERDOSE),
    # Brazilian Portuguese
    ("pt_BR", "vou me matar", INTENT),
    ("pt_BR", "Vou me matar hoje", INTENT),
    ("pt_BR", "VOU ME MATAR 😭", INTENT),
    ("pt_BR", "vo me matar", INTENT),
    ("pt_BR", "quero morrer agora", INTENT),
    ("pt_BR", "tô com vontade de morrer hj", INTENT),
    ("pt_BR", "hj eu me mato", INTENT),
    ("pt_BR", "vou me cortar agora", SELF_HARM),
    ("pt_BR", "to me cortando agora", SELF_HARM),
    ("pt_BR", "tomei remédio demais", OVERDOSE),
    ("pt_BR", "tomei a cartela inteira", OVERDOSE),
    ("pt_BR", "acho que to tendo uma overdose", OVERDOSE),
    ("pt_BR", "ele não tá respirando", OVERDOSE),
    ("pt_BR", "não consigo acordar ele", OVERDOSE),
    ("pt_BR", "ele tá ficando roxo", OVERDOSE),
    # Ukrainian
    ("uk", "я вб'ю себе", INTENT),
    ("uk", "Я вбʼю себе сьогодні", INTENT),
    ("uk", "я вбю себе", INTENT),
    ("uk", "пiсля цього я вб'ю себе", INTENT),  # a Latin i typed in "після"
    ("uk", "хочу померти зараз", INTENT),
    ("uk", "хочу померти прямо зараз 😭", INTENT),
    ("uk", "я вирішила покінчити з собою", INTENT),
    ("uk", "сьогодні я накладу на себе руки", INTENT),
    ("uk", "я зараз поріжу себе", SELF_HARM),
    ("uk", "хочу порізати себе прямо зараз", SELF_HARM),
    ("uk", "я щойно порізалась", INJURY),
    ("uk", "я випила забагато таблеток", OVERDOSE),
    ("uk", "наковталася пігулок", OVERDOSE),
    ("uk", "у мене передоз", OVERDOSE),
    ("uk", "він не дихає", OVERDOSE),
    ("uk", "не можу його розбудити", OVERDOSE),
    ("uk", "він синіє", OVERDOSE),
    # Russian
    ("ru", "я убью себя", INTENT),
    ("ru", "Я убью себя сегодня ночью", INTENT),
    ("ru", "Я УБЬЮ СЕБЯ 😭", INTENT),
    ("ru", "хочу умереть прямо сейчас", INTENT),
    ("ru", "хочу сдохнуть щас", INTENT),
    ("ru", "хочу умереть сёдня", INTENT),
    ("ru", "я решила покончить с собой", INTENT),
    ("ru", "я сейчас порежу себя", SELF_HARM),
    ("ru", "хочу порезаться прямо сейчас", SELF_HARM),
    ("ru", "я только что порезалась", INJURY),
    ("ru", "я выпила слишком много таблеток", OVERDOSE),
    ("ru", "наглотался таблеток", OVERDOSE),
    ("ru", "у меня передоз", OVERDOSE),
    ("ru", "он не дышит", OVERDOSE),
    ("ru", "не могу её разбудить", OVERDOSE),
    ("ru", "он посинел", OVERDOSE),
    ("ru", "у нее синие губы", OVERDOSE),
    ("ru", "я выпила 30 таблеток", OVERDOSE),
    # English typed by someone whose language is set to another one
    ("es", "I'm going to kill myself tonight", INTENT),
    ("fr", "im about to cut myself", SELF_HARM),
    ("de", "he's not breathing", OVERDOSE),
    ("pt_BR", "my friend won't wake up", OVERDOSE),
    ("uk", "i just took too many pills", OVERDOSE),
    ("ru", "i want to die rn", INTENT),
    # Language codes as Telegram sends them, and an unknown language (English only)
    ("pt-br", "vou me matar", INTENT),
    ("pt", "vou me matar", INTENT),
    ("en-GB", "i want to die tonight", INTENT),
    ("uk-UA", "я вб'ю себе", INTENT),
    ("xx", "im gonna kill myself", INTENT),
    ("", "im gonna kill myself", INTENT),
    # Suicidal thoughts with no time word: the bot answers them outside list steps.
    ("es", "me quiero morir", THOUGHTS),
    ("de", "ich will sterben", THOUGHTS),
    ("pt_BR", "quero morrer", THOUGHTS),
    ("uk", "хочу померти", THOUGHTS),
    ("ru", "хочу умереть", THOUGHTS),
]

# (language the person has set, what they typed): must NOT match.
NON_MATCHES: list[tuple[str, str]] = [
    # English: bare words, questions, warning signs, plan items, negations, the past
    ("en", "suicide"),
    ("en", "overdose"),
    ("en", "self-harm"),
    ("en", "What is an overdose?"),
    ("en", "I want to make a safety plan for suicide"),
    ("en", "thinking about suicide"),
    ("en", "wanting to die"),
    ("en", "i feel like dying"),
    ("en", "When I feel like hurting myself I call my sister"),
    ("en", "when i feel like this, i want to die right now"),
    ("en", "I used to cut"),
    ("en", "my last overdose"),
    ("en", "I'm not going to kill myself"),
    ("en", "im not gonna kill myself tonight"),
    ("en", "I don't want to die"),
    ("en", "i dont wanna die rn"),
    ("en", "If I ever feel like I want to die right now, I'll call 988"),
    ("en", "Warning signs: I want to kill myself, not sleeping, drinking"),
    ("en", "I took too many pills last year"),
    ("en", "last year i took too many pills"),
    ("en", "If someone is not breathing, give naloxone and call 911"),
    ("en", "How do I know if someone is overdosing?"),
    ("en", "I'm scared I'm going to kill myself"),  # intrusive-thought fear (OCD)
    ("en", "i want to die of embarrassment right now lol"),
    ("en", "this homework is killing me"),
    ("en", "my son won't wake up for school"),
    ("en", "I took my meds this morning"),
    ("en", "im going to cut my hair tonight"),
    ("en", "am I going to kill myself?"),  # a doubt, often an intrusive thought
    ("en", "i took 10 pills today"),  # "#" means 20 or more
    ("en", "What should I do if someone is not breathing?"),
    ("en", "My plan: if I want to die tonight, I will call 988"),
    ("en", "i want to die of cringe"),
    ("en", "ugh this traffic makes me want to die"),
    ("en", "do you ever want to die?"),
    ("en", "they said i should kill myself"),
    ("en", "my friend said she wants to die, how do i help her"),
    ("en", "i used to think about dying a lot"),
    ("en", "im tired of living with roommates"),
    ("en", "i dont want to wake up early tomorrow lol"),
    ("en", "whats the point of homework"),
    ("en", "i wish i was dead asleep rn lol"),
    ("en", "gonna kms if this printer jams again"),
    ("en", "im gonna jump in the shower brb"),
    ("en", "about to jump on a call"),
    ("en", "im about to cut the cake!!"),
    ("en", "about to cut my hair"),
    ("en", "cutting back on sugar rn"),
    ("en", "took all my meds this morning like a good girl"),
    ("en", "it took everything i had not to cry"),
    ("en", "i took too much time on that essay"),
    ("en", "i have the pills ready for the trip"),
    ("en", "bye everyone see you tomorrow"),
    ("en", "goodbye everyone, have a great weekend"),
    ("en", "my last message got deleted"),
    ("en", "final message of the semester: thanks everyone"),
    ("en", "i wont be here tomorrow, im at my dads"),
    ("en", "my dad wont wake up from his nap lol"),
    ("en", "my roommate won't wake up for his 8am again"),
    ("en", "my brother is not breathing through his nose he has a cold"),
    ("en", "we're ending it tonight at the bar, last round"),
    ("en", "the bleeding stopped"),
    ("en", "i took too much last time, so start low"),  # a harm reduction plan
    ("en", "my friend overdosed last year and survived"),
    ("en", "I have a plan for the weekend"),
    ("en", "my son took a handful of candy"),
    ("en", "i'm going to hang out with friends"),
    ("en", "it took too much effort"),
    ("en", "my friend's brother died by suicide last year"),
    ("en", "im about to die of boredom in this meeting"),
    # Spanish
    ("es", "suicidio"),
    ("es", "¿Qué es una sobredosis?"),
    ("es", "quiero hacer un plan de seguridad para el suicidio"),
    ("es", "pensamientos de suicidio"),
    ("es", "ganas de morir"),
    ("es", "cuando me siento así quiero morirme ya"),
    ("es", "antes me cortaba"),
    ("es", "mi última sobredosis"),
    ("es", "no me voy a matar"),
    ("es", "no quiero morir"),
    ("es", "me voy a cortar el pelo hoy"),
    ("es", "me tomé todas las pastillas de hoy"),
    ("es", "si no respira, llama al 911"),
    ("es", "me voy a matar estudiando"),
    ("es", "hace años tomé demasiadas pastillas"),
    ("es", "¿me voy a matar?"),
    # French
    ("fr", "suicide"),
    ("fr", "c'est quoi une overdose ?"),
    ("fr", "je veux faire un plan de sécurité contre le suicide"),
    ("fr", "penser au suicide"),
    ("fr", "envie de mourir"),
    ("fr", "quand je me sens comme ça, je veux mourir ce soir"),
    ("fr", "avant je me scarifiais"),
    ("fr", "ma dernière overdose"),
    ("fr", "je vais pas me tuer"),
    ("fr", "je ne veux pas mourir"),
    ("fr", "je vais me couper les cheveux ce soir"),
    ("fr", "s'il ne respire plus, appelle le 15"),
    ("fr", "j'ai pris mes médicaments ce matin"),
    ("fr", "j'ai fait une overdose il y a deux ans"),
    # German
    ("de", "Suizid"),
    ("de", "Was ist eine Überdosis?"),
    ("de", "Ich möchte einen Sicherheitsplan gegen Suizid machen"),
    ("de", "Gedanken an Suizid"),
    ("de", "wenn es mir schlecht geht, will ich jetzt sterben"),
    ("de", "früher habe ich mich geritzt"),
    ("de", "ich hab mich geritzt"),
    ("de", "meine letzte Überdosis"),
    ("de", "ich bring mich nicht um"),
    ("de", "ich will nicht sterben"),
    ("de", "wenn er nicht mehr atmet, 112 rufen"),
    ("de", "ich mach heute Schluss mit ihm"),
    ("de", "sie reagiert nicht auf meine Nachrichten"),
    ("de", "ich habe meine Tabletten genommen"),
    # Brazilian Portuguese
    ("pt_BR", "suicídio"),
    ("pt_BR", "o que é uma overdose?"),
    ("pt_BR", "quero fazer um plano de segurança contra o suicídio"),
    ("pt_BR", "pensamentos suicidas"),
    ("pt_BR", "quando eu fico assim quero morrer hj"),
    ("pt_BR", "eu costumava me cortar"),
    ("pt_BR", "minha última overdose"),
    ("pt_BR", "eu não vou me matar"),
    ("pt_BR", "não quero morrer"),
    ("pt_BR", "vou cortar o cabelo hoje"),
    ("pt_BR", "se ele não respirar, ligue 192"),
    ("pt_BR", "tomei meus remédios de manhã"),
    ("pt_BR", "vou me matar de rir"),
    ("pt_BR", "tive uma overdose ano passado"),
    # Ukrainian
    ("uk", "самогубство"),
    ("uk", "що таке передозування?"),
    ("uk", "хочу скласти план безпеки щодо самогубства"),
    ("uk", "думки про самогубство"),
    ("uk", "коли мені погано, я хочу померти зараз"),
    ("uk", "раніше я різала себе"),
    ("uk", "мій останній передоз"),
    ("uk", "я не вб'ю себе"),
    ("uk", "я не хочу померти"),
    ("uk", "якщо він не дихає, дзвоніть 103"),
    ("uk", "він не реагує на повідомлення"),
    ("uk", "у мене передоз був минулого року"),
    ("uk", "я випила таблетки зранку"),
    ("uk", "боюся, що я вб'ю себе"),
    # Russian
    ("ru", "самоубийство"),
    ("ru", "что такое передозировка?"),
    ("ru", "хочу составить план безопасности на случай суицида"),
    ("ru", "мысли о самоубийстве"),
    ("ru", "когда мне плохо, я хочу умереть прямо сейчас"),
    ("ru", "раньше я резала себя"),
    ("ru", "мой последний передоз"),
    ("ru", "я не убью себя"),
    ("ru", "я не хочу умирать"),
    ("ru", "если он не дышит, звоните 103"),
    ("ru", "он не реагирует на сообщения"),
    ("ru", "боюсь, что я убью себя"),
    ("ru", "я выпила таблетки утром"),
    ("ru", "у меня был передоз в прошлом году"),
    ("ru", "я убью себя?"),
    # English warning signs typed by someone whose language is set to another one
    ("es", "thinking about suicide"),
    ("de", "I used to cut"),
    ("uk", "what is an overdose"),
    # Only the person's language and English are checked
    ("xx", "vou me matar"),
]


def _id(language: str, text: str) -> str:
    return f"{language or '-'}:{text[:48]}"


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [pytest.param(lang, text, kind, id=_id(lang, text)) for lang, text, kind in MATCHES],
)
def test_present_danger_is_detected(language: str, text: str, kind: CrisisKind) -> None:
    signal = detect(text, language)
    assert signal is not None
    assert signal.kind == kind


@pytest.mark.parametrize(
    ("language", "text"),
    [pytest.param(lang, text, id=_id(lang, text)) for lang, text in NON_MATCHES],
)
def test_no_present_danger_is_not_flagged(language: str, text: str) -> None:
    assert detect(text, language) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_enough_cases(language: str) -> None:
    matches = sum(1 for lang, _, _ in MATCHES if lang == language)
    non_matches = sum(1 for lang, _ in NON_MATCHES if lang == language)
    assert matches >= 12
    assert non_matches >= 12


def test_available_languages() -> None:
    assert available_languages() == LANGUAGES


def test_urgency_orders_every_kind() -> None:
    assert sorted(URGENCY) == sorted(KINDS)
    assert URGENCY[0] == OVERDOSE
    assert URGENCY[-1] == THOUGHTS


def test_english_has_patterns_of_every_kind() -> None:
    assert {pattern.kind for pattern in load_lexicon(DATA_DIR / "en.yaml").patterns} == set(KINDS)


def test_the_signal_names_the_pattern_and_holds_no_text() -> None:
    signal = detect("I'm going to kill myself tonight", "es")
    assert signal == CrisisSignal(INTENT, "en:going_to_kill_myself")
    assert "tonight" not in repr(signal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("  Hello   WORLD  ", "hello world", id="case-and-spaces"),
        pytest.param("I’m, like… ok?!", "i'm like ok", id="curly-apostrophe-punctuation"),
        pytest.param("don`t donʼt don‘t", "don't don't don't", id="apostrophe-variants"),
        pytest.param("'quoted'", "quoted", id="stray-apostrophes"),
        pytest.param("sad 😭😭 🙏🏽 face", "sad face", id="emoji"),
        pytest.param("Él está MAÑANA", "el esta manana", id="spanish-accents"),
        pytest.param("Straße Überdosis", "strasse uberdosis", id="german"),
        pytest.param("sœur réveiller", "soeur reveiller", id="french"),
        pytest.param("Вб'ю ЇЖАК й ґанок є", "вб'ю їжак й ґанок є", id="ukrainian-letters"),
        pytest.param("Её ещё ЙОД", "ее еще йод", id="russian-yo-folds"),
        pytest.param("пiсля", "після", id="latin-i-in-cyrillic-word"),
        pytest.param("I'm a_b\tc\nd", "i'm a b c d", id="underscore-and-whitespace"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


NEUTRAL_SENTENCES = {
    "en": "Today I went for a walk with my sister, and we talked about my plan: what helps "
    "when things get hard, who I can call, music, tea, and getting some sleep. ",
    "fr": "Aujourd’hui je suis allée me promener avec ma sœur. On a parlé de mon plan : ce "
    "qui m’aide quand ça va mal, qui appeler, la musique, le thé. ",
    "ru": "Сегодня я гуляла с сестрой. Мы говорили о моём плане: что помогает, когда "
    "тяжело, кому позвонить, музыка, чай, сон. ",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("written_in", sorted(NEUTRAL_SENTENCES))
def test_long_neutral_text_is_checked_and_not_flagged(written_in: str, language: str) -> None:
    """A performance sanity check, deliberately not timed: it must finish and find nothing."""
    text = (NEUTRAL_SENTENCES[written_in] * 60)[:4000]
    assert len(text) == 4000
    assert detect(text, language) is None


def test_a_danger_phrase_deep_in_a_long_text_is_found() -> None:
    text = "we talked about my plan and what helps " * 90 + "im going to kill myself tonight"
    assert detect(text, "en") == CrisisSignal(INTENT, "en:going_to_kill_myself")


# --- The phrase files --------------------------------------------------------------------

PHRASE_FILES = sorted(DATA_DIR.glob("*.yaml"))


def test_there_is_a_phrase_file_per_language() -> None:
    assert tuple(sorted(path.stem for path in PHRASE_FILES)) == LANGUAGES


@pytest.mark.parametrize("path", PHRASE_FILES, ids=lambda path: path.stem)
def test_phrase_file_loads_and_compiles(path: Path) -> None:
    lexicon = load_lexicon(path)
    assert lexicon.language == path.stem
    assert {pattern.kind for pattern in lexicon.patterns} == set(KINDS)
    for pattern in lexicon.patterns:
        assert isinstance(pattern.regex, re.Pattern)
    assert lexicon.exclusions


@pytest.mark.parametrize("path", PHRASE_FILES, ids=lambda path: path.stem)
def test_phrase_file_ids_are_unique(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in raw["patterns"] + raw["exclusions"]]
    assert len(ids) == len(set(ids))
    assert {entry["kind"] for entry in raw["patterns"]} == set(KINDS)


@pytest.mark.parametrize("path", PHRASE_FILES, ids=lambda path: path.stem)
def test_phrase_file_documents_its_rules(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("\nslots:", 1)[0]
    for rule in ("PHRASE SYNTAX", "EXCLUSIONS", "before: N", "after: N"):
        assert rule in header


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param(
            "patterns:\n- {id: a, kind: intent_now, phrases: [x]}\n"
            "- {id: a, kind: self_harm_now, phrases: [y]}\n"
            "- {id: b, kind: overdose_now, phrases: [z]}\n",
            "duplicate id",
            id="duplicate-id",
        ),
        pytest.param(
            "patterns:\n- {id: a, kind: intent_now, phrases: [x]}\n"
            "- {id: b, kind: self_harm_now, phrases: [y]}\n",
            "no pattern of kind injury_now, overdose_now, thoughts",
            id="missing-kind",
        ),
        pytest.param(
            "patterns:\n- {id: a, kind: crisis, phrases: [x]}\n",
            "kind must be one of",
            id="unknown-kind",
        ),
        pytest.param(
            "patterns:\n- {id: a, kind: intent_now, phrases: ['{nope} x']}\n",
            "unknown slot",
            id="unknown-slot",
        ),
        pytest.param(
            "patterns:\n- {id: a, kind: intent_now, phrases: ['[two words] x']}\n",
            "must wrap exactly one word",
            id="optional-two-words",
        ),
        pytest.param(
            "patterns:\n- {id: a, kind: intent_now, phrases: [no]}\n",
            "non-empty list of strings",
            id="unquoted-no",
        ),
        pytest.param(
            "patterns:\n- {id: a, kind: intent_now, phrases: [x]}\n"
            "- {id: b, kind: self_harm_now, phrases: [y]}\n"
            "- {id: c, kind: overdose_now, phrases: [z]}\n"
            "- {id: f, kind: injury_now, phrases: [v]}\n"
            "- {id: g, kind: thoughts, phrases: [u]}\n"
            "exclusions:\n- {id: d, after: 0, patterns: [e], phrases: [w]}\n",
            "unknown patterns e",
            id="exclusion-for-an-unknown-pattern",
        ),
    ],
)
def test_a_malformed_phrase_file_is_refused(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(f"slots: {{}}\nexclusions: []\n{body}", encoding="utf-8")
    with pytest.raises(CrisisDataError, match=problem):
        load_lexicon(path)


def test_an_unused_slot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(
        "slots:\n  spare: [x]\nexclusions: []\npatterns:\n"
        "- {id: a, kind: intent_now, phrases: [x]}\n"
        "- {id: b, kind: self_harm_now, phrases: [y]}\n"
        "- {id: c, kind: overdose_now, phrases: [z]}\n"
        "- {id: d, kind: injury_now, phrases: [v]}\n"
        "- {id: e, kind: thoughts, phrases: [u]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CrisisDataError, match="unused slots spare"):
        load_lexicon(path)


def test_a_slot_that_uses_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(
        "slots:\n  loop: ['{loop} x']\nexclusions: []\npatterns:\n"
        "- {id: a, kind: intent_now, phrases: ['{loop}']}\n",
        encoding="utf-8",
    )
    with pytest.raises(CrisisDataError, match="uses itself"):
        load_lexicon(path)


def test_invisible_characters_inside_words_do_not_hide_danger() -> None:
    signal = detect("i'm going to k\u200bill my\u200dself tonight", "en")
    assert signal is not None
    assert signal.kind == "intent_now"
