#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

/// Codec libraries may not leave this process's threads real-time: SVT-AV1
/// run as root makes the thread that opens it `SCHED_FIFO` at priority 99,
/// and that thread is one of Swift's pool threads, shared by every task.
/// A guest spinning on it then starved the guest-deadline watchdog, and the
/// test run hung (CI runs as root).
@Suite(.serialized, .watchdog) struct ThreadSchedulingTests {
    static var isRoot: Bool { geteuid() == 0 }

    /// The mechanism, checked without a codec: the calling thread made
    /// real-time inside is given its policy back, and a thread started
    /// inside that made itself real-time is made normal. Needs root
    /// (CAP_SYS_NICE) to make threads real-time at all.
    @Test(.enabled(if: isRoot, "only root may make a thread real-time"))
    func threadsMadeRealTimeInsideAreMadeNormal() throws {
        #expect(!ThreadScheduling.isRealTime(0))
        let worker = RealTimeWorker()
        ThreadScheduling.keepingNormalScheduling {
            var parameters = sched_param()
            parameters.sched_priority = sched_get_priority_max(SCHED_FIFO)
            #expect(pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters) == 0)
            #expect(ThreadScheduling.isRealTime(0))
            worker.start()
            #expect(worker.tid.map(ThreadScheduling.isRealTime) == true)
        }
        #expect(!ThreadScheduling.isRealTime(0), "the calling thread stayed real-time")
        let tid = try #require(worker.tid)
        #expect(!ThreadScheduling.isRealTime(tid), "the thread started inside stayed real-time")
        worker.finish()
    }

    /// The bug itself: opening an AV1 encoder (SVT-AV1) leaves the opening
    /// thread and the encoder's own threads under normal scheduling. Not
    /// root, SVT-AV1 changes nothing and this holds trivially.
    @Test func openingAnAV1EncoderLeavesNoRealTimeThread() throws {
        let before = Set(ThreadScheduling.threadIDs())
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .av1, width: 320, height: 240))
        #expect(!ThreadScheduling.isRealTime(0), "the thread that opened the encoder is real-time")
        let realTime = ThreadScheduling.threadIDs().filter { !before.contains($0) && ThreadScheduling.isRealTime($0) }
        #expect(realTime.isEmpty, "threads started by the encoder are real-time: \(realTime)")
        _ = encoder
    }
}

/// A thread that makes itself `SCHED_FIFO`, says its kernel id, and waits to be told to end.
private final class RealTimeWorker: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private(set) var tid: pid_t?

    func start() {
        let thread = Thread { [self] in
            var parameters = sched_param()
            parameters.sched_priority = 1
            _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
            // /proc/thread-self links to PID/task/TID.
            tid = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"))
                .flatMap { $0.split(separator: "/").last }.flatMap { pid_t($0) }
            ready.signal()
            done.wait()
        }
        thread.start()
        ready.wait()
    }

    func finish() { done.signal() }
}
