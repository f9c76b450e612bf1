public import Foundation
public import Primitives
public import ChainTypes

/// Test-only genesis files for chains with a confidential module: a Clique chain with one
/// signer (or several) and `config.confidential` set to `policy`, all forks through London at block 0.
public enum ConfidentialGenesis {
    /// The genesis JSON with one signer.
    public static func json(chainID: UInt64 = 4242, signer: Address, policy: ConfidentialConfig) -> Data {
        json(chainID: chainID, signers: [signer], policy: policy)
    }

    /// The genesis JSON with these signers (sorted into the extra data, as Clique wants) and
    /// `funded` accounts holding 10^24 wei each.
    public static func json(chainID: UInt64 = 4242, signers: [Address], policy: ConfidentialConfig, funded: [Address] = []) -> Data {
        let object: [String: Any] = [
            "config": [
                "chainId": chainID, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
                "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0, "berlinBlock": 0,
                "londonBlock": 0, "clique": ["period": 1, "epoch": 30000], "confidential": policy.jsonObject,
            ] as [String: Any],
            "difficulty": "0x1", "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00",
            "extraData": Hex.encode([UInt8](repeating: 0, count: 32) + signers.sorted().flatMap(\.bytes) + [UInt8](repeating: 0, count: 65)),
            "alloc": Dictionary(uniqueKeysWithValues: funded.map { (Hex.encode($0.bytes), ["balance": "0xd3c21bcecceda1000000"] as [String: Any]) }),
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
