"""The entry flow: what this bot is, whether you are safe right now, and which plan."""

from flows.model import N_, AnswerKind, Flow, Option, Step

PLAN_CHOICES = (
    Option("safety_plan", N_("A safety plan"), goto="flow:safety_plan"),
    Option("harm_reduction", N_("A harm reduction plan"), goto="flow:harm_reduction"),
)

WELCOME = Step(
    "welcome",
    N_(
        "Hi. I'm safeplan, a bot that helps you make a plan for hard moments and keeps "
        "it here for you.\n\n"
        "I'm a program, not a person, and not a crisis service. If you are in danger, "
        "please call your local emergency number or a crisis line. Send /sos at any "
        "time to see them.\n\n"
        "I keep what you write encrypted, only for you, and never share it. Telegram keeps "
        "this chat too: to clear it, delete the chat in Telegram, and send /delete to erase "
        "what I keep."
    ),
    AnswerKind.INFO,
)
SAFE_NOW_STEP = "safe_now"
NOT_SAFE_EFFECT = "crisis_lines"
SAFE_NOW = N_("Before we start: are you safe right now?")
SAFE = N_("Yes, I'm safe right now")
NOT_SAFE = N_("No, I'm not safe")


def safe_now(then: str | None = None) -> Step:
    """Are you safe right now? "No" shows the crisis lines at once; both answers go on."""
    return Step(
        SAFE_NOW_STEP,
        SAFE_NOW,
        AnswerKind.YES_NO,
        options=(
            Option("yes", SAFE, goto=then),
            Option("no", NOT_SAFE, effect=NOT_SAFE_EFFECT, goto=then),
        ),
    )


ENTRY = Flow(
    id="entry",
    code="en",
    version=1,
    title=N_("Getting started"),
    saves_plan=False,
    steps=(
        WELCOME,
        safe_now(),
        Step(
            "choose",
            N_("What would you like to make?"),
            AnswerKind.CHOICE,
            options=(*PLAN_CHOICES, Option("help", N_("Help me choose"), goto="explain")),
        ),
        Step(
            "explain",
            N_(
                "<b>A safety plan</b> is for getting through a suicidal crisis or an urge to "
                "hurt yourself. It is a short list, in your own words: the signs that a hard "
                "time is starting, what helps, who you can contact, and how to keep yourself "
                "safe until the feeling passes or help arrives.\n\n"
                "<b>A harm reduction plan</b> is for making something you do safer, such as "
                "using drugs or alcohol, sex, or self-harm, without having to stop. It holds "
                "the safer choices you pick, your supplies, who checks on you, and what to do "
                "in an emergency.\n\n"
                "You can make both. Which would you like to start with?"
            ),
            AnswerKind.CHOICE,
            options=PLAN_CHOICES,
        ),
    ),
)


def entry_into(plan: str, code: str) -> Flow:
    """From an outreach link that names a plan: the welcome and the safety check, then it."""
    return Flow(
        id=f"entry_{plan}",
        code=code,
        version=1,
        title=ENTRY.title,
        saves_plan=False,
        steps=(WELCOME, safe_now(then=f"flow:{plan}")),
    )


ENTRY_INTO_SAFETY_PLAN = entry_into("safety_plan", "es")
ENTRY_INTO_HARM_REDUCTION = entry_into("harm_reduction", "eh")
