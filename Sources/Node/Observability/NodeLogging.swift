import Foundation
public import Logging
import Synchronization

/// How log lines are written to standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's text lines: `2026-12-07T20:00:00+0000 info cloister.node : key=value message`.
    case text
    /// One JSON object per line (`ts`, `level`, `logger`, `msg`, then the metadata keys), for
    /// log pipelines (Loki, Elasticsearch, journald's JSON export).
    case json
}

/// The process's logging: one bootstrap, a format and a level for every logger.
public enum NodeLogging {
    /// A level from go-ethereum's `--verbosity` numbers (0 silent … 5 trace, where silent
    /// keeps only critical lines) or a level name (`trace`, `debug`, `info`, `notice`,
    /// `warning`/`warn`, `error`, `critical`); nil for anything else.
    public static func level(_ text: String) -> Logger.Level? {
        switch text.lowercased() {
        case "0", "silent", "critical", "crit": .critical
        case "1", "error": .error
        case "2", "warning", "warn": .warning
        case "3", "info": .info
        case "notice": .notice
        case "4", "debug": .debug
        case "5", "trace": .trace
        default: nil
        }
    }

    private static let bootstrapped = Mutex(false)

    /// Sets every logger of the process (once; later calls change nothing) to write `format`
    /// lines at `level` and above to standard error, and returns the logger labelled `label`.
    public static func bootstrap(format: LogFormat, level: Logger.Level, label: String) -> Logger {
        let first = bootstrapped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = switch format {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// A swift-log handler writing one JSON object per line to standard error: `ts` (UTC,
/// milliseconds), `level`, `logger`, `msg`, `source`, then the merged metadata (record
/// over handler), each value a string or, for swift-log arrays and dictionaries, JSON
/// arrays and objects. Lines are written whole, one `write` each, under one lock.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private static let output = Mutex(())

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.line(timestamp: Date(), level: event.level, label: label, message: event.message.description,
                             source: event.source, metadata: merged)
        Self.output.withLock { _ in
            line.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let n = Foundation.write(2, base + offset, buffer.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
        }
    }

    /// One record as a JSON line (newline included).
    static func line(timestamp: Date, level: Logger.Level, label: String, message: String, source: String,
                     metadata: Logger.Metadata) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += Array(#"{"ts":"#.utf8)
        appendString(timestampText(timestamp), to: &out)
        out += Array(#","level":"#.utf8)
        appendString(level.rawValue, to: &out)
        out += Array(#","logger":"#.utf8)
        appendString(label, to: &out)
        out += Array(#","msg":"#.utf8)
        appendString(message, to: &out)
        out += Array(#","source":"#.utf8)
        appendString(source, to: &out)
        for key in metadata.keys.sorted() where !["ts", "level", "logger", "msg", "source"].contains(key) {
            guard let value = metadata[key] else { continue }
            out.append(UInt8(ascii: ","))
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(value, to: &out)
        }
        out += Array("}\n".utf8)
        return out
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendString(s, to: &out)
        case .stringConvertible(let c): appendString(c.description, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "{"))
            for (i, key) in entries.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if let v = entries[key] { appendValue(v, to: &out) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259).
    static func appendString(_ s: String, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5c, 0x22]
            case UInt8(ascii: "\\"): out += [0x5c, 0x5c]
            case 0x0a: out += [0x5c, UInt8(ascii: "n")]
            case 0x0d: out += [0x5c, UInt8(ascii: "r")]
            case 0x09: out += [0x5c, UInt8(ascii: "t")]
            case 0x00..<0x20, 0x7f:
                out += Array("\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// RFC 3339 in UTC with milliseconds (`2026-12-07T20:00:00.123Z`).
    static func timestampText(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms % 1000), 3))Z"
    }
}
