import P2P
import Primitives

/// A test failed to get a value it needed.
struct MissingValue: Error, CustomStringConvertible {
    let what: String
    var description: String { "missing value: \(what)" }
}

extension Optional where Wrapped: ~Copyable {
    /// The wrapped value, or a thrown ``MissingValue`` (`#require` for noncopyable values).
    consuming func required(_ what: String = "\(Wrapped.self)") throws -> Wrapped {
        switch consume self {
        case .some(let value): return value
        case .none: throw MissingValue(what: what)
        }
    }

    /// Whether there is no value (`== nil` for noncopyable values).
    var isNone: Bool {
        switch self {
        case .some: false
        case .none: true
        }
    }
}

/// A seeded generator (SplitMix64), so random piece sizes repeat from run to run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `bytes` cut into consecutive pieces of random size in `sizes`.
func randomPieces(_ bytes: [UInt8], sizes: ClosedRange<Int>, using rng: inout SeededGenerator) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + Int.random(in: sizes, using: &rng))
        pieces.append(Array(bytes[start..<end]))
        start = end
    }
    return pieces
}

/// The copyable values of a ``RLPx/Secrets`` (for `#expect`, which needs copyable operands).
struct SecretValues: Equatable {
    let remotePublicKey: Secp256k1.PublicKey
    let aes: [UInt8]
    let mac: [UInt8]
    let egressMAC: Keccak256
    let ingressMAC: Keccak256

    init(_ secrets: borrowing RLPx.Secrets) {
        remotePublicKey = secrets.remotePublicKey
        aes = secrets.aesSecret
        mac = secrets.macSecret
        egressMAC = secrets.egressMAC
        ingressMAC = secrets.ingressMAC
    }

    /// The digest of the ingress MAC state after absorbing `bytes`.
    func ingressDigest(after bytes: [UInt8]) -> [UInt8] {
        var state = ingressMAC
        state.update(bytes)
        return state.finalize().bytes
    }

    static func == (a: Self, b: Self) -> Bool {
        a.remotePublicKey == b.remotePublicKey && a.aes == b.aes && a.mac == b.mac
            && a.egressMAC.finalize() == b.egressMAC.finalize() && a.ingressMAC.finalize() == b.ingressMAC.finalize()
    }
}

/// The copyable values of a handshake ``RLPx/Handshake/Completion``.
struct CompletionValues {
    let reply: [UInt8]
    let peerFormat: RLPx.HandshakeFormat
    let peerVersion: UInt64
    let secrets: SecretValues

    init(_ completion: borrowing RLPx.Handshake.Completion) {
        reply = completion.reply
        peerFormat = completion.peerFormat
        peerVersion = completion.peerVersion
        secrets = SecretValues(completion.secrets)
    }
}
