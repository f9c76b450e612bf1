/// An SGX DCAP ECDSA quote, version 3 (Intel's `sgx_quote_3.h`), field by field
/// (CONFIDENTIAL.md section 3):
///
/// `header (48) ‖ report body (384) ‖ u32le(sigDataLen) ‖ sigData`, with sigData =
/// `quoteSignature (64) ‖ attestationPublicKey (64) ‖ qeReportBody (384) ‖
/// qeReportSignature (64) ‖ u16le(qeAuthDataLen) ‖ qeAuthData ‖ u16le(certDataType) ‖
/// u32le(certDataLen) ‖ certData`.
///
/// ``init(parsing:)`` accepts exactly that layout — version 3, key type 2, every length
/// consistent, no trailing byte — or throws a check-1 ``AttestationError``. It judges
/// nothing else; ``QuoteVerifier`` does. ``bytes`` writes the layout back unchanged.
public struct Quote: Sendable, Hashable {
    public static let version: UInt16 = 3
    /// ECDSA P-256 attestation key.
    public static let attestationKeyTypeECDSAP256: UInt16 = 2
    /// PCK certificate chain as PEM.
    public static let certDataTypePEMChain: UInt16 = 5
    public static let headerSize = 48
    /// Larger quotes are refused before any parsing (real ones are a few KiB).
    public static let maximumSize = 1 << 20

    // Header
    public var version: UInt16 = Quote.version
    public var attestationKeyType: UInt16 = Quote.attestationKeyTypeECDSAP256
    /// 4 bytes, zero.
    public var headerReserved: [UInt8] = [0, 0, 0, 0]
    public var qeSvn: UInt16 = 0
    public var pceSvn: UInt16 = 0
    /// 16 bytes naming the quoting enclave's vendor (``QEVendor``).
    public var qeVendorID: [UInt8] = QEVendor.simulated.id
    /// 20 bytes; zero for the simulated vendor.
    public var userData: [UInt8] = [UInt8](repeating: 0, count: 20)

    public var body = ReportBody()

    // Signature data
    /// `r ‖ s` over `header ‖ body` by the attestation key.
    public var signature: [UInt8] = [UInt8](repeating: 0, count: 64)
    /// The attestation public key, `x ‖ y`.
    public var attestationKey: [UInt8] = [UInt8](repeating: 0, count: 64)
    public var qeReport = ReportBody()
    /// `r ‖ s` over the 384 QE report bytes by the platform key.
    public var qeReportSignature: [UInt8] = [UInt8](repeating: 0, count: 64)
    public var qeAuthData: [UInt8] = []
    public var certDataType: UInt16 = Quote.certDataTypePEMChain
    public var certData: [UInt8] = []

    public init() {}

    /// The 48 header bytes.
    public var headerBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerSize)
        out.appendLE(UInt64(version), width: 2)
        out.appendLE(UInt64(attestationKeyType), width: 2)
        out.append(contentsOf: headerReserved.fitted(4))
        out.appendLE(UInt64(qeSvn), width: 2)
        out.appendLE(UInt64(pceSvn), width: 2)
        out.append(contentsOf: qeVendorID.fitted(16))
        out.append(contentsOf: userData.fitted(20))
        return out
    }

    /// `header ‖ body`: what the attestation key signs.
    public var signedBytes: [UInt8] { headerBytes + body.bytes }

    /// The signature data (everything after `sigDataLen`).
    public var signatureData: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * 3 + ReportBody.size + 8 + qeAuthData.count + certData.count)
        out.append(contentsOf: signature.fitted(64))
        out.append(contentsOf: attestationKey.fitted(64))
        out.append(contentsOf: qeReport.bytes)
        out.append(contentsOf: qeReportSignature.fitted(64))
        out.appendLE(UInt64(qeAuthData.count), width: 2)
        out.append(contentsOf: qeAuthData)
        out.appendLE(UInt64(certDataType), width: 2)
        out.appendLE(UInt64(certData.count), width: 4)
        out.append(contentsOf: certData)
        return out
    }

    /// The whole quote.
    public var bytes: [UInt8] {
        let sig = signatureData
        var out = signedBytes
        out.appendLE(UInt64(sig.count), width: 4)
        out.append(contentsOf: sig)
        return out
    }

    /// Parses the exact layout; anything else is a check-1 (format) error.
    public init(parsing input: [UInt8]) throws(AttestationError) {
        func fail(_ reason: String) -> AttestationError { AttestationError(.format, reason) }
        guard input.count <= Self.maximumSize else { throw fail("\(input.count) bytes, more than the \(Self.maximumSize) a quote may have") }
        var r = ByteCursor(input)
        guard let version = r.readLE(2), let keyType = r.readLE(2), let reserved = r.read(4), let qeSvn = r.readLE(2),
              let pceSvn = r.readLE(2), let vendor = r.read(16), let userData = r.read(20)
        else { throw fail("\(input.count) bytes: shorter than the 48-byte header") }
        guard version == UInt64(Self.version) else { throw fail("version \(version), expected 3") }
        guard keyType == UInt64(Self.attestationKeyTypeECDSAP256) else { throw fail("attestation key type \(keyType), expected 2 (ECDSA-P256)") }
        guard let bodyBytes = r.read(ReportBody.size), let body = ReportBody(bytes: bodyBytes) else {
            throw fail("truncated in the report body")
        }
        guard let sigLength = r.readLE(4) else { throw fail("truncated before the signature data length") }
        guard sigLength == UInt64(r.remaining) else {
            throw fail("signature data length says \(sigLength) bytes, \(r.remaining) follow")
        }
        guard let signature = r.read(64), let attestationKey = r.read(64),
              let qeReportBytes = r.read(ReportBody.size), let qeReport = ReportBody(bytes: qeReportBytes),
              let qeReportSignature = r.read(64) else { throw fail("signature data truncated before the QE report signature's end") }
        guard let authLength = r.readLE(2), let auth = r.read(Int(authLength)) else { throw fail("QE authentication data truncated") }
        guard let certType = r.readLE(2), let certLength = r.readLE(4), let cert = r.read(Int(certLength)) else {
            throw fail("certification data truncated")
        }
        guard r.remaining == 0 else { throw fail("\(r.remaining) bytes after the certification data") }
        self.version = UInt16(version)
        self.attestationKeyType = UInt16(keyType)
        self.headerReserved = reserved
        self.qeSvn = UInt16(qeSvn)
        self.pceSvn = UInt16(pceSvn)
        self.qeVendorID = vendor
        self.userData = userData
        self.body = body
        self.signature = signature
        self.attestationKey = attestationKey
        self.qeReport = qeReport
        self.qeReportSignature = qeReportSignature
        self.qeAuthData = auth
        self.certDataType = UInt16(certType)
        self.certData = cert
    }
}

/// Who made a quote's quoting enclave, by its 16-byte vendor id (the quote header's
/// `qeVendorId`). A verifier never accepts one vendor's id under another's platform.
public enum QEVendor: Sendable, CaseIterable {
    /// Cloister's simulated platform: the ASCII bytes `CLOISTER-SIM-QE1`.
    case simulated
    /// Intel's quoting enclave (`939A7233F79C4CA9940A0DB3957F0607`), reserved for a hardware backend.
    case intel

    public var id: [UInt8] {
        switch self {
        case .simulated: Array("CLOISTER-SIM-QE1".utf8)
        case .intel: [0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, 0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07]
        }
    }

    /// The genesis platform name this vendor's quotes belong to.
    public var platform: String {
        switch self {
        case .simulated: "simulated-sgx"
        case .intel: "sgx-dcap"
        }
    }

    public init?(id: [UInt8]) {
        guard let found = Self.allCases.first(where: { $0.id == id }) else { return nil }
        self = found
    }
}

/// Bounds-checked reading of a byte array, front to back.
struct ByteCursor {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func read(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// A little-endian unsigned integer of `width` bytes (at most 8).
    mutating func readLE(_ width: Int) -> UInt64? {
        guard width <= 8, let b = read(width) else { return nil }
        var v: UInt64 = 0
        for byte in b.reversed() { v = v << 8 | UInt64(byte) }
        return v
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE(_ value: UInt64, width: Int) {
        for i in 0..<width { append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    /// Exactly `count` bytes: truncated or zero-padded (serialising never changes the layout).
    func fitted(_ count: Int) -> [UInt8] {
        if self.count == count { return self }
        if self.count > count { return Array(self[0..<count]) }
        return self + [UInt8](repeating: 0, count: count - self.count)
    }
}
