import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Primitives
import Enclave
import EnclaveProtocol

/// `cloister-enclave`: the enclave process (CONFIDENTIAL.md section 9). Started by the node
/// (or by an operator, and reached by socket path); answers framed requests on a
/// Unix-domain socket. On this build's simulated platform it says so at start.
@main
struct EnclaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloister-enclave",
        abstract: "The Cloister enclave process (simulated SGX platform: proves the protocol, not confidentiality).",
        version: EnclaveBuild.version)

    @Option(help: "Unix-domain socket path to listen on (created with mode 0600).")
    var socket: String

    @Option(help: "The platform file of this machine (cloister attest platform).")
    var platform: String

    @Option(help: "The chain's genesis file (with config.confidential).")
    var genesis: String

    @Option(help: "The sealing address of the authority this enclave serves.")
    var authority: String

    @Option(help: "Keep the identity keys sealed in this file (same binary and platform restart with the same keys).")
    var sealed: String?

    @Flag(help: "Run as a debug enclave: quotes carry the DEBUG attribute, as SGX sets it.")
    var debug = false

    @Flag(name: .customLong("exit-with-parent"), help: "Exit when the process that started this one exits.")
    var exitWithParent = false

    func run() throws {
        // A parent running on Swift's thread pool hands its blocked signal mask to its
        // children: unblock everything so SIGTERM and SIGINT stop the enclave.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        let stderr = FileHandle.standardError
        stderr.write(Data("cloister-enclave: \(EnclaveBuild.simulationWarning)\n".utf8))
        guard let authorityAddress = try? Address(hex: authority) else { throw ValidationError("--authority: not a 20-byte hex address") }
        guard let genesisData = FileManager.default.contents(atPath: genesis) else { throw ValidationError("cannot read \(genesis)") }
        guard let platformData = FileManager.default.contents(atPath: platform) else { throw ValidationError("cannot read \(platform)") }
        let mrEnclave: Hash32
        do { mrEnclave = try EnclaveMeasurement.measure(path: "/proc/self/exe") } catch { throw ValidationError("cannot measure itself: \(error)") }
        let configuration = try EnclaveStartup.configuration(genesisJSON: genesisData, platformFile: Array(platformData),
                                                             authority: authorityAddress, mrEnclave: mrEnclave, debug: debug)
        let (keys, secrets, restored) = try EnclaveStartup.keys(sealedPath: sealed, configuration: configuration)
        let listener = try UnixListener(path: socket)
        stderr.write(Data("cloister-enclave: mrEnclave \(mrEnclave), enclaveId \(keys.enclaveID) (\(restored ? "keys unsealed" : "new keys")), chain \(configuration.chainID), authority \(authorityAddress)\(debug ? ", DEBUG" : ""); listening on \(socket)\n".utf8))
        if exitWithParent {
            let parent = getppid()
            Thread.detachNewThread {
                while getppid() == parent { usleep(200_000) }
                listener.close()
                Glibc.exit(0)
            }
        }
        let sealedPath = sealed
        let service = try EnclaveService(configuration: configuration, keys: keys, secrets: secrets) { keys, secrets in
            guard let sealedPath else { return }
            do { try EnclaveStartup.writeSealed(keys, secrets: secrets, to: sealedPath, configuration: configuration) } catch {
                FileHandle.standardError.write(Data("cloister-enclave: cannot seal the held secrets: \(error)\n".utf8))
            }
        }
        if !secrets.isEmpty {
            stderr.write(Data("cloister-enclave: holds consortium generations \(secrets.map(\.generation).sorted())\n".utf8))
        }
        EnclaveServer(service: service, listener: listener).run()
    }
}
