"""Candidacy: nominations, endorsements, statements, committee review and published lists."""
