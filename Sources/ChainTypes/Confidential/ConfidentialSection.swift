public import Primitives

/// The confidential section of a block with `0x40` transactions (CONFIDENTIAL.md section 6).
///
/// `section = [version, flags, generation, epoch, parentEncStateRoot, encStateRoot, diff,
/// results, statements]`; the header's Clique vanity (`extraData[0..32]`) is ``hash``.
///
/// Decoding (``init(rlp:)``) is strict: canonical scalars, exact field counts, 32-byte
/// roots and hashes, 52-byte entry keys, 65-byte signatures, no trailing bytes. A decoded
/// section is well formed, not valid: version, flags, ordering, statements and roots are
/// the chain's checks (section 8, step 4). Encoding a decoded section gives back its bytes.
public struct ConfidentialSection: Hashable, Sendable {
    /// The only version v1 defines.
    public static let currentVersion: UInt64 = 1
    /// Bit 0 of ``flags``: the chain runs the simulated platform (no confidentiality).
    public static let simulatedFlag: UInt8 = 1

    public var version: UInt64
    /// Bit 0 = SIMULATED (the policy's `insecureSimulation` at the parent).
    public var flags: UInt8
    /// The consortium-secret generation whose keys write this block's entries.
    public var generation: UInt32
    /// `⌊number / epochLength⌋`.
    public var epoch: UInt64
    /// The nearest ancestor section's ``encStateRoot``, or the empty trie's root.
    public var parentEncStateRoot: Hash32
    /// The root of the encrypted trie after ``diff`` (keys `keccak(entryKey)`, values the raw entry values).
    public var encStateRoot: Hash32
    /// The entries whose plaintext changed, sorted by key; an empty value is a deletion.
    public var diff: [ConfidentialEntry]
    /// One per `0x40` transaction, in body order.
    public var results: [ConfidentialResult]
    /// Enclave signatures over the ExecStatement, sorted by enclave id.
    public var statements: [ExecStatementSignature]

    public init(version: UInt64 = Self.currentVersion, flags: UInt8, generation: UInt32, epoch: UInt64,
                parentEncStateRoot: Hash32, encStateRoot: Hash32, diff: [ConfidentialEntry],
                results: [ConfidentialResult], statements: [ExecStatementSignature]) {
        self.version = version
        self.flags = flags
        self.generation = generation
        self.epoch = epoch
        self.parentEncStateRoot = parentEncStateRoot
        self.encStateRoot = encStateRoot
        self.diff = diff
        self.results = results
        self.statements = statements
    }

    /// Whether the SIMULATED bit is set.
    public var isSimulated: Bool { flags & Self.simulatedFlag != 0 }

    /// `rlp(section)`.
    public var rlp: [UInt8] {
        var e = RLPEncoder(capacity: 256 + diff.count * 128 + results.count * 160)
        e.appendList { e in
            e.append(version)
            e.append(UInt64(flags))
            e.append(UInt64(generation))
            e.append(epoch)
            e.append(parentEncStateRoot)
            e.append(encStateRoot)
            e.appendEncoded(Self.diffRLP(diff))
            e.appendEncoded(Self.resultsRLP(results))
            e.appendList { e in
                for s in statements { e.appendList { e in e.append(s.enclaveID); e.appendBytes(s.signature) } }
            }
        }
        return e.bytes
    }

    /// `keccak(rlp(section))`: the header's vanity.
    public var hash: Hash32 { Keccak256.hash(rlp) }

    /// `rlp(diff)`, as the ExecStatement hashes it.
    public static func diffRLP(_ diff: [ConfidentialEntry]) -> [UInt8] {
        var e = RLPEncoder(capacity: 8 + diff.count * 128)
        e.appendList { e in
            for entry in diff { e.appendList { e in e.appendBytes(entry.key); e.appendBytes(entry.value) } }
        }
        return e.bytes
    }

    /// `rlp(results)`, as the ExecStatement hashes it.
    public static func resultsRLP(_ results: [ConfidentialResult]) -> [UInt8] {
        var e = RLPEncoder(capacity: 8 + results.count * 160)
        e.appendList { e in
            for r in results {
                e.appendList { e in
                    e.append(r.txHash)
                    e.append(UInt64(r.status))
                    e.append(r.gasUsed)
                    e.appendBytes(r.encryptedResult)
                }
            }
        }
        return e.bytes
    }

    /// The digest every statement signs (section 6): `keccak("cloister-exec-v1" ‖
    /// be32(chainId) ‖ u64be(number) ‖ parentHash ‖ contextHash ‖ keccak(txHashes) ‖
    /// parentEncStateRoot ‖ encStateRoot ‖ keccak(rlp(diff)) ‖ keccak(rlp(results)) ‖
    /// u32be(generation) ‖ u64be(epoch) ‖ u8(flags))`.
    public func statementDigest(chainID: UInt64, context: ExecContext, parentHash: Hash32,
                                transactionHashes: [Hash32]) -> Hash32 {
        var b = Array("cloister-exec-v1".utf8)
        b += ConfidentialBytes.be32(chainID) + ConfidentialBytes.u64be(context.number)
        b += parentHash.bytes + context.hash.bytes + ExecContext.transactionHashesDigest(transactionHashes).bytes
        b += parentEncStateRoot.bytes + encStateRoot.bytes
        b += Keccak256.hash(Self.diffRLP(diff)).bytes + Keccak256.hash(Self.resultsRLP(results)).bytes
        b += ConfidentialBytes.u32be(generation) + ConfidentialBytes.u64be(epoch) + [flags]
        return Keccak256.hash(b)
    }

    /// This section with its statements removed: what two honest enclaves agree on byte for byte.
    public var withoutStatements: ConfidentialSection {
        var copy = self
        copy.statements = []
        return copy
    }
}

/// One entry of a section's diff: a 52-byte entry key and its new entry value (empty = deleted).
public struct ConfidentialEntry: Hashable, Sendable {
    /// The length of every entry key: a 20-byte address and a 32-byte slot tag.
    public static let keyLength = 52
    public var key: [UInt8]
    public var value: [UInt8]

    public init(key: [UInt8], value: [UInt8]) { self.key = key; self.value = value }

    /// The contract record's key: `address ‖ 32 zero bytes`.
    public static func recordKey(_ address: Address) -> [UInt8] { address.bytes + [UInt8](repeating: 0, count: 32) }

    /// The contract this entry belongs to (the key's first 20 bytes).
    public var address: Address? { key.count == Self.keyLength ? Address(Array(key[0..<20])) : nil }

    /// Whether this is a contract record (`address ‖ 32 zero bytes`).
    public var isRecord: Bool { key.count == Self.keyLength && key[20...].allSatisfy { $0 == 0 } }
}

/// The public outcome of one `0x40` transaction, as its section records it.
public struct ConfidentialResult: Hashable, Sendable {
    public var txHash: Hash32
    /// 1 or 0.
    public var status: UInt8
    /// Intrinsic + execution − refund (section 5.2).
    public var gasUsed: UInt64
    /// AES-256-GCM-SIV under the client's response key (section 5.3); empty when the
    /// transaction did not decrypt or was malformed.
    public var encryptedResult: [UInt8]

    public init(txHash: Hash32, status: UInt8, gasUsed: UInt64, encryptedResult: [UInt8]) {
        self.txHash = txHash; self.status = status; self.gasUsed = gasUsed; self.encryptedResult = encryptedResult
    }
}

/// One enclave's signature over a section's ExecStatement.
public struct ExecStatementSignature: Hashable, Sendable {
    /// `keccak(signingKey)` of the signing enclave (compressed key).
    public var enclaveID: Hash32
    /// 65 bytes `r ‖ s ‖ v`.
    public var signature: [UInt8]

    public init(enclaveID: Hash32, signature: [UInt8]) { self.enclaveID = enclaveID; self.signature = signature }
}

/// The public block context an ExecStatement binds (section 6): `contextHash =
/// keccak(rlp([author, number, gasLimit, timestamp, difficulty, mixDigest, baseFeePerGas]))`.
public struct ExecContext: Hashable, Sendable {
    /// The Clique signer of the block (not the header's coinbase, which Clique uses for votes).
    public var author: Address
    public var number: UInt64
    public var gasLimit: UInt64
    public var timestamp: UInt64
    public var difficulty: UInt256
    public var mixDigest: Hash32
    public var baseFeePerGas: UInt256

    public init(author: Address, number: UInt64, gasLimit: UInt64, timestamp: UInt64, difficulty: UInt256,
                mixDigest: Hash32, baseFeePerGas: UInt256) {
        self.author = author; self.number = number; self.gasLimit = gasLimit; self.timestamp = timestamp
        self.difficulty = difficulty; self.mixDigest = mixDigest; self.baseFeePerGas = baseFeePerGas
    }

    /// `contextHash`.
    public var hash: Hash32 {
        var e = RLPEncoder(capacity: 128)
        e.appendList { e in
            e.append(author)
            e.append(number)
            e.append(gasLimit)
            e.append(timestamp)
            e.append(difficulty)
            e.append(mixDigest)
            e.append(baseFeePerGas)
        }
        return Keccak256.hash(e.bytes)
    }

    /// `keccak(txHashes)`: the digest of the block's `0x40` hashes concatenated in body order.
    public static func transactionHashesDigest(_ hashes: [Hash32]) -> Hash32 {
        var b: [UInt8] = []
        b.reserveCapacity(hashes.count * 32)
        for h in hashes { b += h.bytes }
        return Keccak256.hash(b)
    }

    /// The entry nonces of one block: the digests every entry's nonce starts from, hashed once.
    public func entryNonces(parentHash: Hash32, transactionHashes: [Hash32]) -> EntryNonces {
        EntryNonces(prefix: parentHash.bytes + hash.bytes + Self.transactionHashesDigest(transactionHashes).bytes)
    }

    /// The deterministic GCM-SIV nonce of an entry value written in this context (section 6):
    /// `keccak(parentHash ‖ contextHash ‖ keccak(txHashes) ‖ entryKey)[0..12]`.
    public func entryNonce(parentHash: Hash32, transactionHashes: [Hash32], entryKey: [UInt8]) -> [UInt8] {
        entryNonces(parentHash: parentHash, transactionHashes: transactionHashes).nonce(entryKey: entryKey)
    }
}

/// `parentHash ‖ contextHash ‖ keccak(txHashes)` of one block, from which each entry's
/// nonce `keccak(prefix ‖ entryKey)[0..12]` is taken (CONFIDENTIAL.md section 6).
public struct EntryNonces: Sendable {
    let prefix: [UInt8]

    /// The 12-byte nonce of `entryKey`.
    public func nonce(entryKey: [UInt8]) -> [UInt8] { Array(Keccak256.hash(prefix + entryKey).bytes[0..<12]) }
}
