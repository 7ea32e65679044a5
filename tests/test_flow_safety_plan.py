"""The safety plan flow, without Telegram or a database: in the words of the domain."""

from __future__ import annotations

import pytest

from flows import build_engines
from flows.engine import (
    BACK,
    DONE,
    MAX_ITEM_CHARS,
    REVIEW,
    SAVED,
    SKIP,
    Ask,
    ContactShared,
    Effect,
    Engine,
    HandOff,
    Notice,
    Outcome,
    Pressed,
    Saved,
    ShowReview,
    Snapshot,
    Typed,
    item_fingerprint,
    parse_contact,
)
from flows.safety_plan import SAFETY_PLAN

ENGINES = build_engines()
PLAN = ENGINES["safety_plan"]
ENTRY = ENGINES["entry"]
STEPS = [s.id for s in SAFETY_PLAN.steps]


def press(engine: Engine, snap: Snapshot, value: str) -> Outcome:
    return engine.handle(snap, Pressed(snap.state, value))


def type_(engine: Engine, snap: Snapshot, text: str) -> Outcome:
    return engine.handle(snap, Typed(text))


def walk_to_review() -> Snapshot:
    """Answers the required steps and skips every optional one."""
    snap = PLAN.start().snapshot
    while snap.state != REVIEW:
        step = SAFETY_PLAN.step(snap.state)
        if step.optional:
            snap = press(PLAN, snap, SKIP).snapshot
        else:
            snap = type_(PLAN, snap, f"my words for {step.id}").snapshot
            snap = press(PLAN, snap, DONE).snapshot
    return snap


def test_the_plan_follows_the_stanley_brown_order() -> None:
    assert STEPS == [
        "warning_signs",
        "coping_alone",
        "distractions",
        "people_to_ask",
        "professionals",
        "safer_surroundings",
        "reasons_for_living",
    ]
    assert all(step.title for step in SAFETY_PLAN.steps)


def test_a_new_plan_starts_with_warning_signs_as_step_1_of_7() -> None:
    outcome = PLAN.start()
    assert outcome.replies == (Ask("warning_signs"),)
    assert PLAN.position("warning_signs", {}) == (1, 7)
    assert PLAN.position("reasons_for_living", {}) == (7, 7)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Can't sleep", [{"text": "Can't sleep"}]),
        ("one\ntwo\n\n  three  ", [{"text": "one"}, {"text": "two"}, {"text": "three"}]),
        ("  spaced    out  ", [{"text": "spaced out"}]),
    ],
    ids=["one item", "several lines are several items", "white space folded"],
)
def test_typed_words_become_items(typed: str, expected: list[dict[str, str]]) -> None:
    outcome = type_(PLAN, PLAN.start().snapshot, typed)
    assert outcome.snapshot.answers["warning_signs"] == expected
    assert outcome.replies == (Ask("warning_signs"),)


def test_a_suggestion_is_kept_by_its_id_so_it_reads_in_any_language() -> None:
    snap = press(PLAN, PLAN.start().snapshot, "hopeless").snapshot
    snap = press(PLAN, snap, "hopeless").snapshot  # pressing twice adds it once
    assert snap.answers["warning_signs"] == [{"id": "hopeless"}]


def test_done_moves_on_only_once_a_required_step_has_an_answer() -> None:
    snap = PLAN.start().snapshot
    refused = press(PLAN, snap, DONE)
    assert refused.snapshot.state == "warning_signs"
    assert isinstance(refused.replies[0], Notice)
    snap = type_(PLAN, snap, "Not eating").snapshot
    assert press(PLAN, snap, DONE).snapshot.state == "coping_alone"


def test_required_steps_cannot_be_skipped_but_optional_ones_can() -> None:
    snap = PLAN.start().snapshot
    assert press(PLAN, snap, SKIP).snapshot.state == "warning_signs"
    at_distractions = Snapshot("distractions", {"warning_signs": [{"text": "a"}]})
    assert press(PLAN, at_distractions, SKIP).snapshot.state == "people_to_ask"


def test_back_returns_to_the_previous_step_with_answers_kept() -> None:
    snap = type_(PLAN, PLAN.start().snapshot, "Not eating").snapshot
    snap = press(PLAN, snap, DONE).snapshot
    back = press(PLAN, snap, BACK)
    assert back.snapshot.state == "warning_signs"
    assert back.snapshot.answers["warning_signs"] == [{"text": "Not eating"}]
    first = press(PLAN, back.snapshot, BACK)
    assert first.snapshot.state == "warning_signs"
    assert isinstance(first.replies[0], Notice)
    assert not PLAN.can_go_back(back.snapshot)


def test_contacts_take_a_name_and_number_typed_or_shared() -> None:
    snap = Snapshot("people_to_ask", {})
    snap = type_(PLAN, snap, "Mum 07700 900123\nSam").snapshot
    snap = PLAN.handle(snap, ContactShared("Jo Bloggs", "+447700900456")).snapshot
    assert snap.answers["people_to_ask"] == [
        {"name": "Mum", "phone": "07700 900123"},
        {"name": "Sam", "phone": None},
        {"name": "Jo Bloggs", "phone": "+447700900456"},
    ]


@pytest.mark.parametrize(
    ("line", "name", "phone"),
    [
        ("Dr Patel: +44 20 7946 0000", "Dr Patel", "+44 20 7946 0000"),
        ("0800 111 0 111 TelefonSeelsorge", "TelefonSeelsorge", "0800 111 0 111"),
        ("My GP (555) 123-4567", "My GP", "(555) 123-4567"),
        ("Aunt Rose", "Aunt Rose", None),
    ],
)
def test_parse_contact(line: str, name: str, phone: str | None) -> None:
    assert parse_contact(line) == {"name": name, "phone": phone}


def test_the_checklist_toggles_actions_and_takes_something_else_in_own_words() -> None:
    snap = Snapshot("safer_surroundings", {})
    snap = press(PLAN, snap, "medicines_held").snapshot
    snap = press(PLAN, snap, "be_with_others").snapshot
    snap = press(PLAN, snap, "medicines_held").snapshot  # untick
    snap = type_(PLAN, snap, "Leave the car keys with my brother").snapshot
    assert snap.answers["safer_surroundings"] == [
        {"id": "be_with_others"},
        {"text": "Leave the car keys with my brother"},
    ]


def test_remove_needs_the_items_fingerprint_so_an_old_button_cannot_remove_another() -> None:
    snap = type_(PLAN, PLAN.start().snapshot, "first\nsecond").snapshot
    second = snap.answers["warning_signs"][1]
    wrong = press(PLAN, snap, f"rm:1:{item_fingerprint({'text': 'first'})}")
    assert wrong.snapshot.answers == snap.answers
    removed = press(PLAN, snap, f"rm:1:{item_fingerprint(second)}")
    assert removed.snapshot.answers["warning_signs"] == [{"text": "first"}]


def test_a_button_from_another_step_is_stale() -> None:
    snap = type_(PLAN, PLAN.start().snapshot, "x").snapshot
    snap = press(PLAN, snap, DONE).snapshot
    outcome = PLAN.handle(snap, Pressed("warning_signs", DONE))
    assert outcome.snapshot == snap
    assert isinstance(outcome.replies[0], Notice)
    assert outcome.replies[-1] == Ask("coping_alone")


def test_an_answer_over_the_limit_is_refused_kindly_and_nothing_changes() -> None:
    snap = PLAN.start().snapshot
    outcome = type_(PLAN, snap, "x" * (MAX_ITEM_CHARS + 1))
    assert outcome.snapshot == snap
    assert isinstance(outcome.replies[0], Notice)


def test_review_shows_the_plan_and_any_section_can_be_edited_then_saved() -> None:
    snap = walk_to_review()
    edit = press(PLAN, snap, "edit:people_to_ask")
    assert edit.snapshot.state == "people_to_ask"
    assert edit.snapshot.editing
    snap = type_(PLAN, edit.snapshot, "Sam 0123 456 789").snapshot
    back_to_review = press(PLAN, snap, DONE)
    assert back_to_review.snapshot.state == REVIEW
    assert not back_to_review.snapshot.editing
    assert back_to_review.replies == (ShowReview(),)
    saved = press(PLAN, back_to_review.snapshot, "save")
    assert saved.snapshot.state == SAVED
    assert saved.replies == (Saved(),)
    assert saved.snapshot.answers["people_to_ask"] == [{"name": "Sam", "phone": "0123 456 789"}]


def test_back_from_an_edit_returns_to_the_review() -> None:
    snap = press(PLAN, walk_to_review(), "edit:warning_signs").snapshot
    assert press(PLAN, snap, BACK).snapshot.state == REVIEW


def test_typing_at_the_review_points_to_the_buttons() -> None:
    outcome = type_(PLAN, walk_to_review(), "hello")
    assert outcome.snapshot.state == REVIEW
    assert isinstance(outcome.replies[0], Notice)
    assert outcome.replies[1] == ShowReview()


def test_a_saved_plan_reopens_at_the_review() -> None:
    outcome = PLAN.start({"warning_signs": [{"text": "a"}]})
    assert outcome.snapshot.state == REVIEW
    assert outcome.replies == (ShowReview(),)


def test_entry_not_safe_shows_crisis_lines_then_offers_a_plan() -> None:
    snap = press(ENTRY, ENTRY.start().snapshot, "continue").snapshot
    assert snap.state == "safe_now"
    outcome = press(ENTRY, snap, "no")
    assert outcome.replies == (Effect("crisis_lines"), Ask("choose"))


def test_entry_help_me_choose_explains_then_hands_over() -> None:
    snap = Snapshot("choose", {})
    explained = press(ENTRY, snap, "help")
    assert explained.replies == (Ask("explain"),)
    chosen = press(ENTRY, explained.snapshot, "safety_plan")
    assert chosen.replies == (HandOff("safety_plan"),)
    assert press(ENTRY, snap, "harm_reduction").replies == (HandOff("harm_reduction"),)


@pytest.mark.parametrize("plan", ["safety_plan", "harm_reduction"])
def test_a_link_into_a_plan_still_asks_if_you_are_safe_right_now(plan: str) -> None:
    engine = ENGINES[f"entry_{plan}"]
    snap = press(engine, engine.start().snapshot, "continue").snapshot
    assert snap.state == "safe_now"
    assert press(engine, snap, "yes").replies == (HandOff(plan),)
    assert press(engine, snap, "no").replies == (Effect("crisis_lines"), HandOff(plan))


def test_step_5_lists_the_regions_crisis_line_so_its_question_is_true() -> None:
    professionals = SAFETY_PLAN.step("professionals")
    assert "crisis line for your region is already in your plan" in professionals.prompt
    assert professionals.crisis_line
    assert [s.id for s in SAFETY_PLAN.steps if s.crisis_line] == ["professionals"]


def test_step_6_offers_a_gun_first_as_what_the_person_can_do() -> None:
    options = SAFETY_PLAN.step("safer_surroundings").options
    assert [(o.id, o.label) for o in options[:2]] == [
        ("gun_away", "Keep a gun away from home"),
        ("gun_locked", "Keep a gun locked and unloaded"),
    ]
    for option in options[:2]:
        assert len(option.label) <= 30
    # The options that were there before stay, so older drafts and plans still read.
    assert {"medicines_held", "small_amounts", "lock_away", "no_alcohol"} <= {o.id for o in options}


def test_the_welcome_says_honestly_who_keeps_what_and_how_to_clear_it() -> None:
    from flows.entry import WELCOME

    text = WELCOME.prompt
    assert "encrypted" in text
    assert "Telegram keeps this chat too" in text
    assert "delete the chat in Telegram" in text
    assert "/delete" in text
    assert "!" not in text
