"""What a reviewer would flag: lint rules, spelling, readability, coverage."""
