"""The harm reduction plan flow, without Telegram or a database: in the words of the domain.

A person picks what they want to make safer; only those parts of the plan are asked,
numbered and saved. Every suggestion can be declined. The self-harm part is harm
minimisation only and never names methods.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from flows.engine import (
    BACK,
    CONTINUE,
    DONE,
    EDIT_PREFIX,
    MAX_ITEMS,
    REMOVE_PREFIX,
    REVIEW,
    SAVE,
    SAVED,
    SKIP,
    Ask,
    Engine,
    Notice,
    Outcome,
    Pressed,
    Saved,
    ShowReview,
    Snapshot,
    Typed,
    item_fingerprint,
)
from flows.harm_reduction import HARM_REDUCTION
from flows.model import AnswerKind, Chosen, Step
from flows.safety_plan import CONTACT_HOW

PLAN = Engine(HARM_REDUCTION)
STEPS = HARM_REDUCTION.steps

DRUGS = [
    "drugs_what",
    "drugs_risk",
    "drugs_practices",
    "drugs_supplies",
    "drugs_checkin",
    "drugs_overdose",
]
SEX = ["sex_practices", "sex_supplies", "sex_talk"]
SELF_HARM = ["selfharm_practices", "selfharm_help", "selfharm_tell"]
OTHER = ["other_risk", "other_safer", "other_help"]
BRANCHES = {"drugs": DRUGS, "sex": SEX, "self_harm": SELF_HARM, "other": OTHER}

COMBINATIONS = [
    pytest.param(["drugs"], ["areas", *DRUGS, "goals"], id="drugs only"),
    pytest.param(["sex"], ["areas", *SEX, "goals"], id="sex only"),
    pytest.param(["self_harm"], ["areas", *SELF_HARM, "goals"], id="self-harm only"),
    pytest.param(["other"], ["areas", *OTHER, "goals"], id="something else only"),
    pytest.param(
        ["drugs", "sex", "self_harm", "other"],
        ["areas", *DRUGS, *SEX, *SELF_HARM, *OTHER, "goals"],
        id="all four",
    ),
    pytest.param(
        ["self_harm", "drugs"],
        ["areas", *DRUGS, *SELF_HARM, "goals"],
        id="order of ticking does not matter",
    ),
]


def press(snap: Snapshot, value: str) -> Outcome:
    return PLAN.handle(snap, Pressed(snap.state, value))


def type_(snap: Snapshot, text: str) -> Outcome:
    return PLAN.handle(snap, Typed(text))


def areas(*chosen: str) -> list[dict[str, str]]:
    return [{"id": area} for area in chosen]


def choose_areas(*chosen: str) -> Snapshot:
    """Ticks the areas on the first step and presses Done."""
    snap = PLAN.start().snapshot
    for area in chosen:
        snap = press(snap, area).snapshot
    return press(snap, DONE).snapshot


def move_on(snap: Snapshot, how: str) -> Snapshot:
    """Leaves a step giving as little as possible: Skip or Done, Continue on cards.

    The one step that needs words (the risk, when "something else" is chosen) gets them.
    """
    step = HARM_REDUCTION.step(snap.state)
    if step.kind == AnswerKind.INFO:
        return press(snap, CONTINUE).snapshot
    if not step.optional:
        snap = type_(snap, "Driving home late").snapshot
        return press(snap, DONE).snapshot
    return press(snap, how).snapshot


def walk(chosen: list[str], how: str = SKIP) -> Iterator[Snapshot]:
    """Every snapshot from the first branch step up to (and including) the review."""
    snap = choose_areas(*chosen)
    while snap.state != REVIEW:
        yield snap
        snap = move_on(snap, how)
    yield snap


def snapshot_at(chosen: list[str], step_id: str) -> Snapshot:
    return next(s for s in walk(chosen) if s.state == step_id)


def at_review(chosen: list[str]) -> Snapshot:
    *_, review = walk(chosen)
    assert review.state == REVIEW
    return review


# --- the declaration ----------------------------------------------------------------------


def test_the_engine_builds_from_the_declaration() -> None:
    engine = Engine(HARM_REDUCTION)
    assert engine.start().replies == (Ask("areas"),)
    assert HARM_REDUCTION.id == "harm_reduction"
    assert HARM_REDUCTION.code == "hr"
    assert HARM_REDUCTION.version == 1
    assert HARM_REDUCTION.saves_plan


def test_every_step_is_a_titled_plan_section_with_its_own_title() -> None:
    titles = [step.title for step in STEPS]
    assert all(titles)
    assert len(set(titles)) == len(titles)
    assert list(HARM_REDUCTION.sections) == list(STEPS)


def test_the_steps_come_in_order_each_branch_behind_its_area() -> None:
    declared = {step.id: step.when for step in STEPS}
    expected: dict[str, Chosen | None] = {"areas": None}
    for area, ids in BRANCHES.items():
        expected.update({step_id: Chosen("areas", area) for step_id in ids})
    expected["goals"] = None
    assert declared == expected
    assert list(declared) == list(expected)
    assert all(step.next is None for step in STEPS)  # branching lives in `when` alone


def test_the_first_step_offers_the_four_areas() -> None:
    first = HARM_REDUCTION.step("areas")
    assert first.kind == AnswerKind.MULTI
    assert not first.optional
    assert [o.id for o in first.options] == ["drugs", "sex", "self_harm", "other"]


@pytest.mark.parametrize(
    ("step_id", "kind"),
    [
        ("drugs_what", AnswerKind.LIST),
        ("drugs_risk", AnswerKind.LIST),
        ("drugs_practices", AnswerKind.CHECKLIST),
        ("drugs_supplies", AnswerKind.LIST),
        ("drugs_checkin", AnswerKind.CONTACTS),
        ("drugs_overdose", AnswerKind.INFO),
        ("sex_practices", AnswerKind.CHECKLIST),
        ("sex_supplies", AnswerKind.LIST),
        ("sex_talk", AnswerKind.CONTACTS),
        ("selfharm_practices", AnswerKind.CHECKLIST),
        ("selfharm_help", AnswerKind.INFO),
        ("selfharm_tell", AnswerKind.CONTACTS),
        ("other_risk", AnswerKind.LIST),
        ("other_safer", AnswerKind.LIST),
        ("other_help", AnswerKind.CONTACTS),
        ("goals", AnswerKind.LIST),
    ],
)
def test_each_step_takes_its_kind_of_answer(step_id: str, kind: AnswerKind) -> None:
    assert HARM_REDUCTION.step(step_id).kind == kind


def test_only_the_areas_and_the_risk_in_own_words_are_required() -> None:
    required = {s.id for s in STEPS if not s.optional and s.kind != AnswerKind.INFO}
    assert required == {"areas", "other_risk"}


def test_no_practice_checklist_is_ever_required() -> None:
    checklists = [s for s in STEPS if s.kind == AnswerKind.CHECKLIST]
    assert [s.id for s in checklists] == ["drugs_practices", "sex_practices", "selfharm_practices"]
    assert all(s.optional for s in checklists)


# --- walking each combination -----------------------------------------------------------


@pytest.mark.parametrize(("chosen", "expected"), COMBINATIONS)
def test_only_the_chosen_areas_are_asked_in_order(chosen: list[str], expected: list[str]) -> None:
    visited = [snap.state for snap in walk(chosen)]
    assert visited == [*expected[1:], REVIEW]


@pytest.mark.parametrize(("chosen", "expected"), COMBINATIONS)
def test_step_n_of_m_counts_only_the_chosen_areas(chosen: list[str], expected: list[str]) -> None:
    total = len(expected)
    answered = {"areas": areas(*chosen)}
    assert PLAN.position("areas", answered) == (1, total)
    for snap in walk(chosen):
        if snap.state != REVIEW:
            assert PLAN.position(snap.state, snap.answers) == (
                expected.index(snap.state) + 1,
                total,
            )
    left_out = [s.id for s in STEPS if s.id not in expected]
    for step_id in left_out:
        assert PLAN.position(step_id, answered) == (0, total)


def test_before_any_area_is_ticked_the_plan_has_two_sections() -> None:
    assert PLAN.position("areas", {}) == (1, 2)
    assert PLAN.position("goals", {}) == (2, 2)


def test_ticking_an_area_grows_the_count_at_once() -> None:
    snap = press(PLAN.start().snapshot, "drugs").snapshot
    assert snap.state == "areas"
    assert PLAN.position("areas", snap.answers) == (1, 8)
    snap = press(snap, "sex").snapshot
    assert PLAN.position("areas", snap.answers) == (1, 11)
    snap = press(snap, "drugs").snapshot  # a second tap unticks
    assert snap.answers["areas"] == areas("sex")
    assert PLAN.position("areas", snap.answers) == (1, 5)


@pytest.mark.parametrize(("chosen", "expected"), COMBINATIONS)
def test_the_plan_holds_only_the_chosen_areas_sections(
    chosen: list[str], expected: list[str]
) -> None:
    review = at_review(chosen)
    assert [s.id for s in PLAN.sections_in_plan(review.answers)] == expected


@pytest.mark.parametrize("how", [SKIP, DONE], ids=["skip", "done with nothing ticked"])
@pytest.mark.parametrize(("chosen", "expected"), COMBINATIONS)
def test_declining_every_suggestion_still_reaches_the_review_and_saves(
    chosen: list[str], expected: list[str], how: str
) -> None:
    review = at_review(chosen) if how == SKIP else list(walk(chosen, how))[-1]
    assert review.state == REVIEW
    ticked = {k: v for k, v in review.answers.items() if k not in ("areas", "other_risk")}
    # Skip and Done leave an empty list; a card that was read is marked True.
    assert all(v in ([], True) for v in ticked.values())
    saved = press(review, SAVE)
    assert saved.snapshot.state == SAVED
    assert saved.replies == (Saved(),)


def test_the_risk_in_own_words_is_needed_when_something_else_is_chosen() -> None:
    snap = choose_areas("other")
    assert snap.state == "other_risk"
    refused = press(snap, SKIP)
    assert refused.snapshot.state == "other_risk"
    assert isinstance(refused.replies[0], Notice)
    refused = press(snap, DONE)
    assert refused.snapshot.state == "other_risk"
    assert isinstance(refused.replies[0], Notice)
    snap = type_(snap, "Gambling on payday").snapshot
    moved = press(snap, DONE)
    assert moved.snapshot.state == "other_safer"
    assert moved.snapshot.answers["other_risk"] == [{"text": "Gambling on payday"}]


def test_at_least_one_area_is_needed_but_own_words_count() -> None:
    snap = PLAN.start().snapshot
    refused = press(snap, DONE)
    assert refused.snapshot.state == "areas"
    assert isinstance(refused.replies[0], Notice)
    assert press(snap, SKIP).snapshot.state == "areas"


def test_own_words_alone_on_the_first_step_bring_in_no_branch() -> None:
    """Typed words are kept, but only a ticked area opens its part: hence the hint."""
    snap = type_(PLAN.start().snapshot, "Gambling").snapshot
    assert snap.answers["areas"] == [{"text": "Gambling"}]
    moved = press(snap, DONE).snapshot
    assert moved.state == "goals"
    assert [s.id for s in PLAN.sections_in_plan(moved.answers)] == ["areas", "goals"]
    hint = HARM_REDUCTION.step("areas").hint
    assert hint is not None
    assert "Something else" in hint


def test_the_overdose_card_and_the_medical_help_card_are_read_and_continued() -> None:
    snap = snapshot_at(["drugs", "self_harm"], "drugs_overdose")
    assert PLAN.current(snap).replies == (Ask("drugs_overdose"),)
    assert press(snap, CONTINUE).snapshot.state == "selfharm_practices"
    snap = snapshot_at(["self_harm"], "selfharm_help")
    assert press(snap, CONTINUE).snapshot.state == "selfharm_tell"


def test_suggestions_and_own_words_are_kept_on_a_practice_checklist() -> None:
    snap = snapshot_at(["drugs"], "drugs_practices")
    snap = press(snap, "naloxone").snapshot
    snap = press(snap, "with_someone").snapshot
    snap = press(snap, "with_someone").snapshot  # untick
    snap = type_(snap, "Text Jo before I use").snapshot
    moved = press(snap, DONE).snapshot
    assert moved.state == "drugs_supplies"
    assert moved.answers["drugs_practices"] == [
        {"id": "naloxone"},
        {"text": "Text Jo before I use"},
    ]


# --- back, across branches ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "start", "back_to"),
    [
        pytest.param(["drugs", "sex"], "sex_practices", "drugs_overdose", id="sex to drugs"),
        pytest.param(
            ["sex", "other"], "other_risk", "sex_talk", id="something else to sex, skipping"
        ),
        pytest.param(
            ["drugs", "self_harm"], "selfharm_practices", "drugs_overdose", id="self-harm to drugs"
        ),
        pytest.param(["self_harm"], "selfharm_practices", "areas", id="first branch to areas"),
        pytest.param(["drugs", "self_harm"], "goals", "selfharm_tell", id="goals to last branch"),
        pytest.param(["other"], "goals", "other_help", id="goals to something else"),
        pytest.param(["drugs"], "drugs_what", "areas", id="first drugs step to areas"),
    ],
)
def test_back_goes_to_the_last_step_that_applies(
    chosen: list[str], start: str, back_to: str
) -> None:
    snap = snapshot_at(chosen, start)
    back = press(snap, BACK)
    assert back.snapshot.state == back_to
    assert back.replies == (Ask(back_to),)
    assert back.snapshot.answers == snap.answers


@pytest.mark.parametrize(("chosen", "expected"), COMBINATIONS)
def test_back_from_the_review_retraces_only_the_chosen_steps(
    chosen: list[str], expected: list[str]
) -> None:
    snap = at_review(chosen)
    retraced = []
    while PLAN.can_go_back(snap):
        snap = press(snap, BACK).snapshot
        retraced.append(snap.state)
    assert retraced == list(reversed(expected))
    first = press(snap, BACK)
    assert first.snapshot.state == "areas"
    assert isinstance(first.replies[0], Notice)


# --- edit from the review ---------------------------------------------------------------


def test_edit_a_branch_section_from_the_review_and_come_back() -> None:
    review = at_review(["drugs", "sex"])
    editing = press(review, EDIT_PREFIX + "sex_supplies")
    assert editing.snapshot.state == "sex_supplies"
    assert editing.snapshot.editing
    assert editing.replies == (Ask("sex_supplies"),)
    snap = type_(editing.snapshot, "Clinic on Main Street").snapshot
    snap = press(snap, "pharmacy").snapshot
    back = press(snap, DONE)
    assert back.snapshot.state == REVIEW
    assert not back.snapshot.editing
    assert back.replies == (ShowReview(),)
    assert back.snapshot.answers["sex_supplies"] == [
        {"text": "Clinic on Main Street"},
        {"id": "pharmacy"},
    ]


def test_back_while_editing_a_section_returns_to_the_review() -> None:
    review = at_review(["drugs"])
    snap = press(review, EDIT_PREFIX + "drugs_practices").snapshot
    assert press(snap, BACK).snapshot.state == REVIEW
    snap = press(review, EDIT_PREFIX + "drugs_overdose").snapshot
    assert press(snap, CONTINUE).snapshot.state == REVIEW


def test_a_section_of_an_area_not_chosen_cannot_be_edited() -> None:
    review = at_review(["drugs"])
    # The review only offers the sections in the plan; a forged button is refused kindly.
    assert "sex_practices" not in [s.id for s in PLAN.sections_in_plan(review.answers)]
    edited = press(review, EDIT_PREFIX + "not_a_step")
    assert edited.snapshot == review
    assert isinstance(edited.replies[0], Notice)


def test_unticking_an_area_from_the_review_drops_its_sections() -> None:
    review = at_review(["drugs", "sex", "self_harm", "other"])
    review = press(press(review, EDIT_PREFIX + "drugs_practices").snapshot, "naloxone").snapshot
    review = press(review, DONE).snapshot
    assert review.state == REVIEW
    snap = press(review, EDIT_PREFIX + "areas").snapshot
    assert snap.state == "areas"
    snap = press(snap, "drugs").snapshot  # untick
    after = press(snap, DONE).snapshot
    assert after.state == REVIEW
    in_plan = [s.id for s in PLAN.sections_in_plan(after.answers)]
    assert in_plan == ["areas", *SEX, *SELF_HARM, *OTHER, "goals"]
    assert not set(DRUGS) & set(in_plan)
    assert PLAN.position("drugs_practices", after.answers) == (0, len(in_plan))
    assert PLAN.position("goals", after.answers) == (len(in_plan), len(in_plan))
    # Back from the review no longer passes through the drugs part.
    retraced = []
    snap = after
    while PLAN.can_go_back(snap):
        snap = press(snap, BACK).snapshot
        retraced.append(snap.state)
    assert not set(DRUGS) & set(retraced)
    # What was written there is still in the draft (ticking drugs again brings it back),
    # but it is not part of the plan while drugs is unticked.
    assert after.answers["drugs_practices"] == [{"id": "naloxone"}]


def test_unticking_every_area_from_the_review_is_refused() -> None:
    review = at_review(["sex"])
    snap = press(press(review, EDIT_PREFIX + "areas").snapshot, "sex").snapshot
    refused = press(snap, DONE)
    assert refused.snapshot.state == "areas"
    assert isinstance(refused.replies[0], Notice)


# --- wording rules ------------------------------------------------------------------------


def texts_of(step: Step) -> list[str]:
    """Every user-facing string of a step."""
    texts = [step.prompt, *(o.label for o in step.options), *step.card]
    texts += [t for t in (step.title, step.hint) if t]
    return texts


ALL_TEXTS = [HARM_REDUCTION.title, *(t for step in STEPS for t in texts_of(step))]
CARDS = [step for step in STEPS if step.card]


def test_every_practice_option_names_its_sources() -> None:
    reference = re.compile(r"\[(HS|OD|SX|SH|N|P|Q|M|L)\d+\] https?://\S+")
    checked = 0
    for step in STEPS:
        if step.kind != AnswerKind.CHECKLIST:
            continue
        for option in step.options:
            assert option.source, f"{step.id}|{option.id} has no source"
            assert reference.search(option.source), option.source
            checked += 1
    assert checked >= 20


def test_every_card_names_its_sources() -> None:
    reference = re.compile(r"\[(OD|SH)\d+\] https?://\S+")
    for step in CARDS:
        assert step.source, step.id
        assert len(reference.findall(step.source)) >= 3, step.source


def test_a_reference_id_always_points_to_the_same_url() -> None:
    seen: dict[str, str] = {}
    sources = [step.source for step in STEPS] + [o.source for s in STEPS for o in s.options]
    for source in sources:
        for ref, url in re.findall(r"\[(\w+)\] (\S+)", source or ""):
            assert seen.setdefault(ref, url) == url, ref


def test_every_button_token_fits_telegrams_64_bytes() -> None:
    tag = f"{HARM_REDUCTION.code}{HARM_REDUCTION.version}"
    longest_remove = f"{REMOVE_PREFIX}{MAX_ITEMS - 1}:ffffff"
    tokens = [f"{tag}|{REVIEW}|{EDIT_PREFIX}{s.id}" for s in HARM_REDUCTION.sections]
    tokens += [f"{tag}|{REVIEW}|{v}" for v in (SAVE, BACK)]
    for step in STEPS:
        values = [o.id for o in step.options]
        values += [CONTINUE, DONE, SKIP, BACK, longest_remove]
        tokens += [f"{tag}|{step.id}|{value}" for value in values]
    for token in tokens:
        assert len(token.encode()) <= 64, token


def test_ids_are_short_snake_case() -> None:
    snake = re.compile(r"^[a-z][a-z0-9_]*$")
    for step in STEPS:
        assert snake.match(step.id), step.id
        assert len(step.id) <= 20, step.id
        ids = [o.id for o in step.options]
        assert len(set(ids)) == len(ids), step.id
        for option_id in ids:
            assert snake.match(option_id), option_id
            assert len(option_id) <= 20, option_id


def test_button_labels_are_short_enough_for_a_phone() -> None:
    for step in STEPS:
        for option in step.options:
            assert len(option.label) <= 40, option.label


@pytest.mark.parametrize("step", CARDS, ids=[s.id for s in CARDS])
def test_every_card_holds_the_emergency_number_at_most_once_a_paragraph(step: Step) -> None:
    """Each paragraph is its own msgid: translators keep {emergency} as it is, once."""
    assert any("{emergency}" in paragraph for paragraph in step.card)
    for paragraph in step.card:
        assert paragraph.count("{emergency}") <= 1
        assert set(re.findall(r"\{[^}]*\}", paragraph)) <= {"{emergency}"}
        assert "112" in paragraph.format(emergency="112") or "{" not in paragraph


def card_of(step_id: str) -> str:
    return "\n\n".join(HARM_REDUCTION.step(step_id).card)


def test_the_cards_are_the_overdose_response_and_when_to_get_medical_help() -> None:
    assert [(s.id, s.title) for s in CARDS] == [
        ("drugs_overdose", "If someone overdoses"),
        ("selfharm_help", "When to get medical help"),
    ]
    overdose = card_of("drugs_overdose")
    for must in ("naloxone", "breath", "recovery position", "Stay with them", "not sure"):
        assert must in overdose, must


def test_the_overdose_card_says_what_to_do_breathing_or_not() -> None:
    opioids = HARM_REDUCTION.step("drugs_overdose").card[0]
    assert "If they aren't breathing, give rescue breaths or CPR" in opioids
    assert "the operator on the phone can guide you" in opioids
    assert "If they are breathing, or if you have to leave them" in opioids
    assert "recovery position" in opioids
    # The naloxone steps are kept as they were.
    assert "Give naloxone if you have it." in opioids
    assert "If they don't respond after 2 to 3 minutes, give another one" in opioids
    assert "Naloxone wears off after 30 to 90 minutes" in opioids


def test_the_overdose_card_covers_uppers_and_g_or_alcohol_in_plain_steps() -> None:
    _, pills, uppers, downers = HARM_REDUCTION.step("drugs_overdose").card
    assert "call {emergency} now, even if they seem fine" in pills
    assert "Don't try to make them sick" in pills
    for must in ("very hot", "chest pain", "panicking", "seizure", "{emergency}", "cool"):
        assert must in uppers, must
    assert "don't leave them" in uppers
    for must in ("G (GHB or GBL) or alcohol", "can't be woken", "being sick", "{emergency}"):
        assert must in downers, must
    assert "recovery position" in downers
    assert "Stay with them" in downers
    for card in (pills, uppers, downers):
        assert len(card) < 500  # short: read in a hurry


def test_the_medical_help_card_gives_burn_first_aid() -> None:
    card = card_of("selfharm_help")
    for must in (
        "cool running water for 20 minutes",
        "No ice",
        "no creams",
        "cover it loosely",
        "a burn is large or deep, or is on the face or hands",
    ):
        assert must in card, must


def test_the_practices_name_g_withdrawal_and_sipping_water() -> None:
    step = HARM_REDUCTION.step("drugs_practices")
    labels = {o.id: o.label for o in step.options}
    assert "GHB" in labels["no_mixing"]
    assert "Sip water" in labels["stimulant_care"]
    assert "sip water" in step.prompt
    assert "rather than a lot at once" in step.prompt
    assert "stopping all at once can cause seizures" in step.prompt
    assert "Talk to a doctor or a drug service first" in step.prompt
    assert "cut_down_safely" in labels
    stimulants = step.option("stimulant_care")
    assert stimulants is not None
    assert stimulants.source
    assert "needs one" not in stimulants.source


def test_pep_is_said_to_last_28_days() -> None:
    assert "every day for 28 days" in HARM_REDUCTION.step("sex_practices").prompt


def test_under_the_overdose_steps_only_the_overdose_response_line() -> None:
    """Treatment and drug information lines go with the supplies, not the emergency."""
    assert HARM_REDUCTION.step("drugs_overdose").lines == ("harm_reduction",)
    assert "drug_info" in HARM_REDUCTION.step("drugs_supplies").lines


GOALS_FOR = {
    "drugs": {"carry_naloxone", "friend_weekends"},
    "sex": {"test_3_months", "ask_prep"},
    "self_harm": {"see_someone", "reach_out"},
    "other": {"set_limits"},
}


@pytest.mark.parametrize("area", list(GOALS_FOR))
def test_goal_suggestions_follow_the_areas_chosen(area: str) -> None:
    goals = HARM_REDUCTION.step("goals")
    offered = {o.id for o in goals.offered({"areas": areas(area)})}
    assert offered == GOALS_FOR[area] | {"tell_someone"}


def test_goal_suggestions_for_several_areas_add_up() -> None:
    goals = HARM_REDUCTION.step("goals")
    offered = {o.id for o in goals.offered({"areas": areas("drugs", "sex")})}
    assert offered == GOALS_FOR["drugs"] | GOALS_FOR["sex"] | {"tell_someone"}
    assert {o.id for o in goals.options} == set().union(*GOALS_FOR.values(), {"tell_someone"})


def test_a_goal_for_an_area_not_chosen_cannot_be_picked() -> None:
    snap = snapshot_at(["sex"], "goals")
    refused = press(snap, "carry_naloxone")
    assert refused.snapshot == snap
    assert isinstance(refused.replies[0], Notice)
    picked = press(snap, "test_3_months").snapshot
    assert picked.answers["goals"] == [{"id": "test_3_months"}]


def test_a_goal_picked_stays_when_its_area_is_unticked() -> None:
    """It was the person's choice: kept, shown, and removable like any answer."""
    review = at_review(["drugs", "sex"])
    snap = press(review, EDIT_PREFIX + "goals").snapshot
    snap = press(press(snap, "carry_naloxone").snapshot, DONE).snapshot
    snap = press(press(snap, EDIT_PREFIX + "areas").snapshot, "drugs").snapshot
    after = press(snap, DONE).snapshot
    assert after.answers["goals"] == [{"id": "carry_naloxone"}]
    snap = press(after, EDIT_PREFIX + "goals").snapshot
    removed = press(snap, f"{REMOVE_PREFIX}0:{item_fingerprint({'id': 'carry_naloxone'})}")
    assert removed.snapshot.answers["goals"] == []


def test_the_self_harm_part_always_offers_crisis_lines_and_the_safety_plan() -> None:
    first = HARM_REDUCTION.step("selfharm_practices")
    card = card_of("selfharm_help")
    for text in (first.prompt, card):
        assert "/sos" in text
        assert "/start" in text
        assert "safety plan" in text


def test_no_placeholders_outside_the_cards() -> None:
    for step in STEPS:
        for text in [
            step.prompt,
            step.title or "",
            step.hint or "",
            *(o.label for o in step.options),
        ]:
            assert "{" not in text, text
            assert "}" not in text, text


def test_only_plain_telegram_html_and_no_exclamation_marks() -> None:
    for text in ALL_TEXTS:
        assert "!" not in text, text
        for tag in re.findall(r"</?([a-zA-Z]+)[^>]*>", text):
            assert tag in ("b", "i"), text
        assert text.count("<b>") == text.count("</b>"), text
        assert text.count("<i>") == text.count("</i>"), text
    # The renderer shows hints in italics already, so this flow's own hints nest no tags.
    # (CONTACT_HOW is the safety plan's, shared as it is.)
    for step in STEPS:
        if step.hint != CONTACT_HOW:
            assert "<" not in (step.hint or ""), step.id


def test_no_text_speaks_of_the_user_in_the_third_person() -> None:
    for text in ALL_TEXTS:
        assert "the user" not in text.lower(), text


# Words that must never appear anywhere in this flow: method, lethality and anatomy of harm.
# Chosen so that harm reduction wording passes ("test dose", "overdose", "start low").
NEVER_ANYWHERE = [
    r"how to cut",
    r"\bveins?\b",
    r"\barter(y|ies)\b",
    r"\bwrists?\b",
    r"\blethal",
    r"\bfatal",
    r"\bdeadly\b",
    r"\bdose of\b",
    r"\bhow many\b",
    r"\bhow much to\b",
    r"\boverdose on\b",
    r"\bnoose\b",
    r"\bligature",
    r"\brazors?\b",
    r"\bblades?\b",
]
# In the self-harm part, also no tools, technique, kinds of injury or body parts, except
# what first aid needs: the card of when to get medical help names a burn, and face or
# hands (FIRST_AID_ONLY).
FIRST_AID_ONLY = [r"\bburn(s|ing)?\b"]
NEVER_IN_SELF_HARM = [
    *FIRST_AID_ONLY,
    r"\bcut(s|ting)?\b",
    r"\bburn(s|ing)?\b",
    r"\bsharps?\b",
    r"\bimplements?\b",
    r"\btools?\b",
    r"\bdeeper\b",
    r"\bsafest\b",
    r"\bskin\b",
    r"\b(arm|leg|thigh|stomach|neck)s?\b",
    r"\bhow to\b",
    r"\bmethods?\b",
    r"\bsterili[sz]e",
]


def test_no_step_text_mentions_methods() -> None:
    for text in ALL_TEXTS:
        for pattern in NEVER_ANYWHERE:
            assert not re.search(pattern, text, re.IGNORECASE), (pattern, text)
    for step in (s for s in STEPS if s.when == Chosen("areas", "self_harm")):
        for text in texts_of(step):
            first_aid = text in step.card
            for pattern in NEVER_IN_SELF_HARM:
                if first_aid and pattern in FIRST_AID_ONLY:
                    continue
                assert not re.search(pattern, text, re.IGNORECASE), (pattern, step.id, text)


def test_burns_are_named_only_for_first_aid() -> None:
    """A burn appears only in the medical help card, beside cooling it or getting help."""
    for text in ALL_TEXTS:
        if re.search(FIRST_AID_ONLY[0], text, re.IGNORECASE):
            assert text in HARM_REDUCTION.step("selfharm_help").card, text
            assert "cool" in text or "medical help" in text, text


@pytest.mark.parametrize(
    "legitimate",
    [
        "A test dose with a new supply",
        "If someone overdoses",
        "Start low and go slow",
        "Give naloxone if you have it",
        "Call an overdose response line",
    ],
)
def test_the_denylist_lets_harm_reduction_wording_through(legitimate: str) -> None:
    assert not any(re.search(p, legitimate, re.IGNORECASE) for p in NEVER_ANYWHERE)


@pytest.mark.parametrize(
    "harmful", ["how to cut", "a lethal amount", "a dose of 20", "the vein", "a razor"]
)
def test_the_denylist_catches_method_talk(harmful: str) -> None:
    assert any(re.search(p, harmful, re.IGNORECASE) for p in NEVER_ANYWHERE)


def test_an_area_added_from_the_review_asks_its_questions_then_returns() -> None:
    review = at_review(["drugs"])
    editing = press(review, "edit:areas").snapshot
    editing = press(editing, "sex").snapshot
    asked = press(editing, DONE).snapshot
    assert asked.state == "sex_practices"
    assert asked.editing
    asked = press(asked, SKIP).snapshot
    asked = press(asked, SKIP).snapshot
    assert asked.state == "sex_talk"
    back_at_review = press(asked, SKIP).snapshot
    assert back_at_review.state == REVIEW
    assert not back_at_review.editing


def test_saving_keeps_only_the_areas_still_chosen() -> None:
    review = at_review(["drugs", "sex"])
    review = press(review, "edit:drugs_supplies").snapshot
    review = type_(review, "Naloxone from the pharmacy").snapshot
    review = press(review, DONE).snapshot
    editing = press(review, "edit:areas").snapshot
    editing = press(editing, "drugs").snapshot  # untick
    review = press(editing, DONE).snapshot
    saved = press(review, SAVE).snapshot
    assert "drugs_supplies" not in saved.answers
    assert "sex_practices" in saved.answers
