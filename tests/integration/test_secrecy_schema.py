"""DESIGN.md invariant 1, checked on the real schema of each backend: the roll and the
ballot box share no column, foreign key, sequence or timestamp; ballot rows carry no
time, address, session, user agent, serial id or member."""

import sqlalchemy as sa

BOX, ROLL = "ballots", "poll_roll"
BOX_COLUMNS = {"poll_id", "id", "tracker", "content"}
FORBIDDEN = (
    "time",
    "date",
    "_at",
    "created",
    "updated",
    "addr",
    "ip",
    "session",
    "agent",
    "user",
    "member",
    "voter",
    "seq",
    "serial",
    "order",
    "rowid",
)


def inspector(db):
    return sa.inspect(db.engine)


def test_the_ballot_box_has_exactly_poll_id_tracker_and_content(db):
    columns = {c["name"]: c for c in inspector(db).get_columns(BOX)}
    assert set(columns) == BOX_COLUMNS
    for name, column in columns.items():
        assert not any(word in name.lower() for word in FORBIDDEN if name != "poll_id"), name
        assert not isinstance(column["type"], sa.DateTime | sa.Date | sa.Time), name
        assert not column.get("autoincrement") or name == "poll_id", name
        assert column.get("default") is None, (name, column.get("default"))


def test_the_box_refers_to_nothing_but_its_poll(db):
    fks = inspector(db).get_foreign_keys(BOX)
    assert [(fk["referred_table"], fk["constrained_columns"]) for fk in fks] == [
        ("polls", ["poll_id"])
    ]


def test_nothing_refers_to_the_box(db):
    insp = inspector(db)
    for table in insp.get_table_names():
        for fk in insp.get_foreign_keys(table):
            assert fk["referred_table"] != BOX, table


def test_the_roll_and_the_box_share_only_the_poll(db):
    insp = inspector(db)
    roll = {c["name"] for c in insp.get_columns(ROLL)}
    assert roll == {"poll_id", "member_id", "voted"}
    assert roll & BOX_COLUMNS == {"poll_id"}


def test_the_box_key_is_random_not_a_sequence(db, backend):
    pk = inspector(db).get_pk_constraint(BOX)["constrained_columns"]
    assert pk == ["poll_id", "id"]
    if backend == "sqlite":
        sql = db.session.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE name = 'ballots'")
        ).scalar()
        assert "WITHOUT ROWID" in sql.upper()
    else:
        sequences = db.session.execute(
            sa.text(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'ballots' "
                "AND column_default LIKE 'nextval%'"
            )
        ).scalar()
        assert sequences == 0
