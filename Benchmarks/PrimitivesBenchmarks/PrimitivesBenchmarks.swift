// Primitives benchmarks (ordo-one/package-benchmark). Run with `make bench`,
// which also measures the peers (OpenSSL SHA3-256, libsecp256k1 from C) in the
// same run and writes the ratios. Each benchmark's inner loop count is in its
// name, so "time per iteration / count" is the time per operation.
import Benchmark
import Primitives

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    // MARK: Keccak-256

    let block32 = [UInt8](repeating: 0x5a, count: 32)
    Benchmark("keccak256 32B x1000") { benchmark in
        var acc = Hash32.zero
        for _ in benchmark.scaledIterations {
            for _ in 0..<1000 { acc = block32.withUnsafeBytes { Keccak256.hash($0) } }
        }
        blackHole(acc)
    }

    let mebibyte = [UInt8](repeating: 0xa3, count: 1 << 20)
    Benchmark("keccak256 1MiB x1") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(mebibyte)) }
    }

    // MARK: secp256k1 recovery

    let signer = try! Secp256k1.PrivateKey(rawRepresentation: Keccak256.hash(Array("bench".utf8)).bytes)
    let message = Keccak256.hash(Array("message".utf8))
    let signature = signer.sign(hash: message)
    Benchmark("ecrecover x100") { benchmark in
        for _ in benchmark.scaledIterations {
            for _ in 0..<100 { blackHole(try! Secp256k1.recoverAddress(hash: message, signature: signature)) }
        }
    }

    // MARK: RLP

    let transaction = typicalTransaction(signedBy: signer)
    Benchmark("rlp decode 1KiB tx x100") { benchmark in
        for _ in benchmark.scaledIterations {
            for _ in 0..<100 { blackHole(try! decodeLegacyTransaction(transaction)) }
        }
    }

    // MARK: UInt256 (mallocs per iteration must read 0)

    let a = UInt256(w0: 0x0123_4567_89ab_cdef, w1: 0xfedc_ba98_7654_3210, w2: 0x0f1e_2d3c_4b5a_6978, w3: 0x1122_3344_5566_7788)
    let b = UInt256(w0: 0x9999_aaaa_bbbb_cccc, w1: 0x1357_9bdf_2468_ace0, w2: 0xdead_beef_cafe_babe, w3: 0x0bad_f00d_1234_5678)
    let m = UInt256(w0: 0xFFFF_FFFF_FFFF_FC2F, w1: .max, w2: .max, w3: .max)  // the secp256k1 field prime
    Benchmark("uint256 add x1000") { benchmark in
        var x = a
        for _ in benchmark.scaledIterations { for _ in 0..<1000 { x = x &+ b } }
        blackHole(x)
    }
    Benchmark("uint256 mul x1000") { benchmark in
        var x = a
        for _ in benchmark.scaledIterations { for _ in 0..<1000 { x = x &* b } }
        blackHole(x)
    }
    Benchmark("uint256 div x1000") { benchmark in
        var x = UInt256.max
        for _ in benchmark.scaledIterations { for _ in 0..<1000 { x = (x | a).dividedOrZero(by: b >> 70) } }
        blackHole(x)
    }
    Benchmark("uint256 mulmod x1000") { benchmark in
        var x = a
        for _ in benchmark.scaledIterations { for _ in 0..<1000 { x = UInt256.mulMod(x, b, m) } }
        blackHole(x)
    }
}

/// A signed legacy transaction of about 1 KiB: 900 bytes of calldata.
func typicalTransaction(signedBy key: Secp256k1.PrivateKey) -> [UInt8] {
    let to = Address(Array(repeating: 0x42, count: 20))!
    let data = (0..<900).map { UInt8($0 & 0xff) }
    var unsigned = RLPEncoder()
    unsigned.appendList { e in
        e.append(UInt64(7)); e.append(UInt256(20_000_000_000)); e.append(UInt64(210_000))
        e.append(to); e.append(UInt256(1_000_000_000_000_000_000)); e.appendBytes(data)
        e.append(UInt64(1)); e.appendBytes([]); e.appendBytes([])
    }
    let sig = key.sign(hash: Keccak256.hash(unsigned.bytes))
    var signed = RLPEncoder()
    signed.appendList { e in
        e.append(UInt64(7)); e.append(UInt256(20_000_000_000)); e.append(UInt64(210_000))
        e.append(to); e.append(UInt256(1_000_000_000_000_000_000)); e.appendBytes(data)
        e.append(UInt64(37) + UInt64(sig.recoveryID)); e.append(sig.r); e.append(sig.s)
    }
    return signed.bytes
}

/// Reads every field of a legacy transaction the way a decoder must (typed, strict).
func decodeLegacyTransaction(_ bytes: [UInt8]) throws(RLPError) -> (UInt64, UInt256, Int) {
    var outer = RLPReader(bytes)
    var f = try outer.readList()
    try outer.finish()
    let nonce = try f.readUInt64()
    let gasPrice = try f.readUInt256()
    _ = try f.readUInt64()
    _ = try f.readFixed(Address.self)
    _ = try f.readUInt256()
    let data = try f.readBytes()
    _ = try f.readUInt64()
    _ = try f.readUInt256()
    _ = try f.readUInt256()
    try f.finish()
    return (nonce, gasPrice, data.count)
}
