"""Periodic work: clock sweeps, reminders, digests, outbox delivery. May import `cases` only."""
