import ArgumentParser
import Foundation
import Primitives

/// `cloister tools …`: developer tools over the wire formats (after geth's `rlpdump`).
struct ToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "Developer tools for Ethereum wire formats.",
        subcommands: [RLPDump.self, KeccakCommand.self]
    )
}

/// `cloister tools rlpdump HEX`: prints an RLP item as an indented tree.
struct RLPDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rlpdump",
        abstract: "Decode RLP (strictly: non-canonical input is an error) and print it as a tree."
    )

    @Argument(help: "The RLP bytes as hex, with or without 0x.")
    var hex: String

    func run() throws {
        let bytes = try hexArgument(hex)
        let item: RLPItem
        do { item = try RLPItem(decoding: bytes) } catch { throw CLIError("\(error)") }
        print(RLPDump.render(item, indent: 0), terminator: "")
    }

    /// One line per string (hex, plus the text if printable), lists bracketed and indented.
    static func render(_ item: RLPItem, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent)
        switch item {
        case .bytes(let b):
            let printable = !b.isEmpty && b.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
            return pad + Hex.encode(b) + (printable ? "  \"\(String(decoding: b, as: UTF8.self))\"" : "") + "\n"
        case .list(let items):
            if items.isEmpty { return pad + "[]\n" }
            return pad + "[\n" + items.map { render($0, indent: indent + 1) }.joined() + pad + "]\n"
        }
    }
}

/// `cloister tools keccak`: Keccak-256 of hex bytes or of text.
struct KeccakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keccak",
        abstract: "Print the Keccak-256 hash of hex input (or of UTF-8 text with --text)."
    )

    @Argument(help: "Input: hex bytes (with or without 0x), or text with --text.")
    var input: String

    @Flag(help: "Hash the argument's UTF-8 bytes instead of decoding it as hex.")
    var text = false

    func run() throws {
        let bytes: [UInt8]
        if text {
            bytes = Array(input.utf8)
        } else {
            bytes = try hexArgument(input)
        }
        print(Keccak256.hash(bytes))
    }
}

extension String {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Decodes a hex command-line argument (surrounding spaces allowed), as a CLI error on failure.
func hexArgument(_ text: String) throws -> [UInt8] {
    do { return try Hex.decode(text.trimmingSpaces) } catch { throw CLIError("\(error)") }
}
