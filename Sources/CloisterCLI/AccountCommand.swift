import ArgumentParser
import Foundation
import Keystore
import Primitives

/// `cloister account …`: manage encrypted key files (Web3 Secret Storage v3, the
/// format geth, eth-account and MetaMask use) in a keystore directory.
///
/// Private keys and passwords are never printed and never taken from argv, where
/// other users could read them: passwords come from a file or an echo-free prompt,
/// imported keys from a file.
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Create, list and import encrypted account key files.",
        subcommands: [New.self, List.self, Import.self]
    )

    /// Where the key files live, and how their passwords are given.
    struct KeystoreOptions: ParsableArguments {
        @Option(help: "The keystore directory (created with mode 0700 if missing).")
        var keystore: String

        @Option(help: "File whose first line is the password (otherwise you are asked twice, without echo).")
        var password: String?

        @Flag(help: "Use geth's light scrypt parameters (n = 4096, p = 6): fast, and weaker against guessing. For development keys only.")
        var lightKdf = false

        var kdf: KeyDerivation { lightKdf ? .light : .standard }

        /// The password from `--password`, or asked twice on the terminal.
        func newPassword() throws -> String {
            if let password { return try readPasswordFile(password) }
            let first = try promptPassword("Password: ")
            let second = try promptPassword("Repeat password: ")
            guard first == second else { throw CLIError("passwords do not match") }
            return first
        }
    }

    /// `cloister account new --keystore DIR [--password FILE]`: a fresh random key.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new random key, encrypt it with a password and store it in the keystore."
        )

        @OptionGroup var options: KeystoreOptions

        func run() throws {
            let password = try options.newPassword()
            let entry: KeyDirectory.Entry
            do {
                entry = try KeyDirectory(path: options.keystore)
                    .store(Secp256k1.PrivateKey(), password: password, kdf: options.kdf)
            } catch {
                throw CLIError("\(error)")
            }
            printStored(entry)
        }
    }

    /// `cloister account list --keystore DIR`: the accounts in a keystore.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the accounts whose key files are in the keystore, oldest first."
        )

        @Option(help: "The keystore directory.")
        var keystore: String

        func run() throws {
            let entries: [KeyDirectory.Entry]
            do { entries = try KeyDirectory(path: keystore).list() } catch { throw CLIError("\(error)") }
            for (i, entry) in entries.enumerated() {
                print("Account #\(i): \(entry.address.checksummed) \(entry.url.path)")
            }
        }
    }

    /// `cloister account import --keystore DIR KEYFILE [--password FILE]`: encrypt an
    /// existing raw key, as `geth account import` does.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt a hex private key read from a file and store it in the keystore."
        )

        @OptionGroup var options: KeystoreOptions

        @Argument(help: "File holding the 32-byte private key as hex (with or without 0x).")
        var keyFile: String

        func run() throws {
            guard let text = readTextFile(keyFile) else { throw CLIError("cannot read \(keyFile)") }
            let key: Secp256k1.PrivateKey
            do {
                var bytes = try Hex.decode(text.trimmingSpaces)
                defer { overwrite(&bytes) }
                key = try Secp256k1.PrivateKey(rawRepresentation: bytes)
            } catch {
                // Say why without echoing any of the file.
                throw CLIError("\(keyFile): not a 32-byte hex private key (\(error))")
            }
            let directory = KeyDirectory(path: options.keystore)
            do {
                if try directory.find(key.address) != nil {
                    throw CLIError("account \(key.address.checksummed) already exists in \(options.keystore)")
                }
            } catch let error as KeystoreError {
                throw CLIError("\(error)")
            }
            let password = try options.newPassword()
            let entry: KeyDirectory.Entry
            do { entry = try directory.store(key, password: password, kdf: options.kdf) } catch { throw CLIError("\(error)") }
            printStored(entry)
        }
    }
}

/// What `account new` and `account import` print: public facts only.
private func printStored(_ entry: KeyDirectory.Entry) {
    print("address: \(entry.address.checksummed)")
    print("file:    \(entry.url.path)")
}

/// The first line of a password file, without its line ending (geth reads password files the same way).
private func readPasswordFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read password file \(path)") }
    let text = String(decoding: data, as: UTF8.self)
    var line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    if line.hasSuffix("\r") { line.removeLast() }
    return line
}

/// Asks for a password on the terminal with echo turned off; from a pipe, reads one line.
private func promptPassword(_ prompt: String) throws -> String {
    FileHandle.standardError.write(Data(prompt.utf8))
    let isTerminal = isatty(STDIN_FILENO) == 1
    var saved = termios()
    if isTerminal {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw CLIError("cannot read the terminal settings") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0 else { throw CLIError("cannot turn off echo") }
    }
    defer {
        if isTerminal {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }
    guard let line = readLine(strippingNewline: true) else { throw CLIError("no password given") }
    return line.hasSuffix("\r") ? String(line.dropLast()) : line
}

/// Overwrites key bytes before their memory is released.
private func overwrite(_ bytes: inout [UInt8]) { SecureMemory.zero(&bytes) }
