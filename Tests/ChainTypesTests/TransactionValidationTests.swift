import Testing
import Primitives
import ChainTypes
import TestSupport

/// The fork rules of ``SignedTransaction/validate(for:chainID:)`` and intrinsic gas.
@Suite struct TransactionValidationTests {
    typealias S = TransactionSamples

    /// The mirror signature (n − s, other parity) recovers the same key but has a high s.
    static func highS(_ signed: SignedTransaction) throws -> SignedTransaction {
        let sig = signed.signature
        let mirrored = Secp256k1.RecoverableSignature(r: sig.r, s: Secp256k1.order &- sig.s, recoveryID: sig.recoveryID ^ 1)
        return try SignedTransaction(transaction: signed.transaction, signature: mirrored)
    }

    @Test func highSRejectedFromHomestead() throws {
        let key = TestKeys.key("A")
        let high = try Self.highS(S.legacyUnprotected.signed(with: key))
        #expect(high.signature.s > Secp256k1.halfOrder)
        // Frontier accepted any s below n, and the mirror recovers the same sender.
        #expect(try high.recovered(for: .frontier, chainID: 1).sender == key.address)
        #expect(try high.recoverSenderUnchecked() == key.address)
        for fork in Fork.allCases where fork >= .homestead {
            #expect(throws: TransactionError.signature(.highS)) { try high.validate(for: fork, chainID: 1) }
            #expect(throws: TransactionError.signature(.highS)) { try high.recovered(for: fork, chainID: 1) }
        }
        #expect(throws: TransactionError.signature(.highS)) { try high.recoverSender() }
        // The same for typed transactions.
        let typed = try Self.highS(S.dynamicFee.signed(with: key))
        #expect(throws: TransactionError.signature(.highS)) { try typed.recovered(for: .cancun, chainID: 1) }
    }

    @Test func signatureValuesOutOfRange() throws {
        let signed = S.legacyEIP155.signed(with: TestKeys.key("A"))
        for (r, s) in [(UInt256.zero, signed.signature.s), (signed.signature.r, .zero),
                       (Secp256k1.order, signed.signature.s), (signed.signature.r, Secp256k1.order), (.max, .max)] {
            let bad = try SignedTransaction(transaction: signed.transaction,
                                            signature: .init(r: r, s: s, recoveryID: signed.yParity))
            #expect(throws: TransactionError.signature(.signatureValueOutOfRange)) { try bad.validate(for: .london, chainID: 1) }
            #expect(throws: TransactionError.signature(.signatureValueOutOfRange)) { try bad.recoverSenderUnchecked() }
        }
    }

    @Test(arguments: [TransactionSamples.legacyEIP155, TransactionSamples.accessList, TransactionSamples.dynamicFee])
    func wrongChainID(_ tx: Transaction) throws {
        let signed = tx.signed(with: TestKeys.key("A"))
        #expect(throws: TransactionError.wrongChainID(got: 1, expected: 5)) { try signed.validate(for: .cancun, chainID: 5) }
        #expect(throws: TransactionError.wrongChainID(got: 1, expected: 5)) { try signed.recovered(for: .cancun, chainID: 5) }
        try signed.validate(for: .cancun, chainID: 1)
    }

    /// An unprotected legacy transaction is valid on any chain, in any fork.
    @Test func unprotectedLegacyIsValidEverywhere() throws {
        let signed = S.legacyUnprotected.signed(with: TestKeys.key("A"))
        for fork in Fork.allCases {
            #expect(try signed.recovered(for: fork, chainID: 12345).sender == TestKeys.address("A"))
        }
    }

    @Test func replayProtectionNeedsSpuriousDragon() throws {
        let signed = S.legacyEIP155.signed(with: TestKeys.key("A"))
        for fork in Fork.allCases {
            if fork.isEIP155 {
                try signed.validate(for: fork, chainID: 1)
            } else {
                #expect(throws: TransactionError.replayProtectionNotActivated(fork: fork)) { try signed.validate(for: fork, chainID: 1) }
            }
        }
    }

    @Test func typedTransactionsNeedTheirFork() throws {
        let accessList = S.accessList.signed(with: TestKeys.key("A"))
        let dynamicFee = S.dynamicFee.signed(with: TestKeys.key("A"))
        for fork in Fork.allCases {
            if fork >= .berlin {
                try accessList.validate(for: fork, chainID: 1)
            } else {
                #expect(throws: TransactionError.typeNotActivated(.accessList, fork: fork)) { try accessList.validate(for: fork, chainID: 1) }
            }
            if fork >= .london {
                try dynamicFee.validate(for: fork, chainID: 1)
            } else {
                #expect(throws: TransactionError.typeNotActivated(.dynamicFee, fork: fork)) { try dynamicFee.validate(for: fork, chainID: 1) }
            }
        }
    }

    @Test func nonceAtMaximumIsReserved() throws {
        func signed(nonce: UInt64) -> SignedTransaction {
            Transaction.legacy(LegacyTransaction(chainID: 1, nonce: nonce, gasPrice: 1, gasLimit: 21_000,
                                                 to: S.recipient, value: 0)).signed(with: TestKeys.key("A"))
        }
        #expect(throws: TransactionError.nonceAtMaximum) { try signed(nonce: .max).validate(for: .cancun, chainID: 1) }
        try signed(nonce: .max - 1).validate(for: .cancun, chainID: 1)
    }

    @Test func feeRules() throws {
        func dynamic(tip: UInt256, cap: UInt256, gasLimit: UInt64 = 21_000) -> SignedTransaction {
            Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1, nonce: 0, maxPriorityFeePerGas: tip, maxFeePerGas: cap,
                                                         gasLimit: gasLimit, to: S.recipient, value: 0))
                .signed(with: TestKeys.key("A"))
        }
        try dynamic(tip: 5, cap: 5).validate(for: .london, chainID: 1)
        #expect(throws: TransactionError.priorityFeeAboveMaxFee(maxPriorityFeePerGas: 6, maxFeePerGas: 5)) {
            try dynamic(tip: 6, cap: 5).validate(for: .london, chainID: 1)
        }
        // gasLimit × maxFeePerGas must fit in 256 bits: the largest fee that does is ⌊(2²⁵⁶ − 1) / gasLimit⌋.
        let largest = UInt256.max.quotientAndRemainder(dividingBy: UInt256(21_000)).quotient
        try dynamic(tip: 0, cap: largest).validate(for: .london, chainID: 1)
        #expect(throws: TransactionError.feeOverflow) { try dynamic(tip: 0, cap: largest &+ 1).validate(for: .london, chainID: 1) }
        let legacy = Transaction.legacy(LegacyTransaction(chainID: 1, nonce: 0, gasPrice: .max, gasLimit: 21_000,
                                                          to: S.recipient, value: 0)).signed(with: TestKeys.key("A"))
        #expect(throws: TransactionError.feeOverflow) { try legacy.validate(for: .london, chainID: 1) }
    }

    @Test func gasLimitMustCoverIntrinsicGas() throws {
        func signed(gasLimit: UInt64) -> SignedTransaction {
            Transaction.legacy(LegacyTransaction(chainID: 1, nonce: 0, gasPrice: 1, gasLimit: gasLimit,
                                                 to: S.recipient, value: 0, data: [0, 1])).signed(with: TestKeys.key("A"))
        }
        try signed(gasLimit: 21_020).validate(for: .cancun, chainID: 1)
        #expect(throws: TransactionError.intrinsicGasTooLow(gasLimit: 21_019, intrinsicGas: 21_020)) {
            try signed(gasLimit: 21_019).validate(for: .cancun, chainID: 1)
        }
        // Before Istanbul the non-zero byte cost 68.
        #expect(throws: TransactionError.intrinsicGasTooLow(gasLimit: 21_020, intrinsicGas: 21_072)) {
            try signed(gasLimit: 21_020).validate(for: .petersburg, chainID: 1)
        }
    }

    @Test func initcodeLimitFromShanghai() throws {
        func creation(size: Int) -> SignedTransaction {
            Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1, nonce: 0, maxPriorityFeePerGas: 1, maxFeePerGas: 1,
                                                         gasLimit: 2_000_000, to: nil, value: 0,
                                                         data: [UInt8](repeating: 1, count: size)))
                .signed(with: TestKeys.key("A"))
        }
        try creation(size: 49_152).validate(for: .shanghai, chainID: 1)
        #expect(throws: TransactionError.initcodeTooLarge(size: 49_153, limit: 49_152)) {
            try creation(size: 49_153).validate(for: .shanghai, chainID: 1)
        }
        try creation(size: 49_153).validate(for: .london, chainID: 1)
        // A call may carry any amount of data.
        let call = Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1, nonce: 0, maxPriorityFeePerGas: 1, maxFeePerGas: 1,
                                                                gasLimit: 2_000_000, to: S.recipient, value: 0,
                                                                data: [UInt8](repeating: 1, count: 60_000)))
        try call.signed(with: TestKeys.key("A")).validate(for: .cancun, chainID: 1)
    }

    @Test func intrinsicGasPerFork() {
        let transfer = S.legacyUnprotected
        for fork in Fork.allCases { #expect(transfer.intrinsicGas(for: fork) == 21_000) }

        let call = Transaction.legacy(LegacyTransaction(chainID: 1, nonce: 0, gasPrice: 1, gasLimit: 0,
                                                        to: S.recipient, value: 0, data: [0, 1, 0, 2]))
        #expect(call.intrinsicGas(for: .petersburg) == 21_000 + 2 * 4 + 2 * 68)
        #expect(call.intrinsicGas(for: .istanbul) == 21_000 + 2 * 4 + 2 * 16)
        #expect(call.intrinsicGas(for: .cancun) == 21_000 + 2 * 4 + 2 * 16)

        // 33 bytes of initcode: 2 words under EIP-3860.
        let create = Transaction.legacy(LegacyTransaction(chainID: 1, nonce: 0, gasPrice: 1, gasLimit: 0,
                                                          to: nil, value: 0, data: [UInt8](repeating: 0xff, count: 33)))
        #expect(create.intrinsicGas(for: .frontier) == 21_000 + 33 * 68)
        #expect(create.intrinsicGas(for: .homestead) == 53_000 + 33 * 68)
        #expect(create.intrinsicGas(for: .istanbul) == 53_000 + 33 * 16)
        #expect(create.intrinsicGas(for: .london) == 53_000 + 33 * 16)
        #expect(create.intrinsicGas(for: .shanghai) == 53_000 + 33 * 16 + 2 * 2)
        #expect(create.intrinsicGas(for: .cancun) == 53_000 + 33 * 16 + 2 * 2)

        // Two addresses and three keys, duplicates charged.
        let withList = Transaction.accessList(AccessListTransaction(
            chainID: 1, nonce: 0, gasPrice: 1, gasLimit: 0, to: S.recipient, value: 0,
            accessList: [AccessListEntry(address: S.recipient, storageKeys: [.zero, .zero]),
                         AccessListEntry(address: S.recipient, storageKeys: [S.storageKey])]))
        #expect(withList.intrinsicGas(for: .berlin) == 21_000 + 2 * 2_400 + 3 * 1_900)
    }

    @Test func forkOrderAndFlags() {
        #expect(Fork.allCases.sorted() == Fork.allCases)
        #expect(Fork.frontier < .homestead && Fork.shanghai < .cancun)
        #expect(!Fork.frontier.isEIP2 && Fork.homestead.isEIP2)
        #expect(!Fork.tangerineWhistle.isEIP155 && Fork.spuriousDragon.isEIP155)
        #expect(!Fork.petersburg.isEIP2028 && Fork.istanbul.isEIP2028)
        #expect(!Fork.istanbul.isEIP2930 && Fork.berlin.isEIP2930)
        #expect(!Fork.berlin.isEIP1559 && Fork.london.isEIP1559)
        #expect(Fork.paris.maximumInitcodeSize == nil && Fork.shanghai.maximumInitcodeSize == 49_152)
    }
}
