import Foundation
import Testing
import BigInt
import Primitives
import TestSupport

/// ethereum/tests `RLPTests`: valid cases both ways, every invalid case rejected.
@Suite(.enabled(if: Vectors.has("ethereum-tests/RLPTests"), Comment(rawValue: Vectors.skipReason("ethereum-tests/RLPTests"))))
struct RLPConformanceTests {
    /// Builds the expected item from a test's `in` value (vectors README, "RLPTests").
    static func item(from value: Any) throws -> RLPItem {
        switch value {
        case let list as [Any]:
            return .list(try list.map(item(from:)))
        case let text as String where text.hasPrefix("#"):
            guard let n = BigUInt(String(text.dropFirst()), radix: 10) else { throw VectorError.malformed(text) }
            return .bytes(Array(n.serialize()))
        case let text as String:
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case let number as NSNumber:
            let n = number.uint64Value
            return .bytes(n == 0 ? [] : UInt256(n).minimalBigEndianBytes)
        default:
            throw VectorError.malformed("unexpected input \(value)")
        }
    }

    static func cases(_ file: String) throws -> [(String, [String: Any])] {
        guard let json = try Vectors.json(file) as? [String: [String: Any]] else { throw VectorError.malformed(file) }
        return json.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    @Test func validCasesBothWays() throws {
        var suite = ConformanceSuite("RLPTests/rlptest.json")
        for (name, test) in try Self.cases("ethereum-tests/RLPTests/rlptest.json") {
            suite.check(name) {
                guard let input = test["in"], let outHex = test["out"] as? String else { throw VectorError.malformed(name) }
                let expected = try Hex.decode(outHex)
                let item = try Self.item(from: input)
                let encoded = item.rlpEncoded
                guard encoded == expected else { throw Mismatch("encoding", got: encoded.hexString, expected: outHex) }
                let decoded = try RLPItem(decoding: expected)
                guard decoded == item else { throw Mismatch("decoding", got: "\(decoded)", expected: "\(item)") }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed == 28)
    }

    @Test func invalidCasesRejected() throws {
        var suite = ConformanceSuite("RLPTests/invalidRLPTest.json")
        for (name, test) in try Self.cases("ethereum-tests/RLPTests/invalidRLPTest.json") {
            suite.check(name) {
                guard let outHex = test["out"] as? String else { throw VectorError.malformed(name) }
                // Some invalid cases are not even hex (odd length): that is a rejection too.
                guard let bytes = try? Hex.decode(outHex) else { return }
                if let item = try? RLPItem(decoding: bytes) { throw UnexpectedSuccess("accepted as \(item)") }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed == 26)
    }

    @Test func randomValidCasesRoundTrip() throws {
        var suite = ConformanceSuite("RLPTests/RandomRLPTests")
        for url in Vectors.jsonFiles(under: "ethereum-tests/RLPTests/RandomRLPTests") {
            let rel = "ethereum-tests/RLPTests/RandomRLPTests/" + url.lastPathComponent
            for (name, test) in try Self.cases(rel) {
                suite.check(name) {
                    guard let outHex = test["out"] as? String else { throw VectorError.malformed(name) }
                    let bytes = try Hex.decode(outHex)
                    let again = try RLPItem(decoding: bytes).rlpEncoded
                    guard again == bytes else { throw Mismatch("re-encoding", got: again.hexString, expected: outHex) }
                }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed > 0)
    }
}
