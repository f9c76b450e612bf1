/// The ten checks of the quote verifier (CONFIDENTIAL.md section 3.1), in the order
/// they run. Every refusal names exactly one of them.
public enum AttestationCheck: Int, Sendable, CaseIterable, CustomStringConvertible {
    case format = 1
    case chainToRoot = 2
    case validity = 3
    case signatures = 4
    case qeIdentity = 5
    case tcbLevel = 6
    case debugOff = 7
    case identity = 8
    case keyBinding = 9
    case freshness = 10

    /// The check's name as operators read it (`check 8 (identity)`).
    public var name: String {
        switch self {
        case .format: "format"
        case .chainToRoot: "chain to the pinned root"
        case .validity: "validity at block time"
        case .signatures: "signatures"
        case .qeIdentity: "QE identity"
        case .tcbLevel: "TCB level"
        case .debugOff: "debug off"
        case .identity: "identity"
        case .keyBinding: "key binding"
        case .freshness: "freshness"
        }
    }

    public var description: String { "check \(rawValue) (\(name))" }
}

/// Why a quote was refused: the check that failed and what it found.
public struct AttestationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let check: AttestationCheck
    public let reason: String

    public init(_ check: AttestationCheck, _ reason: String) { self.check = check; self.reason = reason }

    public var description: String { "\(check): \(reason)" }
}

/// Why simulated platform material (a root, a platform file) could not be made or read.
public struct PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
