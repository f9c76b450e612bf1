#if os(Linux)
import Foundation
import Glibc
import Storage
import Testing

/// `kill -9` of a writer process, mid-batch or mid-commit, must leave the
/// store at exactly its last committed batch.
///
/// ## How the child is made, and why fork
/// The writer must be *our* `LMDBStore` in another process (another process
/// only, because killing a thread cannot simulate a crash). Swift Testing has
/// no way to re-enter one test in a spawned copy of the test binary, so the
/// test `fork()`s. In a multithreaded parent only async-signal-safe calls are
/// strictly allowed in the child; in practice a single-threaded child that
/// never touches Swift concurrency, Foundation or stdio is fine, provided no
/// lock it needs was held by another parent thread at the fork. To make that
/// unlikely the parent first runs the same workload itself (so the runtime
/// metadata and globals the child uses already exist), and to make a deadlock
/// a failure rather than a hang the parent waits with a timeout. The child
/// closes inherited descriptors (other tests' `LOCK` files would otherwise
/// stay locked while it lives; ``LMDBStoreTests`` is serialized so none of its
/// reopen checks races that short window), opens the store after the fork (lmdb.h: "Use an
/// MDB_env* in the process which opened it, not after fork()"), writes batches
/// forever and never returns.
///
/// ## Aiming at the commit
/// The child reports on a pipe: `c` when a batch body has returned (the commit
/// starts), `d` when `write` has returned (the commit is durable). The parent
/// lets three batches commit, times the last commit, waits for the next `c`,
/// sleeps a random fraction of that commit time and sends SIGKILL, so most
/// kills land inside `mdb_txn_commit` (page writes, fsync, meta page write).
///
/// ## What is checked
/// Batch `n` writes `batchSize` entries of 1 KiB keyed `n ‖ i`, deletes every
/// entry of batch `n-1`, and records `n` in ``Tables/meta``. After the kill the
/// accounts table must hold exactly the entries of batch `n` (complete and
/// byte-exact), so nothing of batch `n+1` and nothing of `n-1`: any torn
/// commit would show up as a mix. Five rounds, each continuing the same
/// directory.
extension LMDBStoreTests {
    @Test func killDuringWritesKeepsExactlyTheLastCommittedBatch() throws {
        let warmUp = try TemporaryDirectory()
        defer { warmUp.remove() }
        try CrashWorkload.warmUp(path: warmUp.path)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var last: UInt64 = 0
        for round in 0..<5 {
            let outcome = try CrashWorkload.runAndKill(path: directory.path, commitsBeforeKill: 3)
            #expect(outcome.commits >= 3, "round \(round): the child committed \(outcome.commits) batches before the deadline")
            #expect(outcome.killedInCommit, "round \(round): the child never started the next commit")
            #expect(outcome.status & 0x7F == SIGKILL, "round \(round): child wait status \(outcome.status), expected death by SIGKILL")

            let store = try LMDBStore(path: directory.path, mapSize: CrashWorkload.mapSize)
            let snapshot = try store.snapshot()
            let committed = try #require(integer(bigEndian: snapshot.get(Tables.meta, CrashWorkload.sequenceKey)))
            #expect(committed >= last + UInt64(outcome.commits))

            let all = try entries(snapshot, Tables.accounts)
            #expect(all.count == CrashWorkload.batchSize, "round \(round): \(all.count) entries")
            var exact = all.count == CrashWorkload.batchSize
            for (i, entry) in all.enumerated() where exact {
                exact = entry.0 == CrashWorkload.key(committed, i) && entry.1 == CrashWorkload.value(committed, i)
            }
            #expect(exact, "round \(round): the table holds exactly batch \(committed)")
            last = committed
        }
    }
}

/// The writer workload shared by the parent's warm-up and the forked child.
enum CrashWorkload {
    static let batchSize = 2000
    static let valueSize = 1024
    static let mapSize = 1 << 30
    static let sequenceKey: [UInt8] = Array("crash_test_sequence".utf8)

    /// `sequence` (8, BE) ‖ `index` (4, BE).
    static func key(_ sequence: UInt64, _ index: Int) -> [UInt8] {
        bigEndian(sequence) + withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) }
    }

    /// 1 KiB: the key, then a byte derived from both numbers.
    static func value(_ sequence: UInt64, _ index: Int) -> [UInt8] {
        let key = key(sequence, index)
        var value = [UInt8](repeating: UInt8(truncatingIfNeeded: sequence &* 31 &+ UInt64(index)), count: valueSize)
        value.replaceSubrange(0..<key.count, with: key)
        return value
    }

    /// Writes batch `sequence` in one `write` call, reporting `c` on `report`
    /// when the body is done (the commit starts) and `d` once it is committed.
    /// The entries are built before the transaction, so the commit is a large
    /// share of each cycle.
    static func commitBatch(_ store: LMDBStore, _ sequence: UInt64, report: Int32) throws {
        let batch = (0..<batchSize).map { (key(sequence, $0), value(sequence, $0)) }
        var commitStarts = UInt8(ascii: "c")
        var committed = UInt8(ascii: "d")
        try store.write { writer in
            for (key, value) in batch { try writer.put(Tables.accounts, key, value) }
            if sequence > 1 {
                for i in 0..<batchSize { try writer.delete(Tables.accounts, key(sequence - 1, i)) }
            }
            try writer.put(Tables.meta, sequenceKey, bigEndian(sequence))
            _ = write(report, &commitStarts, 1)
        }
        _ = write(report, &committed, 1)
    }

    /// Runs the child's code paths once in this process (reports go to /dev/null).
    static func warmUp(path: String) throws {
        let sink = open("/dev/null", O_WRONLY)
        defer { close(sink) }
        let store = try LMDBStore(path: path, mapSize: mapSize)
        try commitBatch(store, 1, report: sink)
        try commitBatch(store, 2, report: sink)
        _ = try integer(bigEndian: store.get(Tables.meta, sequenceKey))
    }

    /// What the parent saw of one child.
    struct Outcome {
        /// Batches the child reported committed before the kill.
        var commits: Int
        /// Whether the kill was sent after the child reported starting a commit.
        var killedInCommit: Bool
        /// The `waitpid` status.
        var status: Int32
    }

    /// Forks a writer on `path`, waits for `commitsBeforeKill` commits and the
    /// start of the next one (60 s at most), sleeps a random fraction of the
    /// last commit's duration, kills the child with SIGKILL and reaps it.
    static func runAndKill(path: String, commitsBeforeKill: Int) throws -> Outcome {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let child = fork()
        if child == 0 {
            close(descriptors[0])
            childMain(path: path, report: descriptors[1])
        }
        close(descriptors[1])
        defer { close(descriptors[0]) }
        guard child > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EAGAIN) }

        let deadline = Date().addingTimeInterval(60)
        var outcome = Outcome(commits: 0, killedInCommit: false, status: 0)
        var commitStarted = Date()
        var commitDuration: TimeInterval = 0
        while let byte = readByte(descriptors[0], before: deadline) {
            if byte == UInt8(ascii: "c") {
                commitStarted = Date()
                if outcome.commits >= commitsBeforeKill {
                    outcome.killedInCommit = true
                    usleep(UInt32(Double.random(in: 0...1) * commitDuration * 1_000_000))
                    break
                }
            } else if byte == UInt8(ascii: "d") {
                outcome.commits += 1
                commitDuration = Date().timeIntervalSince(commitStarted)
            }
        }
        kill(child, SIGKILL)
        while waitpid(child, &outcome.status, 0) < 0 && errno == EINTR {}
        return outcome
    }

    /// The next byte from `fd`, or nil at EOF, on error or past the deadline.
    private static func readByte(_ fd: Int32, before deadline: Date) -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, remaining)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            return n == 1 ? byte : nil
        }
    }

    /// The forked writer. Never returns; exits only by `_exit` on an error
    /// (so the parent sees fewer commits than it waits for) or by SIGKILL.
    private static func childMain(path: String, report: Int32) -> Never {
        // Keep stdio and the report pipe (moved to descriptor 3), drop the rest.
        guard dup2(report, 3) == 3 else { _exit(6) }
        closefrom(4)
        let report: Int32 = 3

        guard let store = try? LMDBStore(path: path, mapSize: mapSize) else { _exit(2) }
        var sequence: UInt64
        do {
            sequence = try integer(bigEndian: store.get(Tables.meta, sequenceKey)) ?? 0
        } catch {
            _exit(3)
        }
        while true {
            sequence += 1
            do {
                try commitBatch(store, sequence, report: report)
            } catch {
                _exit(4)
            }
        }
    }
}
#endif
