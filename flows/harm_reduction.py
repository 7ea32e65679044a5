"""The harm reduction plan: making something a person keeps doing safer, on their terms.

First the person picks what they want to make safer (drugs or alcohol, sex, self-harm,
something else); each choice brings in its own part of the plan, and only those parts
are asked, counted and saved. Then their own goals. Nothing asks anyone to stop: every
suggestion can be declined, and every practice checklist is optional.

Each practice option, and each card of what to do, names in `source` the reference(s)
that back its wording, so a reviewer can check it: ids from
`shared/reference/product-anchors.md` (section 2c, URLs in section 5), and, from OD7,
HS8, SX7 and SH7 on, public pages read later for what those lacked. Goal suggestions
follow the areas chosen.

The self-harm part is harm minimisation only, in line with safe-messaging guidance:
self-care, first aid, when to get help, who to tell, and the safety plan and crisis lines
alongside. It never names tools, technique or methods; its card names a burn, and the
face or hands, only as first aid needs to.
"""

from flows.model import N_, AnswerKind, Chosen, Flow, Option, Step
from flows.safety_plan import CONTACT_HOW, OWN_WORDS

# Reference ids for `Option.source` and `Step.source`. Not user-facing.
_REFS = {
    "HS1": "https://harmreduction.org/issues/overdose-prevention/overview/overdose-basics/"
    "opioid-od-risks-prevention/using-alone/",
    "HS2": "https://www.eohu.ca/en/my-health/harm-reduction-tips-for-individuals-who-use-drugs",
    "HS3": "https://streetconnections.ca/drug-alerts/if-you-use-drugs",
    "HS4": "https://vdocuments.mx/lower-your-xanax-klonopin-ativan-valium-mixed-with-any-opioid-"
    "can-be-deadly.html",
    "HS5": "https://emergencymessagesystem.com/cdc-fentanyl-test-strips-a-harm-reduction-strategy/",
    "HS6": "https://pmc.ncbi.nlm.nih.gov/articles/PMC9588631",
    "HS7": "https://drugpolicyfacts.org/node/4362",
    "HS8": "https://www.choices.cymru/drugs-alcohol-info/harm-reduction-2/mdma-harm-reduction/"
    "mdma-harm-reduction-avoid-dehydration/",
    "HS9": "http://bluebelly.org.au/reducingrisk/article1d3d.html?aid=182&cid=9",
    "HS10": "https://www.release.org.uk/drugs/xanax/harm-reduction",
    "HS11": "https://galileo.io/handouts/safely-decrease-drinking",
    "HS12": "http://www.surreydaat.org.uk/ghb-addiction-ghb-physical-n-psychological-dependancy-"
    "levels",
    "N1": "https://www.thedoctorpatientforum.com/harm-reduction/357-never-use-alone",
    "N3": "https://filtermag.org/never-use-alone-24-hour-hotline-new-england/",
    "M4": "https://www.theglobeandmail.com/canada/article-canada-wide-phone-line-launches-to-"
    "prevent-drug-overdose-deaths/",
    "P1": "https://wikimili.com/en/DanceSafe",
    "Q1": "https://hashilthsa.com/news/2023-04-04/toxic-drug-app-gives-date-information-about-"
    "community-risks",
    "P3": "https://dancesafe.org/debunking-myths-and-discussing-harm-reduction-on-this-week-in-drugs/",
    "OD1": "https://www.colleaga.org/tools/samhsa-opioid-overdose-prevention-toolkit",
    "OD2": "https://www.sfaf.org/resource-library/harm-reduction-overdose-prevention-responding-to-"
    "overdose/",
    "OD3": "https://oregon.gov/oha/PH/PREVENTIONWELLNESS/SUBSTANCEUSE/OPIOIDS/Pages/Xylazine.aspx",
    "OD6": "https://thestreetspirit.org/2021/10/05/how-to-respond-to-an-opioid-overdose/",
    "OD7": "https://www.mmhealth.org/news-and-events/education/opioid-overdose-resuscitation/",
    "OD8": "https://eguideline.guidelinecentral.com/i/1536453-asam-opioid-use-disorder-patient-"
    "guide-2025/18",
    "OD9": "https://towardtheheart.com/stimulant-od-awareness",
    "OD10": "https://www.penington.org.au/resources/ioad_overdose-factsheet-stimulants/",
    "OD11": "https://www.penington.org.au/resources/ioad-overdose-factsheet-ghb",
    "OD12": "https://www.lgbthero.org.uk/saferchems-help",
    "OD13": "https://www.selfinjurysupport.org.uk/FAQs/over",
    "OD14": "https://umc.edu/Research/Centers-and-Institutes/External-Designation-Centers/"
    "Mississippi-Poison-Control-Center/Poisons%20and%20Safety/Know-What-to-Do.html",
    "SX1": "https://hivinfo.nih.gov/understanding-hiv/fact-sheets/print/21",
    "SX2": "http://sfcityclinic.org/services/hivservices.asp",
    "SX3": "http://arizonaaetc.arizona.edu/hiv-testing/cdc-guidelines/",
    "SX4": "https://www.contraceptionchoices.org/emergency-contraception",
    "SX5": "https://wearewithyou.org.uk/help-and-advice/advice-you/chemsex",
    "SX6": "https://dean.st/play-more-safely-pdf",
    "SX7": "https://www.carepathwaycenter.org/prep/pep/",
    "SX8": "http://aidsmap.com/archive/news-all/transmission-prevention/pep",
    "SH1": "https://campusmentalhealth.ca/toolkits/harm-reduction/self-harm/harm-reduction-self-harm/",
    "SH2": "https://www.oohctoolbox.org.au/reducing-harms-self-injury",
    "SH3": "https://www.cypsomersethealth.org/?page=sh_further_help",
    "SH4": "https://survivorsnetwork.org.uk/resource/self-harm-and-self-injury/",
    "SH5": "https://nice.org.uk/guidance/NG225/chapter/recommendations",
    "SH6": "https://resources.fcfh211.net/books/itasca-adolescent-and-parenting-resources/page/"
    "session-one-first-aid-kit",
    "SH7": "https://www.selfinjurysupport.org.uk/FAQs/first-aid-for-burns-and-scalds",
    "SH8": "http://www.ccbtr.com.au/burn-first-aid/",
}


def _src(*ids: str, note: str = "") -> str:
    """'[HS2] https://... ; [HS3] https://...', for a reviewer; `note` flags a gap."""
    cited = " ; ".join(f"[{ref}] {_REFS[ref]}" for ref in ids)
    return f"{cited} ({note})" if note else cited


CHECK_HOW = N_(
    "Tap to tick or untick, or type your own. None of these is required. "
    "Press Done when you're ready."
)
SUPPLIES_HOW = N_(
    "Tap a suggestion or type your own, like naloxone from the pharmacy near me. "
    "One per message or one per line. Press Done when you're ready."
)
OTHER_HOW = N_("Type it in your own words, then press Done.")

# The cards: what to do, in plain steps, never how anything could hurt. Each paragraph is
# its own msgid, so a translation stays short, and the renderer joins them.
# TRANSLATORS: {emergency} is filled in with the region's emergency number, e.g. 911 or 112.
# Keep it exactly once, as it is.
OVERDOSE_CARD = N_(
    "If someone won't wake up, or their breathing is slow or has stopped:\n"
    "1. Check if they respond: shout their name and rub the middle of their chest hard.\n"
    "2. Call {emergency}. Say where you are, and that the person isn't breathing or won't "
    "wake up.\n"
    "3. Give naloxone if you have it. It's still worth giving if you're not sure what they "
    "took. If they don't respond after 2 to 3 minutes, give another one if you have it.\n"
    "4. If they aren't breathing, give rescue breaths or CPR: the operator on the phone can "
    "guide you. If they are breathing, or if you have to leave them, lay them on their side "
    "in the recovery position.\n"
    "5. Stay with them until help arrives. Naloxone wears off after 30 to 90 minutes, and "
    "the overdose can come back."
)
# TRANSLATORS: {emergency} is filled in with the region's emergency number, e.g. 911 or 112.
# Keep it exactly once, as it is.
PILLS_CARD = N_(
    "If someone has swallowed too many pills, or anything harmful, call {emergency} now, "
    "even if they seem fine. Don't try to make them sick. Keep the packet to show the "
    "paramedics."
)
# TRANSLATORS: {emergency} is filled in with the region's emergency number, e.g. 911 or 112.
# Keep it exactly once, as it is.
OVERAMPING_CARD = N_(
    "After uppers, like cocaine, meth or MDMA, if someone is very hot, has chest pain, is "
    "panicking or has a seizure:\n"
    "• Call {emergency}.\n"
    "• Move them somewhere cool and quiet, and cool them with wet cloths.\n"
    "• Talk to them calmly, and don't leave them.\n"
    "• If they have a seizure, clear the space around them. Don't hold them down or put "
    "anything in their mouth."
)
# TRANSLATORS: {emergency} is filled in with the region's emergency number, e.g. 911 or 112.
# Keep it exactly once, as it is.
DOWNERS_CARD = N_(
    "After G (GHB or GBL) or alcohol, if someone can't be woken or is being sick:\n"
    "• Lay them on their side in the recovery position.\n"
    "• Call {emergency}.\n"
    "• Stay with them and keep them warm. Don't leave them to sleep it off, and don't give "
    "them anything to wake them up.\n"
    "• If they stop breathing, give rescue breaths or CPR, as above."
)

# TRANSLATORS: {emergency} is filled in with the region's emergency number, e.g. 911 or 112.
# Keep it exactly once, as it is.
MEDICAL_HELP_CARD = N_(
    "Get medical help, from a doctor, an urgent care centre or an emergency department, if:\n"
    "• bleeding won't stop, even with firm pressure\n"
    "• a wound is deep or gaping, or an injury is large\n"
    "• a burn is large or deep, or is on the face or hands\n"
    "• you lose feeling or movement near an injury\n"
    "• there are signs of infection: redness or swelling that spreads, heat, pus or a fever\n\n"
    "Call {emergency} for heavy bleeding, fainting or trouble breathing, and if you have "
    "swallowed pills or any substance to hurt yourself, even if you feel fine."
)
BURN_CARE_CARD = N_(
    "For a burn: cool it under cool running water for 20 minutes. No ice, and no creams. "
    "Then cover it loosely with cling film or a clean dressing that won't stick."
)
SAFETY_PLAN_NUDGE = N_(
    "If things feel like too much, /sos shows crisis lines, and /start can help you make "
    "a safety plan."
)

DRUGS = Chosen("areas", "drugs")
SEX = Chosen("areas", "sex")
SELF_HARM = Chosen("areas", "self_harm")
OTHER = Chosen("areas", "other")

# Shown first in /myplan, and on its own to anyone who needs it now (bot.render).
OVERDOSE = Step(
    "drugs_overdose",
    N_(
        "Here is what to do if someone overdoses. It stays in your plan, so you or "
        "someone with you can find it fast."
    ),
    AnswerKind.INFO,
    title=N_("If someone overdoses"),
    when=DRUGS,
    card=(OVERDOSE_CARD, PILLS_CARD, OVERAMPING_CARD, DOWNERS_CARD),
    source=_src(
        "OD1",
        "OD2",
        "OD6",
        "OD7",
        "OD8",
        "OD9",
        "OD10",
        "OD11",
        "OD12",
        "OD13",
        "OD14",
        note="rescue breaths or CPR, recovery position if breathing or left alone: OD7, OD8; "
        "pills: OD13, OD14; uppers: OD9, OD10; G or alcohol: OD11, OD12",
    ),
    lines=("harm_reduction",),
)

MEDICAL_HELP = Step(
    "selfharm_help",
    N_("Knowing when to get help is part of looking after yourself. This stays in your plan."),
    AnswerKind.INFO,
    title=N_("When to get medical help"),
    when=SELF_HARM,
    card=(MEDICAL_HELP_CARD, BURN_CARE_CARD, SAFETY_PLAN_NUDGE),
    source=_src("SH3", "SH5", "SH6", "SH7", "SH8", note="burns: SH7, SH8 (20 minutes: SH8)"),
)

HARM_REDUCTION = Flow(
    id="harm_reduction",
    code="hr",
    version=1,
    title=N_("My harm reduction plan"),
    urgent=(OVERDOSE.id,),
    steps=(
        Step(
            "areas",
            N_(
                "A harm reduction plan helps you make something you do safer, your way. "
                "You don't have to stop anything.\n\n"
                "What would you like to make safer? Tick all that fit."
            ),
            AnswerKind.MULTI,
            title=N_("What I want to make safer"),
            hint=N_(
                "Tap to tick or untick, then press Done. If it's something else, tick "
                "Something else and you can say what it is next."
            ),
            options=(
                Option("drugs", N_("Using drugs or alcohol")),
                Option("sex", N_("Sex")),
                Option("self_harm", N_("Self-harm")),
                Option("other", N_("Something else")),
            ),
        ),
        # --- Drugs or alcohol ----------------------------------------------------------
        Step(
            "drugs_what",
            N_(
                "What do you use? Share only what you want to. It stays private, and it "
                "helps your plan fit what you actually use."
            ),
            AnswerKind.LIST,
            title=N_("What I use"),
            hint=OWN_WORDS,
            optional=True,
            when=DRUGS,
            options=(
                Option("alcohol", N_("Alcohol")),
                Option("opioids", N_("Opioids, like heroin or fentanyl")),
                Option("stimulants", N_("Stimulants, like cocaine or meth")),
                Option("benzos", N_("Benzos (benzodiazepines)")),
                Option("cannabis", N_("Cannabis")),
                Option("ghb", N_("G (GHB or GBL)")),
                Option("ketamine", N_("Ketamine")),
            ),
        ),
        Step(
            "drugs_risk",
            N_("When are things riskier for you? Think of times, places, feelings or situations."),
            AnswerKind.LIST,
            title=N_("When I'm most at risk"),
            hint=OWN_WORDS,
            optional=True,
            when=DRUGS,
            options=(
                Option("alone", N_("When I use alone"), source=_src("HS1")),
                Option("new_supply", N_("A new supply"), source=_src("HS2", "HS3")),
                Option("after_break", N_("After a break, even a short one"), source=_src("HS4")),
                Option("mixing", N_("When I mix things"), source=_src("HS3", "HS4")),
                Option("feeling_low", N_("When I feel low or stressed")),
                Option("nights_out", N_("Nights out and parties")),
            ),
        ),
        Step(
            "drugs_practices",
            N_(
                "What would you like to do to stay safer? Pick what fits your life. You can "
                "change it any time.\n\n"
                "<b>Not using alone:</b> someone with you who knows what to do. If you do use "
                "alone, some regions have an overdose response line that stays on the phone "
                "with you, like Never Use Alone in the US or NORS in Canada. They ask where "
                "you are, so they can send help if you stop responding.\n"
                "<b>Test dose:</b> tolerance can drop after only a day or two without using, "
                "so start lower with a new supply or after a break.\n"
                "<b>Checking:</b> test strips can miss some drugs, so go slow even when a "
                "test is negative.\n"
                "<b>Stimulants:</b> sip water now and then rather than a lot at once, eat "
                "something and rest.\n"
                "<b>Stopping:</b> if you drink, or take benzos or G, every day, stopping all at "
                "once can cause seizures. Talk to a doctor or a drug service first, so you can "
                "cut down safely."
            ),
            AnswerKind.CHECKLIST,
            title=N_("How I make using safer"),
            lines=("harm_reduction",),
            hint=CHECK_HOW,
            optional=True,
            when=DRUGS,
            options=(
                Option(
                    "with_someone",
                    N_("Someone with me who knows what to do"),
                    source=_src("HS1", "HS2", "HS3"),
                ),
                Option(
                    "od_line",
                    N_("An overdose line if I use alone"),
                    source=_src("HS2", "N3", "N1", "M4", note="they ask where you are: N1, M4"),
                ),
                Option(
                    "naloxone",
                    N_("Carry naloxone and check its date"),
                    source=_src("HS2", "HS4"),
                ),
                Option(
                    "naloxone_tell",
                    N_("Tell people where my naloxone is"),
                    source=_src("HS2", "HS4"),
                ),
                Option(
                    "check_drugs",
                    N_("Check my drugs: strips or a service"),
                    source=_src("HS5", "HS6", "HS7", "Q1", "P1"),
                ),
                Option("start_low", N_("Start low and go slow"), source=_src("HS2", "HS3")),
                Option(
                    "test_dose",
                    N_("Test dose: new supply or after a break"),
                    source=_src("HS2", "HS3", "HS4"),
                ),
                Option(
                    "no_mixing",
                    N_("Not mixing alcohol, GHB, benzos, opioids"),
                    source=_src("HS3", "HS4", "SX5", "OD11", note="GHB: SX5, OD11"),
                ),
                Option("less_if_mixing", N_("Less of each if I do mix"), source=_src("HS3", "HS4")),
                Option(
                    "new_equipment",
                    N_("New equipment, never shared"),
                    source=_src("HS2", "HS3"),
                ),
                Option(
                    "stimulant_care",
                    N_("Sip water, eat and rest on stimulants"),
                    source=_src(
                        "HS8", "HS9", "SX6", note="sips, not a lot at once: HS8, HS9; rest: SX6"
                    ),
                ),
                Option(
                    "cut_down_safely",
                    N_("Ask a doctor before stopping"),
                    source=_src(
                        "HS10", "HS11", "HS12", note="benzos: HS10; alcohol: HS11; G: HS12"
                    ),
                ),
            ),
        ),
        Step(
            "drugs_supplies",
            N_(
                "What supplies do you want to have, and where do you get them? For example "
                "naloxone, test strips or new equipment, from a pharmacy, a harm reduction "
                "service or an outreach worker."
            ),
            AnswerKind.LIST,
            title=N_("My supplies and where I get them"),
            lines=("drug_info",),
            local_services=True,
            hint=SUPPLIES_HOW,
            optional=True,
            when=DRUGS,
            options=(
                Option("naloxone", N_("Naloxone")),
                Option("test_strips", N_("Test strips")),
                Option("new_equipment", N_("New equipment")),
                Option("pharmacy", N_("From a pharmacy")),
                Option("hr_service", N_("From a harm reduction service")),
                Option("outreach", N_("From an outreach worker")),
            ),
        ),
        Step(
            "drugs_checkin",
            N_(
                "Who could be with you, or check on you, when you use? It helps if they know "
                "where your naloxone is and what to do."
            ),
            AnswerKind.CONTACTS,
            title=N_("Who checks on me"),
            hint=CONTACT_HOW,
            optional=True,
            when=DRUGS,
        ),
        OVERDOSE,
        # --- Sex -----------------------------------------------------------------------
        Step(
            "sex_practices",
            N_(
                "What would you like to do to keep sex safer? Pick what fits you.\n\n"
                "<b>PEP</b> lowers the chance of getting HIV after a risk, like a condom "
                "breaking. Start it as soon as you can, within 72 hours: ask at a sexual "
                "health clinic or an emergency department. You then take it every day for "
                "28 days.\n"
                "<b>Emergency contraception</b> works best the sooner you take it. Some "
                "types work up to 5 days after sex.\n"
                "<b>Sex and drugs together:</b> set your limits while sober, and go with "
                "someone you trust or tell someone where you are. G mixed with alcohol, "
                "ketamine or benzos is much riskier."
            ),
            AnswerKind.CHECKLIST,
            title=N_("How I make sex safer"),
            hint=CHECK_HOW,
            optional=True,
            when=SEX,
            options=(
                Option(
                    "condoms",
                    N_("Condoms and lube"),
                    source=_src("SX1", "SX5", note="condoms: SX1, SX5; lube is not named there"),
                ),
                Option("prep", N_("PrEP, as pills or an injection"), source=_src("SX1", "SX2")),
                Option(
                    "pep",
                    N_("Know where to get PEP within 72 hours"),
                    source=_src("SX2", "SX7", "SX8", note="28 days: SX7, SX8"),
                ),
                Option(
                    "testing",
                    N_("Regular testing, on a rhythm I choose"),
                    source=_src("SX3", "SX5"),
                ),
                Option("contraception", N_("Contraception that suits me"), source=_src("SX4")),
                Option(
                    "emergency_contra",
                    N_("Emergency contraception if I need it"),
                    source=_src("SX4"),
                ),
                Option(
                    "vaccines",
                    N_("Vaccines: HPV, hepatitis A and B, mpox"),
                    source=_src("SX2"),
                ),
                Option(
                    "consent",
                    N_("Talk with partners about consent"),
                    source=_src("SX5", "P3"),
                ),
                Option(
                    "sex_and_drugs",
                    N_("A plan for sex and drugs together"),
                    source=_src("SX5", "SX6"),
                ),
            ),
        ),
        Step(
            "sex_supplies",
            N_(
                "Where do you get condoms, PrEP, testing or anything else you need? A place, "
                "a clinic, a website: whatever helps you find it again."
            ),
            AnswerKind.LIST,
            title=N_("Where I get supplies and testing"),
            local_services=True,
            hint=OWN_WORDS,
            optional=True,
            when=SEX,
            options=(
                Option("clinic", N_("A sexual health clinic")),
                Option("pharmacy", N_("A pharmacy")),
                Option("doctor", N_("My doctor")),
                Option("home_tests", N_("Home testing kits")),
                Option("community", N_("A community or outreach service")),
            ),
        ),
        Step(
            "sex_talk",
            N_(
                "Who can you talk to about sex and sexual health? A friend, a partner, a "
                "nurse or a clinic."
            ),
            AnswerKind.CONTACTS,
            title=N_("Who I can talk to about sex"),
            hint=CONTACT_HOW,
            optional=True,
            when=SEX,
        ),
        # --- Self-harm: harm minimisation only --------------------------------------------
        Step(
            "selfharm_practices",
            N_(
                "You deserve care, not judgement. Here are ways to lower the harm and look "
                "after yourself. Tick any that fit, or type your own.\n\n"
                "If things feel like too much right now, /sos shows crisis lines, and /start "
                "can help you make a safety plan."
            ),
            AnswerKind.CHECKLIST,
            title=N_("How I look after myself"),
            hint=CHECK_HOW,
            optional=True,
            when=SELF_HARM,
            options=(
                Option("delay", N_("Wait a while when the urge comes"), source=_src("SH1", "SH2")),
                Option(
                    "substitute",
                    N_("Try a substitute first, like holding ice"),
                    source=_src("SH2"),
                ),
                Option(
                    "not_when_using",
                    N_("Not when I've been drinking or using"),
                    source=_src("SH2"),
                ),
                Option(
                    "first_aid_kit",
                    N_("Keep a clean first-aid kit nearby"),
                    source=_src("SH1", "SH2"),
                ),
                Option(
                    "wound_care",
                    N_("Look after wounds so they heal"),
                    source=_src("SH1", "SH4", "SH5"),
                ),
                Option(
                    "tetanus",
                    N_("Keep my tetanus vaccine up to date"),
                    source=_src("SH4"),
                ),
                Option(
                    "medical_help",
                    N_("Know when to get medical help"),
                    source=_src("SH3", "SH5"),
                ),
            ),
        ),
        MEDICAL_HELP,
        Step(
            "selfharm_tell",
            N_(
                "Who could you tell when things are hard, or ask for help with first aid? A "
                "friend, someone in your family, a doctor or a counsellor."
            ),
            AnswerKind.CONTACTS,
            title=N_("Who I can tell"),
            hint=CONTACT_HOW,
            optional=True,
            when=SELF_HARM,
        ),
        # --- Something else ------------------------------------------------------------
        Step(
            "other_risk",
            N_(
                "What else would you like to make safer? Say it in your own words, as much "
                "or as little as you like."
            ),
            AnswerKind.LIST,
            title=N_("Something else I want to make safer"),
            hint=OTHER_HOW,
            when=OTHER,
        ),
        Step(
            "other_safer",
            N_("What makes it safer for you, or could? Small things count."),
            AnswerKind.LIST,
            title=N_("What makes it safer"),
            hint=OWN_WORDS,
            optional=True,
            when=OTHER,
            options=(
                Option("with_someone", N_("Having someone with me")),
                Option("tell_where", N_("Telling someone where I am")),
                Option("plan_ahead", N_("Planning ahead")),
                Option("set_limits", N_("Setting my limits beforehand")),
                Option("breaks", N_("Taking breaks")),
            ),
        ),
        Step(
            "other_help",
            N_("Who helps you with it, or could?"),
            AnswerKind.CONTACTS,
            title=N_("Who helps me with it"),
            hint=CONTACT_HOW,
            optional=True,
            when=OTHER,
        ),
        # --- Everyone ------------------------------------------------------------------
        Step(
            "goals",
            N_(
                "Last, your own goals, in your own words. Big or small, they're yours, and "
                "you can change them any time."
            ),
            AnswerKind.LIST,
            title=N_("My goals"),
            hint=OWN_WORDS,
            optional=True,
            # Suggestions follow the areas chosen; own words fit anything.
            options=(
                Option("carry_naloxone", N_("Always carry naloxone"), when=DRUGS),
                Option("friend_weekends", N_("Use with a friend on weekends"), when=DRUGS),
                Option("test_3_months", N_("Get tested every 3 months"), when=SEX),
                Option("ask_prep", N_("Ask a clinic about PrEP"), when=SEX),
                Option("see_someone", N_("Talk to a doctor or counsellor"), when=SELF_HARM),
                Option("reach_out", N_("Reach out when urges come"), when=SELF_HARM),
                Option("set_limits", N_("Set my limits before I start"), when=OTHER),
                Option("tell_someone", N_("Tell one person about my plan")),
            ),
        ),
    ),
)
