public import Crypto
public import Primitives

/// Makes quotes as the simulated platform does (CONFIDENTIAL.md section 3): the exact SGX
/// DCAP v3 layout, the report body signed by an attestation key, that key certified by a
/// QE report signed with the platform key, and the platform's PEM chain attached.
///
/// The attestation key is made by the enclave at start and lives only in its memory.
public struct SimulatedQuoteSigner: Sendable {
    public let platform: PlatformCredentials
    public let attestationKey: P256.Signing.PrivateKey

    public init(platform: PlatformCredentials, attestationKey: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) {
        self.platform = platform
        self.attestationKey = attestationKey
    }

    /// The report body an enclave of measurement `mrEnclave` gets from the simulated CPU.
    public func report(mrEnclave: Hash32, isvSvn: UInt16, debug: Bool, reportData: [UInt8]) -> ReportBody {
        var body = ReportBody()
        body.cpuSvn = platform.tcb.cpuSvn
        body.attributesFlags = ReportBody.flagInit | (debug ? ReportBody.flagDebug : 0)
        body.mrEnclave = mrEnclave
        body.isvProdId = 1
        body.isvSvn = isvSvn
        body.reportData = reportData
        return body
    }

    /// A complete, signed quote over `body`.
    public func quote(body: ReportBody, qeAuthData: [UInt8] = []) -> Quote {
        var quote = Quote()
        quote.qeSvn = platform.tcb.qeSvn
        quote.pceSvn = platform.tcb.pceSvn
        quote.body = body
        quote.qeAuthData = qeAuthData
        quote.certData = platform.certificationData
        certify(&quote)
        sign(&quote)
        return quote
    }

    /// Writes the attestation key, a QE report binding it (`cpuSvn` from the body, `isvSvn` =
    /// the header's `qeSvn`) and the platform key's signature over that report.
    public func certify(_ quote: inout Quote) {
        quote.attestationKey = Array(attestationKey.publicKey.rawRepresentation)
        var qe = ReportBody()
        qe.cpuSvn = quote.body.cpuSvn
        qe.isvSvn = quote.qeSvn
        qe.reportData = Array(SHA256.hash(data: quote.attestationKey + quote.qeAuthData)) + [UInt8](repeating: 0, count: 32)
        quote.qeReport = qe
        signQEReport(&quote)
    }

    /// Signs the QE report as it stands with the platform key.
    public func signQEReport(_ quote: inout Quote) {
        quote.qeReportSignature = (try? platform.privateKey.signature(for: quote.qeReport.bytes)).map { Array($0.rawRepresentation) } ?? []
    }

    /// Signs `header ‖ body` as they stand with the attestation key.
    public func sign(_ quote: inout Quote) {
        quote.signature = (try? attestationKey.signature(for: quote.signedBytes)).map { Array($0.rawRepresentation) } ?? []
    }
}
