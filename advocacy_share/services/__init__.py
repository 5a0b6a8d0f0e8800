"""Every state change of the advocacy layer. Views, tasks and signal handlers are thin callers.

- ``points``: the append-only ledger and the aggregates leaderboards read.
"""
