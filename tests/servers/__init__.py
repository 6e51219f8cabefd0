"""Real servers started on loopback for the test session (PostgreSQL, and later Dovecot)."""
