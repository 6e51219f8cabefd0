"""The Slack listeners, one module per kind (slash command, events, buttons and modals, App
Home, the error boundary), each with a `register` that `bot.slack_app` calls."""
