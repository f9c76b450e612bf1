extension Duration {
    /// The duration in whole nanoseconds (attoseconds truncated toward zero), clamped to
    /// `Int64.max` (or `Int64.min` for a negative duration) when it does not fit: about
    /// 292 years either way. For metrics timers and NIO time amounts, which take `Int64`
    /// nanoseconds. Never traps.
    package var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if !overflowed {
            let (total, overflowedSum) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
            if !overflowedSum { return total }
        }
        return seconds < 0 ? .min : .max
    }
}
