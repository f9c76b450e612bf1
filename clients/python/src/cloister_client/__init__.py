"""Cloister confidential-execution client.

Pins the genesis attestation policy (:class:`PinnedPolicy`), verifies SGX DCAP v3
quotes with the ten checks of CONFIDENTIAL.md section 3.1 (:func:`verify_quote`) and
fetches transaction keys only after verifying the enclave that signed them
(:func:`fetch_tx_key`), so a lying RPC node cannot hand the client a key of its own.
Then it builds, encrypts and signs confidential transactions and view envelopes
(:class:`ConfidentialTransaction`, :class:`ViewEnvelope`, :func:`send_confidential`,
:func:`call_confidential`) and decrypts their results (:func:`result_of`), byte for
byte as CONFIDENTIAL.md section 5 fixes them.
"""

from __future__ import annotations

from .binding import enclave_binding_hash, enclave_id, report_data, tx_key_digest
from .certchain import revocation_id, spki_hash
from .envelope import CONFIDENTIAL_TX_TYPE, ConfidentialTransaction, Envelope, EnvelopeSignature, ViewEnvelope
from .errors import (
    CHECK_NAMES,
    CloisterClientError,
    ConfidentialRefused,
    DecryptionFailed,
    FormatError,
    PlaintextMalformed,
    PolicyError,
    QuoteCheckFailed,
    ResultMalformed,
    TransactionMalformed,
    TxKeyRefused,
)
from .hpke import SUITE_HPKE_X25519_AES256GCM, hpke_open, hpke_seal, hpke_suite, tx_aad, tx_info, view_info
from .plaintext import TxPlaintext, check_plaintext, encode_plaintext
from .policy import KNOWN_PLATFORMS, SIMULATED_SGX, PinnedPolicy
from .quote import SIMULATED_VENDOR_ID, Quote, ReportBody, parse_quote
from .result import (
    ConfidentialResult,
    Log,
    decode_result,
    decrypt_result,
    decrypt_view_result,
    encode_result,
    encrypt_result,
    encrypt_view_result,
)
from .secp256k1 import recover_compressed
from .send import (
    PreparedView,
    SigningAccount,
    build_confidential_transaction,
    build_view_envelope,
    call_confidential,
    result_of,
    send_confidential,
)
from .txkey import EnclaveEntry, TxKey, fetch_tx_key
from .verifier import Claimed, VerifiedEnclave, verify_quote

__all__ = [
    "CHECK_NAMES",
    "CONFIDENTIAL_TX_TYPE",
    "KNOWN_PLATFORMS",
    "SIMULATED_SGX",
    "SIMULATED_VENDOR_ID",
    "SUITE_HPKE_X25519_AES256GCM",
    "Claimed",
    "CloisterClientError",
    "ConfidentialRefused",
    "ConfidentialResult",
    "ConfidentialTransaction",
    "DecryptionFailed",
    "EnclaveEntry",
    "Envelope",
    "EnvelopeSignature",
    "FormatError",
    "Log",
    "PinnedPolicy",
    "PlaintextMalformed",
    "PolicyError",
    "PreparedView",
    "Quote",
    "QuoteCheckFailed",
    "ReportBody",
    "ResultMalformed",
    "SigningAccount",
    "TransactionMalformed",
    "TxKey",
    "TxKeyRefused",
    "TxPlaintext",
    "VerifiedEnclave",
    "ViewEnvelope",
    "build_confidential_transaction",
    "build_view_envelope",
    "call_confidential",
    "check_plaintext",
    "decode_result",
    "decrypt_result",
    "decrypt_view_result",
    "enclave_binding_hash",
    "enclave_id",
    "encode_plaintext",
    "encode_result",
    "encrypt_result",
    "encrypt_view_result",
    "fetch_tx_key",
    "hpke_open",
    "hpke_seal",
    "hpke_suite",
    "parse_quote",
    "recover_compressed",
    "report_data",
    "result_of",
    "revocation_id",
    "send_confidential",
    "spki_hash",
    "tx_aad",
    "tx_info",
    "tx_key_digest",
    "verify_quote",
    "view_info",
]

__version__ = "0.1.0"
