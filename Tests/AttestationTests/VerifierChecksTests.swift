import Testing
import Foundation
import Crypto
import Primitives
import ChainTypes
import Attestation
import X509

/// One negative test per check (CONFIDENTIAL.md section 3.1): the fixture's quote altered
/// in exactly one respect is refused with that check's error; unaltered, it is accepted.
@Suite struct VerifierChecksTests {
    @Test func theUnalteredQuoteIsAccepted() throws {
        let f = try QuoteFixture()
        let verified = try f.verify().get()
        #expect(verified.mrEnclave == QuoteFixture.mrEnclave)
        #expect(verified.enclaveID == Keccak256.hash(f.claimed.signingKey))
        #expect(verified.isvSvn == 2 && verified.qeSvn == 4 && verified.pceSvn == 3 && !verified.debug)
        #expect(verified.freshness == QuoteFixture.ancestors[3])
        #expect(verified.platform == "simulated-sgx")
        // Parsing and serialising give back the same bytes.
        #expect(try Quote(parsing: f.quote.bytes).bytes == f.quote.bytes)
    }

    // MARK: 1 format

    @Test func check1RefusesAnotherVersion() throws {
        var f = try QuoteFixture()
        f.quote.version = 4
        f.signer.sign(&f.quote)
        #expect(f.failingCheck() == .format)
    }

    @Test func check1RefusesATruncatedQuoteAndATrailingByte() throws {
        let f = try QuoteFixture()
        #expect(f.failingCheck(Array(f.quote.bytes.dropLast())) == .format)
        #expect(f.failingCheck(f.quote.bytes + [0]) == .format)
        #expect(f.failingCheck(Array(f.quote.bytes.prefix(47))) == .format)
        #expect(f.failingCheck([]) == .format)
    }

    @Test func check1RefusesAnotherKeyType() throws {
        var f = try QuoteFixture()
        f.quote.attestationKeyType = 3
        f.signer.sign(&f.quote)
        #expect(f.failingCheck() == .format)
    }

    @Test func check1RefusesAForeignVendorID() throws {
        var f = try QuoteFixture()
        f.quote.qeVendorID = QEVendor.intel.id
        f.signer.sign(&f.quote)
        #expect(f.failingCheck() == .format)
        f.quote.qeVendorID = Array("SOMEBODY-ELSE-QE".utf8)
        f.signer.sign(&f.quote)
        #expect(f.failingCheck() == .format)
    }

    @Test func check1RefusesANonZeroReservedByte() throws {
        var f = try QuoteFixture()
        f.quote.headerReserved = [0, 0, 1, 0]
        f.signer.sign(&f.quote)
        #expect(f.failingCheck() == .format)

        var g = try QuoteFixture()
        g.alterBody { $0.setByte(1, at: 300) }  // inside the reserved bytes before reportData
        #expect(g.failingCheck() == .format)

        var h = try QuoteFixture()
        h.quote.userData[0] = 1
        h.signer.sign(&h.quote)
        #expect(h.failingCheck() == .format)

        var k = try QuoteFixture()
        k.alterBody { $0.attributesXfrm = 3 }
        #expect(k.failingCheck() == .format)
    }

    @Test func check1RefusesAnotherCertDataTypeAndLoosePEM() throws {
        var f = try QuoteFixture()
        f.quote.certDataType = 4
        #expect(f.failingCheck() == .format)

        var g = try QuoteFixture()
        g.quote.certData = Array(String(decoding: g.quote.certData, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(g.failingCheck() == .format)

        var h = try QuoteFixture()
        h.quote.certData = StrictPEM.encode([h.platform.chain[0]])  // the platform certificate alone
        #expect(h.failingCheck() == .format)

        var k = try QuoteFixture()
        k.quote.certData = [0x0A] + k.quote.certData  // something before the first block
        #expect(k.failingCheck() == .format)

        var trailingNUL = try QuoteFixture()
        trailingNUL.quote.certData.append(0)  // tolerated
        #expect(trailingNUL.failingCheck() == nil)
    }

    @Test func check1RefusesFlagsWithoutINITAndANonZeroQEReportByte() throws {
        var f = try QuoteFixture()
        f.alterBody { $0.attributesFlags = ReportBody.flagDebug }
        #expect(f.failingCheck() == .format)
        var g = try QuoteFixture()
        g.quote.qeReport.setByte(1, at: 70)  // inside the QE report's mrEnclave: zero for the simulated vendor
        g.signer.signQEReport(&g.quote)
        #expect(g.failingCheck() == .format)
    }

    @Test func check1RefusesAnUnknownCriticalExtension() throws {
        var f = try QuoteFixture()
        let unknown = Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 99999, 1], critical: true, value: [0x05, 0x00])
        let platform = try f.root.issuePlatform(notBefore: QuoteFixture.platformNotBefore, notAfter: QuoteFixture.platformNotAfter,
                                                tcb: f.platform.tcb, extraExtensions: [unknown])
        f.quote.certData = platform.certificationData
        SimulatedQuoteSigner(platform: platform, attestationKey: f.signer.attestationKey).certify(&f.quote)
        #expect(f.failingCheck() == .format)
        // The same extension, not critical, is accepted.
        var g = try QuoteFixture()
        let benign = Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 99999, 1], critical: false, value: [0x05, 0x00])
        let other = try g.root.issuePlatform(notBefore: QuoteFixture.platformNotBefore, notAfter: QuoteFixture.platformNotAfter,
                                             tcb: g.platform.tcb, extraExtensions: [benign])
        g.quote.certData = other.certificationData
        SimulatedQuoteSigner(platform: other, attestationKey: g.signer.attestationKey).certify(&g.quote)
        #expect(g.failingCheck() == nil)
    }

    @Test func check1RefusesAKeyOtherThanP256AndAnIssuerThatIsNotTheNextSubject() throws {
        var f = try QuoteFixture()
        let p384 = P384.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("Cloister simulated SGX root") }
        let p384Root = try Certificate(version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(p384.publicKey),
                                       notValidBefore: QuoteFixture.rootNotBefore, notValidAfter: QuoteFixture.rootNotAfter,
                                       issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA384,
                                       extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) },
                                       issuerPrivateKey: Certificate.PrivateKey(p384))
        f.quote.certData = StrictPEM.encode([f.platform.chain[0], p384Root.derBytes])
        #expect(f.failingCheck() == .format)

        var g = try QuoteFixture()
        let stranger = try SimulatedRoot.create(notBefore: QuoteFixture.rootNotBefore, notAfter: QuoteFixture.rootNotAfter,
                                                commonName: "Somebody else's root")
        g.quote.certData = StrictPEM.encode([g.platform.chain[0], stranger.certificate.derBytes])
        g.rules.trustAnchors["simulated-sgx"] = stranger.trustAnchor
        guard case .failure(let error) = g.verify() else { Issue.record("accepted"); return }
        #expect(error.check == .format && error.reason.contains("issuer"))
    }

    @Test func check1RefusesAChainLongerThanTheBound() throws {
        var f = try QuoteFixture()
        let filler = Array(repeating: f.platform.chain[1], count: QuoteVerifier.maximumChainLength)
        f.quote.certData = StrictPEM.encode([f.platform.chain[0]] + filler)
        guard case .failure(let error) = f.verify() else { Issue.record("accepted"); return }
        #expect(error.check == .format && error.reason.contains("at most"))
    }

    @Test func check1RefusesASimulatedQuoteWhereSimulationIsOff() throws {
        var f = try QuoteFixture()
        f.rules.insecureSimulation = false  // a policy built without validate()
        #expect(f.failingCheck() == .format)
    }

    // MARK: 2 chain to the pinned root

    @Test func check2RefusesAChainToAnotherRoot() throws {
        var f = try QuoteFixture()
        let other = try SimulatedRoot.create(notBefore: QuoteFixture.rootNotBefore, notAfter: QuoteFixture.rootNotAfter)
        f.rules.trustAnchors["simulated-sgx"] = other.trustAnchor
        #expect(f.failingCheck() == .chainToRoot)
    }

    @Test func check2RefusesARootThatDidNotSignThePlatform() throws {
        var f = try QuoteFixture()
        // Another root with the same name: the issuer name matches, the signature cannot.
        let impostor = try SimulatedRoot.create(notBefore: QuoteFixture.rootNotBefore, notAfter: QuoteFixture.rootNotAfter)
        f.quote.certData = StrictPEM.encode([f.platform.chain[0], impostor.certificate.derBytes])
        f.rules.trustAnchors["simulated-sgx"] = impostor.trustAnchor
        #expect(f.failingCheck() == .chainToRoot)
    }

    @Test func check2RefusesANonCAIntermediate() throws {
        let f = try QuoteFixture(intermediates: { root in
            [try root.issueIntermediate(notBefore: QuoteFixture.rootNotBefore, notAfter: QuoteFixture.rootNotAfter, isCA: false)]
        })
        #expect(f.platform.chain.count == 3)
        #expect(f.failingCheck() == .chainToRoot)
        let good = try QuoteFixture(intermediates: { root in
            [try root.issueIntermediate(notBefore: QuoteFixture.rootNotBefore, notAfter: QuoteFixture.rootNotAfter, isCA: true)]
        })
        #expect(good.failingCheck() == nil)
    }

    // MARK: 3 validity at block time

    @Test func check3RefusesExpiredAndNotYetValidCertificates() throws {
        var f = try QuoteFixture()
        f.blockTime = UInt64(QuoteFixture.platformNotAfter.timeIntervalSince1970) + 1
        #expect(f.failingCheck() == .validity)
        f.blockTime = UInt64(QuoteFixture.platformNotBefore.timeIntervalSince1970) - 1
        #expect(f.failingCheck() == .validity)
    }

    @Test func theSameQuoteOnEitherSideOfExpiryGetsTwoDeterministicVerdicts() throws {
        var f = try QuoteFixture()
        let expiry = UInt64(QuoteFixture.platformNotAfter.timeIntervalSince1970)
        for _ in 0..<3 {
            f.blockTime = expiry
            #expect(f.failingCheck() == nil)
            f.blockTime = expiry + 1
            guard case .failure(let error) = f.verify() else { Issue.record("accepted after expiry"); return }
            #expect(error.check == .validity)
            #expect(error.reason.contains("expired at \(expiry)"))
        }
    }

    @Test func check3RefusesARevokedPlatform() throws {
        var f = try QuoteFixture()
        let id = try f.verify().get().platformRevocationID
        #expect(id.count > 32)
        f.revoked = [id]
        #expect(f.failingCheck() == .validity)
    }

    // MARK: 4 signatures

    @Test func check4RefusesAFlippedQuoteSignatureByte() throws {
        var f = try QuoteFixture()
        f.quote.signature[10] ^= 0x01
        #expect(f.failingCheck() == .signatures)
    }

    @Test func check4RefusesAFlippedBodyByteUnderTheOldSignature() throws {
        var f = try QuoteFixture()
        f.quote.body.isvSvn = 3  // passes every other check, but the signature is over isvSvn 2
        #expect(f.failingCheck() == .signatures)
    }

    @Test func check4RefusesAQEReportThatDoesNotBindTheAttestationKey() throws {
        var f = try QuoteFixture()
        f.quote.qeAuthData = [9, 9, 9]  // the QE report's reportData now binds other auth data
        f.signer.signQEReport(&f.quote)
        f.signer.sign(&f.quote)
        #expect(f.failingCheck() == .signatures)

        var g = try QuoteFixture()
        let other = SimulatedQuoteSigner(platform: g.platform)
        g.quote.attestationKey = Array(other.attestationKey.publicKey.rawRepresentation)
        other.sign(&g.quote)  // signed by a key the QE report does not certify
        #expect(g.failingCheck() == .signatures)
    }

    @Test func check4RefusesAQEReportNotSignedByThePlatform() throws {
        var f = try QuoteFixture()
        f.quote.qeReportSignature[5] ^= 0x80
        #expect(f.failingCheck() == .signatures)
    }

    // MARK: 5 QE identity

    @Test func check5RefusesALowQESvn() throws {
        let f = try QuoteFixture(tcb: PlatformTCB(cpuSvn: [UInt8](repeating: 2, count: 16), pceSvn: 3, qeSvn: 2))
        #expect(f.failingCheck() == .qeIdentity)
    }

    @Test func check5RefusesAQEReportOfAnotherSvn() throws {
        var f = try QuoteFixture()
        f.quote.qeReport.isvSvn = 5
        f.signer.signQEReport(&f.quote)
        #expect(f.failingCheck() == .qeIdentity)
    }

    // MARK: 6 TCB level

    @Test func check6RefusesALowCpuSvnByte() throws {
        var cpu = [UInt8](repeating: 2, count: 16)
        cpu[7] = 0
        let f = try QuoteFixture(tcb: PlatformTCB(cpuSvn: cpu, pceSvn: 3, qeSvn: 4))
        #expect(f.failingCheck() == .tcbLevel)
    }

    @Test func check6RefusesALowPceSvn() throws {
        let f = try QuoteFixture(tcb: PlatformTCB(cpuSvn: [UInt8](repeating: 2, count: 16), pceSvn: 1, qeSvn: 4))
        #expect(f.failingCheck() == .tcbLevel)
    }

    @Test func check6RefusesAQEReportOfAnotherCpuSvn() throws {
        var f = try QuoteFixture()
        f.quote.qeReport.cpuSvn = [UInt8](repeating: 9, count: 16)
        f.signer.signQEReport(&f.quote)
        #expect(f.failingCheck() == .tcbLevel)
    }

    // MARK: 7 debug off

    @Test func check7RefusesTheDebugBitUnlessAllowed() throws {
        var f = try QuoteFixture(debug: true)
        #expect(f.failingCheck() == .debugOff)
        f.rules.allowDebug = true
        #expect(f.failingCheck() == nil)
    }

    @Test func check6RefusesAMalformedPolicyInsteadOfTrapping() throws {
        var f = try QuoteFixture()
        f.rules.minCpuSvn = [1, 2]  // a policy built without validate()
        #expect(f.failingCheck() == .tcbLevel)
    }

    // MARK: 8 identity

    @Test func check8RefusesAnUnknownMeasurement() throws {
        var f = try QuoteFixture()
        f.rules.measurements = [Hash32(Array(repeating: 0xB2, count: 32))!]
        #expect(f.failingCheck() == .identity)
        var g = try QuoteFixture()
        g.alterBody { $0.mrEnclave = Hash32(Array(repeating: 0xB2, count: 32))! }
        #expect(g.failingCheck() == .identity)
    }

    @Test func check8RefusesAnotherProductID() throws {
        var f = try QuoteFixture()
        f.alterBody { $0.isvProdId = 2 }
        #expect(f.failingCheck() == .identity)
    }

    @Test func check8RefusesALowIsvSvn() throws {
        var f = try QuoteFixture()
        f.rules.minIsvSvn = 3
        #expect(f.failingCheck() == .identity)
    }

    // MARK: 9 key binding

    @Test func check9RefusesOtherKeysAndAnotherAuthority() throws {
        let f = try QuoteFixture()
        var otherKeys = f.claimed
        otherKeys.signingKey = Secp256k1.PrivateKey().publicKey.compressed
        #expect(f.failingCheck(claimed: otherKeys) == .keyBinding)
        var otherEncryption = f.claimed
        otherEncryption.encryptionKey[0] ^= 1
        #expect(f.failingCheck(claimed: otherEncryption) == .keyBinding)
        var otherAuthority = f.claimed
        otherAuthority.authority = Address(Array(repeating: 0xBB, count: 20))!
        #expect(f.failingCheck(claimed: otherAuthority) == .keyBinding)
    }

    @Test func check9RefusesKeysSplitAtAnotherLength() throws {
        // The same 65 bytes split 32 + 33 hash to the same reportData: refused all the same.
        let f = try QuoteFixture()
        let joined = f.claimed.signingKey + f.claimed.encryptionKey
        var shifted = f.claimed
        shifted.signingKey = Array(joined.prefix(32))
        shifted.encryptionKey = Array(joined.suffix(33))
        #expect(f.failingCheck(claimed: shifted) == .keyBinding)
        var notAPoint = f.claimed
        notAPoint.signingKey = [0x05] + Array(repeating: 1, count: 32)
        #expect(f.failingCheck(claimed: notAPoint) == .keyBinding)
    }

    @Test func check9RefusesAQuoteBoundToAnotherPolicyOrChain() throws {
        var f = try QuoteFixture()
        f.genesisPolicyHash = Keccak256.hash([1])
        #expect(f.failingCheck() == .keyBinding)
        let g = try QuoteFixture()
        var context = g.context
        context.chainID += 1
        #expect(throws: AttestationError.self) { try QuoteVerifier.verify(quote: g.quote.bytes, claimed: g.claimed, context: context) }
        do { _ = try QuoteVerifier.verify(quote: g.quote.bytes, claimed: g.claimed, context: context) } catch {
            #expect(error.check == .keyBinding)
        }
    }

    // MARK: 10 freshness

    @Test func check10RefusesAStaleFreshnessHash() throws {
        // Named block is the 71st before the including block: outside the 64-block window.
        let f = try QuoteFixture(freshness: QuoteFixture.ancestors[70])
        #expect(f.failingCheck() == .freshness)
        let unknown = try QuoteFixture(freshness: Keccak256.hash([0xFF]))
        #expect(unknown.failingCheck() == .freshness)
        let edge = try QuoteFixture(freshness: QuoteFixture.ancestors[63])
        #expect(edge.failingCheck() == nil)
    }

    @Test func errorsNameTheirCheck() throws {
        var f = try QuoteFixture()
        f.rules.minIsvSvn = 9
        guard case .failure(let error) = f.verify() else { Issue.record("accepted"); return }
        #expect(error.description.hasPrefix("check 8 (identity): "))
    }
}
