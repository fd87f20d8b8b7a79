"""Import every domain's models so the metadata (and Alembic) sees all tables."""

from congress.audit.models import AuditEntry, AuditHead  # noqa: F401
from congress.auth.models import PasswordReset, RecoveryCode, User, UserRole  # noqa: F401
from congress.bylaws.models import BylawsVersion  # noqa: F401
from congress.candidacy.models import (  # noqa: F401
    BodyMember,
    Candidacy,
    CandidateList,
    Endorsement,
    Objection,
)
from congress.conference.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    CommitteeSeat,
    Conference,
    Delegate,
    Invitation,
    Sitting,
)
from congress.members.models import Branch, Member  # noqa: F401
from congress.results.models import ResultObjection, Signature, Tally  # noqa: F401
from congress.sealing.models import (  # noqa: F401
    KeyHolder,
    OpenedBallot,
    PollKey,
    ShareEnvelope,
    ShareRelay,
)
from congress.verifiable.models import (  # noqa: F401
    CredentialUse,
    PartialDecryptionRow,
    TrusteeMessage,
    TrusteeSetup,
    VerifiableBallot,
    VerifiablePoll,
)
from congress.voting.models import Ballot, Poll, PollCandidate, RollEntry  # noqa: F401
