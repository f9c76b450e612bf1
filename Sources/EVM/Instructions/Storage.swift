import Primitives

extension Interpreter {
    /// SSTORE with EIP-2200 net metering, EIP-2929 cold slots and EIP-3529 refunds.
    /// Returns a status when the frame must stop, nil to continue.
    @inline(__always)
    func sstore(_ f: inout Frame) -> StatusCode? {
        if f.message.isStatic { return .staticModeViolation }
        // EIP-2200: no SSTORE with only the stipend left.
        if f.gas <= ForkRules.sstoreSentry { return .outOfGas }
        let key = f.pop(), value = f.pop()
        let address = f.message.recipient
        var cost: Int64 = 0
        if f.host.accessStorage(address, key) == .cold { cost += ForkRules.coldSload }
        let current = f.host.storage(address, key)
        if current == value {
            cost += ForkRules.warmAccess
        } else {
            let original = f.host.originalStorage(address, key)
            let clear = rules.sstoreClearRefund
            if original == current {
                if original.isZero {
                    cost += ForkRules.sstoreSet
                } else {
                    cost += ForkRules.sstoreReset
                    if value.isZero { f.refund += clear }
                }
            } else {
                cost += ForkRules.warmAccess
                if !original.isZero {
                    if current.isZero { f.refund -= clear } else if value.isZero { f.refund += clear }
                }
                if original == value {
                    f.refund += original.isZero
                        ? ForkRules.sstoreSet - ForkRules.warmAccess
                        : ForkRules.sstoreReset - ForkRules.warmAccess
                }
            }
        }
        f.gas -= cost
        if f.gas < 0 { return .outOfGas }
        f.host.setStorage(address, key, value)
        return nil
    }

    /// SELFDESTRUCT: EIP-2929 cold beneficiary, EIP-161 new-account charge, EIP-3529 no refund, EIP-6780 in the host.
    func selfDestruct(_ f: inout Frame) -> StatusCode {
        if f.message.isStatic { return .staticModeViolation }
        let beneficiary = Address(truncating: f.pop())
        if f.host.accessAccount(beneficiary) == .cold {
            f.gas -= ForkRules.coldAccountExtra + ForkRules.warmAccess
            if f.gas < 0 { return .outOfGas }
        }
        if !f.host.balance(f.message.recipient).isZero && f.host.accountIsEmpty(beneficiary) {
            f.gas -= 25_000
            if f.gas < 0 { return .outOfGas }
        }
        if f.host.selfDestruct(f.message.recipient, beneficiary: beneficiary) { f.refund += rules.selfDestructRefund }
        return .success
    }
}
