"""Mailbox adapters and the poller that turns mail into cases. May import `cases` and `parsers`."""
