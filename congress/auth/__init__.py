"""Accounts, roles, login, sessions."""
