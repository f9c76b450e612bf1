"""Cloister confidential-execution client.

Pins the genesis attestation policy (:class:`PinnedPolicy`), verifies SGX DCAP v3
quotes with the ten checks of CONFIDENTIAL.md section 3.1 (:func:`verify_quote`) and
fetches transaction keys only after verifying the enclave that signed them
(:func:`fetch_tx_key`), so a lying RPC node cannot hand the client a key of its own.
"""

from __future__ import annotations

from .binding import enclave_binding_hash, enclave_id, report_data, tx_key_digest
from .certchain import revocation_id, spki_hash
from .errors import CHECK_NAMES, CloisterClientError, PolicyError, QuoteCheckFailed, TxKeyRefused
from .hpke import SUITE_HPKE_X25519_AES256GCM, hpke_suite, tx_aad, tx_info
from .policy import KNOWN_PLATFORMS, SIMULATED_SGX, PinnedPolicy
from .quote import SIMULATED_VENDOR_ID, Quote, ReportBody, parse_quote
from .secp256k1 import recover_compressed
from .txkey import EnclaveEntry, TxKey, fetch_tx_key
from .verifier import Claimed, VerifiedEnclave, verify_quote

__all__ = [
    "CHECK_NAMES",
    "KNOWN_PLATFORMS",
    "SIMULATED_SGX",
    "SIMULATED_VENDOR_ID",
    "SUITE_HPKE_X25519_AES256GCM",
    "Claimed",
    "CloisterClientError",
    "EnclaveEntry",
    "PinnedPolicy",
    "PolicyError",
    "Quote",
    "QuoteCheckFailed",
    "ReportBody",
    "TxKey",
    "TxKeyRefused",
    "VerifiedEnclave",
    "enclave_binding_hash",
    "enclave_id",
    "fetch_tx_key",
    "hpke_suite",
    "parse_quote",
    "recover_compressed",
    "report_data",
    "revocation_id",
    "spki_hash",
    "tx_aad",
    "tx_info",
    "tx_key_digest",
    "verify_quote",
]

__version__ = "0.1.0"
