import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Prints the stack of every thread of this process to standard error, with
/// gdb (`scripts/setup.sh` installs it). Used by the watchdog's thread only,
/// once, right before the process exits.
///
/// Why gdb and not a signal handler calling `backtrace(3)` in each thread:
/// the threads that matter (Swift's cooperative pool, run by libdispatch)
/// block asynchronous signals, so they never answer one.
enum StackDump {
    /// Writes straight to fd 2 (no buffering, no locks another thread may hold).
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static func allThreads() {
        guard let gdb = ["/usr/bin/gdb", "/usr/local/bin/gdb"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            write("⏱ watchdog: no stacks: gdb is not installed (scripts/setup.sh installs it)\n")
            return
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("watchdog-\(getpid()).gdb.txt").path
        defer { unlink(log) }
        guard run(gdb, writingTo: log) else {
            write("⏱ watchdog: gdb could not print the stacks (ptrace not permitted?)\n")
            if let text = try? String(contentsOfFile: log, encoding: .utf8) { write(text) }
            return
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // gdb's complaints about Swift's split debug info say nothing about the stacks.
        let noise = ["During symbol reading", "warning: Section .debug_names", "[New LWP", "[Thread debugging using",
                     "Using host libthread_db"]
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !noise.contains { line.hasPrefix($0) } }
        write(kept.joined(separator: "\n") + "\n")
    }

    /// Runs gdb on this process, output to `log`, at most two minutes. True when it succeeded.
    private static func run(_ gdb: String, writingTo log: String) -> Bool {
        allowAnyTracer()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = [gdb, "-batch", "-nx", "-p", "\(getpid())",
                         "-ex", "set pagination off", "-ex", "info threads", "-ex", "thread apply all bt"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, gdb, &actions, nil, &argv, environ) == 0 else { return false }
        var status: Int32 = 0
        for _ in 0..<1200 {
            if waitpid(pid, &status, WNOHANG) == pid { return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0 }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return false
    }

    /// Under Yama's ptrace_scope=1 only ancestors may attach: let our child do it.
    private static func allowAnyTracer() {
        typealias Prctl = @convention(c) (Int32, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        _ = prctl(0x5961_6d61 /* PR_SET_PTRACER */, UInt.max /* PR_SET_PTRACER_ANY */)
    }
}
