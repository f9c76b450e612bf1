#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import Primitives
import Crypto

/// MRENCLAVE of the simulated platform: `sha256` of the enclave executable's bytes as read
/// from disk (CONFIDENTIAL.md section 3). `cloister enclave measure` and the enclave itself
/// (reading `/proc/self/exe`) compute the same value.
public enum EnclaveMeasurement {
    /// The measurement of the file at `path`.
    public static func measure(path: String) throws(SocketError) -> Hash32 {
        guard let file = fopen(path, "rb") else { throw SocketError("cannot read \(path): \(errnoText())") }
        defer { fclose(file) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { hasher.update(data: buffer[0..<n]) }
            if n < buffer.count {
                if ferror(file) != 0 { throw SocketError("cannot read \(path): \(errnoText())") }
                break
            }
        }
        return Hash32(Array(hasher.finalize())) ?? .zero
    }
}
