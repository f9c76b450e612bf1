import Testing
import Primitives
import ChainTypes
import TestSupport

/// Encoding, decoding, signing and recovery of every transaction type.
@Suite struct TransactionCodecTests {
    typealias S = TransactionSamples

    @Test(arguments: TransactionSamples.all)
    func signEncodeDecodeRecover(_ tx: Transaction) throws {
        let key = TestKeys.key("A")
        let signed = tx.signed(with: key)
        let network = signed.networkEncoding
        #expect(signed.hash == Keccak256.hash(network))
        #expect(signed.transaction == tx)

        // Network form.
        let decoded = try SignedTransaction(networkEncoding: network)
        #expect(decoded == signed)
        #expect(decoded.networkEncoding == network)
        if tx.type == .legacy {
            #expect(network.first! >= 0xc0)
        } else {
            #expect(network.first == tx.type.rawValue)
        }

        // Block-body form: the legacy list itself, or an RLP string wrapping the typed bytes.
        let body = signed.rlpEncoded
        if tx.type == .legacy {
            #expect(body == network)
        } else {
            #expect(try RLPItem(decoding: body) == .bytes(network))
        }
        #expect(try SignedTransaction(rlp: body) == signed)
        var reader = RLPReader(body + body)
        #expect(try SignedTransaction.read(from: &reader) == signed)
        #expect(try SignedTransaction.read(from: &reader) == signed)
        #expect(reader.isAtEnd)

        // Recovery.
        #expect(try decoded.recoverSender() == key.address)
        #expect(try decoded.recoverSenderUnchecked() == key.address)
        let recovered = try decoded.recovered(for: .cancun, chainID: tx.chainID ?? 1)
        #expect(recovered.sender == key.address)
        #expect(recovered.hash == signed.hash)
        #expect(recovered.transaction == tx)
    }

    /// The worked example of EIP-155: signing data, signing hash, v and the signed bytes.
    @Test func eip155Example() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0x46, count: 32))
        let legacy = LegacyTransaction(chainID: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
                                       to: try Address(hex: "0x3535353535353535353535353535353535353535"),
                                       value: UInt256(10).power(18))
        let signingData = try Hex.decode("0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")
        #expect(legacy.signingHash == Keccak256.hash(signingData))
        #expect(legacy.signingHash == (try Hash32(hex: "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")))
        let signed = Transaction.legacy(legacy).signed(with: key)
        #expect(signed.v == 37)
        #expect(signed.signature.r == (try UInt256(decimal: "18515461264373351373200002665853028612451056578545711640558177340181847433846")))
        #expect(signed.signature.s == (try UInt256(decimal: "46948507304638947509940763649030358759909902576025900602547168820602576006531")))
        #expect(signed.networkEncoding.hexString == "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
        #expect(try signed.recoverSender() == key.address)
    }

    /// v is 27/28 without a chain id and 35 + 2·chainId + parity with one; both parities occur.
    @Test(arguments: [nil, 1, 1337, UInt64.max] as [UInt64?])
    func legacyVValues(chainID: UInt64?) throws {
        var parities: Set<UInt8> = []
        for nonce in UInt64(0)..<16 {
            let tx = Transaction.legacy(LegacyTransaction(chainID: chainID, nonce: nonce, gasPrice: 1,
                                                          gasLimit: 21_000, to: S.recipient, value: 0))
            let signed = tx.signed(with: TestKeys.key("A"))
            parities.insert(signed.yParity)
            let base = chainID.map { UInt256($0) &+ UInt256($0) &+ 35 } ?? 27
            #expect(signed.v == base &+ UInt256(UInt64(signed.yParity)))
            let decoded = try SignedTransaction(networkEncoding: signed.networkEncoding)
            #expect(decoded.transaction.chainID == chainID)
            #expect(decoded.v == signed.v)
        }
        #expect(parities == [0, 1])
    }

    /// Legacy `v` values that are neither 27/28 nor 35 + 2·chainId + {0, 1}.
    @Test(arguments: [0, 1, 26, 29, 30, 33, 34] as [UInt64])
    func legacyInvalidV(v: UInt64) throws {
        let signed = S.legacyUnprotected.signed(with: TestKeys.key("A"))
        var items = try S.items(of: signed)
        items[6] = S.int(UInt256(v))
        #expect(throws: TransactionError.invalidV(UInt256(v))) { try SignedTransaction(networkEncoding: S.encode(items)) }
    }

    /// A v whose chain id does not fit in 64 bits is refused.
    @Test func legacyVWithOversizedChainID() throws {
        var items = try S.items(of: S.legacyUnprotected.signed(with: TestKeys.key("A")))
        let v = (UInt256(1) << 65) &+ 35
        items[6] = S.int(v)
        #expect(throws: TransactionError.invalidV(v)) { try SignedTransaction(networkEncoding: S.encode(items)) }
    }

    @Test(arguments: [TransactionSamples.accessList, TransactionSamples.dynamicFee])
    func typedYParityMustBeZeroOrOne(_ tx: Transaction) throws {
        let signed = tx.signed(with: TestKeys.key("A"))
        var items = try S.items(of: signed)
        items[items.count - 3] = S.int(2)
        #expect(throws: TransactionError.invalidYParity(2)) {
            try SignedTransaction(networkEncoding: S.encode(items, type: tx.type.rawValue))
        }
        // A yParity of 27 (a legacy-style v) is refused too.
        items[items.count - 3] = S.int(27)
        #expect(throws: TransactionError.invalidYParity(27)) {
            try SignedTransaction(networkEncoding: S.encode(items, type: tx.type.rawValue))
        }
        let bad = Secp256k1.RecoverableSignature(r: signed.signature.r, s: signed.signature.s, recoveryID: 2)
        #expect(throws: TransactionError.invalidYParity(2)) { try SignedTransaction(transaction: tx, signature: bad) }
    }

    @Test func emptyAndNonTransactionInputs() {
        #expect(throws: TransactionError.emptyInput) { try SignedTransaction(networkEncoding: []) }
        #expect(throws: TransactionError.rlp(.expectedList(offset: 0))) { try SignedTransaction(networkEncoding: [0x83, 1, 2, 3]) }
        #expect(throws: TransactionError.rlp(.unexpectedEnd(offset: 0))) { try SignedTransaction(networkEncoding: [0x02]) }
        // Block-body items.
        #expect(throws: TransactionError.emptyInput) { try SignedTransaction(rlp: [0x80]) }
        #expect(throws: TransactionError.rlp(.unexpectedEnd(offset: 0))) { try SignedTransaction(rlp: []) }
    }

    @Test(arguments: TransactionSamples.all)
    func truncatedInputsAreRejected(_ tx: Transaction) throws {
        let bytes = tx.signed(with: TestKeys.key("A")).networkEncoding
        for length in 0..<bytes.count {
            #expect(throws: TransactionError.self) { try SignedTransaction(networkEncoding: Array(bytes.prefix(length))) }
        }
        // Cutting the last byte leaves a list header that claims more than remains.
        let error = #expect(throws: TransactionError.self) { try SignedTransaction(networkEncoding: Array(bytes.dropLast())) }
        guard case .rlp(.lengthPastEnd) = error else {
            Issue.record("expected lengthPastEnd, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: TransactionSamples.all)
    func trailingBytesAreRejected(_ tx: Transaction) throws {
        let signed = tx.signed(with: TestKeys.key("A"))
        let bytes = signed.networkEncoding
        // Offsets of a typed transaction count from the byte after the type.
        let offset = tx.type == .legacy ? bytes.count : bytes.count - 1
        #expect(throws: TransactionError.rlp(.trailingBytes(offset: offset))) {
            try SignedTransaction(networkEncoding: bytes + [0x00])
        }
        let body = signed.rlpEncoded
        #expect(throws: TransactionError.rlp(.trailingBytes(offset: body.count))) { try SignedTransaction(rlp: body + [0x80]) }
        if tx.type != .legacy {
            // Bytes after the payload inside the body string.
            let padded = RLPItem.bytes(bytes + [0x80]).rlpEncoded
            #expect(throws: TransactionError.rlp(.trailingBytes(offset: bytes.count - 1))) { try SignedTransaction(rlp: padded) }
        }
    }

    @Test(arguments: [0x00, 0x03, 0x04, 0x05, 0x7f] as [UInt8])
    func unsupportedTypeBytes(type: UInt8) throws {
        let payload = Array(TransactionSamples.dynamicFee.signed(with: TestKeys.key("A")).networkEncoding.dropFirst())
        #expect(throws: TransactionError.unsupportedType(type)) { try SignedTransaction(networkEncoding: [type] + payload) }
        #expect(throws: TransactionError.unsupportedType(type)) {
            try SignedTransaction(rlp: RLPItem.bytes([type] + payload).rlpEncoded)
        }
    }

    /// In a block body, a string wrapping a legacy list is not a typed transaction.
    @Test func bodyStringWrappingLegacyListIsRejected() {
        let legacy = TransactionSamples.legacyEIP155.signed(with: TestKeys.key("A")).networkEncoding
        #expect(throws: TransactionError.unsupportedType(legacy[0])) {
            try SignedTransaction(rlp: RLPItem.bytes(legacy).rlpEncoded)
        }
    }

    @Test func wrongFieldCounts() throws {
        let legacy = try S.items(of: S.legacyEIP155.signed(with: TestKeys.key("A")))
        #expect(throws: TransactionError.wrongFieldCount(got: 8, expected: 9)) {
            try SignedTransaction(networkEncoding: S.encode(Array(legacy.dropLast())))
        }
        #expect(throws: TransactionError.wrongFieldCount(got: 10, expected: 9)) {
            try SignedTransaction(networkEncoding: S.encode(legacy + [.bytes([])]))
        }
        let typed = try S.items(of: S.dynamicFee.signed(with: TestKeys.key("A")))
        #expect(throws: TransactionError.wrongFieldCount(got: 11, expected: 12)) {
            try SignedTransaction(networkEncoding: S.encode(Array(typed.dropLast()), type: 2))
        }
        let accessList = try S.items(of: S.accessList.signed(with: TestKeys.key("A")))
        #expect(throws: TransactionError.wrongFieldCount(got: 12, expected: 11)) {
            try SignedTransaction(networkEncoding: S.encode(accessList + [.bytes([])], type: 1))
        }
        // A type-2 payload under the type-1 byte fails on the field that no longer fits (maxFeePerGas as `to`).
        let error = #expect(throws: TransactionError.self) { try SignedTransaction(networkEncoding: S.encode(typed, type: 1)) }
        guard case .invalidField(.to, _) = error else {
            Issue.record("expected an invalid to, got \(String(describing: error))")
            return
        }
        #expect(throws: TransactionError.wrongFieldCount(got: 0, expected: 9)) {
            try SignedTransaction(networkEncoding: [0xc0])
        }
    }

    @Test func malformedFieldsNameTheField() throws {
        let items = try S.items(of: S.legacyEIP155.signed(with: TestKeys.key("A")))
        func decode(replacing index: Int, with item: RLPItem) throws {
            var edited = items
            edited[index] = item
            _ = try SignedTransaction(networkEncoding: S.encode(edited))
        }
        func field(of error: TransactionError?) -> TransactionField? {
            if case .invalidField(let field, _) = error { return field }
            return nil
        }
        // Nonce: 9 bytes, or a leading zero.
        var error = #expect(throws: TransactionError.self) { try decode(replacing: 0, with: .bytes([1] + [UInt8](repeating: 0, count: 8))) }
        #expect(error == .invalidField(.nonce, .integerTooLarge(offset: 2, maximumBytes: 8)))
        error = #expect(throws: TransactionError.self) { try decode(replacing: 0, with: .bytes([0, 1])) }
        #expect(field(of: error) == .nonce)
        // Gas limit wider than 64 bits; value wider than 256 bits.
        error = #expect(throws: TransactionError.self) { try decode(replacing: 2, with: .bytes([UInt8](repeating: 0xff, count: 9))) }
        #expect(field(of: error) == .gasLimit)
        error = #expect(throws: TransactionError.self) { try decode(replacing: 4, with: .bytes([UInt8](repeating: 0xff, count: 33))) }
        #expect(field(of: error) == .value)
        // `to` of 19 and 21 bytes, or a list.
        for length in [1, 19, 21, 32] {
            error = #expect(throws: TransactionError.self) { try decode(replacing: 3, with: .bytes([UInt8](repeating: 0x11, count: length))) }
            guard case .invalidField(.to, .wrongLength(_, let got, 20)) = error else {
                Issue.record("to of \(length) bytes: \(String(describing: error))")
                continue
            }
            #expect(got == length)
        }
        error = #expect(throws: TransactionError.self) { try decode(replacing: 3, with: .list([])) }
        #expect(field(of: error) == .to)
        // Data given as a list; r and s with leading zeros.
        error = #expect(throws: TransactionError.self) { try decode(replacing: 5, with: .list([.bytes([1])])) }
        #expect(field(of: error) == .data)
        error = #expect(throws: TransactionError.self) { try decode(replacing: 7, with: .bytes([0, 1, 2])) }
        #expect(field(of: error) == .r)
        error = #expect(throws: TransactionError.self) { try decode(replacing: 8, with: .bytes([0, 1, 2])) }
        #expect(field(of: error) == .s)
    }

    @Test func malformedAccessLists() throws {
        let items = try S.items(of: S.accessList.signed(with: TestKeys.key("A")))
        func decode(accessList: RLPItem) throws {
            var edited = items
            edited[7] = accessList
            _ = try SignedTransaction(networkEncoding: S.encode(edited, type: 1))
        }
        func field(of error: TransactionError?) -> TransactionField? {
            if case .invalidField(let field, _) = error { return field }
            return nil
        }
        let address = RLPItem.bytes(S.recipient.bytes)
        let key = RLPItem.bytes(S.storageKey.bytes)
        // Valid shapes decode.
        try decode(accessList: .list([]))
        try decode(accessList: .list([.list([address, .list([key, key])])]))
        // Address of 19/21 bytes, key of 31/33 bytes, missing or extra parts, strings for lists.
        var error = #expect(throws: TransactionError.self) { try decode(accessList: .list([.list([.bytes([UInt8](repeating: 1, count: 21)), .list([])])])) }
        #expect(field(of: error) == .accessListAddress)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .list([.list([.bytes([UInt8](repeating: 1, count: 19)), .list([])])])) }
        #expect(field(of: error) == .accessListAddress)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .list([.list([address, .list([.bytes([UInt8](repeating: 1, count: 33))])])])) }
        #expect(field(of: error) == .accessListStorageKey)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .list([.list([address, .list([.bytes([0, 1])])])])) }
        #expect(field(of: error) == .accessListStorageKey)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .list([.list([address])])) }
        #expect(field(of: error) == .accessList)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .list([.list([address, .list([]), .list([])])])) }
        #expect(field(of: error) == .accessList)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .list([address])) }
        #expect(field(of: error) == .accessList)
        error = #expect(throws: TransactionError.self) { try decode(accessList: .bytes([])) }
        #expect(field(of: error) == .accessList)
    }

    @Test func commonAccessorsMapOlderTypesOntoEIP1559Terms() {
        guard case .legacy(let legacy) = S.legacyEIP155, case .dynamicFee(let dynamic) = S.dynamicFee else { return }
        #expect(S.legacyEIP155.maxFeePerGas == legacy.gasPrice)
        #expect(S.legacyEIP155.maxPriorityFeePerGas == legacy.gasPrice)
        #expect(S.legacyEIP155.gasPrice == legacy.gasPrice)
        #expect(S.legacyEIP155.accessList.isEmpty)
        #expect(S.dynamicFee.gasPrice == nil)
        #expect(S.dynamicFee.maxFeePerGas == dynamic.maxFeePerGas)
        #expect(S.dynamicFee.maxPriorityFeePerGas == dynamic.maxPriorityFeePerGas)
        #expect(S.dynamicFee.isCreation)
        #expect(!S.accessList.isCreation)
        #expect(S.accessList.accessList.storageKeyCount == 2)
    }
}
