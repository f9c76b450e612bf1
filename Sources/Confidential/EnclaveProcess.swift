public import Foundation
public import Primitives

/// A `cloister-enclave` child process: started with its socket, platform, genesis and
/// authority; stopped with the node (and exiting on its own if the node dies).
public final class EnclaveProcess: @unchecked Sendable {
    public let socketPath: String
    public let binary: String
    private let process: Process

    /// Where `cloister-enclave` is installed: beside the running executable.
    public static var defaultBinary: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("cloister-enclave").path
    }

    /// Starts the enclave and waits (up to `timeout`) until its socket accepts connections.
    public init(binary: String = EnclaveProcess.defaultBinary, socketPath: String, platformFile: String, genesisFile: String,
                authority: Address, sealedPath: String? = nil, debug: Bool = false,
                timeout: Duration = .seconds(20)) throws(EnclaveClientError) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw EnclaveClientError("no enclave executable at \(binary) (build it with `swift build --product cloister-enclave`)")
        }
        self.binary = binary
        self.socketPath = socketPath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var arguments = ["--socket", socketPath, "--platform", platformFile, "--genesis", genesisFile,
                         "--authority", authority.description, "--exit-with-parent"]
        if let sealedPath { arguments += ["--sealed", sealedPath] }
        if debug { arguments.append("--debug") }
        process.arguments = arguments
        try? FileManager.default.removeItem(atPath: socketPath)
        do { try process.run() } catch { throw EnclaveClientError("cannot start \(binary): \(error)") }
        self.process = process
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw EnclaveClientError("the enclave exited with status \(process.terminationStatus) before listening (see its message above)")
            }
            if (try? EnclaveClient(path: socketPath, receiveTimeoutSeconds: 5)) != nil { return }
            usleep(20_000)
        }
        process.terminate()
        throw EnclaveClientError("the enclave did not listen on \(socketPath) within \(timeout)")
    }

    /// Whether the child still runs.
    public var isRunning: Bool { process.isRunning }

    /// Stops the child: SIGTERM, then SIGKILL if it is still running after 5 s.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    deinit { stop() }
}
