import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A guest's call stack at a trap, one function per frame, innermost
/// first, with Swift names demangled: made from the backtrace text the
/// engine gave (``TrapReport/backtrace``), whose function names come from
/// the module's name section.
///
/// ```text
/// guest backtrace (innermost first):
///   0: Faults.Faults.process(WasiMedia.VideoFrame) throws(WasiMedia.MediaError) -> [WasiMedia.VideoFrame]
///   1: generic specialization <Faults.Faults> of WasiMediaVideoFilter.RegisteredVideoFilter.process(WasiMedia.VideoFrame) -> [WasiMedia.VideoFrame]
///   2: wasi_media_video_processor_process
/// ```
public struct GuestBacktrace: Sendable, Hashable, CustomStringConvertible {
    /// Each frame's function name (demangled), or its offset in the module
    /// when the module has no name for it.
    public var frames: [String]

    /// The most frames shown; the rest are counted.
    public static let shownFrames = 16

    /// Reads Wasmtime's (`  0:  0x2935 - Faults.wasm!$e6Faults…`) or
    /// WasmKit's (`  0: (0x7f34…) $e6Faults…`) backtrace text; nil when it
    /// holds no frame.
    public init?(engineText: String) {
        var frames: [String] = []
        for line in engineText.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard let colon = text.firstIndex(of: ":"), Int(text[..<colon]) != nil else { continue }
            var rest = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let bang = rest.range(of: "!") {
                rest = String(rest[bang.upperBound...])            // Wasmtime: "0x2935 - Module.wasm!name"
            } else if rest.hasPrefix("("), let close = rest.firstIndex(of: ")") {
                rest = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)   // WasmKit: "(0x…) name"
            }
            frames.append(Self.demangle(rest))
        }
        guard !frames.isEmpty else { return nil }
        self.frames = frames
    }

    public var description: String {
        var lines = ["guest backtrace (innermost first):"]
        for (index, frame) in frames.prefix(Self.shownFrames).enumerated() { lines.append("  \(index): \(frame)") }
        if frames.count > Self.shownFrames { lines.append("  … \(frames.count - Self.shownFrames) more") }
        return lines.joined(separator: "\n")
    }

    /// `name` demangled when it is a Swift symbol (`$s…`, or `$e…` for
    /// Embedded Swift), else as it is.
    public static func demangle(_ name: String) -> String {
        guard name.hasPrefix("$s") || name.hasPrefix("$e") || name.hasPrefix("_$s") else { return name }
        guard let text = name.withCString({ swiftDemangle($0, strlen($0), nil, nil, 0) }) else { return name }
        defer { free(text) }
        return String(cString: text).replacingOccurrences(of: "Swift.", with: "")
    }
}

/// The Swift runtime's demangler (libswiftCore): returns a `malloc`ed
/// string, or nil when `name` is not a Swift symbol.
@_silgen_name("swift_demangle")
private func swiftDemangle(_ name: UnsafePointer<CChar>?, _ length: Int, _ output: UnsafeMutablePointer<CChar>?,
                           _ outputSize: UnsafeMutablePointer<Int>?, _ flags: UInt32) -> UnsafeMutablePointer<CChar>?
