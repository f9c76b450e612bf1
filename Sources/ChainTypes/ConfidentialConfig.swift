public import Primitives

/// `config.confidential` of a Cloister genesis (CONFIDENTIAL.md section 2): the
/// attestation policy the chain starts with. Absent: the chain has no confidential module.
///
/// A value that exists has passed every rule of section 2 (see
/// ``ConfidentialConfig/validate()``): known platforms with one trust anchor each, a
/// simulated platform only with `insecureSimulation`, `allowDebug` only with it, distinct
/// 32-byte measurements, a 16-byte `minCpuSvn`, security versions that fit the quote's
/// 16-bit fields, and `enclaveQuorum = 1` (v1). The meaning of the policy (its hash,
/// the verifier) lives in the `Attestation` layer.
public struct ConfidentialConfig: Sendable, Hashable {
    /// Platform names; v1 knows ``simulatedSGX`` only.
    public var platforms: [String]
    /// Whether the chain accepts simulated evidence (and is marked SIMULATED everywhere).
    public var insecureSimulation: Bool
    /// Per platform, `sha256` of its root's SubjectPublicKeyInfo DER.
    public var trustAnchors: [String: Hash32]
    /// Allowed MRENCLAVE values.
    public var measurements: [Hash32]
    public var minIsvSvn: UInt16
    /// 16 bytes, compared byte by byte.
    public var minCpuSvn: [UInt8]
    public var minPceSvn: UInt16
    public var minQeSvn: UInt16
    public var allowDebug: Bool
    /// How many blocks before the including block a quote's freshness hash may name.
    public var freshnessBlocks: UInt64
    /// `L`: blocks per transaction-key epoch.
    public var epochLength: UInt64
    /// Enclave statements a section needs (v1: exactly 1).
    public var enclaveQuorum: UInt64

    /// The simulated SGX platform (CONFIDENTIAL.md section 3).
    public static let simulatedSGX = "simulated-sgx"
    /// Platforms this build knows.
    public static let knownPlatforms: Set<String> = [simulatedSGX]

    public init(platforms: [String], insecureSimulation: Bool, trustAnchors: [String: Hash32], measurements: [Hash32],
                minIsvSvn: UInt16, minCpuSvn: [UInt8], minPceSvn: UInt16, minQeSvn: UInt16, allowDebug: Bool,
                freshnessBlocks: UInt64, epochLength: UInt64, enclaveQuorum: UInt64) {
        self.platforms = platforms; self.insecureSimulation = insecureSimulation; self.trustAnchors = trustAnchors
        self.measurements = measurements; self.minIsvSvn = minIsvSvn; self.minCpuSvn = minCpuSvn
        self.minPceSvn = minPceSvn; self.minQeSvn = minQeSvn; self.allowDebug = allowDebug
        self.freshnessBlocks = freshnessBlocks; self.epochLength = epochLength; self.enclaveQuorum = enclaveQuorum
    }

    /// Checks the rules of section 2; the error names the field.
    public func validate() throws(GenesisError) {
        let p = "config.confidential."
        guard !platforms.isEmpty else { throw GenesisError(field: p + "platforms", reason: "empty: name at least one platform") }
        guard Set(platforms).count == platforms.count else { throw GenesisError(field: p + "platforms", reason: "a platform is listed twice") }
        for name in platforms where !Self.knownPlatforms.contains(name) {
            throw GenesisError(field: p + "platforms", reason: "unknown platform \"\(name)\" (known: \(Self.knownPlatforms.sorted().joined(separator: ", ")))")
        }
        if platforms.contains(Self.simulatedSGX), !insecureSimulation {
            throw GenesisError(field: p + "insecureSimulation",
                               reason: "must be true to list \"\(Self.simulatedSGX)\": simulated evidence proves the protocol, not confidentiality")
        }
        if allowDebug, !insecureSimulation {
            throw GenesisError(field: p + "allowDebug", reason: "true is refused unless insecureSimulation is true")
        }
        for name in platforms where trustAnchors[name] == nil {
            throw GenesisError(field: p + "trustAnchors", reason: "no anchor for platform \"\(name)\"")
        }
        for name in trustAnchors.keys where !platforms.contains(name) {
            throw GenesisError(field: p + "trustAnchors.\(name)", reason: "not a platform of this chain")
        }
        guard Set(measurements).count == measurements.count else {
            throw GenesisError(field: p + "measurements", reason: "a measurement is listed twice")
        }
        guard minCpuSvn.count == 16 else { throw GenesisError(field: p + "minCpuSvn", reason: "expected 16 bytes, got \(minCpuSvn.count)") }
        guard freshnessBlocks >= 1 else { throw GenesisError(field: p + "freshnessBlocks", reason: "must be at least 1") }
        guard epochLength >= 1 else { throw GenesisError(field: p + "epochLength", reason: "must be at least 1") }
        guard enclaveQuorum == 1 else { throw GenesisError(field: p + "enclaveQuorum", reason: "a v1 chain requires 1, got \(enclaveQuorum)") }
    }
}

extension ConfidentialConfig {
    /// The policy as the genesis writes it (`config.confidential`): what ``init(json:)`` reads back.
    public var jsonObject: [String: Any] {
        [
            "platforms": platforms, "insecureSimulation": insecureSimulation,
            "trustAnchors": trustAnchors.mapValues(\.description),
            "measurements": measurements.map(\.description),
            "minIsvSvn": Int(minIsvSvn), "minCpuSvn": Hex.encode(minCpuSvn), "minPceSvn": Int(minPceSvn), "minQeSvn": Int(minQeSvn),
            "allowDebug": allowDebug, "freshnessBlocks": freshnessBlocks, "epochLength": epochLength, "enclaveQuorum": enclaveQuorum,
        ]
    }

    /// A simulated-platform policy with the usual minimums (security versions 1, `cpuSvn`
    /// zero, no debug, 64 freshness blocks, epochs of 1,000 blocks): dev chains and tests.
    public static func simulated(trustAnchor: Hash32, measurements: [Hash32]) -> ConfidentialConfig {
        ConfidentialConfig(platforms: [simulatedSGX], insecureSimulation: true, trustAnchors: [simulatedSGX: trustAnchor],
                           measurements: measurements, minIsvSvn: 1, minCpuSvn: [UInt8](repeating: 0, count: 16), minPceSvn: 1,
                           minQeSvn: 1, allowDebug: false, freshnessBlocks: 64, epochLength: 1000, enclaveQuorum: 1)
    }

    /// Parses `config.confidential`; every field is required, and unknown fields are refused
    /// (a misspelt minimum must not silently weaken the policy).
    init(json object: [String: Any]) throws(GenesisError) {
        let p = "config.confidential."
        let r = GenesisJSONReader(object, path: p)
        let known: Set<String> = ["platforms", "insecureSimulation", "trustAnchors", "measurements", "minIsvSvn", "minCpuSvn",
                                  "minPceSvn", "minQeSvn", "allowDebug", "freshnessBlocks", "epochLength", "enclaveQuorum"]
        for key in object.keys.sorted() where !known.contains(key) {
            throw GenesisError(field: p + key, reason: "unknown field")
        }
        func required<T>(_ key: String, _ value: T?) throws(GenesisError) -> T {
            guard let value else { throw GenesisError(field: p + key, reason: "missing") }
            return value
        }
        func svn(_ key: String) throws(GenesisError) -> UInt16 {
            let v = try required(key, try r.uint64(key))
            guard let small = UInt16(exactly: v) else { throw GenesisError(field: p + key, reason: "\(v) does not fit the quote's 16 bits") }
            return small
        }
        guard let platformList = object["platforms"] else { throw GenesisError(field: p + "platforms", reason: "missing") }
        guard let platformItems = platformList as? [Any] else { throw GenesisError(field: p + "platforms", reason: "not a list") }
        var platforms: [String] = []
        for (i, item) in platformItems.enumerated() {
            guard let name = item as? String else { throw GenesisError(field: p + "platforms[\(i)]", reason: "not a string") }
            platforms.append(name)
        }
        guard let anchorObject = object["trustAnchors"] else { throw GenesisError(field: p + "trustAnchors", reason: "missing") }
        guard let anchorMap = anchorObject as? [String: Any] else { throw GenesisError(field: p + "trustAnchors", reason: "not an object") }
        let anchorReader = GenesisJSONReader(anchorMap, path: p + "trustAnchors.")
        var anchors: [String: Hash32] = [:]
        for name in anchorMap.keys { anchors[name] = try anchorReader.fixed(name, Hash32.self) }
        guard let measurementList = object["measurements"] else { throw GenesisError(field: p + "measurements", reason: "missing") }
        guard let measurementItems = measurementList as? [Any] else { throw GenesisError(field: p + "measurements", reason: "not a list") }
        var measurements: [Hash32] = []
        for (i, item) in measurementItems.enumerated() {
            let field = p + "measurements[\(i)]"
            guard let text = item as? String else { throw GenesisError(field: field, reason: "not a hex string") }
            let bytes: [UInt8]
            do { bytes = try Hex.decode(text) } catch { throw GenesisError(field: field, reason: "\(error)") }
            guard let m = Hash32(bytes) else { throw GenesisError(field: field, reason: "expected 32 bytes, got \(bytes.count)") }
            measurements.append(m)
        }
        self.init(platforms: platforms,
                  insecureSimulation: try required("insecureSimulation", try r.bool("insecureSimulation")),
                  trustAnchors: anchors, measurements: measurements,
                  minIsvSvn: try svn("minIsvSvn"),
                  minCpuSvn: try required("minCpuSvn", try r.bytes("minCpuSvn")),
                  minPceSvn: try svn("minPceSvn"), minQeSvn: try svn("minQeSvn"),
                  allowDebug: try required("allowDebug", try r.bool("allowDebug")),
                  freshnessBlocks: try required("freshnessBlocks", try r.uint64("freshnessBlocks")),
                  epochLength: try required("epochLength", try r.uint64("epochLength")),
                  enclaveQuorum: try required("enclaveQuorum", try r.uint64("enclaveQuorum")))
        try validate()
    }
}
