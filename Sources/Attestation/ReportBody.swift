public import Primitives

/// An SGX report body (384 bytes, Intel's `sgx_report_body_t`) as the quote carries it,
/// kept as its exact bytes with typed views of the fields CONFIDENTIAL.md section 3 names.
/// Integers are little-endian, as Intel's.
public struct ReportBody: Sendable, Hashable {
    public static let size = 384

    /// Byte ranges of the named fields.
    public enum Field {
        public static let cpuSvn = 0..<16
        public static let miscSelect = 16..<20
        public static let attributesFlags = 48..<56
        public static let attributesXfrm = 56..<64
        public static let mrEnclave = 64..<96
        public static let mrSigner = 128..<160
        public static let isvProdId = 256..<258
        public static let isvSvn = 258..<260
        public static let reportData = 320..<384
    }

    /// `attributes.flags` bit 0: the enclave was initialised.
    public static let flagInit: UInt64 = 1
    /// `attributes.flags` bit 1: a debug enclave, whose memory a debugger can read.
    public static let flagDebug: UInt64 = 2

    /// The 384 bytes.
    public private(set) var bytes: [UInt8]

    /// An all-zero body.
    public init() { bytes = [UInt8](repeating: 0, count: Self.size) }

    /// A body of exactly 384 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.size else { return nil }
        self.bytes = Array(bytes)
    }

    public var cpuSvn: [UInt8] {
        get { Array(bytes[Field.cpuSvn]) }
        set { put(newValue, at: Field.cpuSvn) }
    }
    public var miscSelect: UInt32 {
        get { UInt32(truncatingIfNeeded: readLE(Field.miscSelect)) }
        set { writeLE(UInt64(newValue), Field.miscSelect) }
    }
    public var attributesFlags: UInt64 {
        get { readLE(Field.attributesFlags) }
        set { writeLE(newValue, Field.attributesFlags) }
    }
    public var attributesXfrm: UInt64 {
        get { readLE(Field.attributesXfrm) }
        set { writeLE(newValue, Field.attributesXfrm) }
    }
    public var mrEnclave: Hash32 {
        get { Hash32(bytes[Field.mrEnclave]) ?? .zero }
        set { put(newValue.bytes, at: Field.mrEnclave) }
    }
    public var mrSigner: Hash32 {
        get { Hash32(bytes[Field.mrSigner]) ?? .zero }
        set { put(newValue.bytes, at: Field.mrSigner) }
    }
    public var isvProdId: UInt16 {
        get { UInt16(truncatingIfNeeded: readLE(Field.isvProdId)) }
        set { writeLE(UInt64(newValue), Field.isvProdId) }
    }
    public var isvSvn: UInt16 {
        get { UInt16(truncatingIfNeeded: readLE(Field.isvSvn)) }
        set { writeLE(UInt64(newValue), Field.isvSvn) }
    }
    public var reportData: [UInt8] {
        get { Array(bytes[Field.reportData]) }
        set { put(newValue, at: Field.reportData) }
    }

    /// Whether `attributes.flags` has the DEBUG bit.
    public var isDebug: Bool { attributesFlags & Self.flagDebug != 0 }

    /// Offsets of non-zero bytes outside `allowed` (what the simulated vendor must leave zero).
    func nonZeroOffsets(outside allowed: [Range<Int>]) -> [Int] {
        var found: [Int] = []
        for (i, b) in bytes.enumerated() where b != 0 && !allowed.contains(where: { $0.contains(i) }) { found.append(i) }
        return found
    }

    /// Sets raw bytes; used by tests to alter a body in exactly one respect.
    public mutating func setByte(_ value: UInt8, at offset: Int) {
        guard bytes.indices.contains(offset) else { return }
        bytes[offset] = value
    }

    private mutating func put(_ value: [UInt8], at range: Range<Int>) {
        for (i, offset) in range.enumerated() { bytes[offset] = i < value.count ? value[i] : 0 }
    }

    private func readLE(_ range: Range<Int>) -> UInt64 {
        var v: UInt64 = 0
        for offset in range.reversed() { v = v << 8 | UInt64(bytes[offset]) }
        return v
    }

    private mutating func writeLE(_ value: UInt64, _ range: Range<Int>) {
        for (i, offset) in range.enumerated() { bytes[offset] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
