import Foundation
import Keystore
import Primitives
import Testing

private let fastScrypt = KeyDerivation.scrypt(n: 1024, r: 8, p: 1)

/// A fresh directory under the system temporary folder, removed by `cleanUp()`.
private struct TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("keystore-tests-\(UUID().uuidString)")
    }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

private func permissions(_ url: URL) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
}

@Suite("Key directory")
struct KeyDirectoryTests {
    @Test("store writes geth-named 0600 files that list, find and decrypt")
    func storeListFind() throws {
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        let directory = KeyDirectory(url: temp.url.appendingPathComponent("nested/keystore"))
        #expect(try directory.list().isEmpty)  // missing directory lists as empty

        let a = Secp256k1.PrivateKey(), b = Secp256k1.PrivateKey()
        let entryA = try directory.store(a, password: "a-pass", kdf: fastScrypt)
        let entryB = try directory.store(b, password: "b-pass", kdf: fastScrypt)
        #expect(entryA.address == a.address && entryB.address == b.address)
        #expect(try permissions(directory.url) == 0o700)

        for (entry, key) in [(entryA, a), (entryB, b)] {
            let name = entry.url.lastPathComponent
            // UTC--2016-03-22T12-57-55.920751759Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8
            let pattern = #/UTC--\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{9}Z--[0-9a-f]{40}/#
            #expect(name.wholeMatch(of: pattern) != nil, "\(name)")
            #expect(name.hasSuffix(Hex.encode(key.address.bytes, prefix: false)))
            #expect(try permissions(entry.url) == 0o600)
        }

        let listed = try directory.list()
        #expect(Set(listed) == [entryA, entryB])
        #expect(listed == listed.sorted { $0.url.lastPathComponent < $1.url.lastPathComponent })
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(names.count == 2)

        let found = try #require(try directory.find(b.address))
        #expect(found == entryB)
        let data = try #require(FileManager.default.contents(atPath: found.url.path))
        #expect(try Web3SecretStorage.decrypt(data, password: "b-pass").rawRepresentation == b.rawRepresentation)
        #expect(try directory.find(Secp256k1.PrivateKey().address) == nil)
    }

    @Test("list skips hidden files, backups, folders, large files and non-key files")
    func listSkipsJunk() throws {
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        let directory = KeyDirectory(url: temp.url)
        let key = Secp256k1.PrivateKey()
        let entry = try directory.store(key, password: "pw", kdf: fastScrypt)
        let json = try #require(FileManager.default.contents(atPath: entry.url.path))
        let fm = FileManager.default
        for name in [".hidden", "backup~", "~lock"] {
            #expect(fm.createFile(atPath: temp.url.appendingPathComponent(name).path, contents: json))
        }
        #expect(fm.createFile(atPath: temp.url.appendingPathComponent("README").path, contents: Data("notes".utf8)))
        #expect(fm.createFile(atPath: temp.url.appendingPathComponent("other.json").path, contents: Data(#"{"version":3}"#.utf8)))
        #expect(fm.createFile(atPath: temp.url.appendingPathComponent("huge").path,
                              contents: Data(repeating: 0x20, count: 100_000)))
        try fm.createDirectory(at: temp.url.appendingPathComponent("UTC--subdir"), withIntermediateDirectories: false)
        // A key file without an address cannot be listed by address.
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["address"] = nil
        #expect(fm.createFile(atPath: temp.url.appendingPathComponent("no-address").path,
                              contents: try JSONSerialization.data(withJSONObject: object)))

        #expect(try directory.list() == [entry])
    }

    @Test("two files for one address make find ambiguous")
    func ambiguous() throws {
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        let directory = KeyDirectory(url: temp.url)
        let key = Secp256k1.PrivateKey()
        try directory.store(key, password: "one", kdf: fastScrypt)
        try directory.store(key, password: "two", kdf: fastScrypt)
        #expect(throws: KeystoreError.ambiguousAddress(key.address, count: 2)) { try directory.find(key.address) }
    }

    @Test("a path that is a file is not a directory")
    func notADirectory() throws {
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        try FileManager.default.createDirectory(at: temp.url, withIntermediateDirectories: true)
        let file = temp.url.appendingPathComponent("plain")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
        #expect(throws: KeystoreError.fileSystem(path: file.path, reason: "not a directory")) {
            try KeyDirectory(url: file).list()
        }
        #expect(throws: KeystoreError.self) {
            try KeyDirectory(url: file).store(Secp256k1.PrivateKey(), password: "pw", kdf: fastScrypt)
        }
    }
}
