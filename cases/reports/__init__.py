"""The manager's reports: the queue export, clock compliance, charts and the regulator's annual
reports. Pure builders: frozen records in (read by `cases.persistence.report_read_model`),
bytes or text out, so that the CLI, Slack and tests all get the same file."""
