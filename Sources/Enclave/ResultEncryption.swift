public import Primitives
import Crypto
import CryptoExtras

/// `encryptedResult` (CONFIDENTIAL.md section 5.3): AES-256-GCM-SIV under the client's
/// `responseKey`, `nonce = keccak(txHash)[0..12]` (not transmitted), `aad = txHash`, as
/// ciphertext ‖ tag. GCM-SIV because the same transaction can run on two sibling blocks;
/// re-executing enclaves produce the same bytes. Views use `viewHash` and `aad = viewHash ‖ blockHash`.
public enum ResultEncryption {
    /// Encrypts a result plaintext (`rlp([status, returnData, logs])`) for `txHash`.
    public static func seal(_ plaintext: [UInt8], responseKey: [UInt8], txHash: Hash32, extraAAD: [UInt8] = []) throws(ConsortiumKeyError) -> [UInt8] {
        guard responseKey.count == 32 else { throw ConsortiumKeyError("a response key is 32 bytes") }
        do {
            let nonce = try AES.GCM._SIV.Nonce(data: Keccak256.hash(txHash.bytes).bytes.prefix(12))
            let box = try AES.GCM._SIV.seal(plaintext, using: SymmetricKey(data: responseKey), nonce: nonce,
                                            authenticating: txHash.bytes + extraAAD)
            return Array(box.combined.dropFirst(12))
        } catch { throw ConsortiumKeyError("result encryption failed: \(error)") }
    }

    /// Opens an `encryptedResult` (what a client does with its response key).
    public static func open(_ encrypted: [UInt8], responseKey: [UInt8], txHash: Hash32, extraAAD: [UInt8] = []) throws(ConsortiumKeyError) -> [UInt8] {
        guard responseKey.count == 32, encrypted.count >= 16 else { throw ConsortiumKeyError("malformed result or key") }
        do {
            let box = try AES.GCM._SIV.SealedBox(combined: Keccak256.hash(txHash.bytes).bytes.prefix(12) + encrypted)
            return Array(try AES.GCM._SIV.open(box, using: SymmetricKey(data: responseKey), authenticating: txHash.bytes + extraAAD))
        } catch { throw ConsortiumKeyError("the result does not open with this response key and transaction") }
    }
}
