import Foundation

/// Turns Ctrl-C into a call to `handler` (once); a second Ctrl-C exits at once.
final class InterruptHandler: @unchecked Sendable {
    private let source: any DispatchSourceSignal
    init(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        var fired = false
        source.setEventHandler {
            if fired { exit(130) }
            fired = true
            handler()
        }
        source.resume()
    }
    /// Restores the default Ctrl-C behaviour.
    func remove() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
