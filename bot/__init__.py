"""The Slack app and its terminal twin. May import `cases` only."""
