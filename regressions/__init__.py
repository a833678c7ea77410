"""Regression suites, their runner and reports."""
