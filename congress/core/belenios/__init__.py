"""Belenios 2.0, written anew in Python, so that a tool nobody here wrote verifies our polls.

This package implements the protocol of "Belenios specification, version 2.0"
(`specification.pdf.gz` of Debian's belenios-tool 2.0) exactly: archives we
write pass `belenios-tool election verify`, and archives, ballots and threshold
key-generation messages belenios-tool writes pass our checks. Where the PDF is
silent (JSON field order, string escaping, tar layout, the order of records) the
behaviour of belenios 2.0 itself was followed. Nothing here imports Flask,
SQLAlchemy or the rest of Congress.

Modules, and the part of the specification each follows:

- `groups`: BELENIOS-2048 and RFC-3526-2048 (§5) with the embedding of small
  integers (§4.11.2 group_encode), membership checks, independent generators
  (§6 table 8), the Fiat-Shamir hash to Z_q; gmpy2 when importable, else
  Python's `pow` with fixed-base tables for g and election keys.
- `serialization`: the JSON types of §4.1-4.3 as belenios writes them
  (compact, Yojson escaping, numbers as decimal strings), SHA256 hex and Base64.
- `aesccm`: AES-256-CCM for the trustees' private channels (§4.6.1), with the
  `cryptography` package's cipher.
- `credentials`: secret credentials with checksum, PBKDF2 derivation with the
  uuid as salt, public credentials and their list with weights (§4.8).
- `proofs`: ElGamal and every proof: key proofs of knowledge (§4.5), Schnorr
  signatures (§4.6.1, §4.14), interval proofs (§4.12), blank proofs (§4.13),
  non-homomorphic answer proofs (§4.11.2), decryption proofs (§4.18).
- `election`: questions and the election structure, its fingerprint (§4.9-4.10).
- `trustees`: single trustee keys, the threshold key establishment in its six
  steps (certificates, polynomials, vinputs, voutputs; §3.1.1, §4.6) and the
  trustees structure with its checks and the joint key (§4.7).
- `ballot`: ballot creation with the randomness kept for a Benaloh audit, the
  ballot box's check (canonical form, uuid, fingerprint, credential, signature,
  proofs; §3.2, §4.11, §4.14, §4.15) and the audit check.
- `tally`: last-ballot-counts, the encrypted tally (§4.16), partial decryptions
  (§4.18) and the server's check of one on arrival, Lagrange combination for
  threshold trustees and the result (§4.19).
- `mixnet`: GenShuffle, GenShuffleProof and CheckShuffleProof (§4.17, §6), and
  the server's check of a shuffle on arrival.
- `archive`: the UUID.bel tar with its hash-chained events (§4.4), written
  byte for byte as belenios-tool writes it and read back strictly.
- `verify`: `verify_archive`, the auditor's checks of §3.5 on a whole archive,
  and `verify_archive_update` (belenios' verify-diff).

Left out: protocol versions other than 1; the majority-judgment, Schulze and STV
counting methods of belenios-tool (Congress counts decrypted rankings itself);
the web server's own records (ballot summaries, checksums, sealing); the
"BELENIOS_USE_URANDOM" debug switch (randomness always comes from `secrets`).
The advice of §4.7 that the server hold a mandatory key of its own is the
caller's choice (a trustees structure with only threshold trustees is valid).
Like belenios (GMP), exponentiation is not constant-time; secrets are handled
on the trustee's or voter's own machine, not on a shared one.
Two deliberate differences: a credential typed without dashes is accepted and
normalised to the printed XXX-XXX-XXX-XXX-XXX form before derivation (belenios
derives from the string as given, and always prints the dashes), and the ballot
box refuses a blank-allowed answer without blank proof and weighted ballots in
elections with non-homomorphic questions, which belenios only discovers when
tallying.
"""

from .archive import Archive, ArchiveError, Event, Record
from .ballot import (
    Ballot,
    BallotRejected,
    CreatedBallot,
    check_ballot,
    check_plaintext,
    create_ballot,
    parse_ballot,
    tracker,
    verify_audit,
)
from .credentials import (
    PublicCredentials,
    check_credential,
    derive_secret,
    generate_credential,
    make_public_credentials,
    normalize_credential,
    parse_public_credentials,
    public_credential,
)
from .election import (
    Election,
    HomomorphicQuestion,
    NonHomomorphicQuestion,
    make_election,
    new_uuid,
    parse_election,
)
from .groups import BELENIOS_2048, HAVE_GMPY2, RFC_3526_2048, Group, get_group
from .mixnet import Shuffle, ShuffleRejected, accept_shuffle, check_shuffle, parse_shuffle, shuffle
from .serialization import FormatError
from .tally import (
    EncryptedTally,
    PartialDecryption,
    TallyError,
    accept_partial_decryption,
    check_partial_decryption,
    check_result,
    combine_factors,
    compute_encrypted_tally,
    compute_partial_decryption,
    compute_result,
    merge_nh_ciphertexts,
    nh_ciphertexts,
    parse_partial_decryption,
    parse_result,
    parse_tally,
    result_json,
)
from .trustees import (
    TrusteeError,
    check_certificate,
    check_polynomial,
    check_trustee_public_key,
    check_trustees,
    check_voutput,
    combine_keys,
    generate_trustee_key,
    make_trustees,
    owners,
    parse_trustee_public_key,
    parse_trustees,
    pedersen_step1,
    pedersen_step3,
    pedersen_step4,
    pedersen_step5,
    pedersen_step6,
    threshold_decryption_key,
)
from .verify import Check, Verification, verify_archive, verify_archive_full, verify_archive_update

__all__ = [
    "BELENIOS_2048",
    "HAVE_GMPY2",
    "RFC_3526_2048",
    "Archive",
    "ArchiveError",
    "Ballot",
    "BallotRejected",
    "Check",
    "CreatedBallot",
    "Election",
    "EncryptedTally",
    "Event",
    "FormatError",
    "Group",
    "HomomorphicQuestion",
    "NonHomomorphicQuestion",
    "PartialDecryption",
    "PublicCredentials",
    "Record",
    "Shuffle",
    "ShuffleRejected",
    "TallyError",
    "TrusteeError",
    "Verification",
    "accept_partial_decryption",
    "accept_shuffle",
    "check_ballot",
    "check_certificate",
    "check_credential",
    "check_partial_decryption",
    "check_plaintext",
    "check_polynomial",
    "check_result",
    "check_shuffle",
    "check_trustee_public_key",
    "check_trustees",
    "check_voutput",
    "combine_factors",
    "combine_keys",
    "compute_encrypted_tally",
    "compute_partial_decryption",
    "compute_result",
    "create_ballot",
    "derive_secret",
    "generate_credential",
    "generate_trustee_key",
    "get_group",
    "make_election",
    "make_public_credentials",
    "make_trustees",
    "merge_nh_ciphertexts",
    "new_uuid",
    "nh_ciphertexts",
    "normalize_credential",
    "owners",
    "parse_ballot",
    "parse_election",
    "parse_partial_decryption",
    "parse_public_credentials",
    "parse_result",
    "parse_shuffle",
    "parse_tally",
    "parse_trustee_public_key",
    "parse_trustees",
    "pedersen_step1",
    "pedersen_step3",
    "pedersen_step4",
    "pedersen_step5",
    "pedersen_step6",
    "public_credential",
    "result_json",
    "shuffle",
    "threshold_decryption_key",
    "tracker",
    "verify_archive",
    "verify_archive_full",
    "verify_archive_update",
    "verify_audit",
]
