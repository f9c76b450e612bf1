import ArgumentParser
import Foundation
import Primitives

/// `cloister key …`: inspect secp256k1 keys and signatures.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Inspect secp256k1 keys and signatures.",
        subcommands: [Inspect.self, Recover.self]
    )

    /// `cloister key inspect --key-file FILE`: the public key and address of a raw private key.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public key and address of a hex private key read from a file (never from argv, where other users could see it)."
        )

        @Option(help: "File holding the 32-byte private key as hex.")
        var keyFile: String

        func run() throws {
            guard let text = readTextFile(keyFile) else { throw CLIError("cannot read \(keyFile)") }
            let key: Secp256k1.PrivateKey
            do { key = try Secp256k1.PrivateKey(rawRepresentation: try Hex.decode(text.trimmingSpaces)) } catch {
                throw CLIError("\(keyFile): \(error)")
            }
            print("address:    \(key.address.checksummed)")
            print("public key: \(key.publicKey)")
        }
    }

    /// `cloister key recover --hash H --signature SIG`: the address that signed a hash.
    struct Recover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recover the signer address of a 32-byte hash from a 65-byte r‖s‖v signature (v = 0/1 or 27/28)."
        )

        @Option(help: "The signed 32-byte hash, hex.")
        var hash: String

        @Option(help: "The 65-byte signature r‖s‖v, hex.")
        var signature: String

        @Flag(help: "Accept s above n/2 (Frontier rules; EIP-2 forbids it afterwards).")
        var allowHighS = false

        func run() throws {
            do {
                let h = try Hash32(hex: hash)
                var bytes = try Hex.decode(signature)
                if bytes.count == 65, bytes[64] >= 27 { bytes[64] -= 27 }
                let sig = try Secp256k1.RecoverableSignature(compact: bytes)
                let key = allowHighS ? try Secp256k1.recoverUnchecked(hash: h, signature: sig)
                                     : try Secp256k1.recover(hash: h, signature: sig)
                print(key.address.checksummed)
            } catch {
                throw CLIError("\(error)")
            }
        }
    }
}

/// Reads a whole file as UTF-8 (invalid sequences replaced), or nil if it cannot be read.
func readTextFile(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}
