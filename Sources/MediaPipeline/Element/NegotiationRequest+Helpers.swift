public import MediaCore

extension NegotiationRequest {
    /// The caps filters on `pad` (empty when unconstrained).
    public func filters(_ pad: String = "src") -> [Caps] { constraints[pad] ?? [] }

    /// The one input's format, for single-input elements.
    public var input: StreamFormat? { inputs.values.first }

    /// An integer a filter on `pad` fixes, if any.
    public func int(_ field: String, on pad: String = "src") -> Int? {
        for c in filters(pad) { if case .int(let v)? = c[field] { return v } }
        return nil
    }
    public func fraction(_ field: String, on pad: String = "src") -> Rational? {
        for c in filters(pad) {
            switch c[field] {
            case .fraction(let n, let d)?: return Rational(Int64(n), Int64(d))
            case .int(let n)?: return Rational(Int64(n), 1)
            default: continue
            }
        }
        return nil
    }
    public func string(_ field: String, on pad: String = "src") -> String? {
        for c in filters(pad) { if case .string(let v)? = c[field] { return v } }
        return nil
    }
}

extension NegotiationRequest {
    /// The pixel format caps on `pad` ask for, by any of its names; nil when they fix none.
    /// - Throws: `notNegotiated` naming the formats this host has, when the caps name another.
    public func pixelFormat(on pad: String = "src") throws(PipelineError) -> PixelFormat? {
        guard let name = string("format", on: pad) else { return nil }
        guard let f = PixelFormat(settingName: name) else {
            throw .notNegotiated("caps on \(pad) ask for pixel format '\(name)', which is not one of \(PixelFormat.wordList)", pad: pad)
        }
        return f
    }

    /// The sample format caps on `pad` ask for, by any of its names; nil when they fix none.
    public func sampleFormat(on pad: String = "src") throws(PipelineError) -> SampleFormat? {
        guard let name = string("format", on: pad) else { return nil }
        guard let f = SampleFormat(settingName: name) else {
            throw .notNegotiated("caps on \(pad) ask for sample format '\(name)', which is not one of \(SampleFormat.wordList)", pad: pad)
        }
        return f
    }

    /// The input's format, or a `notNegotiated` error saying what `element` takes instead.
    func input(_ takes: String) throws(PipelineError) -> StreamFormat {
        guard let input else { throw .notNegotiated("no input format; it takes \(takes)", pad: "sink") }
        return input
    }
}

extension PipelineError {
    static func notNegotiated(_ message: String, pad: String? = nil) -> PipelineError {
        PipelineError(.notNegotiated, message, pad: pad)
    }
}

/// Wraps media-library calls so their errors become pipeline errors with the element's name filled in by the runtime.
@inline(__always)
func media<T>(_ body: () throws(MediaError) -> T) throws(PipelineError) -> T {
    do { return try body() } catch { throw PipelineError(error) }
}
