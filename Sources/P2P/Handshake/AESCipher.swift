internal import COpenSSL

/// AES through OpenSSL's EVP interface (Debian's libcrypto): the CTR keystreams of
/// ECIES (AES-128) and of RLPx frames (AES-256), and the single-block AES-256
/// encryption of the frame MACs.
///
/// Each value owns one `EVP_CIPHER_CTX`, freed (and its key schedule cleared by
/// OpenSSL) on deinit. Not `Sendable`: a CTR cipher's stream position is mutable
/// state, so one value belongs to one owner (one handshake, one frame direction).
final class AESCipher {
    /// The cipher modes RLPx uses.
    enum Mode {
        /// AES-128 in CTR mode (ECIES, 16-byte key).
        case ctr128
        /// AES-256 in CTR mode (frames, 32-byte key).
        case ctr256
        /// AES-256, one block at a time, no padding (frame MAC seeds).
        case ecb256
    }

    private let context: OpaquePointer

    /// A cipher keyed with `key` (16 bytes for `.ctr128`, 32 otherwise) and, for the
    /// CTR modes, starting at the 16-byte counter block `iv` (all zeros when nil).
    ///
    /// The sizes are fixed by the protocol and checked by the callers, so a wrong
    /// size here is a programmer error and traps.
    init(_ mode: Mode, key: [UInt8], iv: [UInt8]? = nil) {
        guard let context = EVP_CIPHER_CTX_new() else { preconditionFailure("EVP_CIPHER_CTX_new failed") }
        self.context = context
        let cipher: OpaquePointer?
        switch mode {
        case .ctr128:
            precondition(key.count == 16, "AES-128 key must be 16 bytes")
            cipher = EVP_aes_128_ctr()
        case .ctr256:
            precondition(key.count == 32, "AES-256 key must be 32 bytes")
            cipher = EVP_aes_256_ctr()
        case .ecb256:
            precondition(key.count == 32, "AES-256 key must be 32 bytes")
            cipher = EVP_aes_256_ecb()
        }
        let counter = iv ?? [UInt8](repeating: 0, count: 16)
        precondition(counter.count == 16, "AES IV must be 16 bytes")
        let ok = key.withUnsafeBufferPointer { k in
            counter.withUnsafeBufferPointer { c in
                EVP_EncryptInit_ex(context, cipher, nil, k.baseAddress, mode == .ecb256 ? nil : c.baseAddress)
            }
        }
        precondition(ok == 1, "EVP_EncryptInit_ex failed")
        precondition(EVP_CIPHER_CTX_set_padding(context, 0) == 1, "EVP_CIPHER_CTX_set_padding failed")
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts (or, in CTR mode, equally decrypts) `bytes` in place. CTR streams
    /// continue from where the previous call stopped, at any byte offset. In ECB mode
    /// the length must be a multiple of 16.
    func apply(_ bytes: UnsafeMutableRawBufferPointer) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        var offset = 0
        // EVP takes an Int32 length; frames are far smaller, but stay general.
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, 1 << 30)
            var written: Int32 = 0
            let ok = EVP_EncryptUpdate(context, base + offset, &written, base + offset, Int32(chunk))
            precondition(ok == 1 && Int(written) == chunk, "EVP_EncryptUpdate failed")
            offset += chunk
        }
    }

    /// Encrypts `bytes` in place (see ``apply(_:)-(UnsafeMutableRawBufferPointer)``).
    func apply(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { apply($0) }
    }
}
