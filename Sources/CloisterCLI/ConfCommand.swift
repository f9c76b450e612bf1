import ArgumentParser
import Foundation
import Primitives
import ChainTypes
import Keystore
import Execution

/// `cloister conf deploy|send|call`: confidential chain-code from the command line, with a
/// keystore account (CONFIDENTIAL.md sections 5.2–5.4). Every command first checks the
/// transaction key against the genesis policy given with `--genesis` (the client's own copy).
struct ConfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conf",
        abstract: "Deploy, call and read confidential chain-code with a keystore account.",
        subcommands: [Deploy.self, Send.self, Call.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "The node's JSON-RPC URL.")
        var rpc = "http://127.0.0.1:8545"
        @Option(help: "Your own copy of the chain's genesis file: the policy the transaction key is checked against.")
        var genesis: String
        @Option(help: "The keystore directory.")
        var keystore: String
        @Option(help: "The account (address) to sign with.")
        var from: String
        @Option(help: "File whose first line is the account's password.")
        var password: String

        func account() throws -> Secp256k1.PrivateKey {
            let address = try ConfCommand.address(from, field: "--from")
            guard let text = readTextFile(password) else { throw CLIError("cannot read \(password)") }
            let pass = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let dir = KeyDirectory(path: keystore)
            do {
                guard let entry = try dir.find(address) else { throw CLIError("no key for \(address) in \(dir.url.path)") }
                return try Web3SecretStorage.decrypt(try Data(contentsOf: entry.url), password: pass)
            } catch let e as CLIError { throw e } catch { throw CLIError("unlocking \(address): \(error)") }
        }
    }

    static func address(_ text: String, field: String) throws -> Address {
        do { return try Address(hex: text) } catch { throw CLIError("\(field): not an address: \(text)") }
    }

    static func data(_ text: String, field: String) throws -> [UInt8] {
        if let contents = FileManager.default.contents(atPath: text) {
            let trimmed = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            do { return try Hex.decode(trimmed) } catch { throw CLIError("\(field): \(text) does not hold hex: \(error)") }
        }
        do { return try Hex.decode(text) } catch { throw CLIError("\(field): not hex (or a file of hex): \(error)") }
    }

    /// Sends a `0x40` and waits for its result; prints what the sender alone can read.
    static func transact(_ options: Options, to: Address?, data: [UInt8], gas: UInt64) throws {
        let client = try ConfClient(rpc: options.rpc, genesisFile: options.genesis)
        let signer = try options.account()
        let head = try client.block("latest")
        let key = try client.txKey(at: head.number)
        if key.simulated { print("WARNING: SIMULATED TEE: this chain proves the protocol, NOT confidentiality") }
        guard let nonceText = try client.call("eth_getTransactionCount", [signer.address.description, "pending"]) as? String,
              let nonce = UInt64(nonceText.dropFirst(2), radix: 16) else { throw CLIError("eth_getTransactionCount: no nonce") }
        let tip = UInt256(1_000_000_000)
        let baseFee = (try client.object("eth_getBlockByNumber", ["latest", false])["baseFeePerGas"] as? String)
            .flatMap { UInt64($0.dropFirst(2), radix: 16) } ?? 0
        let (tx, responseKey) = try client.envelope(to: to, data: data, key: key, signer: signer, nonce: nonce, gas: gas,
                                                    maxFee: UInt256(baseFee) &* UInt256(2) &+ tip, tip: tip, view: false)
        _ = try client.call("eth_sendRawTransaction", [Hex.encode(tx.networkEncoding)])
        print("transaction: \(tx.hash)")
        if to == nil { print("contract: \(StateHost.createAddress(sender: signer.address, nonce: nonce))") }
        var receipt: [String: Any]?
        for _ in 0..<240 {
            receipt = try client.call("eth_getTransactionReceipt", [tx.hash.description]) as? [String: Any]
            if receipt != nil { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        guard let receipt else { throw CLIError("not mined within 60 s") }
        let result = try ConfClient.open(try ConfClient.bytes(receipt, "encryptedResult"), responseKey: responseKey, subject: tx.hash)
        print("block: \(try ConfClient.quantity(receipt, "blockNumber")), gas used: \(try ConfClient.quantity(receipt, "gasUsed"))")
        printResult(result)
    }

    static func printResult(_ result: (status: Bool, output: [UInt8], logs: [Log])) {
        print("status: \(result.status ? 1 : 0)")
        print("return data: \(Hex.encode(result.output))")
        for log in result.logs {
            print("log: \(log.address) topics [\(log.topics.map(\.description).joined(separator: ", "))] data \(Hex.encode(log.data))")
        }
    }

    struct Deploy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deploy confidential chain-code (init code, encrypted) and print its address and result.")
        @OptionGroup var options: Options
        @Option(help: "The init code (with constructor arguments): hex, or a file holding hex.")
        var code: String
        @Option(help: "Gas limit.")
        var gas: UInt64 = 3_000_000

        func run() throws { try ConfCommand.transact(options, to: nil, data: try ConfCommand.data(code, field: "--code"), gas: gas) }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send an encrypted call to confidential chain-code and print its decrypted result.")
        @OptionGroup var options: Options
        @Option(help: "The confidential contract.")
        var to: String
        @Option(help: "Call data: hex, or a file holding hex.")
        var data: String
        @Option(help: "Gas limit.")
        var gas: UInt64 = 500_000

        func run() throws {
            let address = try ConfCommand.address(to, field: "--to")
            try ConfCommand.transact(options, to: address, data: try ConfCommand.data(data, field: "--data"), gas: gas)
        }
    }

    struct Call: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A signed view call (conf_call): read confidential state as this account; nothing is mined.")
        @OptionGroup var options: Options
        @Option(help: "The confidential contract.")
        var to: String
        @Option(help: "Call data: hex, or a file holding hex.")
        var data: String
        @Option(help: "The block to read at (a number or latest).")
        var block = "latest"
        @Option(help: "Gas limit of the view.")
        var gas: UInt64 = 5_000_000

        func run() throws {
            let address = try ConfCommand.address(to, field: "--to")
            let client = try ConfClient(rpc: options.rpc, genesisFile: options.genesis)
            let signer = try options.account()
            let tag: String
            if block == "latest" {
                tag = block
            } else if let n = block.hasPrefix("0x") ? UInt64(block.dropFirst(2), radix: 16) : UInt64(block) {
                tag = client.hex(n)
            } else {
                throw CLIError("--block: a block number (decimal or 0x hex) or latest, not \(block)")
            }
            let asked = try client.block(tag)
            let key = try client.txKey(at: asked.number)
            guard key.blockHash == asked.hash else { throw CLIError("block \(asked.number) changed while the key was fetched; try again") }
            guard let nonceText = try client.call("eth_getTransactionCount", [signer.address.description, client.hex(asked.number)]) as? String,
                  let nonce = UInt64(nonceText.dropFirst(2), radix: 16) else { throw CLIError("eth_getTransactionCount: no nonce") }
            let (view, responseKey) = try client.envelope(to: address, data: try ConfCommand.data(data, field: "--data"), key: key,
                                                          signer: signer, nonce: nonce, gas: gas, maxFee: .zero, tip: .zero, view: true)
            let reply = try client.object("conf_call", [Hex.encode(view.networkEncoding), client.hex(asked.number)])
            guard try ConfClient.bytes(reply, "blockHash") == asked.hash.bytes else { throw CLIError("the node answered from another block") }
            let result = try ConfClient.open(try ConfClient.bytes(reply, "encryptedResult"), responseKey: responseKey, subject: view.hash,
                                             extraAAD: asked.hash.bytes)
            print("block: \(asked.number) \(asked.hash)")
            ConfCommand.printResult(result)
        }
    }
}
