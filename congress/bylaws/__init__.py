"""Bylaws versions in the database, the bylaws page and the upload (the rules engine is
`congress.core.bylaws`)."""
