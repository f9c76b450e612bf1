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
        subcommands: [StateTest.self, Run.self, Fuzz.self]
    )

    /// The precompiles this build provides for a fork.
    static func precompiles(_ fork: Fork) -> [Address: PrecompiledContract] { ActivePrecompiles.table(for: fork) }

    /// `cloister evm statetest [--fork NAME] [--json] FILE|DIR...`
    struct StateTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "statetest",
            abstract: "Run state tests; print one JSON result per case and a final 'N passed, M failed'.",
            discussion: "Exits with status 1 when a case fails, when no case ran (0 passed and 0 failed: a wrong path or fork), or when an entry of --known-failures is stale."
        )

        @Option(help: "Fork whose post states to check: ConstantinopleFix (alias Petersburg), Istanbul, Berlin, London, Paris, Shanghai or Cancun.")
        var fork = "Cancun"

        @Flag(help: "Print the JSON line of passing cases too (failures are always printed).")
        var json = false

        @Flag(help: "Write the changed accounts of each failing case to standard error (debugging).")
        var dump = false

        @Option(help: "A known-failures file: lines '[Fork:]NAME-PREFIX<TAB>reason'; matching failures are counted as skipped, with the reason printed. An entry whose cases all pass, or that matches no case, is stale and fails the run.")
        var knownFailures: String?

        @Argument(help: "State test files or folders (searched recursively for .json).")
        var paths: [String]

        func run() throws {
            guard let fork = StateTestRunner.fork(named: self.fork) else {
                throw CLIError("unknown or unsupported fork \(self.fork) (ConstantinopleFix/Petersburg, Istanbul, Berlin, London, Paris, Shanghai, Cancun)")
            }
            let runner = StateTestRunner(precompiles: { EVMCommand.precompiles($0) }, dumpFailures: dump)
            var known = KnownFailures()
            if let path = knownFailures {
                guard let text = readTextFile(path) else { throw CLIError("cannot read known-failures file \(path)") }
                do { known = try KnownFailures(text: text, source: path) } catch { throw CLIError("\(error)") }
            }
            var tally = StateTestTally(fork: fork, known: known)
            let noteCase: ((String) -> Void)? = known.entries.isEmpty ? nil : { tally.noteCase(named: $0) }
            for url in StateTestRunner.files(paths) {
                for result in runner.run(file: url, fork: fork, everyCase: noteCase) {
                    switch tally.record(result) {
                    case .passed, .skipped: if json { print(result.jsonLine) }
                    case .failed: print(result.jsonLine)
                    }
                }
            }
            for (reason, count) in tally.skipReasons.sorted(by: { $0.key < $1.key }) { print("skipped \(count): \(reason)") }
            print(tally.summary)
            let problems = tally.problems
            guard problems.isEmpty else {
                for p in problems { print("error: \(p)") }
                throw ExitCode(1)
            }
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

        @Option(help: "Fork rules: Petersburg, Istanbul, Berlin, London, Paris, Shanghai or Cancun.")
        var fork = "Cancun"

        @Flag(help: "Print an EIP-3155 JSON trace line per executed instruction.")
        var trace = false

        func run() throws {
            guard let fork = StateTestRunner.fork(named: self.fork), let rules = ForkRules(fork: fork) else {
                throw CLIError("unknown or unsupported fork \(self.fork)")
            }
            let bytecode = try hexArgument(code), calldata = try hexArgument(input)
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

extension EVMCommand {
    /// `cloister evm fuzz [--seconds N] [--seed S]`: random and mutated bytecode under
    /// a time and gas bound; the process must never crash. Prints a status histogram.
    struct Fuzz: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run random bytecode (time- and gas-bounded) and report how each run ended."
        )

        @Option(help: "How long to run, in seconds.")
        var seconds: Double = 60

        @Option(help: "Gas per run.")
        var gas: Int64 = 1_000_000

        @Option(help: "Random seed (printed, so a run can be repeated).")
        var seed: UInt64 = UInt64.random(in: 0...UInt64.max)

        @Option(help: "Fork rules.")
        var fork = "Cancun"

        func run() throws {
            guard let fork = StateTestRunner.fork(named: self.fork), let rules = ForkRules(fork: fork) else {
                throw CLIError("unknown or unsupported fork \(self.fork)")
            }
            print("seed \(seed), \(seconds) s, \(gas) gas per run, \(fork)")
            var rng = SplitMix(state: seed)
            // Fragments that make random code reach deeper: pushes, jumps to JUMPDESTs, calls, memory ops.
            let fragments: [[UInt8]] = [
                [0x5b], [0x60, 0x00, 0x56], [0x60, 0x20, 0x60, 0x00, 0xf3], [0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0xf1],
                [0x60, 0xff, 0x60, 0x00, 0x52], [0x7f] + [UInt8](repeating: 0xff, count: 32), [0x36, 0x60, 0x00, 0x60, 0x00, 0x37],
                [0x60, 0x01, 0x60, 0x00, 0x55], [0x60, 0x00, 0x54], [0x30, 0x31], [0x38, 0x60, 0x00, 0x60, 0x00, 0x39, 0x38, 0x60, 0x00, 0xf0],
            ]
            let deadline = Date().addingTimeInterval(seconds)
            var histogram: [String: Int] = [:]
            var runs = 0
            while Date() < deadline {
                for _ in 0..<200 {
                    var code: [UInt8] = []
                    let length = Int(rng.next() % 300)
                    while code.count < length {
                        if rng.next() % 4 == 0 {
                            code += fragments[Int(rng.next() % UInt64(fragments.count))]
                        } else {
                            code.append(UInt8(truncatingIfNeeded: rng.next()))
                        }
                    }
                    let input = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    let result = CodeRunner.run(code: code, input: input, gas: gas, rules: rules,
                                                precompiles: EVMCommand.precompiles(fork))
                    guard result.gasLeft >= 0 && result.gasLeft <= gas else {
                        throw CLIError("gas accounting broke: \(result.gasLeft) left of \(gas), code \(Hex.encode(code))")
                    }
                    histogram["\(result.status)", default: 0] += 1
                    runs += 1
                }
            }
            for (status, count) in histogram.sorted(by: { $0.value > $1.value }) { print("\(status): \(count)") }
            print("\(runs) runs, no crash")
        }
    }
}

/// SplitMix64: a small reproducible generator for the fuzzer.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
