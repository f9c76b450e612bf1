"""The ten checks of CONFIDENTIAL.md section 3.1 over quotes made here in Python: a
valid quote passes all ten, and each negative test alters it in exactly one respect
(re-signing whatever must stay valid) and expects that check, by number and name."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ObjectIdentifier

from cloister_client import CHECK_NAMES, Claimed, QuoteCheckFailed, parse_quote, revocation_id
from cloister_client.certchain import spki_hash
from cloister_client.encoding import keccak256, sha256
from cloister_client.quote import INTEL_VENDOR_ID

from simquote import (
    ATTR_FLAGS,
    ATTR_XFRM,
    CPU_SVN,
    ISV_SVN,
    MR_SIGNER,
    NOT_AFTER,
    UTC,
    Authority,
    QuoteParts,
    SimPlatform,
    World,
    der,
    issue,
    make_cert,
    make_root,
    name,
    p256_key,
    pem,
    put,
    put_le,
    sign_qe_report,
    sign_quote,
    with_compressed_spki,
    x25519_public,
)


@pytest.fixture(scope="module")
def world() -> World:
    return World.create()


def expect(check: int, run: Callable[[], object]) -> QuoteCheckFailed:
    with pytest.raises(QuoteCheckFailed) as info:
        run()
    failure = info.value
    assert (failure.check, failure.name) == (check, CHECK_NAMES[check]), str(failure)
    return failure


def test_check_names_match_the_swift_verifier() -> None:
    assert CHECK_NAMES == {
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


# ------------------------------------------------------------------ the good quote


def test_valid_quote_passes_all_ten_checks(world: World) -> None:
    parts = world.parts()
    verified = world.verify(parts)
    assert verified.platform == "simulated-sgx"
    assert verified.mr_enclave == world.mr_enclave
    assert verified.isv_svn == 1 and verified.isv_prod_id == 1 and not verified.debug
    assert verified.enclave_id == keccak256(world.claimed.signing_key)
    assert verified.freshness == world.ancestors[3]
    assert verified.cpu_svn == bytes([1] * 16)
    assert verified.platform_revocation_id == revocation_id(
        world.platform.platform.cert, world.platform.root.key.public_key()
    )


def test_parse_round_trips_every_field(world: World) -> None:
    parts = world.parts(qe_auth_data=b"auth")
    q = parse_quote(parts.to_bytes())
    assert q.raw == parts.to_bytes()
    assert q.version == 3 and q.attestation_key_type == 2 and q.qe_vendor_id == b"CLOISTER-SIM-QE1"
    assert q.body.raw == bytes(parts.body) and q.qe_report.raw == bytes(parts.qe_report)
    assert q.signature == parts.signature and q.attestation_key == parts.attestation_key
    assert q.qe_auth_data == b"auth" and q.cert_data_type == 5 and q.cert_data == parts.cert_data
    assert q.body.report_data == world.report_data()


def test_freshness_window_edge_is_inclusive(world: World) -> None:
    last = world.ancestors[63]
    world.verify(world.parts(report=world.report_data(freshness=last)))


def test_three_certificate_chain_passes() -> None:
    w = World.create(intermediates=1)
    assert len(w.platform.certificates()) == 3
    w.verify(w.parts())


def test_trailing_nul_after_pem_is_tolerated(world: World) -> None:
    parts = world.parts()
    parts.cert_data += b"\x00"
    world.verify(parts)


def test_qe_auth_data_is_bound_and_accepted(world: World) -> None:
    world.verify(world.parts(qe_auth_data=b"some QE authentication data"))


def test_debug_enclave_accepted_when_policy_allows(world: World) -> None:
    policy = world.policy(allowDebug=True)
    parts = world.parts(debug=True, report=world.report_data(policy_hash=policy.policy_hash()))
    assert world.verify(parts, policy=policy).debug


def test_non_critical_unknown_extension_is_accepted(world: World) -> None:
    ext = x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x05\x00")
    plat = dataclasses.replace(world.platform, platform=issue(world.platform.root, "p", ca=False, extra_extensions=[(ext, False)]))
    world.verify(world.parts(platform=plat))


def test_root_with_compressed_point_is_re_encoded_for_the_anchor(world: World) -> None:
    root = world.platform.root
    compressed_root = Authority(root.key, with_compressed_spki(root.cert, root.key))
    assert der(compressed_root.cert) != der(root.cert)
    plat = SimPlatform(root=compressed_root, platform=world.platform.platform)
    # The anchor is the hash of the uncompressed, namedCurve re-encoding.
    world.verify(world.parts(platform=plat))
    # The hash of the SPKI bytes as the certificate carries them is NOT the anchor.
    tbs_spki = _spki_as_carried(compressed_root.cert)
    assert len(tbs_spki) < 91
    policy = world.policy(trustAnchors={"simulated-sgx": "0x" + sha256(tbs_spki).hex()})
    parts = world.parts(platform=plat, report=world.report_data(policy_hash=policy.policy_hash()))
    expect(2, lambda: world.verify(parts, policy=policy))


def _spki_as_carried(cert: x509.Certificate) -> bytes:
    from simquote import children, content_of

    tbs = children(content_of(der(cert)))[0]
    for element in children(content_of(tbs)):
        if element[0] == 0x30 and b"\x2a\x86\x48\xce\x3d\x02\x01" in element[:20]:
            return element
    raise AssertionError("no SubjectPublicKeyInfo")


# ------------------------------------------------------------------ check 1: format


def _resigned(world: World, mutate: Callable[[QuoteParts], None]) -> bytes:
    parts = world.parts()
    mutate(parts)
    sign_quote(parts, world.attestation_key)
    return parts.to_bytes()


FORMAT_CASES: dict[str, Callable[[QuoteParts], None]] = {
    "version 4": lambda p: setattr(p, "version", 4),
    "attestation key type 3": lambda p: setattr(p, "key_type", 3),
    "reserved header byte": lambda p: setattr(p, "reserved", b"\x00\x00\x00\x01"),
    "Intel vendor id on the simulated platform": lambda p: setattr(p, "vendor", INTEL_VENDOR_ID),
    "unknown vendor id": lambda p: setattr(p, "vendor", b"SOMEONE-ELSE-QE1"),
    "userData not zero": lambda p: setattr(p, "user_data", b"\x01" + bytes(19)),
    "reserved body byte": lambda p: put(p.body, 20, b"\x01"),
    "reserved body byte before mrSigner": lambda p: put(p.body, MR_SIGNER - 1, b"\x01"),
    "attributes without INIT": lambda p: put_le(p.body, ATTR_FLAGS, 8, 0),
    "attributes with another bit": lambda p: put_le(p.body, ATTR_FLAGS, 8, 1 | 4),
    "xfrm not zero": lambda p: put_le(p.body, ATTR_XFRM, 8, 3),
    "cert data type 4": lambda p: setattr(p, "cert_data_type", 4),
    "trailing byte": lambda p: setattr(p, "trailing", b"\x00"),
    "sigDataLen one too many": lambda p: setattr(p, "sig_data_len", len(p.sig_data()) + 1),
    "PEM with CRLF": lambda p: setattr(p, "cert_data", p.cert_data.replace(b"\n", b"\r\n")),
    "PEM with text between blocks": lambda p: setattr(
        p, "cert_data", p.cert_data.replace(b"-----END CERTIFICATE-----\n", b"-----END CERTIFICATE-----\n\n", 1)
    ),
    "PEM with two trailing NULs": lambda p: setattr(p, "cert_data", p.cert_data + b"\x00\x00"),
    "PEM lines of 76 characters": lambda p: setattr(p, "cert_data", _rewrap(p.cert_data, 76)),
    "PEM that is not base64": lambda p: setattr(
        p, "cert_data", b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n" + p.cert_data
    ),
    "a single certificate": lambda p: setattr(p, "cert_data", p.cert_data[: p.cert_data.index(b"-----END") + 26]),
}


def _rewrap(cert_data: bytes, width: int) -> bytes:
    import base64

    out = b""
    for block in cert_data.split(b"-----BEGIN CERTIFICATE-----\n")[1:]:
        body = block.split(b"-----END CERTIFICATE-----\n")[0].replace(b"\n", b"")
        out += b"-----BEGIN CERTIFICATE-----\n"
        out += b"".join(body[i : i + width] + b"\n" for i in range(0, len(body), width))
        out += b"-----END CERTIFICATE-----\n"
        assert base64.b64decode(body)
    return out


@pytest.mark.parametrize("case", sorted(FORMAT_CASES))
def test_check_1_format(world: World, case: str) -> None:
    raw = _resigned(world, FORMAT_CASES[case])
    expect(1, lambda: world.verify(raw))


def test_check_1_truncated_quote(world: World) -> None:
    raw = world.parts().to_bytes()
    for n in (0, 47, 48, 431, 436, len(raw) - 1):
        expect(1, lambda: world.verify(raw[:n]))


def test_check_1_qe_report_reserved_byte(world: World) -> None:
    parts = world.parts()
    put(parts.qe_report, 100, b"\x01")
    sign_qe_report(parts, world.platform.platform.key)
    expect(1, lambda: world.verify(parts))


def _with_platform(world: World, platform_cert_authority: Authority, chain: list[x509.Certificate] | None = None) -> bytes:
    plat = dataclasses.replace(world.platform, platform=platform_cert_authority)
    parts = world.parts(platform=plat)
    if chain is not None:
        parts.cert_data = pem(chain)
        sign_quote(parts, world.attestation_key)
    return parts.to_bytes()


def test_check_1_unknown_critical_extension(world: World) -> None:
    ext = x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x05\x00")
    platform = issue(world.platform.root, "p", ca=False, extra_extensions=[(ext, True)])
    raw = _with_platform(world, platform)
    assert "critical" in expect(1, lambda: world.verify(raw)).reason


def test_check_1_certificate_signed_with_sha384(world: World) -> None:
    platform = issue(world.platform.root, "p", ca=False, hash_algorithm=hashes.SHA384())
    raw = _with_platform(world, platform)
    assert "ecdsa-with-SHA256" in expect(1, lambda: world.verify(raw)).reason


def test_check_1_certificate_with_a_p384_key(world: World) -> None:
    platform = issue(world.platform.root, "p", ca=False, key=ec.generate_private_key(ec.SECP384R1()))
    parts = world.parts()
    parts.cert_data = pem([platform.cert, world.platform.root.cert])
    sign_quote(parts, world.attestation_key)
    assert "P-256" in expect(1, lambda: world.verify(parts)).reason


def test_check_1_issuer_is_not_the_next_subject(world: World) -> None:
    other_root = make_root("Some other root")
    parts = world.parts()
    parts.cert_data = pem([world.platform.platform.cert, other_root.cert])
    sign_quote(parts, world.attestation_key)
    assert "issuer" in expect(1, lambda: world.verify(parts)).reason


def test_check_1_more_than_five_certificates(world: World) -> None:
    parts = world.parts()
    parts.cert_data = pem([world.platform.platform.cert] + [world.platform.root.cert] * 5)
    sign_quote(parts, world.attestation_key)
    expect(1, lambda: world.verify(parts))


# ------------------------------------------------------------------ check 2: chain


def test_check_2_root_is_not_the_pinned_anchor(world: World) -> None:
    policy = world.policy(trustAnchors={"simulated-sgx": "0x" + spki_hash(p256_key().public_key()).hex()})
    parts = world.parts(report=world.report_data(policy_hash=policy.policy_hash()))
    assert "trust anchor" in expect(2, lambda: world.verify(parts, policy=policy)).reason


def test_check_2_a_whole_other_platform_with_its_own_root(world: World) -> None:
    impostor = SimPlatform.create()
    parts = world.parts(platform=impostor)
    expect(2, lambda: world.verify(parts))


def test_check_2_platform_certificate_not_signed_by_the_root(world: World) -> None:
    forger = Authority(p256_key(), world.platform.root.cert)  # the root's name, another key
    platform = issue(forger, "p", ca=False)
    raw = _with_platform(world, platform)
    assert "signature" in expect(2, lambda: world.verify(raw)).reason


def test_check_2_root_self_signature_does_not_verify(world: World) -> None:
    root = world.platform.root
    bad_root_cert = make_cert(
        public_key=root.key.public_key(), subject=root.cert.subject, issuer=root.cert.subject, issuer_key=p256_key(), ca=True
    )
    parts = world.parts()
    parts.cert_data = pem([world.platform.platform.cert, bad_root_cert])
    sign_quote(parts, world.attestation_key)
    assert "self-signature" in expect(2, lambda: world.verify(parts)).reason


def test_check_2_intermediate_that_is_not_a_ca() -> None:
    w = World.create()
    root = w.platform.root
    intermediate = issue(root, "not a CA", ca=False)
    platform = issue(intermediate, "p", ca=False)
    plat = SimPlatform(root=root, platform=platform, intermediates=[intermediate])
    parts = w.parts(platform=plat)
    assert "CA" in expect(2, lambda: w.verify(parts)).reason


def test_check_2_root_without_basic_constraints() -> None:
    w = World.create()
    key = p256_key()
    n = name("root without basicConstraints")
    root = Authority(key, make_cert(public_key=key.public_key(), subject=n, issuer=n, issuer_key=key, ca=None))
    plat = SimPlatform(root=root, platform=issue(root, "p", ca=False))
    w.platform = plat
    parts = w.parts()
    expect(2, lambda: w.verify(parts))


# ------------------------------------------------------------------ check 3: validity


def test_check_3_platform_certificate_expired_at_block_time(world: World) -> None:
    parts = world.parts()
    not_after = int(world.platform.platform.cert.not_valid_after_utc.timestamp())
    world.verify(parts, block_time=not_after)  # the last valid second
    assert "expired" in expect(3, lambda: world.verify(parts, block_time=not_after + 1)).reason


def test_check_3_certificate_not_yet_valid(world: World) -> None:
    late = dt.datetime(2030, 1, 1, tzinfo=UTC)
    platform = issue(world.platform.root, "p", ca=False, not_before=late, not_after=NOT_AFTER)
    raw = _with_platform(world, platform)
    assert "not valid before" in expect(3, lambda: world.verify(raw)).reason


def test_check_3_revoked_platform_certificate(world: World) -> None:
    rid = revocation_id(world.platform.platform.cert, world.platform.root.key.public_key())
    assert rid[:32] == spki_hash(world.platform.root.key.public_key())
    other = revocation_id(world.platform.root.cert, world.platform.root.key.public_key())
    world.verify(world.parts(), policy=world.policy(revoked=frozenset({other})))
    failure = expect(3, lambda: world.verify(world.parts(), policy=world.policy(revoked=frozenset({rid}))))
    assert "revoked" in failure.reason


def test_revocation_id_uses_minimal_serial(world: World) -> None:
    platform = issue(world.platform.root, "p", ca=False, serial=0x00FF)
    rid = revocation_id(platform.cert, world.platform.root.key.public_key())
    assert rid[32:] == b"\xff"


# ------------------------------------------------------------------ check 4: signatures


def test_check_4_quote_signed_by_another_key(world: World) -> None:
    parts = world.parts()
    sign_quote(parts, p256_key())
    assert "quote signature" in expect(4, lambda: world.verify(parts)).reason


def test_check_4_body_changed_after_signing(world: World) -> None:
    parts = world.parts()
    put_le(parts.body, ISV_SVN, 2, 2)  # a higher isvSvn, not re-signed
    expect(4, lambda: world.verify(parts))


def test_check_4_qe_report_signed_by_another_key(world: World) -> None:
    parts = world.parts()
    sign_qe_report(parts, p256_key())
    assert "QE report signature" in expect(4, lambda: world.verify(parts)).reason


def test_check_4_qe_report_does_not_bind_the_attestation_key(world: World) -> None:
    parts = world.parts()
    other = p256_key()
    from simquote import raw_point

    parts.attestation_key = raw_point(other)  # the QE report still binds the old key
    sign_quote(parts, other)
    assert "bind" in expect(4, lambda: world.verify(parts)).reason


def test_check_4_qe_auth_data_changed(world: World) -> None:
    parts = world.parts(qe_auth_data=b"original")
    parts.qe_auth_data = b"replaced"
    expect(4, lambda: world.verify(parts))


def test_check_4_attestation_key_not_on_the_curve(world: World) -> None:
    parts = world.parts()
    parts.attestation_key = (1).to_bytes(32, "big") + (1).to_bytes(32, "big")
    put(parts.qe_report, 320, sha256(parts.attestation_key) + bytes(32))
    sign_qe_report(parts, world.platform.platform.key)
    assert "point" in expect(4, lambda: world.verify(parts)).reason


# ------------------------------------------------------------------ check 5: QE identity


def test_check_5_qe_report_isvsvn_differs_from_header(world: World) -> None:
    parts = world.parts(qe_svn=3)
    put_le(parts.qe_report, ISV_SVN, 2, 2)
    sign_qe_report(parts, world.platform.platform.key)
    expect(5, lambda: world.verify(parts))


def test_check_5_qe_svn_below_minimum(world: World) -> None:
    policy = world.policy(minQeSvn=4)
    parts = world.parts(qe_svn=3, report=world.report_data(policy_hash=policy.policy_hash()))
    expect(5, lambda: world.verify(parts, policy=policy))


# ------------------------------------------------------------------ check 6: TCB level


def test_check_6_cpu_svn_byte_below_minimum(world: World) -> None:
    policy = world.policy(minCpuSvn="0x" + "01" * 15 + "02")
    parts = world.parts(report=world.report_data(policy_hash=policy.policy_hash()))
    assert "cpuSvn byte 15" in expect(6, lambda: world.verify(parts, policy=policy)).reason
    higher = world.parts(cpu_svn=bytes([1] * 15 + [2]), report=world.report_data(policy_hash=policy.policy_hash()))
    world.verify(higher, policy=policy)


def test_check_6_pce_svn_below_minimum(world: World) -> None:
    parts = world.parts(pce_svn=0)
    assert "pceSvn" in expect(6, lambda: world.verify(parts)).reason


def test_check_6_qe_report_cpu_svn_differs(world: World) -> None:
    parts = world.parts()
    put(parts.qe_report, CPU_SVN, bytes([2] * 16))
    sign_qe_report(parts, world.platform.platform.key)
    assert "QE report's cpuSvn" in expect(6, lambda: world.verify(parts)).reason


# ------------------------------------------------------------------ check 7: debug off


def test_check_7_debug_enclave_refused(world: World) -> None:
    parts = world.parts(debug=True)
    expect(7, lambda: world.verify(parts))


# ------------------------------------------------------------------ check 8: identity


def test_check_8_measurement_not_in_allowlist(world: World) -> None:
    parts = world.parts(mr_enclave=sha256(b"a patched enclave"))
    assert "measurements" in expect(8, lambda: world.verify(parts)).reason


def test_check_8_isv_prod_id_not_one(world: World) -> None:
    parts = world.parts(isv_prod_id=2)
    assert "isvProdId" in expect(8, lambda: world.verify(parts)).reason


def test_check_8_isv_svn_below_minimum(world: World) -> None:
    parts = world.parts(isv_svn=0)
    assert "isvSvn" in expect(8, lambda: world.verify(parts)).reason


# ------------------------------------------------------------------ check 9: key binding


def test_check_9_another_encryption_key_claimed(world: World) -> None:
    claimed = dataclasses.replace(world.claimed, encryption_key=x25519_public())
    expect(9, lambda: world.verify(world.parts(), claimed=claimed))


def test_check_9_another_authority_claimed(world: World) -> None:
    claimed = dataclasses.replace(world.claimed, authority=bytes(20))
    expect(9, lambda: world.verify(world.parts(), claimed=claimed))


def test_check_9_quote_bound_to_another_chain(world: World) -> None:
    parts = world.parts(report=world.report_data(chain_id=world.chain_id + 1))
    expect(9, lambda: world.verify(parts))


def test_check_9_quote_bound_to_another_genesis(world: World) -> None:
    parts = world.parts(report=world.report_data(genesis_hash=keccak256(b"another genesis")))
    expect(9, lambda: world.verify(parts))


def test_check_9_quote_bound_to_another_policy(world: World) -> None:
    forged = world.policy(minIsvSvn=0)
    parts = world.parts(report=world.report_data(policy_hash=forged.policy_hash()))
    expect(9, lambda: world.verify(parts))


def test_check_9_claimed_signing_key_not_a_point(world: World) -> None:
    bad = Claimed(world.claimed.authority, b"\x02" + (5).to_bytes(32, "big"), world.claimed.encryption_key)
    parts = world.parts(report=world.report_data(claimed=bad))
    assert "secp256k1" in expect(9, lambda: world.verify(parts, claimed=bad)).reason


# ------------------------------------------------------------------ check 10: freshness


def test_check_10_freshness_names_an_unknown_block(world: World) -> None:
    parts = world.parts(report=world.report_data(freshness=keccak256(b"not an ancestor")))
    expect(10, lambda: world.verify(parts))


def test_check_10_freshness_older_than_the_window(world: World) -> None:
    parts = world.parts(report=world.report_data(freshness=world.ancestors[64]))
    expect(10, lambda: world.verify(parts))


def test_check_10_no_ancestors(world: World) -> None:
    expect(10, lambda: world.verify(world.parts(), ancestors=[]))


# ------------------------------------------------------------------ order


def test_checks_run_in_order(world: World) -> None:
    """A quote wrong in checks 7, 8 and 10 at once is refused by check 7."""
    parts = world.parts(
        debug=True, mr_enclave=sha256(b"unknown"), report=world.report_data(freshness=keccak256(b"unknown block"))
    )
    expect(7, lambda: world.verify(parts))
