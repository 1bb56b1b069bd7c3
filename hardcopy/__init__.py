"""Printable hard copies for paper-record facilities (issue 7, docs/architecture.md)."""
