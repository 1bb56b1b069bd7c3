"""Sign-in, sessions, multi-factor, headers and API defences (docs/security.md)."""
