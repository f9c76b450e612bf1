"""Typed exceptions of the Cloister client.

Every refusal the client makes is one of these, so a caller can tell a policy it
cannot load, a quote that fails one of the ten checks of CONFIDENTIAL.md section 3.1,
and a transaction key it must not use.
"""

from __future__ import annotations

__all__ = [
    "CHECK_NAMES",
    "CloisterClientError",
    "PolicyError",
    "QuoteCheckFailed",
    "TxKeyRefused",
]

#: The ten checks of CONFIDENTIAL.md section 3.1, by number, named as the Swift verifier
#: names them (``conf_getJoinFailure`` reports the same names).
CHECK_NAMES: dict[int, str] = {
    1: "format",
    2: "chain to the pinned root",
    3: "validity at block time",
    4: "signatures",
    5: "QE identity",
    6: "TCB level",
    7: "debug off",
    8: "identity",
    9: "key binding",
    10: "freshness",
}


class CloisterClientError(Exception):
    """Base class of every error this package raises on purpose."""


class PolicyError(CloisterClientError, ValueError):
    """A pinned policy (the genesis ``config.confidential`` object) that cannot be used.

    ``field`` names the offending field (``config.confidential.minCpuSvn``), ``reason``
    says what is wrong with it.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class QuoteCheckFailed(CloisterClientError):
    """A quote refused by check ``check`` (1..10) of CONFIDENTIAL.md section 3.1.

    ``name`` is that check's name (``CHECK_NAMES[check]``) and ``reason`` what it found.
    """

    def __init__(self, check: int, name: str, reason: str) -> None:
        if CHECK_NAMES.get(check) != name:
            raise ValueError(f"check {check} is named {CHECK_NAMES.get(check)!r}, not {name!r}")
        super().__init__(f"check {check} ({name}): {reason}")
        self.check = check
        self.name = name
        self.reason = reason

    @classmethod
    def of(cls, check: int, reason: str) -> QuoteCheckFailed:
        """The failure of check ``check`` with its canonical name."""
        return cls(check, CHECK_NAMES[check], reason)


class TxKeyRefused(CloisterClientError):
    """A transaction key the client must not use.

    ``reason`` is a sentence for people; ``code`` a stable short tag for programs (for
    example ``"chain-id"``, ``"suite"``, ``"signature"``, ``"enclave-status"``,
    ``"generation"``, ``"quote"``); ``quote_failure`` is the failed check when the
    enclave's stored quote was refused.
    """

    def __init__(self, reason: str, code: str = "refused", quote_failure: QuoteCheckFailed | None = None) -> None:
        super().__init__(f"transaction key refused ({code}): {reason}")
        self.reason = reason
        self.code = code
        self.quote_failure = quote_failure
