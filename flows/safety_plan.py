"""The safety plan, after the Stanley-Brown Safety Planning Intervention.

Seven sections, in the order the intervention uses them in a crisis: from what a
person can do alone, up to professional help, then making the surroundings safer and
reasons for living. Step 6 is a checklist of actions that put time and distance
between a person and harm, a gun first (lethal-means counselling: away from home with
someone trusted, or locked and unloaded); it never asks about methods and never says
how anything could hurt (safe-messaging guidance). Step 5 lists the region's main crisis
line itself, so its question can say that line is already in the plan.
"""

from flows.model import N_, AnswerKind, Flow, Option, Step

OWN_WORDS = N_(
    "Tap a suggestion or type your own, one per message or one per line. "
    "Press Done when you're ready."
)
CONTACT_HOW = N_(
    "Type a name and a number, like “Sam +44 7911 123456”, or share a contact "
    "from Telegram (📎 then Contact). A name alone is fine too. Press Done when you're ready."
)

SAFETY_PLAN = Flow(
    id="safety_plan",
    code="sp",
    version=1,
    title=N_("My safety plan"),
    steps=(
        Step(
            "warning_signs",
            N_(
                "What tells you a hard time might be starting? Thoughts, feelings, "
                "situations or things you do."
            ),
            AnswerKind.LIST,
            title=N_("Warning signs"),
            hint=OWN_WORDS,
            options=(
                Option("not_sleeping", N_("Not sleeping well")),
                Option("withdrawing", N_("Pulling away from people")),
                Option("hopeless", N_("Feeling hopeless")),
                Option("burden", N_("Feeling like a burden")),
                Option("using_more", N_("Drinking or using more")),
                Option("staying_in_bed", N_("Not wanting to get up")),
            ),
        ),
        Step(
            "coping_alone",
            N_(
                "What can you do on your own to take your mind off things, even for a little while?"
            ),
            AnswerKind.LIST,
            title=N_("Things I can do on my own"),
            hint=OWN_WORDS,
            options=(
                Option("walk", N_("Go for a walk")),
                Option("music", N_("Listen to music")),
                Option("shower", N_("Take a shower or a bath")),
                Option("breathing", N_("Slow breathing")),
                Option("watch", N_("Watch something I like")),
                Option("cold", N_("Hold something cold")),
            ),
        ),
        Step(
            "distractions",
            N_(
                "Which people or places help you take your mind off things? They don't need "
                "to know what you're going through."
            ),
            AnswerKind.LIST,
            title=N_("People and places that take my mind off things"),
            hint=OWN_WORDS,
            optional=True,
            options=(
                Option("friend", N_("Message or call a friend")),
                Option("family", N_("Spend time with family")),
                Option("cafe", N_("Go to a café")),
                Option("park", N_("Go to a park")),
                Option("library", N_("Go to a library")),
                Option("worship", N_("Go to a place of worship")),
            ),
        ),
        Step(
            "people_to_ask",
            N_(
                "Who could you reach out to and tell that things are hard? It helps to let "
                "them know, ahead of time, that they are in your plan."
            ),
            AnswerKind.CONTACTS,
            title=N_("People I can ask for help"),
            hint=CONTACT_HOW,
            optional=True,
        ),
        Step(
            "professionals",
            N_(
                "The crisis line for your region is already in your plan. Who else could you "
                "contact: your doctor, a therapist or counsellor, a local service?"
            ),
            AnswerKind.CONTACTS,
            title=N_("Professionals and services I can contact"),
            hint=CONTACT_HOW,
            optional=True,
            local_services=True,
            crisis_line=True,
        ),
        Step(
            "safer_surroundings",
            N_(
                "Putting time and distance between you and things that could hurt you helps "
                "you stay safe until the feeling passes. What will you do? Tick what fits, "
                "or type something else you will do."
            ),
            AnswerKind.CHECKLIST,
            title=N_("Making my surroundings safer"),
            optional=True,
            # Lethal-means counselling: a gun first, as what the person can do with it.
            options=(
                Option("gun_away", N_("Keep a gun away from home")),
                Option("gun_locked", N_("Keep a gun locked and unloaded")),
                Option("medicines_held", N_("Give my medicines to someone I trust to hold")),
                Option("small_amounts", N_("Keep only small amounts of medicine at home")),
                Option("lock_away", N_("Lock things away and give the key to someone")),
                Option("someone_keeps", N_("Ask someone to keep something for me for a while")),
                Option("be_with_others", N_("Stay with other people, or go where people are")),
                Option("no_alcohol", N_("Stay away from alcohol and drugs when I feel this way")),
            ),
        ),
        Step(
            "reasons_for_living",
            N_(
                "What makes life worth living for you? People, pets, plans, things you love. "
                "If that's hard to see right now, what would someone who cares about you say?"
            ),
            AnswerKind.LIST,
            title=N_("My reasons for living"),
            hint=OWN_WORDS,
            optional=True,
            options=(
                Option("family", N_("My family")),
                Option("friends", N_("My friends")),
                Option("pet", N_("My pet")),
                Option("future", N_("Things I want to do one day")),
                Option("faith", N_("My faith")),
                Option("music", N_("Music I love")),
            ),
        ),
    ),
)
