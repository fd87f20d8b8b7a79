"""Installation-wide state: initialization and the recorded configuration."""
