"""Secret ballots: polls, the roll of voters, the ballot box, casting and receipts."""
