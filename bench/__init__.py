"""Speed and memory figures for safeplan against bare python-telegram-bot bots.

Run ``python -m bench`` (``make bench``). Every bot runs in a process of its own and polls
the same fake Bot API server (``tests.fakebot``) over real HTTP on 127.0.0.1, while scripted
users in this process drive it in a closed loop. Figures only: nothing here asserts a timing.
"""
