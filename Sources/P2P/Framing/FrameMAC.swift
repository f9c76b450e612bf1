import Primitives

/// One direction's frame MAC (devp2p `rlpx.md`, "Framing"): a running Keccak-256
/// state plus AES-256 (keyed with mac-secret) applied to one block of its digest.
///
/// - header-mac: `state.update(aes(mac-secret, digest[..16]) ^ header-ciphertext)`,
///   then `digest[..16]`.
/// - frame-mac: `state.update(frame-ciphertext)`; `seed = digest[..16]`;
///   `state.update(aes(mac-secret, seed) ^ seed)`, then `digest[..16]`.
///
/// Noncopyable: the state must advance exactly once per frame, in one place.
struct FrameMAC: ~Copyable {
    private(set) var state: Keccak256
    private let cipher: AESCipher

    init(state: Keccak256, macSecret: [UInt8]) {
        self.state = state
        self.cipher = AESCipher(.ecb256, key: macSecret)
    }

    /// The header MAC of a 16-byte header ciphertext; advances the state.
    mutating func header(_ headerCiphertext: some Collection<UInt8>) -> [UInt8] {
        reseed(with: headerCiphertext)
    }

    /// The frame MAC after absorbing the frame ciphertext; advances the state.
    mutating func frame(_ frameCiphertext: UnsafeRawBufferPointer) -> [UInt8] {
        state.update(frameCiphertext)
        let seed = state.finalize().bytes.prefix(16)
        return reseed(with: seed)
    }

    /// `state.update(aes(digest[..16]) ^ seed)`, returning the new `digest[..16]`.
    private mutating func reseed(with seed: some Collection<UInt8>) -> [UInt8] {
        var block = Array(state.finalize().bytes.prefix(16))
        cipher.apply(&block)
        for (i, byte) in zip(block.indices, seed) { block[i] ^= byte }
        state.update(block)
        return Array(state.finalize().bytes.prefix(16))
    }
}
