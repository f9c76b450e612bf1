import Testing
import Primitives
import TestSupport

/// ethereum/tests `BasicTests`: key → address, and Frontier transaction signers.
@Suite(.enabled(if: Vectors.has("ethereum-tests/BasicTests/keyaddrtest.json", "ethereum-tests/BasicTests/txtest.json"),
                Comment(rawValue: Vectors.skipReason("ethereum-tests/BasicTests/keyaddrtest.json", "ethereum-tests/BasicTests/txtest.json"))))
struct BasicTestsConformanceTests {
    /// `key = keccak256(seed)` and `addr` is the key's address. `sig_of_emptystring`
    /// is a legacy artefact that recovers to nothing meaningful (vectors README): not tested.
    @Test func keyAddress() throws {
        guard let cases = try Vectors.json("ethereum-tests/BasicTests/keyaddrtest.json") as? [[String: Any]] else {
            throw VectorError.malformed("keyaddrtest.json")
        }
        var suite = ConformanceSuite("BasicTests/keyaddrtest.json")
        for test in cases {
            let seed = test["seed"] as? String ?? "?"
            suite.check(seed) {
                guard let keyHex = test["key"] as? String, let addrHex = test["addr"] as? String else {
                    throw VectorError.malformed(seed)
                }
                let derived = Keccak256.hash(Array(seed.utf8))
                guard derived.description == "0x" + keyHex.lowercased() else {
                    throw Mismatch("key from seed", got: derived.description, expected: keyHex)
                }
                let key = try Secp256k1.PrivateKey(rawRepresentation: try Hex.decode(keyHex))
                let expected = try Address(hex: addrHex)
                guard key.address == expected else { throw Mismatch("address", got: key.address, expected: expected) }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed == cases.count && suite.passed > 0)
    }

    /// Each signed Frontier transaction recovers to its key's address; the signing
    /// hash is Keccak of the 6-field RLP; re-signing with RFC 6979 gives the same r.
    @Test func frontierTransactionSenders() throws {
        guard let cases = try Vectors.json("ethereum-tests/BasicTests/txtest.json") as? [[String: Any]] else {
            throw VectorError.malformed("txtest.json")
        }
        var suite = ConformanceSuite("BasicTests/txtest.json")
        for (index, test) in cases.enumerated() {
            suite.check("tx \(index)") {
                guard let keyHex = test["key"] as? String, let signedHex = test["signed"] as? String,
                      let unsignedHex = test["unsigned"] as? String else { throw VectorError.malformed("tx \(index)") }
                let key = try Secp256k1.PrivateKey(rawRepresentation: try Hex.decode(keyHex))
                let signed = try Hex.decode(signedHex)
                var outer = RLPReader(signed)
                var fields = try outer.readList()
                try outer.finish()
                var body = RLPEncoder()
                var unsigned = RLPEncoder()
                var six: [ArraySlice<UInt8>] = []
                for _ in 0..<6 { six.append(try fields.readEncodedItem()) }
                body.appendList { e in for f in six { e.appendEncoded(Array(f)) } }
                unsigned.appendList { e in
                    for f in six { e.appendEncoded(Array(f)) }
                    for _ in 0..<3 { e.appendBytes([]) }
                }
                let v = try fields.readUInt64()
                let r = try fields.readUInt256()
                let s = try fields.readUInt256()
                try fields.finish()
                guard v == 27 || v == 28 else { throw Mismatch("v", got: v, expected: 27) }
                guard unsigned.bytes == (try Hex.decode(unsignedHex)) else {
                    throw Mismatch("unsigned encoding", got: unsigned.bytes.hexString, expected: unsignedHex)
                }
                let hash = Keccak256.hash(body.bytes)
                let signature = Secp256k1.RecoverableSignature(r: r, s: s, recoveryID: UInt8(v - 27))
                let sender = try Secp256k1.recoverUnchecked(hash: hash, signature: signature).address
                guard sender == key.address else { throw Mismatch("sender", got: sender, expected: key.address) }
                // Same RFC 6979 nonce ⇒ same r; Frontier signers did not normalise s,
                // so theirs may be the mirror (n − s, flipped parity) of our low-s form.
                let ours = key.sign(hash: hash)
                let mirrored = Secp256k1.RecoverableSignature(r: ours.r, s: Secp256k1.order &- ours.s, recoveryID: ours.recoveryID ^ 1)
                guard ours == signature || mirrored == signature else {
                    throw Mismatch("RFC 6979 signature", got: "\(ours)", expected: "\(signature)")
                }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed == cases.count && suite.passed > 0)
    }
}
