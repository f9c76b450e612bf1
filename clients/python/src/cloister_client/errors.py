"""Typed exceptions of the Cloister client.

Every refusal the client makes is one of these, so a caller can tell a policy it
cannot load, a quote that fails one of the ten checks of CONFIDENTIAL.md section 3.1,
a transaction key it must not use, bytes that are not a well-formed instance of a
section 5 format, a ciphertext that does not open, and a node reply about a
confidential transaction or view that it will not believe.
"""

from __future__ import annotations

__all__ = [
    "CHECK_NAMES",
    "CloisterClientError",
    "ConfidentialRefused",
    "DecryptionFailed",
    "FormatError",
    "PlaintextMalformed",
    "PolicyError",
    "QuoteCheckFailed",
    "ResultMalformed",
    "TransactionMalformed",
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


class FormatError(CloisterClientError, ValueError):
    """Bytes that are not a well-formed instance of a CONFIDENTIAL.md section 5 format.

    ``reason`` says which rule they break. The subclasses name the format.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PlaintextMalformed(FormatError):
    """A transaction or view plaintext ``rlp([to, data, responseKey, padding])`` that is
    not well-formed by the rules of section 5.2."""


class TransactionMalformed(FormatError):
    """A ``0x40`` envelope (a confidential transaction or a view envelope) that does not
    decode strictly: wrong type byte, non-canonical RLP or scalar, wrong field count,
    a signature outside ``yParity ∈ {0,1}``, ``0 < r < n``, ``0 < s ≤ n/2``, trailing
    bytes."""


class ResultMalformed(FormatError):
    """A result plaintext ``rlp([status, returnData, logs])`` (section 5.3) that opened
    under the right key but is not well-formed."""


class DecryptionFailed(CloisterClientError):
    """A ciphertext that does not open: a wrong key, a wrong ``info``/``aad`` (another
    transaction, sender, nonce, chain, epoch or block), tampered bytes, or an HPKE
    ``enc`` whose shared secret is all zero. ``reason`` says which step failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"decryption failed: {reason}")
        self.reason = reason


class ConfidentialRefused(CloisterClientError):
    """A node's answer about a confidential transaction or view that the client will not
    use.

    ``reason`` is a sentence for people; ``code`` a stable short tag for programs:
    ``"rpc"`` (a JSON-RPC error), ``"reply"`` (a malformed reply), ``"tx-hash"`` (the
    node names another transaction hash than the one sent), ``"block-hash"`` (a view
    answered from another block than the one asked for), ``"simulated"`` (a reply's
    ``simulated`` flag differs from the pinned policy), ``"status"`` (the public
    receipt status differs from the decrypted one), ``"not-executed"`` (included
    without a result: the enclave could not decrypt it or its plaintext was not
    well-formed). ``got``/``expected`` carry both values of a mismatch when there is one.
    """

    def __init__(self, reason: str, code: str = "refused", *, got: object = None, expected: object = None) -> None:
        super().__init__(f"confidential reply refused ({code}): {reason}")
        self.reason = reason
        self.code = code
        self.got = got
        self.expected = expected
