// Attestation benchmarks (issue 12), one JSON line per workload:
//
//   AttestationBenchmarks verify N          N verifications of one quote (all ten checks: strict PEM,
//                                           two X.509 certificates, four P-256 signatures), one thread
//   AttestationBenchmarks ping N ENCLAVE    N hello round trips to a real cloister-enclave process over
//                                           its Unix socket; per-call latency percentiles
//
// The peers (tools/bench/attest_peer.c) time the same loops the same way: four OpenSSL
// P-256 ECDSA verifications per "quote" (the cryptographic floor of the verifier), and a C
// client/server echo of the same frame sizes over a Unix socket.
import Foundation
import Crypto
import Primitives
import ChainTypes
import Attestation
import EnclaveProtocol
import Confidential
import TestSupport

func json(_ fields: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("AttestationBenchmarks: \(message)\n".utf8))
    exit(2)
}

struct Setup {
    let root: SimulatedRoot
    let platform: PlatformCredentials
    let rules: ConfidentialConfig

    init(measurement: Hash32) {
        let now = Date()
        guard let root = try? SimulatedRoot.create(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 365)),
              let platform = try? root.issuePlatform(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 30))
        else { fail("cannot make a simulated platform") }
        self.root = root
        self.platform = platform
        rules = .simulated(trustAnchor: root.trustAnchor, measurements: [measurement])
    }
}

func verifyBenchmark(_ n: Int) {
    let mr = Keccak256.hash([1])
    let setup = Setup(measurement: mr)
    let signer = SimulatedQuoteSigner(platform: setup.platform)
    let claimed = ClaimedEnclave(authority: Address(Array(repeating: 0xAA, count: 20))!,
                                 signingKey: Secp256k1.PrivateKey().publicKey.compressed,
                                 encryptionKey: Array(Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation))
    let recent = Keccak256.hash([2])
    let binding = EnclaveBinding(chainID: 4242, genesisHash: Keccak256.hash([3]), policyHash: setup.rules.policyHash,
                                 authority: claimed.authority, signingKey: claimed.signingKey, encryptionKey: claimed.encryptionKey)
    let quote = signer.quote(body: signer.report(mrEnclave: mr, isvSvn: 1, debug: false, reportData: binding.reportData(freshness: recent))).bytes
    let context = VerificationContext(chainID: 4242, genesisHash: Keccak256.hash([3]), policy: AttestationPolicy(genesis: setup.rules),
                                      genesisPolicyHash: setup.rules.policyHash, blockTime: UInt64(Date().timeIntervalSince1970),
                                      ancestorHashes: [recent])
    guard (try? QuoteVerifier.verify(quote: quote, claimed: claimed, context: context)) != nil else { fail("the benchmark quote fails") }
    for _ in 0..<min(n, 200) { _ = try? QuoteVerifier.verify(quote: quote, claimed: claimed, context: context) }  // warm-up
    let start = ContinuousClock.now
    var ok = 0
    for _ in 0..<n where (try? QuoteVerifier.verify(quote: quote, claimed: claimed, context: context)) != nil { ok += 1 }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    guard ok == n else { fail("\(n - ok) verifications failed") }
    json(["workload": "quote-verify", "impl": "cloister", "n": n, "seconds": seconds, "per_second": Double(n) / seconds,
          "quote_bytes": quote.count])
}

func pingBenchmark(_ n: Int, enclave: String) {
    let mr: Hash32
    do { mr = try EnclaveMeasurement.measure(path: enclave) } catch { fail("\(error)") }
    let setup = Setup(measurement: mr)
    let dir = "/tmp/cloister-attest-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let authority = Address(Array(repeating: 0xA7, count: 20))!
    let genesis = ConfidentialGenesis.json(signer: authority, policy: setup.rules)
    FileManager.default.createFile(atPath: dir + "/genesis.json", contents: genesis)
    FileManager.default.createFile(atPath: dir + "/platform.json", contents: Data(setup.platform.fileContents))
    let process: EnclaveProcess
    let client: EnclaveClient
    do {
        process = try EnclaveProcess(binary: enclave, socketPath: dir + "/e.sock", platformFile: dir + "/platform.json",
                                     genesisFile: dir + "/genesis.json", authority: authority)
        client = try EnclaveClient(path: dir + "/e.sock")
    } catch { fail("\(error)") }
    defer { process.stop() }
    for i in 0..<1000 { _ = try? client.hello(nonce: UInt64(i)) }
    var samples: [Double] = []
    samples.reserveCapacity(n)
    let clock = ContinuousClock()
    for i in 0..<n {
        let t = clock.now
        guard (try? client.hello(nonce: UInt64(i))) != nil else { fail("ping \(i) failed") }
        samples.append((clock.now - t) / .microseconds(1))
    }
    samples.sort()
    func pct(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
    let request = HostRequest.hello(protocolVersion: 1, nonce: UInt64.max)
    json(["workload": "enclave-ping", "impl": "cloister", "n": n, "p50_us": pct(0.5), "p90_us": pct(0.9), "p99_us": pct(0.99),
          "request_bytes": EnclaveFrame.encode(type: request.type, requestID: 1, payload: request.payload).count])
}

let args = CommandLine.arguments
switch (args.count > 1 ? args[1] : "", args.count > 2 ? Int(args[2]) : nil) {
case ("verify", let n?): verifyBenchmark(n)
case ("ping", let n?) where args.count > 3: pingBenchmark(n, enclave: args[3])
default: fail("usage: AttestationBenchmarks verify N | ping N ENCLAVE_BINARY")
}
