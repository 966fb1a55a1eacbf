"""``firewarden worker --once`` publishes a due draft through the dry-run publisher."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from firewarden.accounts import service as accounts
from firewarden.cli import cli
from firewarden.review import service
from firewarden.review.policy import ApprovalPolicy
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade
from firewarden.store.tables import Publication


def test_worker_once_publishes_due_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    upgrade(engine)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with session_factory(engine)() as s:
        org = accounts.create_organisation(s, slug="acme", name="Acme", now=past)
        ids = {}
        for name, roles, tags in [
            ("author", ["author"], []),
            ("a", ["reviewer"], ["age:30s"]),
            ("b", ["reviewer"], ["age:50s"]),
            ("l", ["legal"], []),
        ]:
            u = accounts.create_user(
                s, email=f"{name}@acme.test", display_name=name, password=None, now=past
            )
            accounts.add_member(s, org_id=org.id, user_id=u.id, roles=roles, actor="t", now=past)
            accounts.set_perspective_tags(s, org_id=org.id, user_id=u.id, tags=tags)
            ids[name] = u.id
        acct = accounts.add_social_account(
            s, org_id=org.id, platform="dryrun", handle="@acme", now=past
        )
        draft = service.create_draft(
            s,
            org_id=org.id,
            author_id=ids["author"],
            text="Our spring menu is here.",
            targets=[acct.id],
            now=past,
        )
        service.submit_for_review(
            s, org_id=org.id, draft_id=draft.id, user_id=ids["author"], now=past
        )
        for who in ("a", "b", "l"):  # as many approvals as the real check's level needs
            decision = service.approve(
                s,
                org_id=org.id,
                draft_id=draft.id,
                user_id=ids[who],
                policy=ApprovalPolicy(),
                now=past,
            )
            if decision.approved:
                break
        service.schedule(s, org_id=org.id, draft_id=draft.id, user_id=ids["author"], now=past)
        s.commit()
    result = CliRunner().invoke(
        cli, ["worker", "--once", "--database-url", url, "--worker-id", "t1"]
    )
    assert result.exit_code == 0, result.output
    assert f"draft {draft.id}: published" in result.output
    assert "https://dry-run.invalid/dryrun/" in result.output
    with session_factory(engine)() as s:
        assert s.scalars(select(Publication.status)).all() == ["sent"]
    again = CliRunner().invoke(cli, ["worker", "--once", "--database-url", url])
    assert "nothing due" in again.output
    engine.dispose()
