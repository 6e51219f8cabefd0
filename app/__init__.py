"""The composition root: settings loading, wiring, and the `icdesk` command line. Nothing imports it."""
