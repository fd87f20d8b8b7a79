"""Pages that belong to no domain: home, health, errors, security headers."""
