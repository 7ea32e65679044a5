"""Messages the conversation service says in more than one place, marked for translation."""

from flows.model import N_

HELP = N_(
    "I help you make a safety plan or a harm reduction plan, keep it safe, and show it "
    "to you whenever you need it.\n\n"
    "/start – make or change a plan\n"
    "/myplan – crisis lines, then your plan\n"
    "/sos – crisis lines, right now\n"
    "/region – the country for your crisis lines\n"
    "/language – the language I use with you\n"
    "/cancel – stop for now; your answers are kept\n"
    "/delete – erase everything I keep about you\n\n"
    "I'm a program, not a person, and not a crisis service. If you are in danger, call your "
    "local emergency number or a crisis line: /sos shows them."
)
CANT_LOAD = N_("I can't load your plan right now. Please try again in a little while.")
CANT_SAVE = N_(
    "Something went wrong on my side and I couldn't save that. "
    "Please try again in a minute; your earlier answers are safe."
)
NOT_DONE = N_(
    "Sorry, something went wrong on my side. Nothing was saved or changed. "
    "Please try again in a moment."
)
UNKNOWN_COMMAND = N_("I don't know that command. /help lists the ones I know.")
CANT_READ = N_(
    "I can only read text and buttons, not stickers, photos, voice messages, files or "
    "locations. Here is where we were:"
)
EDITS_IGNORED = N_(
    "I saw you edited a message. Edits don't change your answers, so nothing was changed. "
    "You can remove an answer with its ✕ button, or change any part from the review."
)
STALE_BUTTON = N_("That button is from an earlier message. Here is where you are now.")
KEPT = N_("Okay, nothing was deleted.")
NO_PLAN_YET = N_("You don't have a saved plan yet. /start makes one, one step at a time.")
NOTHING_TO_CANCEL = N_("There's nothing to stop right now.")
NOT_IN_A_PLAN = N_(
    "Thank you for writing. I'm a bot, so I can't talk things through, but I can help you "
    "make a plan, show you your plan, or show you crisis lines where people can listen."
)
CONTACT_NOT_HERE = N_("Thanks. Contacts go in the steps about people and services to contact.")
EDITING_SAVED = N_(
    "Here is your saved plan. Change anything you like and save it: that makes a new "
    "version, and the earlier one is kept."
)
