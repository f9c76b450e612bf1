import Primitives

extension Interpreter {
    /// CALL, CALLCODE, DELEGATECALL, STATICCALL: EIP-2929 access (from Berlin), value transfer and
    /// new-account charges, the 63/64 rule (EIP-150), the 2300 stipend, depth and balance checks.
    func call(_ f: inout Frame, op: UInt8) -> StatusCode? {
        let requested = f.pop()
        let target = Address(truncating: f.pop())
        let value = (op == 0xf1 || op == 0xf2) ? f.pop() : .zero
        let inOffset = f.pop(), inSize = f.pop(), outOffset = f.pop(), outSize = f.pop()

        if rules.chargesColdAccess && f.host.accessAccount(target) == .cold {
            f.gas -= ForkRules.coldAccountExtra
            if f.gas < 0 { return .outOfGas }
        }
        guard f.expandMemory(inOffset, inSize), f.expandMemory(outOffset, outSize) else { return .outOfGas }
        let hasValue = !value.isZero
        if op == 0xf1 && hasValue && f.message.isStatic { return .staticModeViolation }
        if hasValue {
            f.gas -= 9_000
            if op == 0xf1 && f.host.accountIsEmpty(target) { f.gas -= 25_000 }
            if f.gas < 0 { return .outOfGas }
        }
        let available = f.gas - f.gas / 64
        var callGas = requested.uint64.map { $0 > UInt64(Int64.max) ? available : min(Int64($0), available) } ?? available
        f.gas -= callGas
        if hasValue { callGas += 2_300 }
        f.returnData = []

        let m = f.message
        if m.depth >= Interpreter.depthLimit || (hasValue && f.host.balance(m.recipient) < value) {
            f.gas += callGas
            f.push(.zero)
            return nil
        }
        let input = inSize.isZero ? [] : f.memory.bytes(inOffset.int!, inSize.int!)
        let message: Message
        switch op {
        case 0xf1:
            message = Message(kind: .call, isStatic: m.isStatic, depth: m.depth + 1, gas: callGas, recipient: target,
                              sender: m.recipient, input: input, value: value, codeAddress: target)
        case 0xf2:
            message = Message(kind: .callCode, isStatic: m.isStatic, depth: m.depth + 1, gas: callGas, recipient: m.recipient,
                              sender: m.recipient, input: input, value: value, codeAddress: target)
        case 0xf4:
            message = Message(kind: .delegateCall, isStatic: m.isStatic, depth: m.depth + 1, gas: callGas, recipient: m.recipient,
                              sender: m.sender, input: input, value: m.value, codeAddress: target)
        default:
            message = Message(kind: .staticCall, isStatic: true, depth: m.depth + 1, gas: callGas, recipient: target,
                              sender: m.recipient, input: input, value: .zero, codeAddress: target)
        }
        let result = f.host.call(message)
        if result.status.abortsMessage { return result.status }
        f.returnData = result.output
        if let outLength = outSize.int, outLength > 0 {
            let n = min(outLength, result.output.count)
            result.output.withUnsafeBytes { f.memory.copy(from: $0, sourceOffset: 0, count: n, to: outOffset.int!) }
        }
        f.gas += result.gasLeft
        if result.status == .success { f.refund += result.gasRefund }
        f.push(result.status == .success ? .one : .zero)
        return nil
    }

    /// CREATE and CREATE2: EIP-3860 initcode limit and metering, hashing cost for
    /// CREATE2, all but 1/64 of the gas to the child (EIP-150).
    func create(_ f: inout Frame, isCreate2: Bool) -> StatusCode? {
        if f.message.isStatic { return .staticModeViolation }
        let value = f.pop(), offset = f.pop(), size = f.pop()
        let salt = isCreate2 ? f.pop() : .zero
        guard f.expandMemory(offset, size) else { return .outOfGas }
        let n = size.int ?? 0
        if let limit = rules.maxInitcodeSize, n > limit { return .outOfGas }
        let words = Int64((n + 31) / 32)
        f.gas -= rules.initcodeWordGas * words + (isCreate2 ? 6 * words : 0)
        if f.gas < 0 { return .outOfGas }
        f.returnData = []
        let m = f.message
        if m.depth >= Interpreter.depthLimit || f.host.balance(m.recipient) < value {
            f.push(.zero)
            return nil
        }
        let callGas = f.gas - f.gas / 64
        f.gas -= callGas
        let initcode = n == 0 ? [] : f.memory.bytes(offset.int!, n)
        let message = Message(kind: isCreate2 ? .create2 : .create, depth: m.depth + 1, gas: callGas,
                              sender: m.recipient, input: initcode, value: value, salt: salt)
        let result = f.host.call(message)
        if result.status.abortsMessage { return result.status }
        f.gas += result.gasLeft
        if result.status == .success {
            f.refund += result.gasRefund
            f.push(result.createdAddress?.uint256 ?? .zero)
        } else {
            if result.status == .revert { f.returnData = result.output }
            f.push(.zero)
        }
        return nil
    }
}
