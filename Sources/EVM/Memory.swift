import Primitives

/// A frame's byte-addressed memory, grown in 32-byte words and zero-filled.
///
/// Backed by one growable buffer (doubling), reused across frames at the same
/// depth by the interpreter. Not thread-safe; owned by one frame at a time.
final class Memory {
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Current size in bytes (always a multiple of 32): MSIZE.
    private(set) var size = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 32)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
    }

    deinit { storage.deallocate() }

    /// Clears for reuse by a new frame.
    func reset() {
        if size > 0 { storage.initializeMemory(as: UInt8.self, repeating: 0, count: size) }
        size = 0
    }

    /// Grows to at least `newSize` bytes (rounded up to a word); contents stay, new bytes are zero.
    func grow(to newSize: Int) {
        let words = (newSize + 31) / 32
        let target = words * 32
        guard target > size else { return }
        if target > capacity {
            var newCapacity = capacity
            while newCapacity < target { newCapacity *= 2 }
            let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 32)
            fresh.copyMemory(from: storage, byteCount: size)
            fresh.advanced(by: size).initializeMemory(as: UInt8.self, repeating: 0, count: newCapacity - size)
            storage.deallocate()
            storage = fresh
            capacity = newCapacity
        }
        size = target
    }

    @inline(__always)
    func load(_ offset: Int) -> UInt256 {
        UInt256(w0: UInt64(bigEndian: storage.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)),
                w1: UInt64(bigEndian: storage.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)),
                w2: UInt64(bigEndian: storage.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
                w3: UInt64(bigEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }

    @inline(__always)
    func store(_ value: UInt256, at offset: Int) {
        storage.storeBytes(of: value.w3.bigEndian, toByteOffset: offset, as: UInt64.self)
        storage.storeBytes(of: value.w2.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        storage.storeBytes(of: value.w1.bigEndian, toByteOffset: offset + 16, as: UInt64.self)
        storage.storeBytes(of: value.w0.bigEndian, toByteOffset: offset + 24, as: UInt64.self)
    }

    @inline(__always)
    func storeByte(_ byte: UInt8, at offset: Int) { storage.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }

    /// Copies `count` bytes of `source` from `sourceOffset` to `offset`, zero-filling past the source's end.
    func copy(from source: UnsafeRawBufferPointer, sourceOffset: Int, count: Int, to offset: Int) {
        guard count > 0 else { return }
        let available = max(0, min(count, source.count - sourceOffset))
        if available > 0, let base = source.baseAddress {
            storage.advanced(by: offset).copyMemory(from: base.advanced(by: sourceOffset), byteCount: available)
        }
        if available < count {
            storage.advanced(by: offset + available).initializeMemory(as: UInt8.self, repeating: 0, count: count - available)
        }
    }

    /// Copies within memory (overlap allowed: MCOPY).
    func move(from source: Int, to destination: Int, count: Int) {
        guard count > 0 else { return }
        storage.advanced(by: destination).copyMemory(from: storage.advanced(by: source), byteCount: count)
    }

    /// A copy of `count` bytes at `offset`.
    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: storage.advanced(by: offset), count: count))
    }

    func withBytes<R>(_ offset: Int, _ count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: count > 0 ? storage.advanced(by: offset) : storage, count: count))
    }
}
