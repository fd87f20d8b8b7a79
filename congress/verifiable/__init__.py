"""Verifiable polls: Belenios 2.0 elections run by Congress, checked by belenios-tool.

The cryptography is `congress.core.belenios`; this package is the conference's side of it:
the trustees' threshold key (the election committee, k of n from the bylaws), the
credential authority's public credentials, ballots encrypted in the voter's browser and
checked on arrival, the encrypted tally, the trustees' partial decryptions, the result
handed to the counting rules, and the `UUID.bel` archive anyone can verify.
"""
