import Testing
import Foundation
import ChainTypes
import Execution

/// `cloister evm statetest`'s verdict: failures, runs in which no case ran, and stale
/// known-failure entries (with or without a fork prefix) all make it fail.
@Suite struct StateTestTallyTests {
    static let list = """
        # comment
        src/Pyspecs/cancun/eip4844_blobs/\tblobs
        blobhashBounds[\tBLOBHASH via a blob transaction
        Cancun:precomps[10]\tKZG precompile absent
        Shanghai:gone[0]\tlisted for Shanghai only
        anywhere[\tmatches nothing in any fork

        """

    static func known() throws -> KnownFailures { try KnownFailures(text: list, source: "list.tsv") }

    static func result(_ name: String, pass: Bool) -> StateTestRunner.Result {
        StateTestRunner.Result(name: name, pass: pass, fork: "Cancun", stateRoot: "", error: pass ? nil : "root differs")
    }

    @Test func parsesForkPrefixesAndRefusesLinesWithoutAReason() throws {
        let known = try Self.known()
        #expect(known.entries.map(\.written) == ["src/Pyspecs/cancun/eip4844_blobs/", "blobhashBounds[",
                                                 "cancun:precomps[10]", "shanghai:gone[0]", "anywhere["])
        #expect(known.entries.map(\.line) == [2, 3, 4, 5, 6])
        #expect(throws: KnownFailures.FormatError.self) { try KnownFailures(text: "# c\nno-reason\n", source: "bad.tsv") }
    }

    @Test func excusedFailuresAreSkippedOthersFail() throws {
        var tally = StateTestTally(fork: .cancun, known: try Self.known())
        #expect(tally.record(Self.result("ok[0]", pass: true)) == .passed)
        #expect(tally.record(Self.result("precomps[10]", pass: false)) == .skipped(reason: "KZG precompile absent"))
        #expect(tally.record(Self.result("precomps[100]", pass: false)) == .failed)   // "[10]" names one case exactly
        #expect(tally.summary == "1 passed, 1 failed, 1 skipped")
        #expect(tally.problems.contains("1 case(s) failed"))
    }

    @Test func aRunInWhichNoCaseRanFails() throws {
        let empty = StateTestTally(fork: .london)
        #expect(empty.noCaseRan)
        #expect(empty.problems.count == 1)
        #expect(empty.problems.first?.hasPrefix("no state test case ran under London (0 passed, 0 failed)") == true)
        // Every case excused is no better: nothing was checked.
        var excused = StateTestTally(fork: .cancun, known: try Self.known())
        excused.record(Self.result("precomps[10]", pass: false))
        #expect(excused.noCaseRan)
    }

    /// The Cancun run of a list whose entries each still excuse a failure: nothing stale.
    @Test func entriesThatStillFailAreNotStale() throws {
        var tally = StateTestTally(fork: .cancun, known: try Self.known())
        tally.record(Self.result("src/Pyspecs/cancun/eip4844_blobs/test_a[0]", pass: true))   // a prefix may cover passes
        tally.record(Self.result("src/Pyspecs/cancun/eip4844_blobs/test_b[0]", pass: false))
        tally.record(Self.result("blobhashBounds[0]", pass: false))
        tally.record(Self.result("precomps[10]", pass: false))
        tally.record(Self.result("other[0]", pass: true))
        tally.noteCase(named: "anywhere[3]")   // a case of some other fork
        #expect(tally.staleEntries.isEmpty)
        #expect(tally.problems.isEmpty)
    }

    @Test func unprefixedEntryWhoseCasesPassIsStale() throws {
        var tally = StateTestTally(fork: .cancun, known: try Self.known())
        tally.record(Self.result("src/Pyspecs/cancun/eip4844_blobs/test_b[0]", pass: false))
        tally.record(Self.result("blobhashBounds[0]", pass: true))
        tally.record(Self.result("blobhashBounds[1]", pass: true))
        tally.record(Self.result("precomps[10]", pass: false))
        tally.noteCase(named: "anywhere[0]")
        let stale = tally.staleEntries
        #expect(stale.map(\.entry.written) == ["blobhashBounds["])
        #expect(stale.first?.why == "no longer fails: its 2 case(s) under Cancun all pass")
        #expect(tally.problems == ["stale known failure (line 3) blobhashBounds[: no longer fails: its 2 case(s) under Cancun all pass; remove or narrow the entry"])
    }

    @Test func exactEntryThatPassesIsStale() throws {
        var tally = StateTestTally(fork: .cancun, known: try Self.known())
        tally.record(Self.result("src/Pyspecs/cancun/eip4844_blobs/test_b[0]", pass: false))
        tally.record(Self.result("blobhashBounds[0]", pass: false))
        tally.record(Self.result("precomps[10]", pass: true))
        tally.noteCase(named: "anywhere[0]")
        #expect(tally.staleEntries.map(\.entry.written) == ["cancun:precomps[10]"])
    }

    @Test func entriesThatMatchNoCaseAreStale() throws {
        var tally = StateTestTally(fork: .cancun, known: try Self.known())
        tally.record(Self.result("other[0]", pass: true))
        // The names of every fork's cases in the files: "blobhashBounds[" exists (under an
        // older fork, say), "anywhere[" nowhere.
        for name in ["other[0]", "blobhashBounds[0]", "precomps[10]"] { tally.noteCase(named: name) }
        let stale = Dictionary(uniqueKeysWithValues: tally.staleEntries.map { ($0.entry.written, $0.why) })
        #expect(stale["anywhere["] == "matches no case of any fork in these files")
        #expect(stale["cancun:precomps[10]"] == "matches no case under Cancun")   // its fork's run must meet it
        #expect(stale["blobhashBounds["] == nil)
        #expect(stale["shanghai:gone[0]"] == nil)                                // judged in the Shanghai run
        #expect(stale["src/Pyspecs/cancun/eip4844_blobs/"] == "matches no case of any fork in these files")
    }

    @Test func runnerReportsEveryCaseOfEveryFork() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"t": {"post": {"Cancun": [{}], "Shanghai": [{}, {}]}}}"#.utf8).write(to: url)
        let runner = StateTestRunner(precompiles: { _ in [:] })
        var names: [String] = []
        let results = runner.run(file: url, fork: .london, everyCase: { names.append($0) })
        #expect(results.isEmpty)   // no London post: nothing runs, and a tally would say so
        #expect(names.sorted() == ["t[0]", "t[0]", "t[1]"])
    }
}
