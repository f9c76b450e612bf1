#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Zeroing of secret bytes (keys, seeds, passwords) that the optimiser may not
/// remove (`explicit_bzero`, or `memset_s` on Darwin). The one place every module
/// wipes key material through.
public enum SecureMemory {
    /// Overwrites the bytes of `raw` with zeros.
    public static func zero(_ raw: UnsafeMutableRawBufferPointer) {
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(base, raw.count, 0, raw.count)
        #else
        explicit_bzero(base, raw.count)
        #endif
    }

    /// Overwrites `bytes` with zeros; the array keeps its length.
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { zero($0) }
    }
}
