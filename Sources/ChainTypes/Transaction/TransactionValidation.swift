public import Primitives

extension SignedTransaction {
    /// Checks every rule a transaction must meet under `fork` on a chain with id `chainID`,
    /// short of recovering the sender (see ``recovered(for:chainID:)``). In order:
    /// 1. the type is active (type 1 from Berlin, type 2 from London);
    /// 2. a chain id, when present, is allowed (legacy EIP-155 from Spurious Dragon) and equals `chainID`;
    /// 3. the nonce is below 2⁶⁴ − 1 (EIP-2681);
    /// 4. `maxPriorityFeePerGas ≤ maxFeePerGas` (EIP-1559);
    /// 5. `gasLimit × maxFeePerGas` (the gas price for older types) fits in 256 bits;
    /// 6. a creation's initcode is within ``Fork/maximumInitcodeSize`` (EIP-3860);
    /// 7. the gas limit covers ``Transaction/intrinsicGas(for:)``;
    /// 8. `0 < r, s < n`, and from Homestead `s ≤ n/2` (EIP-2).
    ///
    /// A confidential transaction (`0x40`) follows the same rules as a dynamic-fee one, with
    /// its own intrinsic gas; its epoch, generation and suite are the block's rules (they
    /// depend on the registry).
    ///
    /// A system transaction (`0x41`–`0x44`) has no fee or gas: it is checked for its chain
    /// id, its nonce and a low-`s` signature; whether the chain takes system transactions at
    /// all, and from whom, is the block's rule.
    ///
    /// Account-dependent checks (nonce order, balance, base fee) belong to block execution.
    public func validate(for fork: Fork, chainID: UInt64) throws(TransactionError) {
        let tx = transaction
        if case .system(let system) = tx {
            guard system.chainID == chainID else { throw .wrongChainID(got: system.chainID, expected: chainID) }
            guard system.nonce < UInt64.max else { throw .nonceAtMaximum }
            do { try signature.validate(homestead: true) } catch { throw .signature(error) }
            return
        }
        switch tx.type {
        case .legacy, .enclaveJoin, .keyGrant, .keyGeneration, .policyVote: break
        case .confidential: guard fork.isEIP1559 else { throw .typeNotActivated(.confidential, fork: fork) }
        case .accessList: guard fork.isEIP2930 else { throw .typeNotActivated(.accessList, fork: fork) }
        case .dynamicFee: guard fork.isEIP1559 else { throw .typeNotActivated(.dynamicFee, fork: fork) }
        }
        if let signedChainID = tx.chainID {
            if tx.type == .legacy && !fork.isEIP155 { throw .replayProtectionNotActivated(fork: fork) }
            guard signedChainID == chainID else { throw .wrongChainID(got: signedChainID, expected: chainID) }
        }
        guard tx.nonce < UInt64.max else { throw .nonceAtMaximum }
        if tx.type == .dynamicFee || tx.type == .confidential, tx.maxPriorityFeePerGas > tx.maxFeePerGas {
            throw .priorityFeeAboveMaxFee(maxPriorityFeePerGas: tx.maxPriorityFeePerGas, maxFeePerGas: tx.maxFeePerGas)
        }
        guard !UInt256(tx.gasLimit).multipliedReportingOverflow(by: tx.maxFeePerGas).overflow else {
            throw .feeOverflow
        }
        if tx.isCreation, let limit = fork.maximumInitcodeSize {
            let size = tx.data.count
            guard size <= limit else { throw .initcodeTooLarge(size: size, limit: limit) }
        }
        let intrinsicGas = tx.intrinsicGas(for: fork)
        guard tx.gasLimit >= intrinsicGas else {
            throw .intrinsicGasTooLow(gasLimit: tx.gasLimit, intrinsicGas: intrinsicGas)
        }
        do { try signature.validate(homestead: fork.isEIP2) } catch { throw .signature(error) }
    }

    /// The signer under Homestead rules (EIP-2: `s ≤ n/2`).
    public func recoverSender() throws(TransactionError) -> Address {
        do { return try Secp256k1.recoverAddress(hash: transaction.signingHash, signature: signature) } catch {
            throw .signature(error)
        }
    }

    /// The signer under Frontier rules: any `s` below n, for transactions of Frontier blocks.
    public func recoverSenderUnchecked() throws(TransactionError) -> Address {
        do {
            return Address(publicKey: try Secp256k1.recoverUnchecked(hash: transaction.signingHash, signature: signature))
        } catch {
            throw .signature(error)
        }
    }

    /// Validates under `fork` (``validate(for:chainID:)``) and recovers the sender with
    /// that fork's signature rules.
    public func recovered(for fork: Fork, chainID: UInt64) throws(TransactionError) -> RecoveredTransaction {
        try validate(for: fork, chainID: chainID)
        let sender = fork.isEIP2 ? try recoverSender() : try recoverSenderUnchecked()
        return RecoveredTransaction(unchecked: self, sender: sender)
    }
}
