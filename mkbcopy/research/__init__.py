"""The persona study and the brief: loading, validating, and what the brief lacks."""
