"""De-identified exports for teaching and publication (issue 11)."""
