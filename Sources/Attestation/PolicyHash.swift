public import ChainTypes
public import Primitives

extension ConfidentialConfig {
    /// `policyHash` (CONFIDENTIAL.md section 2): keccak of the canonical RLP of the policy,
    /// lists sorted, strings as bytes, hex values as their bytes, booleans as 0/1 scalars.
    /// Taken over the **genesis** values; every quote binds it.
    public var policyHash: Hash32 { Keccak256.hash(policyRLP) }

    /// The RLP `policyHash` is taken over.
    public var policyRLP: [UInt8] {
        var e = RLPEncoder(capacity: 256)
        e.appendList { e in
            e.appendList { e in for p in platforms.sorted(by: Self.bytewise) { e.appendBytes(Array(p.utf8)) } }
            e.append(UInt64(insecureSimulation ? 1 : 0))
            e.appendList { e in
                for name in trustAnchors.keys.sorted(by: Self.bytewise) {
                    e.appendList { e in
                        e.appendBytes(Array(name.utf8))
                        e.appendBytes(trustAnchors[name]?.bytes ?? [])
                    }
                }
            }
            e.appendList { e in for m in measurements.map(\.bytes).sorted(by: { $0.lexicographicallyPrecedes($1) }) { e.appendBytes(m) } }
            e.append(UInt64(minIsvSvn))
            e.appendBytes(minCpuSvn)
            e.append(UInt64(minPceSvn))
            e.append(UInt64(minQeSvn))
            e.append(UInt64(allowDebug ? 1 : 0))
            e.append(freshnessBlocks)
            e.append(epochLength)
            e.append(enclaveQuorum)
        }
        return e.bytes
    }

    private static func bytewise(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }
}
