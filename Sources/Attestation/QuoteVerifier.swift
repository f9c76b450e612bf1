import Foundation
public import Primitives
import ChainTypes
public import Crypto
public import X509
import SwiftASN1

/// The quote verifier of CONFIDENTIAL.md section 3.1: a pure, synchronous function of the
/// quote, the claimed authority and keys, and chain data (``VerificationContext``).
///
/// It runs the ten checks in order and refuses with the first that fails, naming it
/// (``AttestationError/check``). It reads no clock, file or network: the same inputs give
/// the same verdict on every node, forever. Nothing is accepted because it parses.
public enum QuoteVerifier {
    /// Verifies `quote` for `claimed` in `context`.
    public static func verify(quote bytes: [UInt8], claimed: ClaimedEnclave,
                              context: VerificationContext) throws(AttestationError) -> VerifiedEnclave {
        let rules = context.policy.rules
        // 1. Format
        let quote = try Quote(parsing: bytes)
        let (platform, chain) = try checkFormat(quote, rules: rules)
        // 2. Chain to the pinned root
        try checkChain(chain, anchor: rules.trustAnchors[platform], platform: platform)
        // 3. Validity at block time, revocation
        let revocationID = try checkValidity(chain, blockTime: context.blockTime, revoked: context.policy.revokedPlatforms)
        // 4. Signatures
        try checkSignatures(quote, platformKey: chain[0].key)
        // 5. QE identity
        guard quote.qeReport.isvSvn == quote.qeSvn else {
            throw AttestationError(.qeIdentity, "QE report isvSvn \(quote.qeReport.isvSvn) differs from the header's qeSvn \(quote.qeSvn)")
        }
        guard quote.qeSvn >= rules.minQeSvn else {
            throw AttestationError(.qeIdentity, "qeSvn \(quote.qeSvn) below the policy's minQeSvn \(rules.minQeSvn)")
        }
        // 6. TCB level
        let cpuSvn = quote.body.cpuSvn
        guard rules.minCpuSvn.count == 16 else {
            throw AttestationError(.tcbLevel, "the policy's minCpuSvn has \(rules.minCpuSvn.count) bytes, not 16")
        }
        for i in 0..<16 where cpuSvn[i] < rules.minCpuSvn[i] {
            throw AttestationError(.tcbLevel, "cpuSvn byte \(i) is \(cpuSvn[i]), below the policy's \(rules.minCpuSvn[i])")
        }
        guard quote.pceSvn >= rules.minPceSvn else {
            throw AttestationError(.tcbLevel, "pceSvn \(quote.pceSvn) below the policy's minPceSvn \(rules.minPceSvn)")
        }
        guard quote.qeReport.cpuSvn == cpuSvn else {
            throw AttestationError(.tcbLevel, "the QE report's cpuSvn differs from the quote body's")
        }
        // 7. Debug off
        // allowDebug counts only on a simulated chain (section 2), whatever built the policy.
        if quote.body.isDebug, !(rules.allowDebug && rules.insecureSimulation) {
            throw AttestationError(.debugOff, "the DEBUG attribute is set and the policy does not allow debug enclaves")
        }
        // 8. Identity
        let mrEnclave = quote.body.mrEnclave
        guard rules.measurements.contains(mrEnclave) else {
            throw AttestationError(.identity, "mrEnclave \(mrEnclave) is not in the policy's measurements")
        }
        guard quote.body.isvProdId == 1 else {
            throw AttestationError(.identity, "isvProdId \(quote.body.isvProdId), expected 1")
        }
        guard quote.body.isvSvn >= rules.minIsvSvn else {
            throw AttestationError(.identity, "isvSvn \(quote.body.isvSvn) below the policy's minIsvSvn \(rules.minIsvSvn)")
        }
        // 9. Key binding (fixed-length keys: no other split of the same bytes binds)
        guard claimed.signingKey.count == 33, (try? Secp256k1.PublicKey(rawRepresentation: claimed.signingKey)) != nil else {
            throw AttestationError(.keyBinding, "the claimed signing key is not a 33-byte compressed secp256k1 point")
        }
        guard claimed.encryptionKey.count == 32 else {
            throw AttestationError(.keyBinding, "the claimed encryption key has \(claimed.encryptionKey.count) bytes, not 32 (X25519)")
        }
        let binding = EnclaveBinding(chainID: context.chainID, genesisHash: context.genesisHash, policyHash: context.genesisPolicyHash,
                                     authority: claimed.authority, signingKey: claimed.signingKey, encryptionKey: claimed.encryptionKey)
        let reportData = quote.body.reportData
        guard Array(reportData[0..<32]) == binding.keyHash else {
            throw AttestationError(.keyBinding,
                                   "reportData does not bind chain \(context.chainID), this genesis and policy, authority \(claimed.authority) and the claimed keys")
        }
        // 10. Freshness
        let freshness = Hash32(reportData[32..<64]) ?? .zero
        let window = context.ancestorHashes.prefix(Int(clamping: rules.freshnessBlocks))
        guard window.contains(freshness) else {
            throw AttestationError(.freshness,
                                   "reportData names block \(freshness), not one of the \(rules.freshnessBlocks) blocks before the including block")
        }
        return VerifiedEnclave(enclaveID: claimed.enclaveID, platform: platform, mrEnclave: mrEnclave, mrSigner: quote.body.mrSigner,
                               isvProdId: quote.body.isvProdId, isvSvn: quote.body.isvSvn, cpuSvn: cpuSvn, pceSvn: quote.pceSvn,
                               qeSvn: quote.qeSvn, debug: quote.body.isDebug, platformRevocationID: revocationID, freshness: freshness)
    }

    /// One certificate of the chain, parsed, with its P-256 key.
    struct ChainCertificate {
        let certificate: Certificate
        let key: P256.Signing.PublicKey
    }

    // MARK: Check 1

    static func checkFormat(_ quote: Quote, rules: ConfidentialConfig) throws(AttestationError) -> (String, [ChainCertificate]) {
        func fail(_ reason: String) -> AttestationError { AttestationError(.format, reason) }
        guard quote.headerReserved.allSatisfy({ $0 == 0 }) else { throw fail("the header's reserved bytes are not zero") }
        guard let vendor = QEVendor(id: quote.qeVendorID) else {
            throw fail("unknown QE vendor id 0x\(Hex.encode(quote.qeVendorID, prefix: false))")
        }
        guard rules.platforms.contains(vendor.platform), ConfidentialConfig.knownPlatforms.contains(vendor.platform) else {
            throw fail("QE vendor id of platform \"\(vendor.platform)\", which this chain does not enable")
        }
        guard vendor != .simulated || rules.insecureSimulation else {
            throw fail("a simulated quote, and this chain's policy does not accept simulated evidence (insecureSimulation)")
        }
        if vendor == .simulated {
            guard quote.userData.allSatisfy({ $0 == 0 }) else { throw fail("userData is not zero (simulated vendor)") }
            let named = [ReportBody.Field.cpuSvn, ReportBody.Field.miscSelect, ReportBody.Field.attributesFlags,
                         ReportBody.Field.attributesXfrm, ReportBody.Field.mrEnclave, ReportBody.Field.mrSigner,
                         ReportBody.Field.isvProdId, ReportBody.Field.isvSvn, ReportBody.Field.reportData]
            if let offset = quote.body.nonZeroOffsets(outside: named).first {
                throw fail("report body byte \(offset) is reserved and not zero")
            }
            let flags = quote.body.attributesFlags
            guard flags == ReportBody.flagInit || flags == ReportBody.flagInit | ReportBody.flagDebug else {
                throw fail("attributes.flags 0x\(String(flags, radix: 16)): the simulated platform sets INIT and at most DEBUG")
            }
            guard quote.body.attributesXfrm == 0 else { throw fail("attributes.xfrm is not zero (simulated vendor)") }
            let qeNamed = [ReportBody.Field.cpuSvn, ReportBody.Field.isvSvn, ReportBody.Field.reportData]
            if let offset = quote.qeReport.nonZeroOffsets(outside: qeNamed).first {
                throw fail("QE report byte \(offset) is not zero (simulated vendor)")
            }
        }
        guard quote.certDataType == Quote.certDataTypePEMChain else {
            throw fail("certification data type \(quote.certDataType), expected 5 (PEM certificate chain)")
        }
        let ders: [[UInt8]]
        switch StrictPEM.decode(quote.certData) {
        case .success(let list): ders = list
        case .failure(let error): throw fail("certification data: \(error.reason)")
        }
        guard ders.count >= 2 else { throw fail("certification data holds \(ders.count) certificate(s); at least 2 (platform … root)") }
        guard ders.count <= maximumChainLength else {
            throw fail("certification data holds \(ders.count) certificates; at most \(maximumChainLength)")
        }
        var chain: [ChainCertificate] = []
        for (i, der) in ders.enumerated() {
            let certificate: Certificate
            do { certificate = try Certificate(derEncoded: der) } catch {
                throw fail("certificate \(i + 1) is not DER X.509: \(error)")
            }
            guard certificate.signatureAlgorithm == .ecdsaWithSHA256 else {
                throw fail("certificate \(i + 1) is signed with \(certificate.signatureAlgorithm), expected ecdsa-with-SHA256")
            }
            guard let key = P256.Signing.PublicKey(certificate.publicKey) else {
                throw fail("certificate \(i + 1) does not hold an ECDSA P-256 key")
            }
            for ext in certificate.extensions where ext.critical && !knownCriticalExtensions.contains(ext.oid) {
                throw fail("certificate \(i + 1) has an unknown critical extension \(ext.oid)")
            }
            chain.append(ChainCertificate(certificate: certificate, key: key))
        }
        for i in 0..<(chain.count - 1) where chain[i].certificate.issuer != chain[i + 1].certificate.subject {
            throw fail("certificate \(i + 1)'s issuer is not certificate \(i + 2)'s subject")
        }
        return (vendor.platform, chain)
    }

    /// Certificates a chain may hold (DCAP's is platform, intermediate, root): bounds the
    /// work one quote can cost every node.
    public static let maximumChainLength = 5

    static let knownCriticalExtensions: Set<ASN1ObjectIdentifier> = [
        .X509ExtensionID.basicConstraints, .X509ExtensionID.keyUsage,
    ]

    // MARK: Check 2

    static func checkChain(_ chain: [ChainCertificate], anchor: Hash32?, platform: String) throws(AttestationError) {
        func fail(_ reason: String) -> AttestationError { AttestationError(.chainToRoot, reason) }
        guard let anchor else { throw fail("no trust anchor for platform \"\(platform)\"") }
        let root = chain[chain.count - 1]
        guard spkiHash(root.key) == anchor else {
            throw fail("the root's key hash \(spkiHash(root.key)) is not the pinned trust anchor \(anchor)")
        }
        for i in 1..<chain.count {
            let basic: BasicConstraints?
            do { basic = try chain[i].certificate.extensions.basicConstraints } catch {
                throw fail("certificate \(i + 1): basicConstraints unreadable: \(error)")
            }
            guard case .isCertificateAuthority = basic else { throw fail("certificate \(i + 1) is not a CA (basicConstraints CA:true)") }
        }
        // From the root down: a forged chain fails at its first made-up link.
        for i in stride(from: chain.count - 1, through: 0, by: -1) {
            let issuer = i + 1 < chain.count ? chain[i + 1] : root
            guard issuer.certificate.publicKey.isValidSignature(chain[i].certificate.signature, for: chain[i].certificate) else {
                throw fail(i + 1 < chain.count
                           ? "certificate \(i + 1)'s signature does not verify under certificate \(i + 2)'s key"
                           : "the root's self-signature does not verify")
            }
        }
    }

    /// `sha256` of a P-256 key's SubjectPublicKeyInfo, re-encoded as DER with the
    /// namedCurve OID and the uncompressed point (the `trustAnchors` value).
    public static func spkiHash(_ key: P256.Signing.PublicKey) -> Hash32 {
        Hash32(Array(SHA256.hash(data: key.derRepresentation))) ?? .zero
    }

    /// ``spkiHash(_:)`` of a certificate's key; nil when it is not a P-256 key.
    public static func spkiHash(of certificate: Certificate) -> Hash32? {
        P256.Signing.PublicKey(certificate.publicKey).map(spkiHash)
    }

    // MARK: Check 3

    static func checkValidity(_ chain: [ChainCertificate], blockTime: UInt64, revoked: Set<[UInt8]>) throws(AttestationError) -> [UInt8] {
        let time = Date(timeIntervalSince1970: TimeInterval(blockTime))
        for (i, c) in chain.enumerated() {
            guard c.certificate.notValidBefore <= time else {
                throw AttestationError(.validity, "certificate \(i + 1) is not valid before \(Int64(c.certificate.notValidBefore.timeIntervalSince1970)) (block time \(blockTime))")
            }
            guard time <= c.certificate.notValidAfter else {
                throw AttestationError(.validity, "certificate \(i + 1) expired at \(Int64(c.certificate.notValidAfter.timeIntervalSince1970)) (block time \(blockTime))")
            }
        }
        let id = revocationID(platform: chain[0].certificate, issuerKey: chain[1].key)
        guard !revoked.contains(id) else {
            throw AttestationError(.validity, "the platform certificate 0x\(Hex.encode(id, prefix: false)) is revoked")
        }
        return id
    }

    /// `sha256(issuer SPKI) ‖ serial` (minimal unsigned big-endian) of a platform certificate.
    public static func revocationID(platform: Certificate, issuerKey: P256.Signing.PublicKey) -> [UInt8] {
        var serial = Array(platform.serialNumber.bytes)
        while serial.count > 1, serial[0] == 0 { serial.removeFirst() }
        if serial == [0] { serial = [] }
        return spkiHash(issuerKey).bytes + serial
    }

    // MARK: Check 4

    static func checkSignatures(_ quote: Quote, platformKey: P256.Signing.PublicKey) throws(AttestationError) {
        func fail(_ reason: String) -> AttestationError { AttestationError(.signatures, reason) }
        guard let qeSignature = try? P256.Signing.ECDSASignature(rawRepresentation: quote.qeReportSignature),
              platformKey.isValidSignature(qeSignature, for: quote.qeReport.bytes) else {
            throw fail("the QE report signature does not verify under the platform certificate's key")
        }
        let expected = Array(SHA256.hash(data: quote.attestationKey + quote.qeAuthData)) + [UInt8](repeating: 0, count: 32)
        guard quote.qeReport.reportData == expected else {
            throw fail("the QE report's reportData does not bind the attestation key and QE authentication data")
        }
        guard let attestationKey = try? P256.Signing.PublicKey(rawRepresentation: quote.attestationKey) else {
            throw fail("the attestation key is not a P-256 point")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: quote.signature),
              attestationKey.isValidSignature(signature, for: quote.signedBytes) else {
            throw fail("the quote signature does not verify under the attestation key")
        }
    }
}
