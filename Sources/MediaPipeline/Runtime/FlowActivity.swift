import Synchronization

/// Counts the element tasks of one run that can still move data: how the
/// driver knows that nothing more will happen until it acts (GStreamer has
/// no equivalent; it would wait forever). Thread-safe.
///
/// A task counts as running from its start until it ends, except while it
/// is parked in one of the run's waits: an ``Inbox`` send or receive, or a
/// ``Signal`` wait of the elements. The count is kept exact without a
/// global lock by two rules:
/// - a task parks first (registers its continuation) and only then calls
///   ``parked()``;
/// - whoever wakes a parked task calls ``resumed()`` before resuming it,
///   while itself still running (or from the driver).
/// So the count is never below the number of tasks that are really
/// running: when it reaches zero, every task is parked and only the driver
/// (playing, a seek, null) or a clock can wake one.
final class FlowActivity: Sendable {
    private let running: Atomic<Int>
    private let onIdle: @Sendable () -> Void

    /// - Parameters:
    ///   - tasks: the tasks about to start (all count as running).
    ///   - onIdle: called each time the count reaches zero, by the task that parked last.
    init(tasks: Int, onIdle: @escaping @Sendable () -> Void) {
        running = Atomic(tasks)
        self.onIdle = onIdle
    }

    /// True when every task is parked or has ended.
    var isIdle: Bool { running.load(ordering: .sequentiallyConsistent) == 0 }

    /// The calling task has registered its wake-up and is about to suspend.
    func parked() {
        if running.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 { onIdle() }
    }

    /// A parked task is about to be resumed (called by whoever resumes it, before resuming).
    func resumed() {
        running.add(1, ordering: .sequentiallyConsistent)
    }

    /// A task ended for good.
    func ended() { parked() }
}
