"""Pure parsers: application PDFs and e-mail messages in, frozen results out.

Imports nothing of the project (see the layout rule in the README).
"""
