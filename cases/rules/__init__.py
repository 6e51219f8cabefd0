"""The tariff rules as data: schema, loading, and evaluation (tiers, completeness, fees,
clocks, routing). Evaluation is pure; reading the files is the caller's job."""
