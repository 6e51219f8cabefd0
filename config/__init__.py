"""The settings schema and the rule files, as data. Imports nothing of the project."""
