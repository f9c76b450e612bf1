public import Primitives
import ChainTypes

/// Executes EVM bytecode, one frame at a time, under one fork's rules.
///
/// `execute` runs a frame to completion and returns a status (it never throws);
/// nested calls go through ``Host/call(_:)``, which runs them on this same
/// interpreter. Stacks (1024 slots) and memories are pooled per call depth and
/// reused, so the loop allocates nothing per instruction. Analysed code is
/// cached by code hash in a least-recently-used cache bounded in bytes, so code
/// created inside free simulations cannot grow memory without limit. A
/// ``deadline`` bounds wall-clock time: it is checked at every frame start and
/// every 1,024 jumps. Not thread-safe: one interpreter per executing thread.
public final class Interpreter {
    public let rules: ForkRules
    private var stacks: [UnsafeMutablePointer<UInt256>] = []
    private var memories: [Memory] = []
    private var analysisCache = AnalysisCache(byteLimit: Interpreter.analysisCacheBytes)
    /// Jumps left before the clock is read again (when a deadline is set).
    private var jumpsBeforeClockCheck = 0

    /// Bytes of analysed code one interpreter keeps (code, padding and jump bitmap).
    public static let analysisCacheBytes = 32 * 1024 * 1024
    /// Jumps between two readings of the clock when a ``deadline`` is set.
    static let jumpsPerClockCheck = 1024

    /// When set, execution stops with ``StatusCode/interrupted`` once the clock passes
    /// it (`eth_call`'s `--rpc-evmtimeout`); nil (block execution) never interrupts.
    public var deadline: ContinuousClock.Instant? {
        didSet { jumpsBeforeClockCheck = 0 }
    }

    /// Stack slots per frame (Yellow Paper: 1024).
    public static let stackLimit = 1024
    /// Maximum call depth (Yellow Paper: 1024).
    public static let depthLimit = 1024

    /// Called before every instruction when set (EIP-3155 tracing); nil costs one branch per instruction.
    public var tracer: ((TraceStep) -> Void)?

    public init(rules: ForkRules) { self.rules = rules }

    deinit { for s in stacks { s.deallocate() } }

    /// The analysis of `code`, cached under `hash` when one is given.
    public func analyze(_ code: [UInt8], hash: Hash32?) -> AnalyzedCode {
        if let hash, let cached = analysisCache.get(hash) { return cached }
        let analyzed = AnalyzedCode(code)
        if let hash { analysisCache.put(hash, analyzed) }
        return analyzed
    }

    /// Bytes held by the analysis cache (for tests and metrics).
    public var analysisCacheSize: Int { analysisCache.bytes }

    /// Whether the ``deadline`` has passed; reads the clock only every
    /// ``jumpsPerClockCheck`` calls so loops pay one decrement per jump.
    @inline(__always)
    func pastDeadline() -> Bool {
        guard let deadline else { return false }
        if jumpsBeforeClockCheck > 0 { jumpsBeforeClockCheck -= 1; return false }
        jumpsBeforeClockCheck = Interpreter.jumpsPerClockCheck
        return ContinuousClock.now >= deadline
    }

    /// Runs one frame of `code` for `message`.
    public func execute(_ message: Message, code: AnalyzedCode, host: any Host) -> ExecutionResult {
        let depth = message.depth
        if deadline != nil {
            jumpsBeforeClockCheck = 0
            if pastDeadline() { return ExecutionResult(status: .interrupted, gasLeft: 0) }
        }
        while stacks.count <= depth {
            stacks.append(UnsafeMutablePointer<UInt256>.allocate(capacity: Interpreter.stackLimit))
            memories.append(Memory())
        }
        let memory = memories[depth]
        memory.reset()
        var frame = Frame(gas: message.gas, stack: stacks[depth], memory: memory, message: message, code: code, host: host)
        let status = run(&frame)
        switch status {
        case .success, .revert:
            return ExecutionResult(status: status, gasLeft: frame.gas, gasRefund: status == .success ? frame.refund : 0,
                                   output: frame.output)
        default:
            return ExecutionResult(status: status, gasLeft: 0)
        }
    }
}

/// The state of one running frame.
struct Frame {
    var gas: Int64
    var refund: Int64 = 0
    var sp = 0
    let stack: UnsafeMutablePointer<UInt256>
    let memory: Memory
    let message: Message
    let code: AnalyzedCode
    let host: any Host
    /// The block and transaction context, read from the host once per frame.
    let context: ExecutionContext
    var returnData: [UInt8] = []
    var output: [UInt8] = []

    init(gas: Int64, stack: UnsafeMutablePointer<UInt256>, memory: Memory, message: Message, code: AnalyzedCode, host: any Host) {
        self.gas = gas; self.stack = stack; self.memory = memory; self.message = message; self.code = code; self.host = host
        self.context = host.context
    }

    @inline(__always) mutating func pop() -> UInt256 { sp -= 1; return stack[sp] }
    @inline(__always) mutating func push(_ v: UInt256) { stack[sp] = v; sp += 1 }
    @inline(__always) func peek(_ i: Int = 0) -> UInt256 { stack[sp - 1 - i] }

    /// Memory cost for `words` words: 3·w + w²/512.
    @inline(__always) static func memoryCost(_ words: Int64) -> Int64 { 3 * words + words * words / 512 }

    /// Charges for and performs memory growth to cover [offset, offset+size); false means out of gas.
    @inline(__always) mutating func expandMemory(_ offset: UInt256, _ size: UInt256) -> Bool {
        if size.isZero { return true }
        guard let o = offset.uint64, let s = size.uint64, o <= 0xFFFF_FFFF, s <= 0xFFFF_FFFF else { return false }
        return expandMemory(Int(o), Int(s))
    }

    @inline(__always) mutating func expandMemory(_ offset: Int, _ size: Int) -> Bool {
        if size == 0 { return true }
        let end = offset + size
        if end <= memory.size { return true }
        let newWords = Int64((end + 31) / 32), oldWords = Int64(memory.size / 32)
        gas -= Frame.memoryCost(newWords) - Frame.memoryCost(oldWords)
        if gas < 0 { return false }
        memory.grow(to: end)
        return true
    }

    /// Charges 3 gas per word copied (and `perWord` in general).
    @inline(__always) mutating func chargeWords(_ size: Int, perWord: Int64) -> Bool {
        gas -= perWord * Int64((size + 31) / 32)
        return gas >= 0
    }
}

extension Interpreter {
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func run(_ f: inout Frame) -> StatusCode {
        let code = f.code.padded
        let staticGas = rules.staticGas
        let stackInputs = rules.stackInputs
        let stackGrowth = rules.stackGrowth
        let chargesColdAccess = rules.chargesColdAccess
        let limit = Interpreter.stackLimit
        return code.withUnsafeBufferPointer { codeBuffer -> StatusCode in
            let code = codeBuffer.baseAddress!
            var pc = 0  // inside the closure, so it lives in a register rather than a captured box
            while true {
                let op = code[pc]
                let base = staticGas[Int(op)]
                if base < 0 { return op == 0xfe ? .invalidInstruction : .undefinedInstruction }
                if f.sp < Int(stackInputs[Int(op)]) { return .stackUnderflow }
                if f.sp + Int(stackGrowth[Int(op)]) > limit { return .stackOverflow }
                if let tracer {
                    tracer(TraceStep(pc: pc, op: op, gas: f.gas, gasCost: Int64(base), memorySize: f.memory.size,
                                     stack: (0..<f.sp).map { f.stack[$0] }, depth: f.message.depth + 1, refund: f.refund))
                }
                f.gas -= Int64(base)
                if f.gas < 0 { return .outOfGas }

                switch op {
                case 0x00: return .success
                case 0x01: let a = f.pop(); f.stack[f.sp - 1] = a &+ f.stack[f.sp - 1]
                case 0x02: let a = f.pop(); f.stack[f.sp - 1] = a &* f.stack[f.sp - 1]
                case 0x03: let a = f.pop(); f.stack[f.sp - 1] = a &- f.stack[f.sp - 1]
                case 0x04: let a = f.pop(); f.stack[f.sp - 1] = a.dividedOrZero(by: f.stack[f.sp - 1])
                case 0x05: let a = f.pop(); f.stack[f.sp - 1] = a.signedDividedOrZero(by: f.stack[f.sp - 1])
                case 0x06: let a = f.pop(); f.stack[f.sp - 1] = a.remainderOrZero(dividingBy: f.stack[f.sp - 1])
                case 0x07: let a = f.pop(); f.stack[f.sp - 1] = a.signedRemainderOrZero(dividingBy: f.stack[f.sp - 1])
                case 0x08: let a = f.pop(), b = f.pop(); f.stack[f.sp - 1] = UInt256.addMod(a, b, f.stack[f.sp - 1])
                case 0x09: let a = f.pop(), b = f.pop(); f.stack[f.sp - 1] = UInt256.mulMod(a, b, f.stack[f.sp - 1])
                case 0x0a:
                    let a = f.pop(), e = f.stack[f.sp - 1]
                    f.gas -= 50 * Int64(e.byteWidth)
                    if f.gas < 0 { return .outOfGas }
                    f.stack[f.sp - 1] = a.power(e)
                case 0x0b: let b = f.pop(); f.stack[f.sp - 1] = f.stack[f.sp - 1].signExtended(fromByte: b)
                case 0x10: let a = f.pop(); f.stack[f.sp - 1] = a < f.stack[f.sp - 1] ? .one : .zero
                case 0x11: let a = f.pop(); f.stack[f.sp - 1] = a > f.stack[f.sp - 1] ? .one : .zero
                case 0x12: let a = f.pop(); f.stack[f.sp - 1] = a.signedLessThan(f.stack[f.sp - 1]) ? .one : .zero
                case 0x13: let a = f.pop(); f.stack[f.sp - 1] = a.signedGreaterThan(f.stack[f.sp - 1]) ? .one : .zero
                case 0x14: let a = f.pop(); f.stack[f.sp - 1] = a == f.stack[f.sp - 1] ? .one : .zero
                case 0x15: f.stack[f.sp - 1] = f.stack[f.sp - 1].isZero ? .one : .zero
                case 0x16: let a = f.pop(); f.stack[f.sp - 1] = a & f.stack[f.sp - 1]
                case 0x17: let a = f.pop(); f.stack[f.sp - 1] = a | f.stack[f.sp - 1]
                case 0x18: let a = f.pop(); f.stack[f.sp - 1] = a ^ f.stack[f.sp - 1]
                case 0x19: f.stack[f.sp - 1] = ~f.stack[f.sp - 1]
                case 0x1a: let i = f.pop(); f.stack[f.sp - 1] = f.stack[f.sp - 1].byte(at: i)
                case 0x1b: let s = f.pop(); f.stack[f.sp - 1] = f.stack[f.sp - 1].shiftedLeft(by: s)
                case 0x1c: let s = f.pop(); f.stack[f.sp - 1] = f.stack[f.sp - 1].shiftedRight(by: s)
                case 0x1d: let s = f.pop(); f.stack[f.sp - 1] = f.stack[f.sp - 1].arithmeticShiftedRight(by: s)
                case 0x20:
                    let offset = f.pop(), size = f.stack[f.sp - 1]
                    guard f.expandMemory(offset, size) else { return .outOfGas }
                    let n = size.int ?? 0
                    guard f.chargeWords(n, perWord: 6) else { return .outOfGas }
                    let o = n == 0 ? 0 : offset.int ?? 0
                    f.stack[f.sp - 1] = f.memory.withBytes(o, n) { Keccak256.hash($0) }.uint256
                case 0x30: f.push(f.message.recipient.uint256)
                case 0x31:
                    let a = Address(truncating: f.stack[f.sp - 1])
                    if chargesColdAccess && f.host.accessAccount(a) == .cold {
                        f.gas -= ForkRules.coldAccountExtra
                        if f.gas < 0 { return .outOfGas }
                    }
                    f.stack[f.sp - 1] = f.host.balance(a)
                case 0x32: f.push(f.context.origin.uint256)
                case 0x33: f.push(f.message.sender.uint256)
                case 0x34: f.push(f.message.value)
                case 0x35:
                    let input = f.message.input
                    if let o = f.stack[f.sp - 1].int, o < input.count {
                        // Up to 32 bytes, zero-padded on the right.
                        let word = UInt256(bigEndianBytes: input[o..<min(o + 32, input.count)]) ?? .zero
                        f.stack[f.sp - 1] = word << (8 * max(0, o + 32 - input.count))
                    } else {
                        f.stack[f.sp - 1] = .zero
                    }
                case 0x36: f.push(UInt256(f.message.input.count))
                case 0x37, 0x39, 0x3e:
                    let destOffset = f.pop(), srcOffset = f.pop(), size = f.pop()
                    if op == 0x3e {
                        let (end, overflow) = srcOffset.addingReportingOverflow(size)
                        if overflow || end > UInt256(f.returnData.count) { return .invalidMemoryAccess }
                    }
                    guard f.expandMemory(destOffset, size) else { return .outOfGas }
                    let n = size.int ?? 0
                    guard f.chargeWords(n, perWord: 3) else { return .outOfGas }
                    if n > 0 {
                        let src = srcOffset.int.map { min($0, Int(UInt32.max)) } ?? Int(UInt32.max)
                        let dst = destOffset.int ?? 0
                        switch op {
                        case 0x37: f.message.input.withUnsafeBytes { f.memory.copy(from: $0, sourceOffset: src, count: n, to: dst) }
                        case 0x39:
                            f.memory.copy(from: UnsafeRawBufferPointer(start: code, count: f.code.count), sourceOffset: src, count: n, to: dst)
                        default: f.returnData.withUnsafeBytes { f.memory.copy(from: $0, sourceOffset: src, count: n, to: dst) }
                        }
                    }
                case 0x38: f.push(UInt256(f.code.count))
                case 0x3a: f.push(f.context.gasPrice)
                case 0x3b:
                    let a = Address(truncating: f.stack[f.sp - 1])
                    if chargesColdAccess && f.host.accessAccount(a) == .cold {
                        f.gas -= ForkRules.coldAccountExtra
                        if f.gas < 0 { return .outOfGas }
                    }
                    f.stack[f.sp - 1] = UInt256(f.host.codeSize(a))
                case 0x3c:
                    let a = Address(truncating: f.pop())
                    let destOffset = f.pop(), srcOffset = f.pop(), size = f.pop()
                    if chargesColdAccess && f.host.accessAccount(a) == .cold {
                        f.gas -= ForkRules.coldAccountExtra
                        if f.gas < 0 { return .outOfGas }
                    }
                    guard f.expandMemory(destOffset, size) else { return .outOfGas }
                    let n = size.int ?? 0
                    guard f.chargeWords(n, perWord: 3) else { return .outOfGas }
                    if n > 0 {
                        let ext = f.host.code(a)
                        let src = srcOffset.int.map { min($0, Int(UInt32.max)) } ?? Int(UInt32.max)
                        ext.withUnsafeBytes { f.memory.copy(from: $0, sourceOffset: src, count: n, to: destOffset.int ?? 0) }
                    }
                case 0x3d: f.push(UInt256(f.returnData.count))
                case 0x3f:
                    let a = Address(truncating: f.stack[f.sp - 1])
                    if chargesColdAccess && f.host.accessAccount(a) == .cold {
                        f.gas -= ForkRules.coldAccountExtra
                        if f.gas < 0 { return .outOfGas }
                    }
                    f.stack[f.sp - 1] = f.host.codeHash(a).uint256
                case 0x40:
                    let n = f.stack[f.sp - 1]
                    let current = f.context.number
                    if let k = n.uint64, k < current, current - k <= 256 {
                        f.stack[f.sp - 1] = f.host.blockHash(k).uint256
                    } else {
                        f.stack[f.sp - 1] = .zero
                    }
                case 0x41: f.push(f.context.coinbase.uint256)
                case 0x42: f.push(UInt256(f.context.timestamp))
                case 0x43: f.push(UInt256(f.context.number))
                case 0x44: f.push(f.context.prevRandao)
                case 0x45: f.push(UInt256(f.context.gasLimit))
                case 0x46: f.push(f.context.chainID)
                case 0x47: f.push(f.host.balance(f.message.recipient))
                case 0x48: f.push(f.context.baseFee)
                case 0x49:
                    let hashes = f.context.blobHashes
                    if let i = f.stack[f.sp - 1].int, i < hashes.count {
                        f.stack[f.sp - 1] = hashes[i].uint256
                    } else {
                        f.stack[f.sp - 1] = .zero
                    }
                case 0x4a: f.push(f.context.blobBaseFee)
                case 0x50: f.sp -= 1
                case 0x51:
                    let offset = f.stack[f.sp - 1]
                    guard f.expandMemory(offset, 32) else { return .outOfGas }
                    f.stack[f.sp - 1] = f.memory.load(offset.int!)
                case 0x52:
                    let offset = f.pop(), value = f.pop()
                    guard f.expandMemory(offset, 32) else { return .outOfGas }
                    f.memory.store(value, at: offset.int!)
                case 0x53:
                    let offset = f.pop(), value = f.pop()
                    guard f.expandMemory(offset, 1) else { return .outOfGas }
                    f.memory.storeByte(UInt8(truncatingIfNeeded: value.w0), at: offset.int!)
                case 0x54:
                    let key = f.stack[f.sp - 1]
                    if chargesColdAccess && f.host.accessStorage(f.message.recipient, key) == .cold {
                        f.gas -= ForkRules.coldSloadExtra
                        if f.gas < 0 { return .outOfGas }
                    }
                    f.stack[f.sp - 1] = f.host.storage(f.message.recipient, key)
                case 0x55:
                    if let status = sstore(&f) { return status }
                case 0x56:
                    let dest = f.pop()
                    guard let d = dest.int, f.code.isJumpdest(d) else { return .badJumpDestination }
                    if pastDeadline() { return .interrupted }
                    pc = d
                    continue
                case 0x57:
                    let dest = f.pop(), condition = f.pop()
                    if !condition.isZero {
                        guard let d = dest.int, f.code.isJumpdest(d) else { return .badJumpDestination }
                        if pastDeadline() { return .interrupted }
                        pc = d
                        continue
                    }
                case 0x58: f.push(UInt256(pc))
                case 0x59: f.push(UInt256(f.memory.size))
                case 0x5a: f.push(UInt256(UInt64(f.gas)))
                case 0x5b: break
                case 0x5c: f.stack[f.sp - 1] = f.host.transientStorage(f.message.recipient, f.stack[f.sp - 1])
                case 0x5d:
                    if f.message.isStatic { return .staticModeViolation }
                    let key = f.pop(), value = f.pop()
                    f.host.setTransientStorage(f.message.recipient, key, value)
                case 0x5e:
                    let dst = f.pop(), src = f.pop(), size = f.pop()
                    if !size.isZero {
                        let (srcEnd, o1) = src.addingReportingOverflow(size)
                        let (dstEnd, o2) = dst.addingReportingOverflow(size)
                        if o1 || o2 { return .outOfGas }
                        let far = srcEnd > dstEnd ? src : dst
                        guard f.expandMemory(far, size) else { return .outOfGas }
                        let n = size.int!
                        guard f.chargeWords(n, perWord: 3) else { return .outOfGas }
                        f.memory.move(from: src.int!, to: dst.int!, count: n)
                    }
                case 0x5f: f.push(.zero)
                case 0x60...0x7f:
                    let n = Int(op - 0x5f)
                    let start = code.advanced(by: pc + 1)
                    f.push(UInt256(bigEndianBytes: UnsafeBufferPointer(start: start, count: n))!)
                    pc += n
                case 0x80...0x8f:
                    f.push(f.stack[f.sp - 1 - Int(op - 0x80)])
                case 0x90...0x9f:
                    let i = f.sp - 2 - Int(op - 0x90)
                    let top = f.stack[f.sp - 1]
                    f.stack[f.sp - 1] = f.stack[i]
                    f.stack[i] = top
                case 0xa0...0xa4:
                    if f.message.isStatic { return .staticModeViolation }
                    let offset = f.pop(), size = f.pop()
                    var topics: [Hash32] = []
                    for _ in 0..<Int(op - 0xa0) { topics.append(Hash32(f.pop())) }
                    guard f.expandMemory(offset, size) else { return .outOfGas }
                    let n = size.int ?? 0
                    f.gas -= 8 * Int64(n)
                    if f.gas < 0 { return .outOfGas }
                    let data = f.memory.bytes(n == 0 ? 0 : offset.int!, n)
                    f.host.emitLog(Log(address: f.message.recipient, topics: topics, data: data))
                case 0xf0, 0xf5:
                    if let status = create(&f, isCreate2: op == 0xf5) { return status }
                case 0xf1, 0xf2, 0xf4, 0xfa:
                    if let status = call(&f, op: op) { return status }
                case 0xf3, 0xfd:
                    let offset = f.pop(), size = f.pop()
                    guard f.expandMemory(offset, size) else { return .outOfGas }
                    let n = size.int ?? 0
                    f.output = f.memory.bytes(n == 0 ? 0 : offset.int!, n)
                    return op == 0xf3 ? .success : .revert
                case 0xfe:
                    return .invalidInstruction
                case 0xff:
                    return selfDestruct(&f)
                default:
                    return .undefinedInstruction
                }
                pc += 1
            }
        }
    }
}
