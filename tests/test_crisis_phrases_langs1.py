"""Crisis phrases for Spanish, Brazilian Portuguese and French, by kind of danger.

Each case matches one kind only, so it holds whether `detect` answers the first match or the
most urgent one. The evaluation corpus (tests/data/crisis_eval/) measures recall; these
tables pin down the categories a clinician asked for and the everyday text that must stay
quiet.
"""

from __future__ import annotations

import pytest

from bot.crisis.detection import DATA_DIR, KINDS, CrisisKind, detect, load_lexicon

LANGUAGES = ("es", "pt_BR", "fr")
INTENT: CrisisKind = "intent_now"
SELF_HARM: CrisisKind = "self_harm_now"
INJURY: CrisisKind = "injury_now"
OVERDOSE: CrisisKind = "overdose_now"
THOUGHTS: CrisisKind = "thoughts"

# (language, what the person typed, the kind of danger it must signal)
MATCHES: list[tuple[str, str, CrisisKind]] = [
    # Spanish: Mexico, Argentina, Spain; shorthand and misspellings
    ("es", "ya no aguanto mas. hoy me mato", INTENT),
    ("es", "me voy a tirar del puente", INTENT),
    ("es", "voy a aventarme de la azotea", INTENT),
    ("es", "estoy en la azotea y me voy a tirar", INTENT),
    ("es", "tengo la pistola en la mano", INTENT),
    ("es", "este es mi ultimo mensaje", INTENT),
    ("es", "perdonenme, adios para siempre", INTENT),
    ("es", "mañana ya no voy a estar aqui", INTENT),
    ("es", "me boy a suisidar", INTENT),
    ("es", "voy a tomarme todas las pastillas esta noche", INTENT),
    ("es", "chau, me voy a matar hoy", INTENT),
    ("es", "me voy a cortar otra vez", SELF_HARM),
    ("es", "me estoy cortando", SELF_HARM),
    ("es", "tengo muchas ganas de cortarme", SELF_HARM),
    ("es", "voy a volver a cortarme", SELF_HARM),
    ("es", "me acabo de cortar", INJURY),
    ("es", "me he cortado muy profundo", INJURY),
    ("es", "me queme a proposito", INJURY),
    ("es", "no para de sangrar", INJURY),
    ("es", "me tome 25 pastillas de clonazepam", OVERDOSE),
    ("es", "me he tomado todas las pastillas", OVERDOSE),
    ("es", "mi amigo tomo muchas pastillas y no despierta", OVERDOSE),
    ("es", "se esta poniendo morado", OVERDOSE),
    ("es", "me quiero morir", THOUGHTS),
    ("es", "kiero morirme", THOUGHTS),
    ("es", "ya no quiero vivir", THOUGHTS),
    ("es", "no tiene sentido seguir", THOUGHTS),
    ("es", "todos estarian mejor sin mi", THOUGHTS),
    ("es", "ojala no despertar mañana", THOUGHTS),
    ("es", "estoy pensando en suicidarme", THOUGHTS),
    ("es", "me voy a aventar del segundo piso", INTENT),
    ("es", "estoy parada en el borde del puente", INTENT),
    ("es", "me estoy rasguñando hasta sangrar", SELF_HARM),
    ("es", "me tome veneno", OVERDOSE),
    ("es", "nadie me extrañaria si me muero", THOUGHTS),
    # Brazilian Portuguese: shorthand (vc, hj, agr, mt), a dropped final r
    ("pt_BR", "vo me mata essa noite", INTENT),
    ("pt_BR", "vou pular da ponte", INTENT),
    ("pt_BR", "to no alto do predio e vou pular", INTENT),
    ("pt_BR", "essa é minha ultima mensagem", INTENT),
    ("pt_BR", "amanha eu nao vou estar mais aqui", INTENT),
    ("pt_BR", "hj eu acabo com tudo", INTENT),
    ("pt_BR", "peguei a arma do meu pai", INTENT),
    ("pt_BR", "vou me cortar de novo", SELF_HARM),
    ("pt_BR", "to com mt vontade de me cortar", SELF_HARM),
    ("pt_BR", "to prestes a me cortar", SELF_HARM),
    ("pt_BR", "acabei de me cortar", INJURY),
    ("pt_BR", "cortei mt fundo socorro", INJURY),
    ("pt_BR", "ta sangrando demais", INJURY),
    ("pt_BR", "tomei todos os meus remedios", OVERDOSE),
    ("pt_BR", "engoli uns 30 comprimidos", OVERDOSE),
    ("pt_BR", "meu amigo tomou muito remedio e nao acorda", OVERDOSE),
    ("pt_BR", "ele ta ficando roxo", OVERDOSE),
    ("pt_BR", "quero morrer", THOUGHTS),
    ("pt_BR", "nao quero mais viver", THOUGHTS),
    ("pt_BR", "seria melhor se eu nao existisse", THOUGHTS),
    ("pt_BR", "queria dormir e nao acordar mais", THOUGHTS),
    ("pt_BR", "to pensando em me matar", THOUGHTS),
    ("pt_BR", "todo mundo ia ficar melhor sem mim", THOUGHTS),
    ("pt_BR", "vou me jogar do 10 andar", INTENT),
    ("pt_BR", "to parada na beira da ponte", INTENT),
    ("pt_BR", "to me arranhando ate sangrar", SELF_HARM),
    ("pt_BR", "tomei veneno de rato", OVERDOSE),
    ("pt_BR", "nao vejo sentido em nada", THOUGHTS),
    # French: France, Quebec, Belgium; jvais, chuis, m'as, à soir, tantôt
    ("fr", "jvé me tuer", INTENT),
    ("fr", "m'as me tuer à soir", INTENT),
    ("fr", "je vais me tuer tantôt", INTENT),
    ("fr", "je vais sauter du pont", INTENT),
    ("fr", "je vais sauter", INTENT),
    ("fr", "c'est mon dernier message", INTENT),
    ("fr", "j'ai écrit ma lettre d'adieu", INTENT),
    ("fr", "demain je serai plus là", INTENT),
    ("fr", "ce soir je mets fin à mes jours", INTENT),
    ("fr", "je vais me scarifier", SELF_HARM),
    ("fr", "je vais encore me couper", SELF_HARM),
    ("fr", "j'ai trop envie de me scarifier", SELF_HARM),
    ("fr", "je viens de me scarifier", INJURY),
    ("fr", "je me suis coupée trop profond", INJURY),
    ("fr", "ça pisse le sang", INJURY),
    ("fr", "je saigne de partout", INJURY),
    ("fr", "j'ai avalé une plaquette entière de xanax", OVERDOSE),
    ("fr", "j'en ai trop pris", OVERDOSE),
    ("fr", "mon pote a pris trop de cachets et il bouge plus", OVERDOSE),
    ("fr", "elle devient toute bleue", OVERDOSE),
    ("fr", "je veux mourir", THOUGHTS),
    ("fr", "jveux crever", THOUGHTS),
    ("fr", "je pense au suicide", THOUGHTS),
    ("fr", "j'ai pus envie de vivre", THOUGHTS),
    ("fr", "tout le monde serait mieux sans moi", THOUGHTS),
    ("fr", "j'ai des idées noires", THOUGHTS),
    ("fr", "je vais me jeter du 10e étage", INTENT),
    ("fr", "je suis au bord du pont", INTENT),
    ("fr", "je me griffe jusqu'au sang", SELF_HARM),
    ("fr", "j'ai bu de la javel", OVERDOSE),
    ("fr", "plus rien n'a de sens", THOUGHTS),
]

# (language, what the person typed): must NOT match. Hyperbole, song titles, questions,
# someone else, negations, the past, warning signs and plan items, everyday life.
NON_MATCHES: list[tuple[str, str]] = [
    ("es", "me muero de risa jajaja"),
    ("es", "me quiero morir de la verguenza"),
    ("es", "me quiero morir de la pena jajaja"),
    ("es", "la cancion se llama quiero morir"),
    ("es", "¿qué hago si alguien tiene una sobredosis?"),
    ("es", "mi amiga se quiere suicidar, ayuda"),
    ("es", "no me quiero morir"),
    ("es", "el año pasado me corte muy profundo"),
    ("es", "cuando me siento solo pienso en morir"),
    ("es", "Mis señales de alerta: me aislo, dejo de comer, pienso que no tiene sentido seguir"),
    ("es", "me voy a tirar a la alberca"),
    ("es", "hoy termino con todo el trabajo"),
    ("es", "me corte el dedo picando cebolla"),
    ("es", "mi perro no despierta de la siesta jaja"),
    ("es", "me sangra mucho la nariz"),
    ("es", "no tiene sentido seguir discutiendo"),
    ("es", "este es mi ultimo mensaje del dia, buenas noches"),
    ("es", "adios a todos, me salgo del grupo"),
    ("es", "mi jefe ya me mato con tanto trabajo"),
    ("es", "hoy es mi ultimo dia de trabajo"),
    ("es", "el cielo se puso morado"),
    ("es", "no quiero vivir sin ti"),
    ("pt_BR", "to morrendo de fome"),
    ("pt_BR", "vou morrer de vergonha"),
    ("pt_BR", "a musica se chama quero morrer"),
    ("pt_BR", "o que fazer se alguem tiver uma overdose?"),
    ("pt_BR", "o filme é sobre um cara que quer se matar"),
    ("pt_BR", "eu nao vou me matar, relaxa"),
    ("pt_BR", "quando fico sozinha penso em morrer"),
    (
        "pt_BR",
        "Meus sinais de alerta: me isolo, paro de comer, "
        "penso que todo mundo ficaria melhor sem mim",
    ),
    ("pt_BR", "vou pular carnaval hj"),
    ("pt_BR", "vou me jogar nesse projeto hj"),
    ("pt_BR", "o gato nao acorda de jeito nenhum kkkk"),
    ("pt_BR", "nao quero mais estar aqui nessa festa kkk"),
    ("pt_BR", "adeus gente, vou dormir"),
    ("pt_BR", "ja tomei o remedio da pressao"),
    ("pt_BR", "amanha nao vou estar aqui, vou viajar"),
    ("pt_BR", "o ceu ficou roxo"),
    ("pt_BR", "preciso de pontos pra passar de ano"),
    ("fr", "je vais mourir de honte mdr"),
    ("fr", "la chanson s'appelle je veux mourir"),
    ("fr", "qu'est-ce qu'il faut faire si quelqu'un fait une overdose ?"),
    ("fr", "mon amie dit qu'elle veut mourir, je fais quoi ?"),
    ("fr", "je vais pas me tuer tkt"),
    ("fr", "l'an dernier je me suis coupée trop profond"),
    ("fr", "quand je me sens seul je pense à mourir"),
    (
        "fr",
        "Mes signes d'alerte : je m'isole, j'arrête de manger, "
        "je pense que tout le monde serait mieux sans moi",
    ),
    ("fr", "je vais sauter le petit dej"),
    ("fr", "je vais sauter de joie"),
    ("fr", "je vais en finir ce soir avec ce mémoire"),
    ("fr", "je vais me tuer au sport"),
    ("fr", "mon chat se reveille pas, quelle feignasse mdr"),
    ("fr", "je saigne du nez"),
    ("fr", "adieu tout le monde, je vais dormir"),
    ("fr", "c'est décidé je pars en vacances"),
    ("fr", "je me tue à te le répéter"),
    ("fr", "c'est mon dernier jour au boulot"),
    ("fr", "ça sert à rien de continuer à réviser"),
]


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [pytest.param(lang, text, kind, id=f"{lang}:{text[:48]}") for lang, text, kind in MATCHES],
)
def test_danger_is_read_as_its_kind(language: str, text: str, kind: CrisisKind) -> None:
    signal = detect(text, language)
    assert signal is not None
    assert signal.kind == kind


@pytest.mark.parametrize(
    ("language", "text"),
    [pytest.param(lang, text, id=f"{lang}:{text[:48]}") for lang, text in NON_MATCHES],
)
def test_everyday_text_is_not_flagged(language: str, text: str) -> None:
    assert detect(text, language) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_has_patterns(language: str) -> None:
    lexicon = load_lexicon(DATA_DIR / f"{language}.yaml")
    assert {pattern.kind for pattern in lexicon.patterns} == set(KINDS)
