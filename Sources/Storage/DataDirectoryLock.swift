#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The exclusive lock on a data directory: an `flock(2)` on the file `LOCK`
/// inside it, holding the holder's pid as decimal text.
///
/// LMDB's own `lock.mdb` lets several processes share an environment, which is
/// not what a node wants: two writer processes would interleave their chains.
/// This lock makes the data directory single-owner.
///
/// `flock` (not `fcntl`) because its lock belongs to the open file description:
/// a second open in the *same* process conflicts too (an `fcntl` lock would be
/// granted again to the same process, and closing any descriptor of the file
/// would drop it). The lock is released when the descriptor closes, including
/// when the holder is killed, so a crash never leaves a stale lock behind; the
/// pid text is only read while someone holds the lock.
///
/// Lifecycle: locked by `init`, released in `deinit`. Not `Sendable`; owned by
/// one ``LMDBEnvironment``.
final class DataDirectoryLock {
    /// The lock file's name inside the data directory.
    static let fileName = "LOCK"

    private let descriptor: Int32

    /// Takes the lock or throws ``StorageError/dataDirectoryInUse(path:pid:)``
    /// naming the holder's pid (nil if the holder has not written it yet).
    init(directory: String) throws(StorageError) {
        let lockPath = directory + "/" + Self.fileName
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .cannotOpen(path: lockPath, reason: systemMessage(errno))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readPID(fd)
            close(fd)
            if code == EWOULDBLOCK {
                throw .dataDirectoryInUse(path: directory, pid: holder)
            }
            throw .cannotOpen(path: lockPath, reason: systemMessage(code))
        }
        // Best effort: the pid only makes the error message more useful.
        _ = ftruncate(fd, 0)
        var text = "\(getpid())\n"
        _ = text.withUTF8 { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit {
        // Clear the pid while still holding the lock, so a later holder's
        // error message never names a process that has gone.
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// The pid written in the lock file, if it parses.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return Int32(text.trimmingWhitespace)
    }
}

/// `strerror(code)` as a Swift string.
func systemMessage(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "errno \(code)" }
    return String(cString: message)
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
