// EVM benchmarks behind `make bench`: runs each post entry of state-test files
// (ipsilon's evm-benchmarks, and the Vyper contracts in Benchmarks/contracts)
// repeatedly with Cloister's interpreter and prints one JSON line per workload:
//   {"engine":"cloister","file":…,"index":…,"label":…,"gasUsed":…,"seconds":…,"mgasPerSecond":…,"rootMatches":…}
// "seconds" is the best run of applying the transaction (nonce/balance checks,
// buying gas, execution, refunds, fees, end-of-transaction clean-up) to a fresh
// overlay of the pre-state. Not timed: state setup and the one-time signature
// recovery (pyrevm's message_call and the py-evm script do not time it either).
// The post-state root is checked on the first run (placeholder roots of all
// zeros are skipped), so speed never comes from skipping work.
import Foundation
import Primitives
import ChainTypes
import State
import EVM
import Execution

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func emit(_ fields: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

var minSeconds = 1.0
var maxRuns = 50
var forkName = "London"
var paths: [String] = []
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--min-seconds": minSeconds = Double(args.popFirst() ?? "") ?? minSeconds
    case "--max-runs": maxRuns = Int(args.popFirst() ?? "") ?? maxRuns
    case "--fork": forkName = args.popFirst() ?? forkName
    default: paths.append(arg)
    }
}
guard let fork = StateTestRunner.fork(named: forkName), let rules = ForkRules(fork: fork) else {
    FileHandle.standardError.write(Data("unknown fork \(forkName)\n".utf8))
    exit(2)
}

let processor = TransactionProcessor(rules: rules, precompiles: Precompiles.table(for: fork))
for url in StateTestRunner.files(paths) {
    let fileLabel = url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
    do {
        let data = try Data(contentsOf: url)
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
        for (name, body) in json.sorted(by: { $0.key < $1.key }) {
            guard let test = body as? [String: Any] else { continue }
            for c in try StateTestCase.cases(in: test, name: name, fork: fork) {
                let states = try c.preparedState()
                let transaction = try c.recoveredTransaction()
                var best = Double.infinity
                var gasUsed: UInt64 = 0
                var rootMatches: Bool? = nil
                var stateRoot = Hash32.zero
                var runs = 0
                let started = now()
                while runs < maxRuns && (runs == 0 || now() - started < minSeconds) {
                    let state = StateDB(base: try states.latest())
                    let t0 = now()
                    let outcome = try c.apply(transaction, processor, to: state)
                    let t = now() - t0
                    best = min(best, t)
                    gasUsed = outcome.gasUsed
                    if runs == 0 {
                        stateRoot = try states.computeRoot(state.changes())
                        if c.expectedRoot != .zero { rootMatches = stateRoot == c.expectedRoot }
                    }
                    runs += 1
                }
                var line: [String: Any] = ["engine": "cloister", "file": fileLabel, "index": c.index, "gasUsed": gasUsed,
                                           "seconds": best, "mgasPerSecond": Double(gasUsed) / best / 1e6, "runs": runs,
                                           "stateRoot": stateRoot.description]
                if let label = c.label { line["label"] = label }
                if let rootMatches { line["rootMatches"] = rootMatches }
                emit(line)
            }
        }
    } catch {
        emit(["engine": "cloister", "file": fileLabel, "error": "\(error)"])
    }
}
