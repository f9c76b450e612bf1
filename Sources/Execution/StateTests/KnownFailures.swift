public import ChainTypes

/// Expected state-test failures, each with its reason (never silent).
///
/// A line is `NAME-PREFIX<TAB>reason`, or `Fork:NAME-PREFIX<TAB>reason` to apply to
/// one fork only (0x0a is a precompile from Cancun, so a case that fails there passes
/// under Shanghai). `#` starts a comment line. The prefix is matched against case
/// names (`test[index]`); an entry may name one case exactly, a test (`name[`) or a
/// folder of pyspecs tests. Value type; thread-safe to share.
public struct KnownFailures: Sendable {
    /// One line of the file.
    public struct Entry: Sendable, Equatable {
        /// The fork named before the colon (lower-cased), or nil for every fork.
        public let fork: String?
        public let prefix: String
        public let reason: String
        /// The 1-based line of the file, for messages.
        public let line: Int

        /// `[Fork:]prefix` as written in the file.
        public var written: String { (fork.map { "\($0):" } ?? "") + prefix }
    }

    /// A line that is neither a comment, blank, nor `NAME<TAB>reason`.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public private(set) var entries: [Entry] = []

    /// An empty list: every failure counts as a failure.
    public init() {}

    /// Parses the file's text; `source` names it in errors.
    public init(text: String, source: String) throws(FormatError) {
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { continue }
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else {
                throw FormatError(description: "\(source):\(offset + 1): line without a tab-separated reason: \(line)")
            }
            var name = String(parts[0])
            var fork: String?
            if let colon = name.firstIndex(of: ":"), !name[..<colon].contains("/"), !name[..<colon].contains("[") {
                fork = String(name[..<colon]).lowercased()
                name = String(name[name.index(after: colon)...])
            }
            entries.append(Entry(fork: fork, prefix: name, reason: String(parts[1]), line: offset + 1))
        }
    }

    /// Whether `entry` applies under `fork`: it names no fork, or names this one (as the
    /// vectors spell it, or by its own name).
    public static func applies(_ entry: Entry, to fork: Fork) -> Bool {
        guard let name = entry.fork else { return true }
        return name == fork.description.lowercased() || name == StateTestRunner.vectorName(of: fork).lowercased()
    }

    /// The first entry for this fork whose prefix starts `name`.
    public func entry(for name: String, fork: Fork) -> Entry? {
        entries.first { Self.applies($0, to: fork) && name.hasPrefix($0.prefix) }
    }
}

/// Counts one fork's state-test results against a ``KnownFailures`` list and finds
/// what makes the run fail: a failure no entry excuses, an entry that has gone stale,
/// or a run in which no case ran at all.
///
/// An entry that applies to the fork is **stale** when none of the cases it matches
/// fails any more (they all pass), or when it matches no case at all. For an entry
/// without a fork prefix, "no case" is judged over every fork of the files run (feed
/// them to ``noteCase(named:)``): such an entry may rightly match nothing under an older
/// fork whose posts the test lacks, but it must match something somewhere. Exact,
/// prefix and folder entries are judged alike. Not thread-safe: one tally per run.
public struct StateTestTally {
    public let fork: Fork
    public let known: KnownFailures
    public private(set) var passed = 0
    public private(set) var failed = 0
    public private(set) var skipped = 0
    /// Skipped cases per reason.
    public private(set) var skipReasons: [String: Int] = [:]
    /// Per entry: cases of this fork it matches, and how many of them failed.
    private var matched: [Int]
    private var excused: [Int]
    /// Per entry: whether a case of any fork in the files carries a name it matches.
    private var matchedInSomeFork: [Bool]

    /// How one result was counted.
    public enum Outcome: Equatable, Sendable {
        case passed
        case failed
        /// A failure a known-failures entry expects, with that entry's reason.
        case skipped(reason: String)
    }

    public init(fork: Fork, known: KnownFailures = KnownFailures()) {
        self.fork = fork
        self.known = known
        matched = Array(repeating: 0, count: known.entries.count)
        excused = Array(repeating: 0, count: known.entries.count)
        matchedInSomeFork = Array(repeating: false, count: known.entries.count)
    }

    /// Counts one result of this fork.
    @discardableResult
    public mutating func record(_ result: StateTestRunner.Result) -> Outcome {
        var excusedBy: KnownFailures.Entry?
        for (i, e) in known.entries.enumerated() where KnownFailures.applies(e, to: fork) && result.name.hasPrefix(e.prefix) {
            matched[i] += 1
            matchedInSomeFork[i] = true
            if !result.pass {
                excused[i] += 1
                if excusedBy == nil { excusedBy = e }
            }
        }
        if result.pass {
            passed += 1
            return .passed
        }
        guard let entry = excusedBy else {
            failed += 1
            return .failed
        }
        skipped += 1
        skipReasons[entry.reason, default: 0] += 1
        return .skipped(reason: entry.reason)
    }

    /// Notes the name of a case of any fork in the files (``StateTestRunner/run(file:fork:everyCase:)``),
    /// so an entry without a fork prefix that matches nothing under this fork is not
    /// called stale when it matches a case of another fork.
    public mutating func noteCase(named name: String) {
        for (i, e) in known.entries.enumerated() where !matchedInSomeFork[i] && e.fork == nil && name.hasPrefix(e.prefix) {
            matchedInSomeFork[i] = true
        }
    }

    /// True when not a single case ran (passed or failed): a wrong path or fork, or
    /// every case excused, so the run checked nothing.
    public var noCaseRan: Bool { passed + failed == 0 }

    /// The entries that apply to this fork and have gone stale, each with why.
    public var staleEntries: [(entry: KnownFailures.Entry, why: String)] {
        var out: [(KnownFailures.Entry, String)] = []
        let forkName = StateTestRunner.vectorName(of: fork)
        for (i, e) in known.entries.enumerated() where KnownFailures.applies(e, to: fork) && excused[i] == 0 {
            if matched[i] > 0 {
                out.append((e, "no longer fails: its \(matched[i]) case(s) under \(forkName) all pass"))
            } else if e.fork != nil {
                out.append((e, "matches no case under \(forkName)"))
            } else if !matchedInSomeFork[i] {
                out.append((e, "matches no case of any fork in these files"))
            }
        }
        return out
    }

    /// The tally line: `N passed, M failed[, K skipped]`.
    public var summary: String {
        skipped > 0 ? "\(passed) passed, \(failed) failed, \(skipped) skipped" : "\(passed) passed, \(failed) failed"
    }

    /// Why this run must fail, one line each (empty when it passes).
    public var problems: [String] {
        var out: [String] = []
        if noCaseRan {
            out.append("no state test case ran under \(StateTestRunner.vectorName(of: fork)) (\(summary)): "
                       + "wrong path, a fork the files have no post states for, or every case listed as a known failure")
        }
        if failed > 0 { out.append("\(failed) case(s) failed") }
        for (e, why) in staleEntries {
            out.append("stale known failure (line \(e.line)) \(e.written): \(why); remove or narrow the entry")
        }
        return out
    }
}
