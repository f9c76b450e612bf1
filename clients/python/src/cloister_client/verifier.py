"""The quote verifier of CONFIDENTIAL.md section 3.1: ten checks, in order, each its own
error.

:func:`verify_quote` is a pure function of the quote, the claimed authority and keys,
and chain data (chain id, genesis hash, the policy, the including block's time and
ancestors). It reads no clock, no file and no network, so a quote stays re-verifiable
offline from chain data: a client re-verifying a registered enclave passes the time and
ancestors of the block that registered it (``joinedAt``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .binding import enclave_binding_hash, enclave_id
from .certchain import ChainCertificate, check_chain, check_validity, parse_chain
from .encoding import sha256
from .errors import QuoteCheckFailed
from .policy import KNOWN_PLATFORMS, SIMULATED_SGX, PinnedPolicy
from .quote import (
    CERT_DATA_TYPE_PEM_CHAIN,
    FLAG_DEBUG,
    FLAG_INIT,
    INTEL_VENDOR_ID,
    SIMULATED_VENDOR_ID,
    Quote,
    ReportBody,
    parse_quote,
)
from .secp256k1 import compressed_point

__all__ = ["VENDOR_PLATFORMS", "Claimed", "VerifiedEnclave", "verify_quote"]

#: QE vendor ids and the platform whose quotes they make. A verifier never accepts one
#: vendor's id under another's platform.
VENDOR_PLATFORMS: dict[bytes, str] = {
    SIMULATED_VENDOR_ID: SIMULATED_SGX,
    INTEL_VENDOR_ID: "sgx-dcap",
}


@dataclass(frozen=True)
class Claimed:
    """What the quote must bind: the authority (20-byte sealing address) the enclave
    serves, its signing key (33-byte compressed secp256k1) and its encryption key
    (32-byte X25519)."""

    authority: bytes
    signing_key: bytes
    encryption_key: bytes


@dataclass(frozen=True)
class VerifiedEnclave:
    """A quote that passed all ten checks, and the facts it attests."""

    enclave_id: bytes
    platform: str
    mr_enclave: bytes
    mr_signer: bytes
    isv_prod_id: int
    isv_svn: int
    cpu_svn: bytes
    pce_svn: int
    qe_svn: int
    debug: bool
    #: ``sha256(issuer SPKI) ‖ serial`` of the platform certificate.
    platform_revocation_id: bytes
    #: The recent block hash the quote names.
    freshness: bytes


def verify_quote(
    quote: bytes,
    claimed: Claimed,
    chain_id: int,
    genesis_hash: bytes,
    policy: PinnedPolicy,
    block_time: int,
    ancestor_hashes: Sequence[bytes],
    *,
    genesis_policy_hash: bytes | None = None,
) -> VerifiedEnclave:
    """Runs the ten checks of section 3.1 in order and returns what the quote attests.

    ``policy`` gives the rules in force (allowlist, minimums, ``allowDebug``,
    ``revoked_platforms``, anchors); its :meth:`PinnedPolicy.policy_hash` is the genesis
    ``policyHash`` the quote must bind unless ``genesis_policy_hash`` is given (for a
    policy amended by governance). ``block_time`` is the including block's timestamp and
    ``ancestor_hashes`` the hashes of the blocks before it on its own ancestry, parent
    first (only the first ``freshness_blocks`` count).

    Raises :class:`QuoteCheckFailed` naming the first check that fails; nothing is
    accepted because it parses.
    """
    # 1. Format
    q = parse_quote(quote)
    platform, chain = _check_format(q, policy)
    # 2. Chain to the pinned root
    check_chain(chain, policy.trust_anchor(platform), platform)
    # 3. Validity at block time, revocation
    rid = check_validity(chain, block_time, policy.revoked_platforms)
    # 4. Signatures
    _check_signatures(q, chain[0].key)
    # 5. QE identity
    if q.qe_report.isv_svn != q.qe_svn:
        raise QuoteCheckFailed.of(5, f"QE report isvSvn {q.qe_report.isv_svn} differs from the header's qeSvn {q.qe_svn}")
    if q.qe_svn < policy.min_qe_svn:
        raise QuoteCheckFailed.of(5, f"qeSvn {q.qe_svn} below the policy's minQeSvn {policy.min_qe_svn}")
    # 6. TCB level
    cpu_svn = q.body.cpu_svn
    for i in range(16):
        if cpu_svn[i] < policy.min_cpu_svn[i]:
            raise QuoteCheckFailed.of(6, f"cpuSvn byte {i} is {cpu_svn[i]}, below the policy's {policy.min_cpu_svn[i]}")
    if q.pce_svn < policy.min_pce_svn:
        raise QuoteCheckFailed.of(6, f"pceSvn {q.pce_svn} below the policy's minPceSvn {policy.min_pce_svn}")
    if q.qe_report.cpu_svn != cpu_svn:
        raise QuoteCheckFailed.of(6, "the QE report's cpuSvn differs from the quote body's")
    # 7. Debug off (allowDebug counts only on a simulated chain, section 2)
    if q.body.is_debug and not (policy.allow_debug and policy.insecure_simulation):
        raise QuoteCheckFailed.of(7, "the DEBUG attribute is set and the policy does not allow debug enclaves")
    # 8. Identity
    mr_enclave = q.body.mr_enclave
    if mr_enclave not in policy.measurements:
        raise QuoteCheckFailed.of(8, f"mrEnclave 0x{mr_enclave.hex()} is not in the policy's measurements")
    if q.body.isv_prod_id != 1:
        raise QuoteCheckFailed.of(8, f"isvProdId {q.body.isv_prod_id}, expected 1")
    if q.body.isv_svn < policy.min_isv_svn:
        raise QuoteCheckFailed.of(8, f"isvSvn {q.body.isv_svn} below the policy's minIsvSvn {policy.min_isv_svn}")
    # 9. Key binding (fixed-length keys: no other split of the same bytes binds)
    _check_binding(q, claimed, chain_id, genesis_hash, genesis_policy_hash or policy.policy_hash())
    # 10. Freshness
    freshness = q.body.report_data[32:64]
    window = list(ancestor_hashes)[: policy.freshness_blocks]
    if freshness not in window:
        raise QuoteCheckFailed.of(
            10,
            f"reportData names block 0x{freshness.hex()}, not one of the {policy.freshness_blocks} blocks "
            "before the including block",
        )
    return VerifiedEnclave(
        enclave_id=enclave_id(claimed.signing_key),
        platform=platform,
        mr_enclave=mr_enclave,
        mr_signer=q.body.mr_signer,
        isv_prod_id=q.body.isv_prod_id,
        isv_svn=q.body.isv_svn,
        cpu_svn=cpu_svn,
        pce_svn=q.pce_svn,
        qe_svn=q.qe_svn,
        debug=q.body.is_debug,
        platform_revocation_id=rid,
        freshness=freshness,
    )


def _check_format(q: Quote, policy: PinnedPolicy) -> tuple[str, list[ChainCertificate]]:
    """Check 1 beyond the layout: reserved bytes, vendor and platform, the simulated
    vendor's zero bytes and attributes, the certification data type and chain."""

    def fail(reason: str) -> QuoteCheckFailed:
        return QuoteCheckFailed.of(1, reason)

    if any(q.header_reserved):
        raise fail("the header's reserved bytes are not zero")
    platform = VENDOR_PLATFORMS.get(q.qe_vendor_id)
    if platform is None:
        raise fail(f"unknown QE vendor id 0x{q.qe_vendor_id.hex()}")
    if platform not in policy.platforms or platform not in KNOWN_PLATFORMS:
        raise fail(f'QE vendor id of platform "{platform}", which this chain does not enable')
    if platform == SIMULATED_SGX:
        if not policy.insecure_simulation:
            raise fail("a simulated quote, and this chain's policy does not accept simulated evidence (insecureSimulation)")
        if any(q.user_data):
            raise fail("userData is not zero (simulated vendor)")
        named = [
            ReportBody.CPU_SVN,
            ReportBody.MISC_SELECT,
            ReportBody.ATTRIBUTES_FLAGS,
            ReportBody.ATTRIBUTES_XFRM,
            ReportBody.MR_ENCLAVE,
            ReportBody.MR_SIGNER,
            ReportBody.ISV_PROD_ID,
            ReportBody.ISV_SVN,
            ReportBody.REPORT_DATA,
        ]
        stray = q.body.nonzero_offsets_outside(named)
        if stray:
            raise fail(f"report body byte {stray[0]} is reserved and not zero")
        flags = q.body.attributes_flags
        if flags not in (FLAG_INIT, FLAG_INIT | FLAG_DEBUG):
            raise fail(f"attributes.flags 0x{flags:x}: the simulated platform sets INIT and at most DEBUG")
        if q.body.attributes_xfrm != 0:
            raise fail("attributes.xfrm is not zero (simulated vendor)")
        qe_stray = q.qe_report.nonzero_offsets_outside([ReportBody.CPU_SVN, ReportBody.ISV_SVN, ReportBody.REPORT_DATA])
        if qe_stray:
            raise fail(f"QE report byte {qe_stray[0]} is not zero (simulated vendor)")
    if q.cert_data_type != CERT_DATA_TYPE_PEM_CHAIN:
        raise fail(f"certification data type {q.cert_data_type}, expected 5 (PEM certificate chain)")
    return platform, parse_chain(q.cert_data)


def _p256_signature_ok(key: ec.EllipticCurvePublicKey, signature: bytes, message: bytes) -> bool:
    if len(signature) != 64:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if r == 0 or s == 0:
        return False
    try:
        key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _check_signatures(q: Quote, platform_key: ec.EllipticCurvePublicKey) -> None:
    """Check 4: the QE report by the platform key, its reportData binding the
    attestation key and auth data, and the quote by the attestation key."""

    def fail(reason: str) -> QuoteCheckFailed:
        return QuoteCheckFailed.of(4, reason)

    if not _p256_signature_ok(platform_key, q.qe_report_signature, q.qe_report.raw):
        raise fail("the QE report signature does not verify under the platform certificate's key")
    expected = sha256(q.attestation_key + q.qe_auth_data) + bytes(32)
    if q.qe_report.report_data != expected:
        raise fail("the QE report's reportData does not bind the attestation key and QE authentication data")
    try:
        attestation_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + q.attestation_key)
    except ValueError:
        raise fail("the attestation key is not a P-256 point") from None
    if not _p256_signature_ok(attestation_key, q.signature, q.signed_bytes):
        raise fail("the quote signature does not verify under the attestation key")


def _check_binding(q: Quote, claimed: Claimed, chain_id: int, genesis_hash: bytes, policy_hash: bytes) -> None:
    """Check 9: ``reportData[0..32]`` binds this chain, genesis, genesis policy, and the
    claimed authority and keys."""

    def fail(reason: str) -> QuoteCheckFailed:
        return QuoteCheckFailed.of(9, reason)

    if len(claimed.authority) != 20:
        raise fail(f"the claimed authority has {len(claimed.authority)} bytes, not 20")
    try:
        compressed_point(claimed.signing_key)
    except ValueError:
        raise fail("the claimed signing key is not a 33-byte compressed secp256k1 point") from None
    if len(claimed.encryption_key) != 32:
        raise fail(f"the claimed encryption key has {len(claimed.encryption_key)} bytes, not 32 (X25519)")
    if len(genesis_hash) != 32:
        raise fail("the genesis hash is not 32 bytes")
    if not 0 <= chain_id < 1 << 256:
        raise fail("the chain id does not fit 32 bytes")
    expected = enclave_binding_hash(
        chain_id, genesis_hash, policy_hash, claimed.authority, claimed.signing_key, claimed.encryption_key
    )
    if q.body.report_data[:32] != expected:
        raise fail(
            f"reportData does not bind chain {chain_id}, this genesis and policy, authority 0x{claimed.authority.hex()} "
            "and the claimed keys"
        )
