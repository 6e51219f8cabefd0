"""Sample applications for the embedded demo."""
