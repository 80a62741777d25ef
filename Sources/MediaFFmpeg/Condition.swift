#if canImport(Glibc)
internal import Glibc
#endif
internal import MediaCore

/// A mutex with one condition variable: the primitive under ``StreamingDemuxer``.
final class Condition: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }
    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    func lock() { pthread_mutex_lock(&mutex) }
    func unlock() { pthread_mutex_unlock(&mutex) }
    /// Waits for a broadcast; call with the lock held.
    func wait() { pthread_cond_wait(&cond, &mutex) }
    func broadcast() { pthread_cond_broadcast(&cond) }

    func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Starts `body` on a new joinable thread.
final class WorkerThread {
    private var thread = pthread_t()
    private final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }

    /// - Parameters:
    ///   - name: the thread's name as the system shows it (`/proc/self/task/*/comm`), at most 15 bytes.
    ///   - stackSize: the thread's stack in bytes; nil is the system's default.
    /// - Throws: `failed` when the system starts no more threads (`pthread_create`'s error).
    init(name: String, stackSize: Int? = nil, _ body: @escaping () -> Void) throws(MediaError) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let box = Unmanaged.passRetained(Box(body))
        let result = pthread_create(&thread, &attributes, { arg in
            let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw MediaError(.failed, operation: "start thread",
                             message: "the system refused a new thread: \(String(cString: strerror(result))) (error \(result))")
        }
        // Named from here, so the name is there as soon as the initializer returns.
        setThreadName(thread, String(decoding: name.utf8.prefix(15), as: UTF8.self))
    }

    /// Waits for `body` to return.
    func join() { pthread_join(thread, nil) }
}

/// Names `thread` (glibc's `pthread_setname_np`, a GNU extension Swift's
/// Glibc module does not import, found at run time).
private func setThreadName(_ thread: pthread_t, _ name: String) {
    typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
    _ = unsafeBitCast(symbol, to: SetName.self)(thread, name)
}
