import ArgumentParser
import Foundation
import Primitives
import EnclaveProtocol
import Confidential

/// `cloister enclave …`: the enclave executable's measurement, and evidence from a real
/// `cloister-enclave` process.
struct EnclaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enclave",
        abstract: "Measure the enclave executable; start one and fetch its evidence.",
        subcommands: [Measure.self, Evidence.self]
    )

    /// `cloister enclave measure [PATH]`.
    struct Measure: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the MRENCLAVE (sha256 of the executable) of an enclave binary; default: the one beside cloister.")

        @Argument(help: "The enclave executable.")
        var path: String?

        func run() throws {
            let file = path ?? EnclaveProcess.defaultBinary
            do { print(try EnclaveMeasurement.measure(path: file)) } catch { throw CLIError("\(error)") }
        }
    }

    /// `cloister enclave evidence …`.
    struct Evidence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a cloister-enclave process, which makes fresh keys and a quote bound to them; write them as JSON.",
            discussion: "Output: {\"quote\", \"signingKey\", \"encryptionKey\", \"mrEnclave\"}, all 0x hex.")

        @Option(help: "The platform file (cloister attest platform).")
        var platform: String

        @Option(help: "The chain's genesis file (with config.confidential).")
        var genesis: String

        @Option(help: "The authority the enclave serves.")
        var authority: String

        @Option(help: "The hash of a recent block, named by the quote.")
        var fresh: String

        @Flag(help: "Launch the enclave in debug mode (the quote's DEBUG attribute is set, as SGX sets it).")
        var debug = false

        @Option(help: "Write the JSON here instead of standard output.")
        var out: String?

        @Option(name: .customLong("enclave-bin"), help: "The enclave executable (default: the one beside cloister).")
        var enclaveBin: String?

        func run() throws {
            guard let address = try? Address(hex: authority) else { throw CLIError("--authority: not a 20-byte hex address") }
            guard let freshBytes = try? Hex.decode(fresh), let freshness = Hash32(freshBytes) else { throw CLIError("--fresh: not a 32-byte hash") }
            let socket = FileManager.default.temporaryDirectory.appendingPathComponent("cloister-enclave-\(getpid()).sock").path
            let evidence: EnclaveEvidence
            switch fetch(socket: socket, authority: address, freshness: freshness) {
            case .success(let e): evidence = e
            case .failure(let error): throw CLIError("\(error)")
            }
            let object: [String: String] = [
                "quote": Hex.encode(evidence.quote), "signingKey": Hex.encode(evidence.signingKey),
                "encryptionKey": Hex.encode(evidence.encryptionKey), "mrEnclave": evidence.mrEnclave.description,
            ]
            let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: json + Data("\n".utf8)) else { throw CLIError("cannot write \(out)") }
            } else {
                print(String(decoding: json, as: UTF8.self))
            }
        }

        /// Starts the enclave, asks for its evidence, stops it.
        func fetch(socket: String, authority: Address, freshness: Hash32) -> Result<EnclaveEvidence, EnclaveClientError> {
            let process: EnclaveProcess
            do {
                process = try EnclaveProcess(binary: enclaveBin ?? EnclaveProcess.defaultBinary, socketPath: socket,
                                             platformFile: platform, genesisFile: genesis, authority: authority, debug: debug)
            } catch { return .failure(error) }
            defer { process.stop() }
            do { return .success(try EnclaveClient(path: socket).evidence(freshness: freshness)) } catch { return .failure(error) }
        }
    }
}
