"""The General Conference: convening, agenda, delegates, accreditation, sittings, quorum."""
