import Testing
import Primitives

@Suite struct DurationNanosecondsTests {
    @Test func wholeNanosecondsTruncatingAttoseconds() {
        #expect(Duration.zero.saturatingNanoseconds == 0)
        #expect(Duration.milliseconds(1500).saturatingNanoseconds == 1_500_000_000)
        #expect(Duration(secondsComponent: 2, attosecondsComponent: 999_999_999).saturatingNanoseconds == 2_000_000_000)
        #expect(Duration.nanoseconds(-7).saturatingNanoseconds == -7)
    }

    @Test func clampsWhenItDoesNotFit() {
        #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
        #expect(Duration.seconds(9_223_372_036).saturatingNanoseconds == 9_223_372_036_000_000_000)
        #expect(Duration(secondsComponent: 9_223_372_036, attosecondsComponent: 900_000_000_000_000_000).saturatingNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).saturatingNanoseconds == .min)
    }
}
