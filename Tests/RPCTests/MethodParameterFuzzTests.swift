import Testing
import Foundation
import Primitives
import Chain
import RPC
import TestSupport

/// Every method, fed parameters built from the values that break arithmetic and
/// parsing (extreme quantities, wrong types, huge ranges, nested objects): each
/// request must get a well-formed JSON-RPC answer — a result or an error object
/// with an integer code — and the process must survive (a trap ends the test run).
@Suite struct MethodParameterFuzzTests {
    /// Leaf values chosen to hit edges: zero, one, the largest 64- and 256-bit
    /// quantities, one past them, negative and fractional numbers, malformed hex.
    static let leaves: [String] = [
        #""0x0""#, #""0x1""#, #""0xffffffffffffffff""#, #""0x10000000000000000""#, #""0x7fffffffffffffff""#,
        #""0x8000000000000000""#, "\"0x" + String(repeating: "f", count: 64) + "\"", "\"0x1" + String(repeating: "0", count: 64) + "\"",
        #""latest""#, #""earliest""#, #""pending""#, #""safe""#, #""finalized""#, #""0x""#, #""0xzz""#, #""0x0g""#, #""""#,
        "\"" + TestKeys.address("X").description + "\"", "\"" + Hash32.emptyKeccak.description + "\"",
        "\"0x" + String(repeating: "ab", count: 300) + "\"", #""0x5b600056""#,
        "0", "-1", "1e308", "-1e308", "18446744073709551616", "3.5", "101", "100", "true", "false", "null", "[]", "{}",
    ]

    static let keys = ["fromBlock", "toBlock", "blockHash", "address", "topics", "from", "to", "gas", "gasPrice",
                       "maxFeePerGas", "maxPriorityFeePerGas", "value", "data", "input", "nonce", "accessList",
                       "blockNumber", "requireCanonical", "storageKeys"]

    static func value(_ rng: inout SeededGenerator, depth: Int = 0) -> String {
        switch depth < 2 ? Int.random(in: 0..<10, using: &rng) : 0 {
        case 0...5: return leaves.randomElement(using: &rng)!  // checked: non-empty literal list
        case 6...7:
            let n = Int.random(in: 0...4, using: &rng)
            return "[" + (0..<n).map { _ in value(&rng, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let n = Int.random(in: 0...5, using: &rng)
            let members = (0..<n).map { _ in "\"\(keys.randomElement(using: &rng)!)\":\(value(&rng, depth: depth + 1))" }  // checked: non-empty
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    @Test func everyMethodAnswersEveryParameterShape() async throws {
        var limits = RPCLimits()
        limits.evmTimeout = .milliseconds(200)
        let f = try RPCFixture(limits: limits, unlocked: [TestKeys.key("X")])
        try f.seal()
        var rng = SeededGenerator(seed: 0x5eed_0a11_0f_f00d)
        let methods = f.handler.methodNames
        #expect(methods.count > 50)
        var answered = 0
        for round in 0..<40 {
            for method in methods {
                let n = Int.random(in: 0...4, using: &rng)
                let params = "[" + (0..<n).map { _ in Self.value(&rng) }.joined(separator: ",") + "]"
                let request = #"{"jsonrpc":"2.0","id":\#(round),"method":"\#(method)","params":\#(params)}"#
                let r = try await f.call(request)
                let ok = r["result"] != nil || {
                    guard case .number(let code)? = r["error"]?["code"], Int(code) != nil else { return false }
                    return r["error"]?["message"]?.stringValue != nil
                }()
                #expect(ok, "\(request) → \(String(decoding: r.serialized, as: UTF8.self))")
                #expect(r["id"] == .number(String(round)))
                answered += 1
            }
        }
        #expect(answered == 40 * methods.count)
    }
}
