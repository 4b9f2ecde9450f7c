"""Scheduled work: check-in rounds, reminders and summaries, delivered exactly once.

The truth about what is due and what was sent lives in storage (delivery
records and leases), never in APScheduler's memory. Nothing here imports the
Agents SDK: sending goes through the :class:`~scheduling.sender.Sender`
protocol, implemented in ``bot/``.
"""
