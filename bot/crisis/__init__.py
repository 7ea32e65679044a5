"""Crisis detection and the crisis response.

`detection` reads free text for signs of danger now (phrase lists in
``bot/data/crisis_phrases/``); `safety_answer` reads a typed answer to "are you safe right
now?"; `evaluation` measures detection on the corpus in ``tests/data/crisis_eval/``;
`response` decides what each kind of danger gets, for every path in the bot.
May import: flows, bot.screens, bot.i18n, the crisis-line rendering. Never an adapter.
"""
