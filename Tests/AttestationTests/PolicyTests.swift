import Testing
import Foundation
import Primitives
import ChainTypes
import Attestation
import TestSupport

/// `config.confidential` parsing (field-named errors) and `policyHash`, with the
/// known-answer vectors of ../shared/vectors/confidential.
@Suite struct PolicyTests {
    static let vectorFile = "confidential/cloister-conf-v1.json"

    static func genesis(confidential: String) -> Data {
        Data("""
        {"config": {"chainId": 4242, "clique": {"period": 1, "epoch": 30000}, "confidential": \(confidential)},
         "difficulty": "0x1", "gasLimit": "0x1c9c380", "extraData": "0x", "alloc": {}}
        """.utf8)
    }

    static let valid = """
    {"platforms": ["simulated-sgx"], "insecureSimulation": true,
     "trustAnchors": {"simulated-sgx": "0x17cc2a1f1be69bd92df3c38728af7a244d8aa76f0a6489d95271004fde8aac75"},
     "measurements": ["0x4c7b5cd57855cee824dfb36438b88ecb25d2d1493a0c53b69912ec4957d84d68"],
     "minIsvSvn": 1, "minCpuSvn": "0x00000000000000000000000000000000", "minPceSvn": 1, "minQeSvn": 1,
     "allowDebug": false, "freshnessBlocks": 64, "epochLength": 1000, "enclaveQuorum": 1}
    """

    @Test func aValidPolicyParses() throws {
        let g = try Genesis(json: Self.genesis(confidential: Self.valid))
        let c = try #require(g.config.confidential)
        #expect(c.platforms == ["simulated-sgx"] && c.insecureSimulation && c.freshnessBlocks == 64 && c.minCpuSvn.count == 16)
        #expect(try Genesis(json: Self.genesis(confidential: "null")).config.confidential == nil)
    }

    @Test(arguments: [
        ("\"insecureSimulation\": true", "\"insecureSimulation\": false", "config.confidential.insecureSimulation"),
        ("\"allowDebug\": false", "\"allowDebug\": \"no\"", "config.confidential.allowDebug"),
        ("\"minCpuSvn\": \"0x00000000000000000000000000000000\"", "\"minCpuSvn\": \"0x00\"", "config.confidential.minCpuSvn"),
        ("\"enclaveQuorum\": 1", "\"enclaveQuorum\": 2", "config.confidential.enclaveQuorum"),
        ("\"minQeSvn\": 1", "\"minQeSvn\": 70000", "config.confidential.minQeSvn"),
        ("\"epochLength\": 1000", "\"epochLength\": 1000, \"extra\": 1", "config.confidential.extra"),
        ("\"freshnessBlocks\": 64, ", "", "config.confidential.freshnessBlocks"),
        ("[\"simulated-sgx\"]", "[\"sgx-dcap\"]", "config.confidential.platforms"),
        ("\"measurements\": [", "\"measurements\": [\"0x12\", ", "config.confidential.measurements[0]"),
    ])
    func aBadPolicyIsRefusedNamingTheField(original: String, replacement: String, field: String) throws {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid)
        do {
            _ = try Genesis(json: Self.genesis(confidential: text))
            Issue.record("accepted: \(replacement)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func thePolicyWritesTheJSONItReadsBack() throws {
        let policy = ConfidentialConfig.simulated(trustAnchor: Keccak256.hash([1]), measurements: [Keccak256.hash([2]), Keccak256.hash([3])])
        let json = String(decoding: try JSONSerialization.data(withJSONObject: policy.jsonObject), as: UTF8.self)
        let back = try #require(try Genesis(json: Self.genesis(confidential: json)).config.confidential)
        #expect(back == policy)
        #expect(back.policyHash == policy.policyHash)
    }

    @Test func allowDebugNeedsInsecureSimulation() throws {
        var c = try #require(try Genesis(json: Self.genesis(confidential: Self.valid)).config.confidential)
        c.platforms = ["simulated-sgx"]
        c.allowDebug = true
        c.insecureSimulation = false
        #expect(throws: GenesisError.self) { try c.validate() }
    }

    @Test(.enabled(if: Vectors.has(vectorFile), Comment(rawValue: Vectors.skipReason(vectorFile))))
    func policyHashMatchesTheVector() throws {
        let root = try #require(try Vectors.json(Self.vectorFile) as? [String: Any])
        let entry = try #require(root["policyHash"] as? [String: Any])
        let policy = try #require(entry["policy"])
        let json = String(decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
        let parsed = try #require(try Genesis(json: Self.genesis(confidential: json)).config.confidential)
        #expect(parsed.policyHash.description == entry["policyHash"] as? String)
        // The hash does not depend on the order lists are written in.
        var shuffled = parsed
        shuffled.measurements.reverse()
        #expect(shuffled.policyHash == parsed.policyHash)
    }

    @Test(.enabled(if: Vectors.has(vectorFile), Comment(rawValue: Vectors.skipReason(vectorFile))))
    func reportDataMatchesTheVector() throws {
        let root = try #require(try Vectors.json(Self.vectorFile) as? [String: Any])
        let inputs = try #require(root["inputs"] as? [String: Any])
        let entry = try #require(root["reportData"] as? [String: Any])
        let policyEntry = try #require(root["policyHash"] as? [String: Any])
        func hex(_ d: [String: Any], _ k: String) throws -> [UInt8] { try Hex.decode(try #require(d[k] as? String)) }
        let binding = EnclaveBinding(
            chainID: try #require((inputs["chainId"] as? NSNumber)?.uint64Value),
            genesisHash: try #require(Hash32(try hex(inputs, "genesisHash"))),
            policyHash: try #require(Hash32(try hex(policyEntry, "policyHash"))),
            authority: try #require(Address(try hex(entry, "authority"))),
            signingKey: try hex(entry, "signingKey"), encryptionKey: try hex(entry, "encryptionKey"))
        let freshness = try #require(Hash32(try hex(entry, "freshness")))
        #expect(binding.reportData(freshness: freshness) == (try hex(entry, "reportData")))
        #expect(binding.enclaveID == Hash32(try hex(inputs, "enclaveId")))
    }
}
