import Testing
import Primitives
import RPC

/// JSON-RPC 2.0 framing and go-ethereum's error codes.
@Suite struct RPCProtocolTests {
    @Test func parseErrorInvalidRequestAndUnknownMethod() async throws {
        let f = try RPCFixture()
        let parse = try await f.call("{not json")
        #expect(parse["error"]?["code"] == .number("-32700"))
        #expect(parse["id"] == .null)
        let invalid = try await f.call(#"{"id":1,"method":"eth_chainId"}"#)
        #expect(invalid["error"]?["code"] == .number("-32600"))
        let unknown = try await f.call(#"{"jsonrpc":"2.0","id":"x","method":"eth_nope","params":[]}"#)
        #expect(unknown["error"]?["code"] == .number("-32601"))
        #expect(unknown["error"]?["message"]?.stringValue == "the method eth_nope does not exist/is not available")
        #expect(unknown["id"] == .string("x"))
        let badParams = try await f.call(#"{"jsonrpc":"2.0","id":2,"method":"eth_getBalance","params":["0x12"]}"#)
        #expect(badParams["error"]?["code"] == .number("-32602"))
        #expect(badParams["error"]?["message"]?.stringValue?.contains("want 40 for common.Address") == true)
        let extra = try await f.call(#"{"jsonrpc":"2.0","id":3,"method":"eth_chainId","params":["x"]}"#)
        #expect(extra["error"]?["message"]?.stringValue == "too many arguments, want at most 0")
        let notArray = try await f.call(#"{"jsonrpc":"2.0","id":2,"method":"eth_chainId","params":5}"#)
        #expect(notArray["error"]?["code"] == .number("-32602"))
    }

    @Test func batchesKeepOrderAndSkipNotifications() async throws {
        let f = try RPCFixture()
        let r = try await f.call(#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","id":3,"method":"net_version","params":[]},5]"#)
        guard case .array(let items) = r else { Issue.record("batch answer is not an array"); return }
        #expect(items.count == 3)
        #expect(items[0]["result"] == .string("0x539"))
        #expect(items[1]["result"] == .string("1337"))
        #expect(items[2]["error"]?["code"] == .number("-32600"))
        let empty = try await f.call("[]")
        #expect(empty["error"]?["code"] == .number("-32600"))
    }

    @Test func quantitiesAreStrict() async throws {
        let f = try RPCFixture()
        for bad in [#""0x""#, #""0x01""#, #""12""#, "12", #""0xzz""#] {
            await #expect(throws: RPCFailure.self) { try await f.result("eth_getBlockByNumber", "[\(bad), false]") }
        }
        #expect(try await f.result("eth_getBlockByNumber", #"["0x0", false]"#)["number"] == .string("0x0"))
        #expect(try await f.result("eth_getBlockByNumber", #"["0x99", false]"#) == .null)
    }

    @Test func jsonParserRefusesHostileInput() throws {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(repeating: UInt8(ascii: "["), count: 10_000)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"\\ud800\"".utf8)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xff, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("01".utf8)) }
        #expect(try JSONParser.parse(Array(#" {"a":[1,-2.5e3,"\u00e9\n",true,null]} "#.utf8))
                == .object([("a", .array([.number("1"), .number("-2.5e3"), .string("é\n"), .bool(true), .null]))]))
        let text = JSON.object([("k", .string("q\"\\\u{01}"))]).serialized
        #expect(String(decoding: text, as: UTF8.self) == #"{"k":"q\"\\\u0001"}"#)
    }
}
