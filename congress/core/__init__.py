"""Pure domain logic: no Flask, no SQLAlchemy. Plain data in, plain data out."""
