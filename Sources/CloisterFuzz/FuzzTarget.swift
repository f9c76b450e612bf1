import NIOCore
import P2P
import Primitives

/// The decoders `CloisterFuzz` exercises, chosen by `CLOISTER_FUZZ`.
///
/// Every target feeds one input to a decoder of peer data and checks its promises:
/// it returns or throws an ``RLPxError``, never traps, and what a paired encoder
/// wrote decodes back unchanged. A broken promise is a `precondition` failure, which
/// libFuzzer reports as a crash with the input that caused it.
enum FuzzTarget: String, CaseIterable {
    /// Auth messages as a responder reads them: raw bytes, or the input sealed as an
    /// EIP-8 or pre-EIP-8 auth body so that the RLP and field checks behind the ECIES
    /// MAC are reached.
    case rlpxAuth = "rlpx-auth"
    /// Ack messages as an initiator reads them, the same three ways.
    case rlpxAck = "rlpx-ack"
    /// The frame reader: raw bytes, or frames from the paired writer, cut into pieces,
    /// with one byte flipped or the stream cut short as the input says.
    case rlpxFrame = "rlpx-frame"
    /// One frame's contents: the message id, Snappy (p2p v5) and the base-protocol or
    /// eth/68 message inside.
    case p2pMessage = "p2p-message"
    /// Every eth/68 message decoder, by id, on uncompressed payloads.
    case ethMessage = "eth-message"
    /// Snappy decompression, and compression round trips.
    case snappy = "snappy"
    /// ENR records, as RLP and as text.
    case enr = "enr"
    /// Enode URLs.
    case enode = "enode"
    /// Host↔enclave frames: the frame decoder, both message decoders and the enclave's service.
    case enclaveFrame = "enclave-frame"
    /// SGX DCAP v3 quotes: the parser and the ten-check verifier.
    case quote = "quote"
    /// System transactions (0x41–0x44) and the payloads an enclave hands its host.
    case systemTx = "system-tx"
    /// Confidential sections, clo/1 messages and 0x40 transactions.
    case confSection = "conf-section"

    static let environmentVariable = "CLOISTER_FUZZ"

    /// The target named by `CLOISTER_FUZZ`, or nil.
    static var selected: FuzzTarget? {
        guard let name = getEnvironment(environmentVariable) else { return nil }
        return FuzzTarget(rawValue: name)
    }

    func run(_ input: [UInt8]) {
        switch self {
        case .rlpxAuth: HandshakeFuzz.shared.auth(input)
        case .rlpxAck: HandshakeFuzz.shared.ack(input)
        case .rlpxFrame: FrameFuzz.shared.run(input)
        case .p2pMessage: MessageFuzz.wire(input)
        case .ethMessage: MessageFuzz.eth(input)
        case .snappy: MessageFuzz.snappy(input)
        case .enr: IdentityFuzz.enr(input)
        case .enode: IdentityFuzz.enode(input)
        case .enclaveFrame: EnclaveFuzz.frame(input)
        case .quote: EnclaveFuzz.quote(input)
        case .systemTx: SystemTxFuzz.run(input)
        case .confSection: ConfidentialFuzz.run(input)
        }
    }

    /// Well-formed inputs a fresh corpus starts from (the RLPx targets build their own
    /// structure from the mode byte and need none).
    var seeds: [[UInt8]] {
        switch self {
        case .rlpxAuth, .rlpxAck, .rlpxFrame: []
        case .p2pMessage: MessageFuzz.wireSeeds
        case .ethMessage: MessageFuzz.ethSeeds
        case .snappy: MessageFuzz.snappySeeds
        case .enr: IdentityFuzz.enrSeeds
        case .enode: IdentityFuzz.enodeSeeds
        case .enclaveFrame: EnclaveFuzz.frameSeeds
        case .quote: EnclaveFuzz.quoteSeeds
        case .systemTx: SystemTxFuzz.seeds
        case .confSection: ConfidentialFuzz.seeds
        }
    }
}

/// The input's first byte picks how the rest is used.
struct FuzzInput {
    let mode: UInt8
    let body: [UInt8]
    init(_ input: [UInt8]) {
        mode = input.first ?? 0
        body = Array(input.dropFirst())
    }
}

/// Fixed keys, so every run of an input does the same work.
enum FuzzKeys {
    static func key(_ byte: UInt8) -> Secp256k1.PrivateKey {
        // 32 equal bytes 0x01…0x7f are valid secp256k1 keys.
        guard let key = try? Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32)) else {
            preconditionFailure("fixed fuzz key \(byte) is invalid")
        }
        return key
    }
    static let staticA = key(0x11)
    static let staticB = key(0x22)
    static let ephemeralA = key(0x33)
    static let ephemeralB = key(0x44)
    static let sealing = key(0x55)
    static let nonceA = [UInt8](repeating: 0xA1, count: 32)
    static let nonceB = [UInt8](repeating: 0xB2, count: 32)
    static let iv = [UInt8](repeating: 0x0F, count: 16)
}

/// Reads `name` from the environment.
func getEnvironment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
