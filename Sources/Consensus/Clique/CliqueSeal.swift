public import Primitives
public import ChainTypes

/// The Clique header layout (EIP-225): `extraData = vanity (32) ‖ signers (20·N, checkpoints only) ‖ seal (65)`,
/// the seal being a secp256k1 signature `r ‖ s ‖ v` (v ∈ {0, 1}) over ``sealHash(of:)``.
public enum CliqueSeal {
    /// Bytes of free-form vanity at the start of extra data.
    public static let vanityLength = 32
    /// Bytes of the seal at the end of extra data.
    public static let sealLength = 65
    /// The nonce of a vote to add the beneficiary.
    public static let authorizeVote: UInt64 = .max
    /// The nonce of a vote to drop the beneficiary (and of a block without a vote).
    public static let dropVote: UInt64 = 0
    /// Difficulty of a block sealed in turn.
    public static let inTurnDifficulty = UInt256(2)
    /// Difficulty of a block sealed out of turn.
    public static let outOfTurnDifficulty = UInt256(1)

    /// Keccak-256 of the header's RLP with the 65-byte seal cut from extra data (every
    /// other field, including a London base fee, as it is). Headers whose extra data is
    /// shorter than a seal hash as they are (their seal check fails anyway).
    public static func sealHash(of header: Header) -> Hash32 {
        var unsealed = header
        if unsealed.extraData.count >= sealLength { unsealed.extraData.removeLast(sealLength) }
        return Keccak256.hash(unsealed.rlpEncoded)
    }

    /// The signer list of a checkpoint header (between vanity and seal), or nil when the
    /// middle part is not a whole number of addresses or extra data is too short.
    public static func checkpointSigners(of header: Header) -> [Address]? {
        let extra = header.extraData
        guard extra.count >= vanityLength + sealLength else { return nil }
        let middle = extra[vanityLength..<(extra.count - sealLength)]
        guard middle.count % Address.byteCount == 0 else { return nil }
        var signers: [Address] = []
        var i = middle.startIndex
        while i < middle.endIndex {
            guard let a = Address(middle[i..<(i + Address.byteCount)]) else { return nil }
            signers.append(a)
            i += Address.byteCount
        }
        return signers
    }

    /// The account whose key made the seal of `header`. Follows go-ethereum: the
    /// signature's `s` may be high (no EIP-2 rule), `v` must be 0 or 1.
    public static func recoverSigner(of header: Header) throws(ConsensusError) -> Address {
        guard header.extraData.count >= sealLength else { throw .missingSignature }
        let sealBytes = header.extraData.suffix(sealLength)
        do {
            let signature = try Secp256k1.RecoverableSignature(compact: sealBytes)
            return Address(publicKey: try Secp256k1.recoverUnchecked(hash: sealHash(of: header), signature: signature))
        } catch {
            throw .invalidSignature
        }
    }

    /// `header` with its seal set to `key`'s signature over ``sealHash(of:)``. Extra data must
    /// already end in 65 placeholder bytes (``prepareExtraData(vanity:signers:)`` leaves them).
    public static func sealed(_ header: Header, with key: Secp256k1.PrivateKey) throws(ConsensusError) -> Header {
        guard header.extraData.count >= vanityLength + sealLength else { throw .missingSignature }
        let signature = key.sign(hash: sealHash(of: header))
        var out = header
        out.extraData.replaceSubrange((out.extraData.count - sealLength)..., with: signature.compact)
        return out
    }

    /// Extra data with `vanity` (padded or cut to 32 bytes), the signer list (checkpoints
    /// only; pass an empty list otherwise) and a zeroed seal to be filled by ``sealed(_:with:)``.
    public static func prepareExtraData(vanity: [UInt8], signers: [Address]) -> [UInt8] {
        var extra = Array(vanity.prefix(vanityLength))
        extra += [UInt8](repeating: 0, count: vanityLength - extra.count)
        for s in signers { extra += s.bytes }
        extra += [UInt8](repeating: 0, count: sealLength)
        return extra
    }
}
