public import Primitives

/// Why bytes are not a well-formed confidential section.
public enum ConfidentialSectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case rlp(RLPError)
    case wrongFieldCount(got: Int, expected: Int)
    /// A field is malformed: its name (with an index for list items) and the reason.
    case invalidField(String, String)

    public var description: String {
        switch self {
        case .rlp(let e): "confidential section: \(e)"
        case .wrongFieldCount(let got, let expected): "confidential section: \(got) fields, expected \(expected)"
        case .invalidField(let field, let reason): "confidential section: \(field): \(reason)"
        }
    }
}

extension ConfidentialSection {
    /// Decodes exactly one section, nothing after it (see the type's guarantees).
    public init(rlp bytes: [UInt8]) throws(ConfidentialSectionError) {
        var outer = RLPReader(bytes)
        var list: RLPReader
        do {
            list = try outer.readList()
            try outer.finish()
        } catch { throw .rlp(error) }
        var f = SectionFieldReader(reader: list, expected: 9)
        let version = try f.uint64("version")
        let flags = try f.narrow(try f.uint64("flags"), "flags", UInt8.self)
        let generation = try f.narrow(try f.uint64("generation"), "generation", UInt32.self)
        let epoch = try f.uint64("epoch")
        let parentRoot = try f.hash("parentEncStateRoot")
        let root = try f.hash("encStateRoot")
        var diff: [ConfidentialEntry] = []
        var items = try f.list("diff")
        while !items.isAtEnd {
            let name = "diff[\(diff.count)]"
            var pair = try Self.step(name) { () throws(RLPError) in try items.readList() }
            let key = try Self.step(name) { () throws(RLPError) in Array(try pair.readBytes()) }
            let value = try Self.step(name) { () throws(RLPError) in Array(try pair.readBytes()) }
            try Self.step(name) { () throws(RLPError) in try pair.finish() }
            guard key.count == ConfidentialEntry.keyLength else {
                throw .invalidField(name, "entry key of \(key.count) bytes, expected \(ConfidentialEntry.keyLength)")
            }
            diff.append(ConfidentialEntry(key: key, value: value))
        }
        var results: [ConfidentialResult] = []
        items = try f.list("results")
        while !items.isAtEnd {
            let name = "results[\(results.count)]"
            var r = SectionFieldReader(reader: try Self.step(name) { () throws(RLPError) in try items.readList() },
                                       expected: 4, prefix: name + ".")
            let txHash = try r.hash("txHash")
            let status = try r.uint64("status")
            guard status <= 1 else { throw .invalidField(name + ".status", "\(status) is not 0 or 1") }
            let gasUsed = try r.uint64("gasUsed")
            let encrypted = try r.bytes("encryptedResult")
            try r.finish()
            results.append(ConfidentialResult(txHash: txHash, status: UInt8(status), gasUsed: gasUsed, encryptedResult: encrypted))
        }
        var statements: [ExecStatementSignature] = []
        items = try f.list("statements")
        while !items.isAtEnd {
            let name = "statements[\(statements.count)]"
            var s = SectionFieldReader(reader: try Self.step(name) { () throws(RLPError) in try items.readList() },
                                       expected: 2, prefix: name + ".")
            let id = try s.hash("enclaveId")
            let signature = try s.bytes("signature")
            guard signature.count == 65 else { throw .invalidField(name + ".signature", "\(signature.count) bytes, expected 65") }
            try s.finish()
            statements.append(ExecStatementSignature(enclaveID: id, signature: signature))
        }
        try f.finish()
        self.init(version: version, flags: flags, generation: generation, epoch: epoch, parentEncStateRoot: parentRoot,
                  encStateRoot: root, diff: diff, results: results, statements: statements)
    }

    private static func step<T>(_ name: String, _ body: () throws(RLPError) -> T) throws(ConfidentialSectionError) -> T {
        do { return try body() } catch { throw .invalidField(name, "\(error)") }
    }
}

/// Reads a section list's fields in order, naming each in its error.
private struct SectionFieldReader {
    var reader: RLPReader
    let expected: Int
    var prefix = ""
    var index = 0

    private mutating func next<T>(_ name: String, _ body: (inout RLPReader) throws(RLPError) -> T) throws(ConfidentialSectionError) -> T {
        guard !reader.isAtEnd else { throw .wrongFieldCount(got: index, expected: expected) }
        index += 1
        do { return try body(&reader) } catch { throw .invalidField(prefix + name, "\(error)") }
    }

    mutating func uint64(_ name: String) throws(ConfidentialSectionError) -> UInt64 {
        try next(name) { (r: inout RLPReader) throws(RLPError) in try r.readUInt64() }
    }

    func narrow<T: FixedWidthInteger>(_ value: UInt64, _ name: String, _: T.Type) throws(ConfidentialSectionError) -> T {
        guard let v = T(exactly: value) else { throw .invalidField(prefix + name, "\(value) does not fit \(T.bitWidth) bits") }
        return v
    }

    mutating func bytes(_ name: String) throws(ConfidentialSectionError) -> [UInt8] {
        try next(name) { (r: inout RLPReader) throws(RLPError) in Array(try r.readBytes()) }
    }

    mutating func hash(_ name: String) throws(ConfidentialSectionError) -> Hash32 {
        let b = try bytes(name)
        guard let h = Hash32(b) else { throw .invalidField(prefix + name, "\(b.count) bytes, expected 32") }
        return h
    }

    mutating func list(_ name: String) throws(ConfidentialSectionError) -> RLPReader {
        try next(name) { (r: inout RLPReader) throws(RLPError) in try r.readList() }
    }

    func finish() throws(ConfidentialSectionError) {
        guard !reader.isAtEnd else { return }
        var rest = reader
        var count = index
        while !rest.isAtEnd {
            do { _ = try rest.readEncodedItem() } catch { throw .rlp(error) }
            count += 1
        }
        throw .wrongFieldCount(got: count, expected: expected)
    }
}
