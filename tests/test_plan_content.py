"""What plans say, as rendered for a region: the cards of what to do, the lines beside
them, the crisis line in step 5, and goal suggestions that follow the areas chosen."""

from __future__ import annotations

import pytest

from bot.crisis_lines import drug_line_blocks, main_crisis_line
from bot.helplines import format_dialable, load_directory
from bot.i18n import Translator, load_catalogs
from bot.render import (
    TEXT_LIMIT,
    Place,
    StepRenderer,
    medical_help_card,
    overdose_card,
    plan_blocks,
    urgent_blocks,
    visible_length,
)
from bot.screens import Message
from flows import build_engines
from flows.engine import Snapshot
from flows.model import Answers

DIRECTORY = load_directory()
ENGINES = build_engines()
T: Translator = load_catalogs().translator("en")


def place_in(region: str | None, emergency: str = "911") -> Place:
    """The place as a person in `region` gets it (see `Turn.place`)."""
    return Place(
        dial=lambda raw: format_dialable(raw, region),
        emergency=emergency,
        helplines=lambda kinds: drug_line_blocks(DIRECTORY, region, None, kinds, T),
        crisis_line=main_crisis_line(DIRECTORY, region, None, T),
    )


US = place_in("US")
DRUGS = {"areas": [{"id": "drugs"}]}
SELF_HARM = {"areas": [{"id": "self_harm"}]}


def texts(messages: list[Message]) -> str:
    return "\n\n".join(m.html for m in messages)


# --- the cards, for anyone ----------------------------------------------------------------


def test_the_overdose_card_has_every_step_and_the_regions_number() -> None:
    card = overdose_card(T, US)
    assert card.startswith("<b>If someone overdoses</b>\n")
    assert card.count("<b>911</b>") == 4  # opioids, pills, uppers, G or alcohol
    for must in (
        "rescue breaths or CPR",
        "recovery position",
        "naloxone",
        "too many pills",
        "After uppers",
        "After G (GHB or GBL) or alcohol",
    ):
        assert must in card, must
    assert "{" not in card
    assert visible_length(card) < TEXT_LIMIT


def test_the_cards_need_no_plan_and_fall_back_to_words_without_a_region() -> None:
    nowhere = place_in(None, emergency="your local emergency number")
    card = overdose_card(T, nowhere)
    assert "Call <b>your local emergency number</b>." in card
    help_card = medical_help_card(T, nowhere)
    assert help_card.startswith("<b>When to get medical help</b>\n")
    assert "Call <b>your local emergency number</b> for heavy bleeding" in help_card


def test_the_medical_help_card_gives_burn_first_aid_and_the_way_to_crisis_lines() -> None:
    card = medical_help_card(T, place_in("GB", emergency="999"))
    assert "<b>999</b>" in card
    assert "cool running water for 20 minutes" in card
    assert "/sos" in card
    assert visible_length(card) < TEXT_LIMIT


def test_a_plan_shows_the_same_overdose_card_first() -> None:
    engine = ENGINES["harm_reduction"]
    assert urgent_blocks(engine, DRUGS, T, US) == [overdose_card(T, US)]
    assert urgent_blocks(engine, SELF_HARM, T, US) == []
    blocks = plan_blocks(engine, SELF_HARM, T, US)
    assert any(block.endswith(medical_help_card(T, US).split("\n", 1)[1]) for block in blocks)


# --- the lines beside them ----------------------------------------------------------------


def test_under_the_overdose_steps_only_the_overdose_response_line() -> None:
    engine = ENGINES["harm_reduction"]
    shown = texts(StepRenderer(engine, T, US).ask(Snapshot("drugs_overdose", DRUGS)))
    assert "Never Use Alone" in shown
    assert "+1 800-484-3731" in shown
    assert "<b>911</b>" in shown
    assert "SAMHSA" not in shown  # treatment referral: with the supplies, not the emergency


def test_treatment_and_drug_information_lines_come_with_the_supplies() -> None:
    engine = ENGINES["harm_reduction"]
    shown = texts(StepRenderer(engine, T, US).ask(Snapshot("drugs_supplies", DRUGS)))
    assert "SAMHSA National Helpline" in shown
    assert "Never Use Alone" not in shown


# --- step 5: the crisis line is in the plan ----------------------------------------------


@pytest.mark.parametrize(
    ("region", "line"),
    [("US", "988 Suicide &amp; Crisis Lifeline"), ("IE", "116 123")],
)
def test_step_5_shows_the_regions_main_crisis_line_when_asked_and_in_the_plan(
    region: str, line: str
) -> None:
    engine = ENGINES["safety_plan"]
    place = place_in(region)
    asked = texts(StepRenderer(engine, T, place).ask(Snapshot("professionals", {})))
    assert "already in your plan" in asked
    assert line in asked
    answers = {"professionals": [{"name": "Dr Patel", "phone": None}]}
    [*_, section] = [b for b in plan_blocks(engine, answers, T, place) if "5. " in b]
    heading, first, second = section.split("\n")
    assert heading == "<b>5. Professionals and services I can contact</b>"
    assert line in first
    assert first.startswith("• ")
    assert second == "• Dr Patel"


def test_step_5_is_kept_in_myplan_even_when_no_one_else_was_added() -> None:
    engine = ENGINES["safety_plan"]
    blocks = plan_blocks(engine, {"professionals": []}, T, US, skip_empty=True)
    assert any("988" in block for block in blocks)
    assert not any("Warning signs" in block for block in blocks)


def test_where_no_line_is_checked_step_5_says_where_to_find_one() -> None:
    line = main_crisis_line(DIRECTORY, "AQ", None, T)
    assert line.startswith("Find a crisis line where you are: https://")
    assert main_crisis_line(DIRECTORY, None, None, T) == line


# --- goals follow the areas ---------------------------------------------------------------


def goal_buttons(answers: Answers) -> list[str]:
    engine = ENGINES["harm_reduction"]
    [*_, last] = StepRenderer(engine, T, US).ask(Snapshot("goals", answers))
    return [b.label for row in last.buttons for b in row]


def test_goal_buttons_follow_the_areas_chosen() -> None:
    sex = goal_buttons({"areas": [{"id": "sex"}]})
    assert "Get tested every 3 months" in sex
    assert "Always carry naloxone" not in sex
    assert "Tell one person about my plan" in sex
    drugs = goal_buttons(DRUGS)
    assert "Always carry naloxone" in drugs
    assert "Get tested every 3 months" not in drugs


def test_a_goal_kept_from_an_area_no_longer_chosen_is_listed_and_removable() -> None:
    answers = {"areas": [{"id": "sex"}], "goals": [{"id": "carry_naloxone"}]}
    engine = ENGINES["harm_reduction"]
    [*_, last] = StepRenderer(engine, T, US).ask(Snapshot("goals", answers))
    assert "• Always carry naloxone" in last.html
    labels = [b.label for row in last.buttons for b in row]
    assert "✕ Remove: Always carry naloxone" in labels
