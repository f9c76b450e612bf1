import Testing
import CSnappy

/// Debian's libsnappy is linked and round-trips through its C API.
@Suite struct SnappyLinkTests {
    @Test func compressesAndRestores() throws {
        let input = Array(repeating: Array("cloister ".utf8), count: 100).flatMap { $0 }
        var compressed = [CChar](repeating: 0, count: snappy_max_compressed_length(input.count))
        var compressedLength = compressed.count
        let status = input.withUnsafeBufferPointer { src in
            src.withMemoryRebound(to: CChar.self) { snappy_compress($0.baseAddress, input.count, &compressed, &compressedLength) }
        }
        #expect(status == SNAPPY_OK)
        #expect(compressedLength < input.count / 4)
        var restored = [CChar](repeating: 0, count: input.count)
        var restoredLength = restored.count
        #expect(snappy_uncompress(compressed, compressedLength, &restored, &restoredLength) == SNAPPY_OK)
        #expect(restored.prefix(restoredLength).map { UInt8(bitPattern: $0) } == input)
    }
}
