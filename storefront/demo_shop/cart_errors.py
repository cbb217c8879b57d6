"""What a cart mutation reports besides the cart: user errors and warnings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserError:
    code: str
    field: list[str] | None
    message: str


@dataclass(frozen=True)
class CartWarning:
    code: str
    message: str
    target: str


class Rejected(Exception):
    """The input is wrong: nothing changes and these user errors are returned."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__(errors)
        self.errors = list(errors)
