import Primitives

extension Interpreter {
    /// SSTORE: the original Yellow Paper pricing in Petersburg; from Istanbul EIP-2200 net
    /// metering (with EIP-1884's SLOAD_GAS), from Berlin EIP-2929 cold slots, and from London
    /// EIP-3529 refunds. Returns a status when the frame must stop, nil to continue.
    @inline(__always)
    func sstore(_ f: inout Frame) -> StatusCode? {
        if f.message.isStatic { return .staticModeViolation }
        guard rules.sstoreNetMetering else { return sstoreByCurrentValue(&f) }
        // EIP-2200: no SSTORE with only the stipend left.
        if f.gas <= ForkRules.sstoreSentry { return .outOfGas }
        let key = f.pop(), value = f.pop()
        let address = f.message.recipient
        let noop = rules.sstoreNoopGas, reset = rules.sstoreResetGas
        var cost: Int64 = 0
        if rules.chargesColdAccess && f.host.accessStorage(address, key) == .cold { cost += ForkRules.coldSload }
        let current = f.host.storage(address, key)
        if current == value {
            cost += noop
        } else {
            let original = f.host.originalStorage(address, key)
            let clear = rules.sstoreClearRefund
            if original == current {
                if original.isZero {
                    cost += ForkRules.sstoreSet
                } else {
                    cost += reset
                    if value.isZero { f.refund += clear }
                }
            } else {
                cost += noop
                if !original.isZero {
                    if current.isZero { f.refund -= clear } else if value.isZero { f.refund += clear }
                }
                if original == value {
                    f.refund += original.isZero ? ForkRules.sstoreSet - noop : reset - noop
                }
            }
        }
        f.gas -= cost
        if f.gas < 0 { return .outOfGas }
        f.host.setStorage(address, key, value)
        return nil
    }

    /// Petersburg's SSTORE (Yellow Paper, unchanged since Frontier once EIP-1283 was
    /// withdrawn): 20,000 to make a zero slot non-zero, 5,000 for any other write, and a
    /// 15,000 refund whenever a non-zero slot is cleared.
    private func sstoreByCurrentValue(_ f: inout Frame) -> StatusCode? {
        let key = f.pop(), value = f.pop()
        let address = f.message.recipient
        let current = f.host.storage(address, key)
        if current.isZero && !value.isZero {
            f.gas -= ForkRules.sstoreSet
        } else {
            f.gas -= rules.sstoreResetGas
            if !current.isZero && value.isZero { f.refund += rules.sstoreClearRefund }
        }
        if f.gas < 0 { return .outOfGas }
        f.host.setStorage(address, key, value)
        return nil
    }

    /// SELFDESTRUCT: EIP-2929 cold beneficiary (from Berlin), EIP-161 new-account charge,
    /// 24,000 refund before London (none after, EIP-3529), EIP-6780 in the host.
    func selfDestruct(_ f: inout Frame) -> StatusCode {
        if f.message.isStatic { return .staticModeViolation }
        let beneficiary = Address(truncating: f.pop())
        if rules.chargesColdAccess && f.host.accessAccount(beneficiary) == .cold {
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
