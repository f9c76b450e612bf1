import ArgumentParser

/// The `cloister` command: one subcommand group per concern (geth's `cmd/geth` layout).
@main
struct Cloister: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloister",
        abstract: "Cloister: a Proof-of-Authority, Ethereum-style chain engine with confidential execution.",
        version: CloisterVersion.string,
        subcommands: [DevCommand.self, NodeCommand.self, AccountCommand.self, InitCommand.self, ImportCommand.self, ExportCommand.self, GenesisCommand.self, EVMCommand.self, KeyCommand.self, AttestCommand.self, EnclaveCommand.self, ConfCommand.self, ToolsCommand.self]
    )
}

/// The version printed by `cloister --version`.
enum CloisterVersion {
    static let string = "0.1.0-dev"
}
