public import Foundation
public import Primitives
public import Logging

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
                timeout: Duration = .seconds(20), logger: Logger? = nil) throws(EnclaveClientError) {
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
        if let logger { Self.relayStandardError(of: process, to: logger) }
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

    /// Sends the child's standard error lines through `logger` (so `--log-format json`
    /// stays one JSON object per line): lines naming the simulation at warning, the rest at
    /// info, each with `component=enclave`.
    private static func relayStandardError(of process: Process, to logger: Logger) {
        let pipe = Pipe()
        process.standardError = pipe
        let reader = pipe.fileHandleForReading
        @Sendable func emit(_ raw: String) {
            var line = raw
            if line.hasPrefix("cloister-enclave: ") { line.removeFirst("cloister-enclave: ".count) }
            guard !line.isEmpty else { return }
            let level: Logger.Level = line.contains("SIMULATED") ? .warning : .info
            logger.log(level: level, "\(line)", metadata: ["component": "enclave"])
        }
        let thread = Thread {
            var pending: [UInt8] = []
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending += chunk
                while let newline = pending.firstIndex(of: 0x0a) {
                    emit(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
                // A line without an end is cut into pieces rather than held without bound.
                if pending.count > 16_384 { emit(String(decoding: pending, as: UTF8.self)); pending = [] }
            }
            if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
        }
        thread.name = "cloister-enclave-stderr"
        thread.start()
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
