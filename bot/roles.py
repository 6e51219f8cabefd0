"""Who has which role: Slack user ids or user-group ids listed per role (in the settings,
e.g. `ICDESK_ROLE_MANAGER=U0123,S0456`). Anyone else in the workspace is a viewer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.core import Role


class RoleMap:
    def __init__(self, members: Mapping[Role, Iterable[str]]) -> None:
        self._members = {role: frozenset(ids) for role, ids in members.items()}

    @classmethod
    def from_text(cls, lists: Mapping[str, str]) -> RoleMap:
        """From role name → comma-separated ids, as the settings give them."""
        return cls({Role(name): [part.strip() for part in text.split(",") if part.strip()]
                    for name, text in lists.items() if text})

    def roles_of(self, user_id: str, groups: Iterable[str] = ()) -> frozenset[Role]:
        """The roles of a user, directly or through one of their user groups."""
        ids = {user_id, *groups}
        found = frozenset(role for role, members in self._members.items() if members & ids)
        return found or frozenset({Role.VIEWER})
