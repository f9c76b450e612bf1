#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Overwrites `bytes` with zeros in a way the optimiser may not remove
/// (`explicit_bzero` / `memset_s`). The array keeps its length.
func zeroize(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(base, raw.count, 0, raw.count)
        #else
        explicit_bzero(base, raw.count)
        #endif
    }
}

/// Overwrites the bytes of `data` with zeros, as ``zeroize(_:)-(inout [UInt8])`` does.
func zeroize(_ data: inout Data) {
    data.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(base, raw.count, 0, raw.count)
        #else
        explicit_bzero(base, raw.count)
        #endif
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
