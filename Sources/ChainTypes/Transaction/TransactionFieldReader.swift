import Primitives

/// Reads the fields of one transaction list in order, naming the field in every error
/// and turning a list that ends early or runs long into ``TransactionError/wrongFieldCount(got:expected:)``.
struct TransactionFieldReader {
    private var reader: RLPReader
    private let expectedCount: Int
    private var index = 0

    init(_ reader: RLPReader, expectedCount: Int) {
        self.reader = reader
        self.expectedCount = expectedCount
    }

    private mutating func next<T>(_ field: TransactionField,
                                  _ body: (inout RLPReader) throws(RLPError) -> T) throws(TransactionError) -> T {
        guard !reader.isAtEnd else { throw .wrongFieldCount(got: index, expected: expectedCount) }
        index += 1
        do { return try body(&reader) } catch { throw .invalidField(field, error) }
    }

    /// A minimal big-endian integer of at most 8 bytes.
    mutating func uint64(_ field: TransactionField) throws(TransactionError) -> UInt64 {
        try next(field) { (r: inout RLPReader) throws(RLPError) in try r.readUInt64() }
    }

    /// A minimal big-endian integer that fits in 32 bits.
    mutating func uint32(_ field: TransactionField) throws(TransactionError) -> UInt32 {
        try next(field) { (r: inout RLPReader) throws(RLPError) -> UInt32 in
            let offset = r.position
            let value = try r.readUInt64()
            guard let narrow = UInt32(exactly: value) else { throw .integerTooLarge(offset: offset, maximumBytes: 4) }
            return narrow
        }
    }

    /// A minimal big-endian integer of at most 32 bytes.
    mutating func uint256(_ field: TransactionField) throws(TransactionError) -> UInt256 {
        try next(field) { (r: inout RLPReader) throws(RLPError) in try r.readUInt256() }
    }

    /// A byte string of any length.
    mutating func bytes(_ field: TransactionField) throws(TransactionError) -> [UInt8] {
        try next(field) { (r: inout RLPReader) throws(RLPError) in Array(try r.readBytes()) }
    }

    /// The `to` field: empty for a creation, else exactly 20 bytes.
    mutating func recipient() throws(TransactionError) -> Address? {
        try next(.to) { (r: inout RLPReader) throws(RLPError) -> Address? in
            let offset = r.position
            let payload = try r.readBytes()
            if payload.isEmpty { return nil }
            guard let address = Address(payload) else {
                throw .wrongLength(offset: offset, got: payload.count, expected: Address.byteCount)
            }
            return address
        }
    }

    /// An EIP-2930 access list.
    mutating func accessList() throws(TransactionError) -> AccessList {
        guard !reader.isAtEnd else { throw .wrongFieldCount(got: index, expected: expectedCount) }
        index += 1
        return try AccessList.read(from: &reader)
    }

    /// Throws unless every field has been read; counts the extra ones for the error.
    func finish() throws(TransactionError) {
        guard !reader.isAtEnd else { return }
        var rest = reader
        var count = index
        while !rest.isAtEnd {
            do { _ = try rest.readEncodedItem() } catch { throw .rlp(error) }
            count += 1
        }
        throw .wrongFieldCount(got: count, expected: expectedCount)
    }
}
