import Testing
import Foundation
import Primitives
import Attestation
import EnclaveProtocol
import Confidential

/// A real `cloister-enclave` process: evidence that passes the verifier, sealed restarts,
/// a one-byte-different build that fails check 8 and cannot unseal, and bad frames.
@Suite(.serialized, .enabled(if: EnclaveFixture.enclaveBinary != nil, Comment(rawValue: EnclaveFixture.noBinary)))
struct EnclaveProcessTests {
    static func binary() throws -> String { try #require(EnclaveFixture.enclaveBinary) }

    @Test func aQuoteFromARunningEnclavePassesTheVerifier() throws {
        let bin = try Self.binary()
        let mr = try EnclaveMeasurement.measure(path: bin)
        let f = try EnclaveFixture(measurements: [mr])
        defer { f.remove() }
        let socket = f.directory.appendingPathComponent("e.sock").path
        let process = try EnclaveProcess(binary: bin, socketPath: socket, platformFile: f.platformFile, genesisFile: f.genesisFile,
                                         authority: f.authority)
        defer { process.stop() }
        let client = try EnclaveClient(path: socket)
        let status = try client.hello(nonce: 42)
        #expect(status.simulated && status.mrEnclave == mr && status.chainID == 4242 && status.authority == f.authority)
        let recent = Keccak256.hash([1, 2, 3])
        let evidence = try client.evidence(freshness: recent)
        #expect(evidence.mrEnclave == mr)
        let claimed = ClaimedEnclave(authority: f.authority, signingKey: evidence.signingKey, encryptionKey: evidence.encryptionKey)
        let verified = try QuoteVerifier.verify(quote: evidence.quote, claimed: claimed, context: f.context(ancestors: [recent]))
        #expect(verified.mrEnclave == mr && !verified.debug)
        // Fresh quotes, same keys.
        let again = try client.evidence(freshness: recent)
        #expect(again.signingKey == evidence.signingKey && again.quote != evidence.quote)
        let sig = try client.signChallenge(Keccak256.hash([5]))
        let signer = try Secp256k1.recover(hash: EnclaveChallenge.digest(chainID: 4242, challenge: Keccak256.hash([5])),
                                           signature: Secp256k1.RecoverableSignature(compact: sig))
        #expect(signer.compressed == evidence.signingKey)
    }

    @Test func sealedKeysSurviveARestartAndAnotherBuildCannotUnsealThem() throws {
        let bin = try Self.binary()
        let mr = try EnclaveMeasurement.measure(path: bin)
        let f = try EnclaveFixture(measurements: [mr])
        defer { f.remove() }
        let sealed = f.directory.appendingPathComponent("enclave.sealed").path
        let socket = f.directory.appendingPathComponent("e.sock").path
        func keys(_ binary: String, sealedPath: String?) throws -> EnclaveEvidence {
            let p = try EnclaveProcess(binary: binary, socketPath: socket, platformFile: f.platformFile, genesisFile: f.genesisFile,
                                       authority: f.authority, sealedPath: sealedPath)
            defer { p.stop() }
            return try EnclaveClient(path: socket).evidence(freshness: Keccak256.hash([1]))
        }
        let first = try keys(bin, sealedPath: sealed)
        let blob = try #require(FileManager.default.contents(atPath: sealed))
        let attributes = try FileManager.default.attributesOfItem(atPath: sealed)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try keys(bin, sealedPath: sealed)
        #expect(second.signingKey == first.signingKey && second.encryptionKey == first.encryptionKey)

        // The same build with one byte more: another measurement.
        let other = f.directory.appendingPathComponent("cloister-enclave-other").path
        var bytes = try #require(FileManager.default.contents(atPath: bin))
        bytes.append(0)
        FileManager.default.createFile(atPath: other, contents: bytes, attributes: [.posixPermissions: 0o755])
        let otherMR = try EnclaveMeasurement.measure(path: other)
        #expect(otherMR != mr)
        #expect(throws: EnclaveClientError.self) { _ = try keys(other, sealedPath: sealed) }
        #expect(FileManager.default.contents(atPath: sealed) == blob)  // left untouched

        let fresh = try keys(other, sealedPath: nil)
        #expect(fresh.mrEnclave == otherMR)
        let claimed = ClaimedEnclave(authority: f.authority, signingKey: fresh.signingKey, encryptionKey: fresh.encryptionKey)
        do {
            _ = try QuoteVerifier.verify(quote: fresh.quote, claimed: claimed, context: f.context(ancestors: [Keccak256.hash([1])]))
            Issue.record("a build outside the allowlist passed")
        } catch {
            #expect(error.check == .identity)
        }
    }

    @Test func badFramesGetAnErrorReplyAndACloseAndTheEnclaveGoesOn() throws {
        let bin = try Self.binary()
        let f = try EnclaveFixture(measurements: [try EnclaveMeasurement.measure(path: bin)])
        defer { f.remove() }
        let socket = f.directory.appendingPathComponent("e.sock").path
        let process = try EnclaveProcess(binary: bin, socketPath: socket, platformFile: f.platformFile, genesisFile: f.genesisFile,
                                         authority: f.authority)
        defer { process.stop() }
        let cases: [(String, [UInt8], EnclaveErrorCode?)] = [
            ("garbage", Array("GET / HTTP/1.1\r\n\r\n".utf8), .badFrame),
            ("garbage with a small length", [0, 0, 0, 9, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5], .unsupportedVersion),
            ("oversized", [0x7f, 0, 0, 0, 1, 1, 0, 0, 0, 1], .badFrame),
            ("body shorter than its header", [0, 0, 0, 3, 1, 1, 0], .badFrame),
            ("unknown type", EnclaveFrame.encode(type: 0x66, requestID: 1, payload: [0xc0]), .unknownType),
            ("unknown version", [0, 0, 0, 7, 2, 1, 0, 0, 0, 1, 0xc0], .unsupportedVersion),
            ("malformed payload", EnclaveFrame.encode(type: 0x02, requestID: 1, payload: [0xc1, 0x05]), .malformedPayload),
            ("truncated", Array(EnclaveFrame.encode(type: 0x01, requestID: 1, payload: HostRequest.hello(protocolVersion: 1, nonce: 1).payload).dropLast(2)), nil),
        ]
        for (name, bytes, expected) in cases {
            let s = try FramedSocket.connect(path: socket, receiveTimeoutSeconds: 5)
            try s.send(bytes)
            if let expected {
                let frame = try #require(try s.receive(), "\(name): no reply")
                guard case .error(let code, _) = try EnclaveReply(frame: frame) else { Issue.record("\(name): not an error reply"); continue }
                #expect(code == expected, "\(name)")
                #expect(try s.receive() == nil, "\(name): connection not closed")
            }
            s.close()
        }
        #expect(process.isRunning)
        #expect(try EnclaveClient(path: socket).hello(nonce: 5).nonce == 5)
    }
}
