import Primitives
import Foundation

/// Overwrites `bytes` with zeros (``SecureMemory``); the array keeps its length.
func zeroize(_ bytes: inout [UInt8]) { SecureMemory.zero(&bytes) }

/// Overwrites the bytes of `data` with zeros (``SecureMemory``).
func zeroize(_ data: inout Data) { data.withUnsafeMutableBytes { SecureMemory.zero($0) } }

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
