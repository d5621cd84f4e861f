"""Benchmarks: each compares mkbcopy with the naive way in one run and prints the ratio."""
