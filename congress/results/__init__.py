"""Counting a closed poll, certification by the committee, results, exports and recounts."""
