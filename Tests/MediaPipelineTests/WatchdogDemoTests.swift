import Foundation
import Testing
@testable import MediaPipeline
import MediaTestWatchdog

/// Shows the watchdog firing; off unless `WASI_MEDIA_WATCHDOG_DEMO=1`, so CI
/// never runs it. Run it alone:
///
/// ```
/// WASI_MEDIA_WATCHDOG_DEMO=1 swift test --skip-build --filter WatchdogDemoTests
/// ```
///
/// After 5 s the run prints every thread's stack (the test's own thread is
/// parked in `DispatchSemaphore.wait`, called from `aTestThatNeverEnds`) and
/// exits with status 124.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["WASI_MEDIA_WATCHDOG_DEMO"] == "1"),
       .watchdog(limit: .seconds(5)))
struct WatchdogDemoTests {
    /// Hangs twice over, as the stall did: a task waits on an inbox nobody
    /// sends to (ignoring cancellation), and this test blocks a pool thread
    /// on a semaphore nobody signals.
    @Test func aTestThatNeverEnds() async {
        let inbox = Inbox<Int>(capacity: 1)
        let waiting = Task { await inbox.receive() }
        DispatchSemaphore(value: 0).wait()
        _ = await waiting.value
    }
}
