import ArgumentParser
import Foundation
import Primitives
import ChainTypes
import EVM
import Execution

/// `cloister evm …`: run bytecode and state tests (after geth's `evm` tool).
struct EVMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evm",
        abstract: "Run EVM bytecode and GeneralStateTests-format files.",
        subcommands: [StateTest.self, Run.self]
    )

    /// The precompiles this build provides for a fork.
    static func precompiles(_ fork: Fork) -> [Address: PrecompiledContract] { ActivePrecompiles.table(for: fork) }

    /// `cloister evm statetest [--fork NAME] [--json] FILE|DIR...`
    struct StateTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "statetest",
            abstract: "Run state tests; print one JSON result per case and a final 'N passed, M failed'."
        )

        @Option(help: "Fork whose post states to check: Berlin, London, Paris, Shanghai or Cancun.")
        var fork = "Cancun"

        @Flag(help: "Print the JSON line of passing cases too (failures are always printed).")
        var json = false

        @Argument(help: "State test files or folders (searched recursively for .json).")
        var paths: [String]

        func run() throws {
            guard let fork = StateTestRunner.fork(named: self.fork) else {
                throw CLIError("unknown or unsupported fork \(self.fork) (Berlin, London, Paris, Shanghai, Cancun)")
            }
            let runner = StateTestRunner(precompiles: { EVMCommand.precompiles($0) })
            var passed = 0, failed = 0
            for url in Self.files(paths) {
                for result in runner.run(file: url, fork: fork) {
                    if result.pass { passed += 1 } else { failed += 1 }
                    if json || !result.pass { print(result.jsonLine) }
                }
            }
            print("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }

        static func files(_ paths: [String]) -> [URL] {
            var out: [URL] = []
            let fm = FileManager.default
            for path in paths {
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    out.append(URL(fileURLWithPath: path))  // reported as unreadable by the runner
                    continue
                }
                if isDirectory.boolValue, let walker = fm.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil) {
                    out += walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
                } else {
                    out.append(URL(fileURLWithPath: path))
                }
            }
            return out
        }
    }

    /// `cloister evm run --code HEX [--input HEX] [--gas N]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run bytecode in an empty world and print output and gas used.")

        @Option(help: "The bytecode, hex.")
        var code: String

        @Option(help: "Call data, hex.")
        var input = "0x"

        @Option(help: "Gas available.")
        var gas: UInt64 = 10_000_000

        @Option(help: "Fork rules: Berlin, London, Paris, Shanghai or Cancun.")
        var fork = "Cancun"

        @Flag(help: "Print an EIP-3155 JSON trace line per executed instruction.")
        var trace = false

        func run() throws {
            guard let fork = StateTestRunner.fork(named: self.fork), let rules = ForkRules(fork: fork) else {
                throw CLIError("unknown or unsupported fork \(self.fork)")
            }
            let bytecode: [UInt8], calldata: [UInt8]
            do { bytecode = try Hex.decode(code); calldata = try Hex.decode(input) } catch { throw CLIError("\(error)") }
            guard gas <= UInt64(Int64.max) else { throw CLIError("gas too large") }
            let result = CodeRunner.run(code: bytecode, input: calldata, gas: Int64(gas), rules: rules,
                                        precompiles: EVMCommand.precompiles(fork),
                                        tracer: trace ? { print($0.jsonLine) } : nil)
            print("status:   \(result.status)")
            print("output:   \(Hex.encode(result.output))")
            print("gas used: \(Int64(gas) - result.gasLeft)")
            if result.status != .success { throw ExitCode(1) }
        }
    }
}
