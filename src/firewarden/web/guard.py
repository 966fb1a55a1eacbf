"""The account guard (pure): the checks that stop a post going out from the wrong account.

- When an organisation has both personal and corporate accounts in the tool, scheduling a
  post to a corporate account needs its handle typed again: muscle memory picks the wrong
  account, typing the handle does not.
- When the check raised a "wrong account?" finding, an approval needs the explicit
  confirmation checkbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from firewarden.errors import InputError
from firewarden.review.common import has_wrong_account


class AccountLike(Protocol):
    @property
    def handle(self) -> str: ...

    @property
    def kind(self) -> str: ...


def _norm(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def handles_to_confirm(
    targets: Sequence[AccountLike], available: Iterable[AccountLike]
) -> list[str]:
    """The corporate handles to type before scheduling, when personal and corporate accounts
    sit side by side in the tool (else nothing to type)."""
    kinds = {a.kind for a in available}
    if not {"personal", "corporate"} <= kinds:
        return []
    return [a.handle for a in targets if a.kind == "corporate"]


def require_handles(needed: Sequence[str], typed: Iterable[str]) -> None:
    """Raise unless every needed handle was typed (case and a leading @ do not matter)."""
    given = {_norm(t) for t in typed if t.strip()}
    missing = [h for h in needed if _norm(h) not in given]
    if missing:
        raise InputError(
            f"type the handle {', '.join(missing)} to confirm you are posting from the "
            "company account",
            where="account check",
            hint="this organisation has personal and corporate accounts; typing the handle "
            "makes sure the post goes out from the one you mean",
        )


def wrong_account_flagged(reports: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any stored check report raised a "wrong account?" finding."""
    return any(has_wrong_account(r) for r in reports)


def require_account_confirmation(flagged: bool, confirmed: bool) -> None:
    if flagged and not confirmed:
        raise InputError(
            "the check asks whether this is the wrong account; tick "
            '"I confirm the target accounts" to approve',
            where="approval",
            hint="look at the target accounts above; if one is wrong, reject the draft instead",
        )
