"""The `congress` commands: init, create-admin, demo."""

from sqlalchemy import func, select

from congress.auth.models import User
from congress.members.models import Branch, Member


def test_init_is_idempotent_and_records_the_configuration_once(runner):
    first = runner.invoke(args=["congress", "init"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["congress", "init"])
    assert second.exit_code == 0 and "up to date" in second.output
    assert "Configuration change" not in second.output
    assert runner.invoke(args=["congress", "audit", "verify"]).exit_code == 0


def test_demo_loads_four_branches_sixty_members_and_the_staff_once(runner, db):
    runner.invoke(args=["congress", "init"])
    result = runner.invoke(args=["congress", "demo"])
    assert result.exit_code == 0 and "admin@congress.test" in result.output
    codes = set(db.session.execute(select(Branch.code)).scalars())
    assert codes == {"SY", "TR", "EU", "US"}
    assert db.session.execute(select(func.count(Member.id))).scalar() == 60
    again = runner.invoke(args=["congress", "demo"])
    assert "already present" in again.output
    staff = db.session.execute(select(func.count(User.id)).where(User.member_id.is_(None)))
    assert staff.scalar() == 9  # 5 on the committee, and the credential authority


def test_the_demo_can_be_tried_at_once_whatever_the_day(runner, db, make_browser):
    """Issue 15.11: `make run` on any date gives a conference where a new user can check in,
    stand as a candidate, vote in an open poll and read a certified result; the logins it
    prints are the ones README.md describes."""
    runner.invoke(args=["congress", "init"])
    result = runner.invoke(args=["congress", "demo"])
    assert result.exit_code == 0, result.output
    for email, what in (
        ("member01@congress.test", "delegate, present"),
        ("member02@congress.test", "delegate, to check in"),
    ):
        assert what in result.output and email in result.output
    present, late = make_browser(), make_browser()
    assert present.login("member01@congress.test", "delegate-demo-2026").status_code == 302
    assert late.login("member02@congress.test", "delegate-demo-2026").status_code == 302
    home = present.get("/").get_data(as_text=True)
    assert "صوّت الآن" in home and "النتائج المصدَّقة" in home  # vote now; certified results
    assert "سجّل حضورك" in late.get("/").get_data(as_text=True)  # check in
    from congress.conference.models import Conference

    conference = db.session.execute(select(Conference)).scalar_one()
    mine = present.get(f"/conferences/{conference.id}/candidacy").get_data(as_text=True)
    assert f'action="/conferences/{conference.id}/candidacy/stand"' in mine
    assert runner.invoke(args=["congress", "audit", "verify"]).exit_code == 0


def test_create_admin_refuses_a_weak_password(runner, db):
    runner.invoke(args=["congress", "init"])
    bad = runner.invoke(
        args=[
            "congress",
            "create-admin",
            "--email",
            "a@x.org",
            "--name",
            "A",
            "--password",
            "short",
        ]
    )
    assert bad.exit_code == 1
    good = runner.invoke(
        args=[
            "congress",
            "create-admin",
            "--email",
            "a@x.org",
            "--name",
            "A",
            "--password",
            "long-enough-secret",
        ]
    )
    assert good.exit_code == 0
    user = db.session.execute(select(User)).scalar_one()
    assert user.has_role("administrator")


def test_the_tally_command_counts_a_blt_file_and_refuses_a_malformed_one(runner, tmp_path):
    import json

    good = tmp_path / "small.blt"
    good.write_text('3 1\n4 1 0\n3 2 0\n2 3 2 0\n0\n"Ann"\n"Bo"\n"Cy"\n"Test"\n')
    result = runner.invoke(
        args=["congress", "tally", str(good), "--method", "stv-scottish", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["winners"] == ["Bo"] and report["method"] == "stv-scottish"
    assert {"seats", "rounds", "ties"} <= set(report)
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n4 1 0\nx\n")
    refused = runner.invoke(args=["congress", "tally", str(bad), "--method", "block"])
    assert refused.exit_code == 2 and "line 3" in refused.output


def test_an_endorsement_already_given_is_shown_not_a_dead_end(runner, db, make_browser):
    """The walk-through tapped "endorse" and was told to withdraw an endorsement that no
    page showed. The page now names it, and offers no button it would refuse."""
    from congress.conference.models import Conference

    runner.invoke(args=["congress", "init"])
    runner.invoke(args=["congress", "demo"])
    conference = db.session.execute(select(Conference)).scalar_one()
    member = make_browser()
    member.login("member01@congress.test", "delegate-demo-2026")
    page = member.get(f"/conferences/{conference.id}/endorsements").get_data(as_text=True)
    assert "لم يعد ممكنًا سحب التزكية" in page
    assert '/endorse"' not in page
