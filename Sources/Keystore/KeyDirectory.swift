public import Foundation
public import Primitives
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory of v3 key files, laid out as geth's `keystore` directory:
/// one file per key, named `UTC--<ISO 8601 time>--<address hex>`.
///
/// A value naming a path; it caches nothing, so every call sees the directory as
/// it is now (other processes may add files). ``store(_:password:kdf:)`` never
/// leaves a partial file under a key file name: it writes a private temporary
/// file (mode 0600, created exclusively), syncs it, checks that it decrypts, and
/// renames it into place. New directories are created with mode 0700.
/// `Sendable`; concurrent ``store(_:password:kdf:)`` calls never overwrite each
/// other's files: names carry the time and creation is exclusive (a clash fails).
public struct KeyDirectory: Sendable {
    /// One key file found in the directory.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The account, from the file's `address` field.
        public let address: Address
        /// The file.
        public let url: URL

        public var description: String { "\(address.checksummed) \(url.path)" }
    }

    /// The directory.
    public let url: URL

    /// Files larger than this are not key files and are skipped unread.
    static let maxKeyFileSize = 64 * 1024

    public init(url: URL) { self.url = url }
    public init(path: String) { self.url = URL(fileURLWithPath: path) }

    /// The key files in the directory, sorted by file name (so oldest first for
    /// geth-named files). Skips, as geth does, hidden files and editor backups (`~`);
    /// also skips anything that is not a regular file (symbolic links included), files
    /// over 64 KiB, and files that are not v3 key files with an `address`.
    /// A missing directory lists as empty.
    public func list() throws(KeystoreError) -> [Entry] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { throw .fileSystem(path: url.path, reason: "not a directory") }
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: url.path) } catch {
            throw .fileSystem(path: url.path, reason: "\(error.localizedDescription)")
        }
        var entries: [Entry] = []
        for name in names.sorted() where !name.hasPrefix(".") && !name.hasPrefix("~") && !name.hasSuffix("~") {
            let file = url.appendingPathComponent(name)
            guard let attributes = try? fm.attributesOfItem(atPath: file.path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? Int, size <= Self.maxKeyFileSize,
                  let data = fm.contents(atPath: file.path),
                  let key = try? EncryptedKey(json: data), let address = key.address else { continue }
            entries.append(Entry(address: address, url: file))
        }
        return entries
    }

    /// The key file holding `address`, or nil. Throws
    /// ``KeystoreError/ambiguousAddress(_:count:)`` when several files hold it.
    public func find(_ address: Address) throws(KeystoreError) -> Entry? {
        let matches = try list().filter { $0.address == address }
        guard matches.count <= 1 else { throw .ambiguousAddress(address, count: matches.count) }
        return matches.first
    }

    /// Encrypts `key` under `password` and writes it as a new file, mode 0600,
    /// named `UTC--<now>--<address>`. Creates the directory (mode 0700) if needed.
    /// Returns the new entry. Takes the KDF's time twice: once to encrypt and once to
    /// check that the written file decrypts to the same key.
    @discardableResult
    public func store(_ key: Secp256k1.PrivateKey, password: String,
                      kdf: KeyDerivation = .standard) throws(KeystoreError) -> Entry {
        let json = try EncryptedKey(encrypting: key, password: password, kdf: kdf).json
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .fileSystem(path: url.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
        let name = Self.fileName(address: key.address, date: Date())
        let final = url.appendingPathComponent(name)
        let temporary = url.appendingPathComponent(".\(name).tmp")
        try Self.writeExclusive(json, to: temporary.path)
        do {
            // Read back what reached the disk and open it before it gets its real name.
            guard let written = FileManager.default.contents(atPath: temporary.path) else {
                throw KeystoreError.fileSystem(path: temporary.path, reason: "cannot read back the key file")
            }
            let reopened = try EncryptedKey(json: written).decrypt(password: password)
            guard reopened.address == key.address else { throw KeystoreError.invalidPrivateKey }
            guard rename(temporary.path, final.path) == 0 else {
                throw KeystoreError.fileSystem(path: final.path, reason: Self.errnoText())
            }
        } catch {
            _ = unlink(temporary.path)
            throw error as? KeystoreError ?? .fileSystem(path: final.path, reason: "\(error)")
        }
        return Entry(address: key.address, url: final)
    }

    /// geth's key file name: `UTC--2016-03-22T12-57-55.920751759Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8`
    /// (UTC, colons written as `-`, nanoseconds, lowercase address without `0x`).
    static func fileName(address: Address, date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = Int(interval.rounded(.down))
        var nanoseconds = Int(((interval - Double(seconds)) * 1_000_000_000).rounded())
        if nanoseconds >= 1_000_000_000 { seconds += 1; nanoseconds -= 1_000_000_000 }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let iso = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2))-\(pad(parts.tm_min, 2))-\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(nanoseconds), 9))Z"
        return "UTC--\(iso)--\(Hex.encode(address.bytes, prefix: false))"
    }

    /// Creates `path` (failing if it exists) with mode 0600, writes `data`, fsyncs, closes.
    package static func writeExclusive(_ data: Data, to path: String) throws(KeystoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .fileSystem(path: path, reason: errnoText()) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText(); return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        if close(fd) != 0, failure == nil { failure = errnoText() }
        if let failure {
            _ = unlink(path)
            throw .fileSystem(path: path, reason: failure)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
