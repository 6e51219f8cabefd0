"""Pure parsers: application PDFs and e-mail messages in, frozen results out.

Imports nothing of the project (see the layout rule in the README).

PDF applications: `parsers.pdf.parse_application(bytes) -> ParsedApplication` (frozen
dataclasses mirroring application.schema.json; `to_contract_dict` gives its JSON). Routes,
in order: AcroForm fields (`acroform`), the text layer read by position (`textlayer`,
`layout`, `labels`, `positional`, `tables`), OCR of image-only pages (`ocr`); then values are
normalised (`normalize`, `places`, `values`) and composed (`assemble`, `compose`). Bad files
raise `parsers.errors.UnreadablePdf` with a one-line `.reason`; `isolation` bounds each parse
in time and memory. Field names and labels are data (`synonyms`), extendable per call via
`ParserSettings`.
"""
