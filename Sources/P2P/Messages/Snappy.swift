internal import CSnappy

/// Snappy block compression of devp2p messages (`p2p` v5, rlpx.md "Message Compression"),
/// through Debian's libsnappy C API.
///
/// Guarantees: ``decompress(_:limit:)`` reads the declared uncompressed length from the
/// stream's header *first*, refuses one above the limit (16 MiB unless the caller gives
/// a smaller one) before allocating anything, then has libsnappy validate the whole stream
/// before allocating the output, and checks that the output has exactly the declared
/// length. It never traps on any input. Stateless; safe to call from any thread
/// (libsnappy's block functions keep no global state).
public enum Snappy {
    /// The largest uncompressed message devp2p allows: 16 MiB (rlpx.md, Message Compression).
    public static let maximumUncompressedLength = 16 * 1024 * 1024

    /// Compresses `input` into one Snappy block (length varint, then the compressed stream).
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        if input.isEmpty { return [0x00] }  // varint(0): the whole stream of an empty block
        let capacity = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: capacity)
        var length = capacity
        let status = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst -> snappy_status in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return SNAPPY_INVALID_INPUT }
                return snappy_compress(s.assumingMemoryBound(to: CChar.self), src.count,
                                       d.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        // snappy_compress fails only when the output buffer is smaller than
        // snappy_max_compressed_length, which it is not.
        precondition(status == SNAPPY_OK && length <= capacity, "snappy_compress failed")
        output.removeLast(capacity - length)
        return output
    }

    /// The uncompressed length a Snappy block declares: its leading little-endian base-128
    /// varint, at most 5 bytes and below 2³² (the Snappy format). Reads nothing else.
    public static func declaredLength(of compressed: [UInt8]) throws(MessageError) -> Int {
        var value: UInt64 = 0
        for (i, byte) in compressed.prefix(5).enumerated() {
            value |= UInt64(byte & 0x7f) << (7 * UInt64(i))
            if byte & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else { throw .snappyMalformedLength }
                return Int(value)
            }
        }
        throw .snappyMalformedLength
    }

    /// Decompresses one Snappy block of at most `limit` uncompressed bytes.
    public static func decompress(_ compressed: [UInt8],
                                  limit: Int = maximumUncompressedLength) throws(MessageError) -> [UInt8] {
        let declared = try declaredLength(of: compressed)
        guard declared <= limit else { throw .snappyLengthExceedsLimit(declared: declared, limit: limit) }
        let checked: Bool = compressed.withUnsafeBytes { src in
            guard let s = src.baseAddress?.assumingMemoryBound(to: CChar.self) else { return false }
            var libraryLength = 0
            guard snappy_uncompressed_length(s, src.count, &libraryLength) == SNAPPY_OK,
                  libraryLength == declared else { return false }
            return snappy_validate_compressed_buffer(s, src.count) == SNAPPY_OK
        }
        guard checked else { throw .snappyCorrupt }
        if declared == 0 { return [] }
        var output = [UInt8](repeating: 0, count: declared)
        var length = declared
        let status = compressed.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst -> snappy_status in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return SNAPPY_INVALID_INPUT }
                return snappy_uncompress(s.assumingMemoryBound(to: CChar.self), src.count,
                                         d.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK, length == declared else { throw .snappyCorrupt }
        return output
    }
}
