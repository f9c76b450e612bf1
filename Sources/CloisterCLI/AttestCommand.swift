import ArgumentParser
import Foundation
import Primitives
import ChainTypes
import Attestation
import Keystore

/// `cloister attest …`: the simulated attestation platform and the quote verifier, for
/// operators who provision machines and for auditors.
struct AttestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Simulated attestation platform (roots, platform certificates) and the ten-check quote verifier.",
        subcommands: [Root.self, Platform.self, Inspect.self, Verify.self]
    )

    /// `cloister attest root --out DIR`.
    struct Root: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new simulated attestation root (once per network); print its trustAnchors value.",
            discussion: "Writes DIR/root-key.pem (mode 0600: keep it with whoever provisions machines, never on a node) and DIR/root-cert.pem. The last line printed is the value for the genesis trustAnchors.")

        @Option(help: "Directory to write the root into (created; an existing root there is never overwritten).")
        var out: String

        @Option(name: .customLong("valid-days"), help: "Days the root certificate stays valid.")
        var validDays = 7300

        func run() throws {
            let dir = URL(fileURLWithPath: out)
            let keyFile = dir.appendingPathComponent("root-key.pem").path
            guard !FileManager.default.fileExists(atPath: keyFile) else { throw CLIError("\(keyFile) exists: a root is never overwritten") }
            guard validDays > 0 else { throw CLIError("--valid-days must be positive") }
            let now = Date()
            let root = try SimulatedRoot.create(notBefore: now.addingTimeInterval(-3600),
                                                notAfter: now.addingTimeInterval(TimeInterval(validDays) * 86_400))
            try writeFiles(root: root, directory: dir)
            print("simulated root written to \(dir.path) (root-key.pem is secret)")
            print("trustAnchors[\"simulated-sgx\"]:")
            print(root.trustAnchor)
        }
    }

    /// `cloister attest platform --root DIR --out FILE`.
    struct Platform: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make one machine's simulated platform key and certificate chain, signed by a root.",
            discussion: "FILE (mode 0600) stands for the machine's fused CPU keys: give it to that machine's enclave only.")

        @Option(help: "The root's directory (cloister attest root).")
        var root: String

        @Option(help: "The platform file to write.")
        var out: String

        @Option(name: .customLong("valid-days"), help: "Days the platform certificate stays valid.")
        var validDays = 1825

        @Option(name: .customLong("cpu-svn"), help: "The platform's cpuSvn, 16 bytes of hex.")
        var cpuSvn = "0x01010101010101010101010101010101"

        @Option(name: .customLong("pce-svn"), help: "The platform's pceSvn.")
        var pceSvn: UInt16 = 1

        @Option(name: .customLong("qe-svn"), help: "The platform's qeSvn.")
        var qeSvn: UInt16 = 1

        func run() throws {
            let rootDir = URL(fileURLWithPath: root)
            guard let keyPEM = readTextFile(rootDir.appendingPathComponent("root-key.pem").path),
                  let certPEM = readTextFile(rootDir.appendingPathComponent("root-cert.pem").path) else {
                throw CLIError("\(root): no root-key.pem and root-cert.pem (make them with cloister attest root)")
            }
            let simulatedRoot = try SimulatedRoot(keyPEM: keyPEM, certificatePEM: certPEM)
            guard let cpu = try? Hex.decode(cpuSvn), cpu.count == 16 else { throw CLIError("--cpu-svn: expected 16 bytes of hex") }
            guard validDays > 0 else { throw CLIError("--valid-days must be positive") }
            guard !FileManager.default.fileExists(atPath: out) else { throw CLIError("\(out) exists: a platform file is never overwritten") }
            let now = Date()
            let platform = try simulatedRoot.issuePlatform(notBefore: now.addingTimeInterval(-3600),
                                                           notAfter: now.addingTimeInterval(TimeInterval(validDays) * 86_400),
                                                           tcb: PlatformTCB(cpuSvn: cpu, pceSvn: pceSvn, qeSvn: qeSvn))
            try writeSecret(platform.fileContents, to: out)
            print("platform file written to \(out) (secret: for this machine's enclave only)")
            if let revocation = platform.revocationID { print("revocation id (policy vote kind 3): \(Hex.encode(revocation))") }
        }
    }

    /// `cloister attest inspect QUOTE`.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every field of a quote and its certificates.")

        @Argument(help: "The quote: a file of raw bytes or of 0x hex, or 0x hex itself.")
        var quote: String

        func run() throws {
            let parsed: Quote
            do { parsed = try Quote(parsing: try readQuote(quote)) } catch let error as AttestationError { throw CLIError("\(error)") }
            for (name, value) in parsed.fieldLines { print("\(name): \(value)") }
            if case .success(let ders) = StrictPEM.decode(parsed.certData) {
                for (i, der) in ders.enumerated() {
                    guard let c = CertificateSummary(der: der) else { print("certificate \(i + 1): not DER X.509"); continue }
                    print("certificate \(i + 1).subject: \(c.subject)")
                    print("certificate \(i + 1).issuer: \(c.issuer)")
                    print("certificate \(i + 1).serial: \(Hex.encode(c.serial))")
                    print("certificate \(i + 1).notBefore: \(c.notBefore)")
                    print("certificate \(i + 1).notAfter: \(c.notAfter)")
                    if let key = c.spkiHash { print("certificate \(i + 1).spkiSha256: \(key)") }
                }
            } else {
                print("certData: not a strict PEM certificate list")
            }
        }
    }

    /// `cloister attest verify …`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the ten checks on a quote; print ok, or the first failing check by number and name.",
            discussion: "A pure function of its inputs: no clock, no network. The policy is the genesis one (plus --revoked).")

        @Option(help: "The chain's genesis file (with config.confidential).")
        var genesis: String

        @Option(help: "The including block's timestamp (UNIX seconds).")
        var time: UInt64

        @Option(help: "Hashes of the blocks before the including block, parent first, comma-separated.")
        var recent: String

        @Option(help: "The authority the enclave claims to serve.")
        var authority: String

        @Option(name: .customLong("signing-key"), help: "The claimed signing key (33-byte compressed secp256k1, hex).")
        var signingKey: String

        @Option(name: .customLong("encryption-key"), help: "The claimed encryption key (32-byte X25519, hex).")
        var encryptionKey: String

        @Option(help: "Revoked platform certificates (revocation ids, hex), comma-separated.")
        var revoked: String = ""

        @Argument(help: "The quote: a file of raw bytes or of 0x hex, or 0x hex itself.")
        var quote: String

        func run() throws {
            let g: Genesis
            do { g = try Genesis(contentsOf: URL(fileURLWithPath: genesis)) } catch { throw CLIError("\(error)") }
            guard let rules = g.config.confidential else { throw CLIError("\(genesis): no config.confidential") }
            guard let claimedAuthority = try? Address(hex: authority) else { throw CLIError("--authority: not a 20-byte hex address") }
            guard let signing = try? Hex.decode(signingKey), signing.count == 33 else { throw CLIError("--signing-key: expected 33 bytes of hex") }
            guard let encryption = try? Hex.decode(encryptionKey), encryption.count == 32 else {
                throw CLIError("--encryption-key: expected 32 bytes of hex")
            }
            var ancestors: [Hash32] = []
            for item in recent.split(separator: ",") {
                guard let bytes = try? Hex.decode(String(item).trimmingSpaces), let h = Hash32(bytes) else { throw CLIError("--recent: \(item) is not a 32-byte hash") }
                ancestors.append(h)
            }
            var revokedIDs: Set<[UInt8]> = []
            for item in revoked.split(separator: ",") {
                guard let bytes = try? Hex.decode(String(item).trimmingSpaces) else { throw CLIError("--revoked: \(item) is not hex") }
                revokedIDs.insert(bytes)
            }
            let context = VerificationContext(chainID: g.config.chainID, genesisHash: g.header.hash,
                                              policy: AttestationPolicy(rules: rules, revokedPlatforms: revokedIDs),
                                              genesisPolicyHash: rules.policyHash, blockTime: time, ancestorHashes: ancestors)
            let claimed = ClaimedEnclave(authority: claimedAuthority, signingKey: signing, encryptionKey: encryption)
            do {
                let verified = try QuoteVerifier.verify(quote: try readQuote(quote), claimed: claimed, context: context)
                print("ok")
                FileHandle.standardError.write(Data("enclaveId \(verified.enclaveID), mrEnclave \(verified.mrEnclave), isvSvn \(verified.isvSvn)\(rules.insecureSimulation ? " (SIMULATED platform: proves the protocol, not confidentiality)" : "")\n".utf8))
            } catch let error as AttestationError {
                print("\(error)")
                throw ExitCode(1)
            }
        }
    }
}

/// The raw quote named on the command line: `0x` hex, or a file of raw bytes or of `0x` hex.
func readQuote(_ argument: String) throws -> [UInt8] {
    if argument.hasPrefix("0x") {
        do { return try Hex.decode(argument) } catch { throw CLIError("quote: not hex: \(error)") }
    }
    guard let data = FileManager.default.contents(atPath: argument) else { throw CLIError("cannot read \(argument)") }
    let bytes = Array(data)
    if bytes.starts(with: Array("0x".utf8)) {
        let text = String(decoding: bytes, as: UTF8.self).trimmingSpaces
        do { return try Hex.decode(text) } catch { throw CLIError("\(argument): starts with 0x but is not hex: \(error)") }
    }
    return bytes
}

/// Writes a secret file with mode 0600, created exclusively (`O_EXCL`: never over another file).
func writeSecret(_ bytes: [UInt8], to path: String) throws {
    do { try KeyDirectory.writeExclusive(Data(bytes), to: path) } catch { throw CLIError("cannot write \(path): \(error)") }
}

/// Writes a root's key (0600) and certificate into `directory`.
func writeFiles(root: SimulatedRoot, directory: URL) throws {
    do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
        throw CLIError("cannot create \(directory.path): \(error.localizedDescription)")
    }
    try writeSecret(Array(root.keyPEM.utf8) + [0x0A], to: directory.appendingPathComponent("root-key.pem").path)
    guard FileManager.default.createFile(atPath: directory.appendingPathComponent("root-cert.pem").path, contents: Data(root.certificatePEM.utf8)) else {
        throw CLIError("cannot write root-cert.pem")
    }
}

