"""The domain core: cases, rules, clocks, services and read queries. Imports only itself."""
