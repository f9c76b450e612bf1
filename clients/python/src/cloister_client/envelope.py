"""The ``0x40`` envelopes: confidential transactions (CONFIDENTIAL.md section 5.2) and
view envelopes (section 5.4).

Both have one layout::

    0x40 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit,
                epoch, generation, suite, enc, ciphertext, yParity, r, s])

and differ only in what is signed and in the HPKE ``info``:

- a transaction signs ``keccak(0x40 ‖ rlp(ten unsigned fields))`` and encrypts with
  ``info = "cloister-tx-v1" ‖ be32(chainId) ‖ u64be(epoch) ‖ u32be(generation)``;
- a view signs ``keccak(0x40 ‖ "cloister-view-v1" ‖ rlp(ten unsigned fields))`` and
  encrypts with ``info = "cloister-view-v1" ‖ …``,

so a view is never a valid transaction and no transaction is a valid view: the same
signature recovers another sender under the other signing hash. Both use ``aad =
sender (20) ‖ u64be(nonce)``. Signatures are RFC 6979 with low ``s``; :meth:`decode`
refuses everything section 0 tells a decoder to refuse.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from eth_keys.datatypes import PrivateKey, Signature
from eth_keys.exceptions import BadSignature
from eth_utils.exceptions import ValidationError

from .encoding import keccak256
from .errors import TransactionMalformed
from .hpke import SUITE_HPKE_X25519_AES256GCM, hpke_open, hpke_seal, tx_aad, tx_info, view_info
from .rlpcodec import RlpError, RlpItem, bytes_of, decode, encode, list_of, scalar, scalar_of
from .secp256k1 import SECP256K1_N

__all__ = [
    "CONFIDENTIAL_TX_TYPE",
    "VIEW_SIGNING_LABEL",
    "ConfidentialTransaction",
    "Envelope",
    "EnvelopeSignature",
    "ViewEnvelope",
]

#: The EIP-2718 type byte of confidential transactions and view envelopes.
CONFIDENTIAL_TX_TYPE = 0x40

#: What a view's signing preimage carries after the type byte (section 5.4).
VIEW_SIGNING_LABEL = b"cloister-view-v1"

#: Intrinsic gas of a ``0x40`` transaction: 21,000 + 16 per byte of ``enc ‖ ciphertext``.
INTRINSIC_BASE_GAS = 21_000
INTRINSIC_GAS_PER_BYTE = 16

E = TypeVar("E", bound="Envelope")


@dataclass(frozen=True)
class EnvelopeSignature:
    """A secp256k1 signature as section 0 allows it: ``yParity ∈ {0, 1}``, ``0 < r < n``,
    ``0 < s ≤ n/2`` (low s). Constructing any other raises ValueError."""

    y_parity: int
    r: int
    s: int

    def __post_init__(self) -> None:
        if isinstance(self.y_parity, bool) or self.y_parity not in (0, 1):
            raise ValueError(f"yParity is {self.y_parity!r}, not 0 or 1")
        if not 0 < self.r < SECP256K1_N:
            raise ValueError("r is not in 1..n-1")
        if not 0 < self.s <= SECP256K1_N // 2:
            raise ValueError("s is not in 1..n/2 (a high-s or zero signature)")

    def to_bytes(self) -> bytes:
        """The 65 bytes ``r ‖ s ‖ v`` (``v`` = ``yParity``)."""
        return self.r.to_bytes(32, "big") + self.s.to_bytes(32, "big") + bytes([self.y_parity])


_LIMITS: tuple[tuple[str, int], ...] = (
    ("chain_id", 256),
    ("nonce", 64),
    ("max_priority_fee_per_gas", 256),
    ("max_fee_per_gas", 256),
    ("gas_limit", 64),
    ("epoch", 64),
    ("generation", 32),
    ("suite", 8),
)

_FIELD_NAMES = (
    "chainId",
    "nonce",
    "maxPriorityFeePerGas",
    "maxFeePerGas",
    "gasLimit",
    "epoch",
    "generation",
    "suite",
)


@dataclass(frozen=True)
class Envelope:
    """The fields both ``0x40`` envelopes carry; use :class:`ConfidentialTransaction` or
    :class:`ViewEnvelope`.

    Integers are checked on construction (ValueError): non-negative; ``nonce`` and
    ``epoch`` fit 64 bits (the HPKE strings carry them as ``u64be``), ``gas_limit`` 64
    bits (Ethereum's gas counter), ``generation`` 32 bits (``u32be``), ``suite`` 8 bits
    (``u8`` in the tx-key statement), ``chain_id`` and the fees 256 bits.
    ``signature`` is None until :meth:`sign`.
    """

    #: Bytes between the type byte and the RLP in the signing preimage.
    SIGNING_LABEL: ClassVar[bytes] = b""
    #: A name for messages.
    KIND: ClassVar[str] = "envelope"

    chain_id: int
    nonce: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas_limit: int
    epoch: int
    generation: int
    suite: int
    enc: bytes
    ciphertext: bytes
    signature: EnvelopeSignature | None = None

    def __post_init__(self) -> None:
        if type(self) is Envelope:
            raise TypeError("make a ConfidentialTransaction or a ViewEnvelope")
        for name, bits in _LIMITS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int")
            if not 0 <= value < 1 << bits:
                raise ValueError(f"{name} {value} does not fit {bits} unsigned bits")
        if not isinstance(self.enc, bytes) or not isinstance(self.ciphertext, bytes):
            raise TypeError("enc and ciphertext must be bytes")
        if self.signature is not None and not isinstance(self.signature, EnvelopeSignature):
            raise TypeError("signature must be an EnvelopeSignature or None")

    # ----------------------------------------------------------------- encodings

    def unsigned_fields(self) -> list[RlpItem]:
        """The ten unsigned fields as RLP items (canonical scalars, then ``enc`` and
        ``ciphertext``)."""
        fields: list[RlpItem] = [scalar(getattr(self, name)) for name, _ in _LIMITS]
        return fields + [self.enc, self.ciphertext]

    def signing_hash(self) -> bytes:
        """``keccak(0x40 ‖ label ‖ rlp(ten unsigned fields))``, the label empty for a
        transaction and ``"cloister-view-v1"`` for a view."""
        return keccak256(bytes([CONFIDENTIAL_TX_TYPE]) + self.SIGNING_LABEL + encode(self.unsigned_fields()))

    def raw(self) -> bytes:
        """``0x40 ‖ rlp([ten unsigned fields, yParity, r, s])``; ValueError when unsigned."""
        sig = self._signature()
        fields = self.unsigned_fields() + [scalar(sig.y_parity), scalar(sig.r), scalar(sig.s)]
        return bytes([CONFIDENTIAL_TX_TYPE]) + encode(fields)

    def hash(self) -> bytes:
        """``keccak(raw)``: the transaction hash, or a view's ``viewHash``."""
        return keccak256(self.raw())

    def intrinsic_gas(self) -> int:
        """21,000 + 16 per byte of ``enc ‖ ciphertext`` (section 5.2)."""
        return INTRINSIC_BASE_GAS + INTRINSIC_GAS_PER_BYTE * (len(self.enc) + len(self.ciphertext))

    def hpke_info(self) -> bytes:
        """The HPKE ``info`` this envelope's ciphertext is sealed under."""
        return self._info(self.chain_id, self.epoch, self.generation)

    @staticmethod
    def _info(chain_id: int, epoch: int, generation: int) -> bytes:
        raise NotImplementedError

    # ----------------------------------------------------------------- signatures

    def sign(self: E, private_key: bytes | PrivateKey) -> E:
        """A copy signed with the secp256k1 ``private_key`` over :meth:`signing_hash`:
        RFC 6979 deterministic, low ``s``."""
        key = private_key if isinstance(private_key, PrivateKey) else PrivateKey(bytes(private_key))
        made = key.sign_msg_hash(self.signing_hash())
        v, r, s = made.v, made.r, made.s
        if s > SECP256K1_N // 2:  # eth-keys already normalizes; keep the guarantee local
            s, v = SECP256K1_N - s, v ^ 1
        return dataclasses.replace(self, signature=EnvelopeSignature(y_parity=v, r=r, s=s))

    def sender(self) -> bytes:
        """The 20-byte address whose key signed :meth:`signing_hash`; ValueError when
        unsigned or when no key recovers."""
        sig = self._signature()
        try:
            public = Signature(vrs=(sig.y_parity, sig.r, sig.s)).recover_public_key_from_msg_hash(self.signing_hash())
        except (BadSignature, ValidationError, ValueError) as e:
            raise ValueError(f"no key recovers from this signature: {e}") from None
        return bytes(public.to_canonical_address())

    def _signature(self) -> EnvelopeSignature:
        if self.signature is None:
            raise ValueError(f"the {self.KIND} is not signed")
        return self.signature

    # ----------------------------------------------------------------- HPKE

    @classmethod
    def seal(
        cls: type[E],
        *,
        public_key: bytes,
        plaintext: bytes,
        sender: bytes,
        chain_id: int,
        nonce: int,
        max_priority_fee_per_gas: int,
        max_fee_per_gas: int,
        gas_limit: int,
        epoch: int,
        generation: int,
        ikm: bytes | None = None,
    ) -> E:
        """An unsigned envelope (suite 1) whose ciphertext is ``plaintext`` sealed to the
        transaction key ``public_key`` (``tk_{epoch,generation}``) with this kind's
        ``info`` and ``aad = sender ‖ u64be(nonce)``.

        ``sender`` must be the address that then signs it: the enclave recovers the
        sender from the signature and opens with that ``aad``. ``ikm`` fixes the HPKE
        ephemeral key (RFC 9180 DeriveKeyPair; for known-answer tests only), else it is
        random. The plaintext is sealed as given: make it with
        :func:`~cloister_client.plaintext.encode_plaintext`.
        """
        info = cls._info(chain_id, epoch, generation)
        enc, ciphertext = hpke_seal(public_key, plaintext, info, tx_aad(sender, nonce), ikm=ikm)
        return cls(
            chain_id=chain_id,
            nonce=nonce,
            max_priority_fee_per_gas=max_priority_fee_per_gas,
            max_fee_per_gas=max_fee_per_gas,
            gas_limit=gas_limit,
            epoch=epoch,
            generation=generation,
            suite=SUITE_HPKE_X25519_AES256GCM,
            enc=enc,
            ciphertext=ciphertext,
        )

    def open(self, tx_private_key: bytes) -> bytes:
        """Recipient side (an enclave's job; here for tests and auditors holding
        ``tk_{epoch,generation}``): the plaintext, opened with the sender recovered from
        the signature, as the enclave does. Raises
        :class:`~cloister_client.errors.DecryptionFailed` when it does not open
        (including an all-zero shared secret) and ValueError for another suite than 1
        or an unsigned envelope. The plaintext is returned unchecked: pass it to
        :func:`~cloister_client.plaintext.check_plaintext`.
        """
        if self.suite != SUITE_HPKE_X25519_AES256GCM:
            raise ValueError(f"suite {self.suite} is not specified; only suite 1 opens")
        return hpke_open(tx_private_key, self.enc, self.ciphertext, self.hpke_info(), tx_aad(self.sender(), self.nonce))

    # ----------------------------------------------------------------- decoding

    @classmethod
    def decode(cls: type[E], raw: bytes) -> E:
        """The signed envelope ``raw`` encodes, strictly: type byte ``0x40``, one
        canonical RLP list of exactly 13 items and nothing after it, canonical scalars
        within the widths of the fields, ``enc`` and ``ciphertext`` byte strings,
        ``yParity ∈ {0, 1}``, ``0 < r < n`` and ``0 < s ≤ n/2``. Anything else raises
        :class:`TransactionMalformed`.

        The layout does not say whether the bytes are a transaction or a view: decoding
        a view as a transaction succeeds, and its :meth:`sender` is then some other
        address than the one that signed.
        """
        if not isinstance(raw, (bytes, bytearray)):
            raise TransactionMalformed("the envelope must be bytes")
        if len(raw) < 1 or raw[0] != CONFIDENTIAL_TX_TYPE:
            got = f"0x{raw[0]:02x}" if raw else "nothing"
            raise TransactionMalformed(f"the type byte is {got}, not 0x40")
        try:
            items = list_of(decode(bytes(raw[1:])), cls.KIND, length=13)
            values = {
                name: scalar_of(item, wire_name, bits=bits)
                for item, (name, bits), wire_name in zip(items[:8], _LIMITS, _FIELD_NAMES)
            }
            enc = bytes_of(items[8], "enc")
            ciphertext = bytes_of(items[9], "ciphertext")
            y_parity = scalar_of(items[10], "yParity", bits=8)
            r = scalar_of(items[11], "r")
            s = scalar_of(items[12], "s")
        except RlpError as e:
            raise TransactionMalformed(str(e)) from None
        try:
            signature = EnvelopeSignature(y_parity=y_parity, r=r, s=s)
        except ValueError as e:
            raise TransactionMalformed(f"signature: {e}") from None
        return cls(**values, enc=enc, ciphertext=ciphertext, signature=signature)


@dataclass(frozen=True)
class ConfidentialTransaction(Envelope):
    """A confidential transaction, EIP-2718 type ``0x40`` (section 5.2). :meth:`hash` is
    the transaction hash."""

    KIND: ClassVar[str] = "confidential transaction"

    @staticmethod
    def _info(chain_id: int, epoch: int, generation: int) -> bytes:
        return tx_info(chain_id, epoch, generation)


@dataclass(frozen=True)
class ViewEnvelope(Envelope):
    """A signed view call for ``conf_call`` (section 5.4). Its ``nonce`` is the sender's
    current nonce; its ``gas_limit`` bounds the call."""

    SIGNING_LABEL: ClassVar[bytes] = VIEW_SIGNING_LABEL
    KIND: ClassVar[str] = "view envelope"

    @staticmethod
    def _info(chain_id: int, epoch: int, generation: int) -> bytes:
        return view_info(chain_id, epoch, generation)

    def view_hash(self) -> bytes:
        """``viewHash = keccak(viewEnvelope)``, what the result is bound to."""
        return self.hash()

