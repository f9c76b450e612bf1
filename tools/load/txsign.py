"""Fast signing of EIP-1559 transactions for the load tool.

eth-account signs in pure Python (about 4 ms a transaction here), too slow to
pre-sign tens of thousands. This module signs the same bytes with the system's
libsecp256k1 (the library Cloister itself links, Debian `libsecp256k1-dev`)
through ctypes, in tens of microseconds. Both use RFC 6979 nonces, so the
signatures are identical: `Signer.self_check` compares one transaction signed
both ways before any is trusted, and the tool falls back to eth-account when
the library is missing or the check fails.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import rlp
from eth_account import Account
from eth_utils import keccak

_CONTEXT_SIGN = (1 << 0) | (1 << 9)  # SECP256K1_FLAGS_TYPE_CONTEXT | SECP256K1_FLAGS_BIT_CONTEXT_SIGN


def _load_library():
    names = [ctypes.util.find_library("secp256k1"), "libsecp256k1.so.2", "libsecp256k1.so.1", "libsecp256k1.so"]
    for name in names:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        if not hasattr(lib, "secp256k1_ecdsa_sign_recoverable"):
            continue
        lib.secp256k1_context_create.restype = ctypes.c_void_p
        lib.secp256k1_context_create.argtypes = [ctypes.c_uint]
        lib.secp256k1_ecdsa_sign_recoverable.restype = ctypes.c_int
        lib.secp256k1_ecdsa_sign_recoverable.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p,
        ]
        lib.secp256k1_ecdsa_recoverable_signature_serialize_compact.restype = ctypes.c_int
        lib.secp256k1_ecdsa_recoverable_signature_serialize_compact.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p,
        ]
        return lib
    return None


class Signer:
    """Signs EIP-1559 (type 2) transactions; `backend` says which implementation is in use."""

    def __init__(self) -> None:
        self._lib = _load_library()
        self._context = self._lib.secp256k1_context_create(_CONTEXT_SIGN) if self._lib else None
        self.backend = "libsecp256k1" if self._context else "eth-account"
        if self._context and not self.self_check():
            self._context = None
            self.backend = "eth-account"

    def _sign_hash(self, digest: bytes, key: bytes) -> tuple[int, int, int]:
        signature = ctypes.create_string_buffer(65)
        if self._lib.secp256k1_ecdsa_sign_recoverable(self._context, signature, digest, key, None, None) != 1:
            raise ValueError("secp256k1_ecdsa_sign_recoverable failed (invalid key?)")
        compact = ctypes.create_string_buffer(64)
        recovery = ctypes.c_int()
        self._lib.secp256k1_ecdsa_recoverable_signature_serialize_compact(self._context, compact, ctypes.byref(recovery), signature)
        raw = compact.raw
        return recovery.value, int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")

    def sign_1559(self, key: bytes, *, chain_id: int, nonce: int, to: bytes, value: int, gas: int,
                  max_fee: int, tip: int, data: bytes = b"") -> tuple[bytes, bytes]:
        """Returns (raw transaction, hash) for a type-2 transaction without an access list."""
        if self._context is None:
            tx = {"type": 2, "chainId": chain_id, "nonce": nonce, "value": value, "gas": gas,
                  "maxFeePerGas": max_fee, "maxPriorityFeePerGas": tip, "data": data, "accessList": []}
            if to:
                tx["to"] = "0x" + to.hex()
            signed = Account.sign_transaction(tx, key)
            return bytes(signed.raw_transaction), bytes(signed.hash)
        fields = [chain_id, nonce, tip, max_fee, gas, to, value, data, []]
        digest = keccak(b"\x02" + rlp.encode(fields))
        y_parity, r, s = self._sign_hash(digest, key)
        raw = b"\x02" + rlp.encode(fields + [y_parity, r, s])
        return raw, keccak(raw)

    def self_check(self) -> bool:
        """Signs one transaction here and with eth-account; true when the bytes agree."""
        key = keccak(b"cloister load self-check")
        args = dict(chain_id=1337, nonce=7, to=b"\x11" * 20, value=12345, gas=21_000, max_fee=10**11, tip=10**9, data=b"\x01\x02")
        mine, mine_hash = self.sign_1559(key, **args)
        tx = {"type": 2, "chainId": 1337, "nonce": 7, "to": "0x" + "11" * 20, "value": 12345, "gas": 21_000,
              "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9, "data": b"\x01\x02", "accessList": []}
        reference = Account.sign_transaction(tx, key)
        return mine == bytes(reference.raw_transaction) and mine_hash == bytes(reference.hash)
