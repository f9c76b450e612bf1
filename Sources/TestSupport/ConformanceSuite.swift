/// Counts the cases of one conformance suite and prints the tally.
///
/// A case passes when its body returns normally, fails when it throws (the error
/// is the reason), and is skipped with a stated reason. ``finish()`` prints
/// `"<suite>: N passed, M failed, K skipped"` and the first failures, so every run
/// shows how many official cases actually ran. Not thread-safe: one suite per test.
public struct ConformanceSuite {
    public let name: String
    public private(set) var passed = 0
    public private(set) var failed = 0
    public private(set) var skipped = 0
    public private(set) var failures: [(name: String, reason: String)] = []
    public private(set) var skips: [(name: String, reason: String)] = []

    public init(_ name: String) { self.name = name }

    /// Runs one case.
    public mutating func check(_ caseName: String, _ body: () throws -> Void) {
        do {
            try body()
            passed += 1
        } catch {
            failed += 1
            failures.append((caseName, "\(error)"))
        }
    }

    /// Records a case that does not apply, with the reason.
    public mutating func skip(_ caseName: String, reason: String) {
        skipped += 1
        skips.append((caseName, reason))
    }

    /// The tally line.
    public var summary: String { "\(name): \(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// Prints the tally and up to `maxListed` failures.
    public func finish(maxListed: Int = 20) {
        print(summary)
        for f in failures.prefix(maxListed) { print("  FAIL \(f.name): \(f.reason)") }
        if failures.count > maxListed { print("  … and \(failures.count - maxListed) more failures") }
    }
}

/// A case's result did not match the vector.
public struct Mismatch<Value: Sendable>: Error, CustomStringConvertible {
    public let what: String
    public let got: Value
    public let expected: Value

    public init(_ what: String, got: Value, expected: Value) {
        self.what = what; self.got = got; self.expected = expected
    }

    public var description: String { "\(what): got \(got), expected \(expected)" }
}

/// A case that should have been rejected was accepted.
public struct UnexpectedSuccess: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
