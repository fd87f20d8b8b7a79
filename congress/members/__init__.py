"""Branches and the member roll."""
