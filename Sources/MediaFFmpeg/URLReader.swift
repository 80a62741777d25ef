internal import CFFmpeg
public import MediaCore

/// Reads the bytes behind any URL FFmpeg's protocols open (file, http(s),
/// tcp, udp, srt, rtmp...), in order. Not thread-safe.
public final class URLReader {
    public let url: String
    private var context: UnsafeMutablePointer<AVIOContext>?

    /// - Throws: `notFound` when nothing answers at the URL, `unsupported`
    ///   for an unknown protocol, `io` otherwise.
    public init(url: String, options: [String: String] = [:]) throws(MediaError) {
        _ = LibavSetup.once
        self.url = url
        var dict = makeDictionary(options)
        defer { av_dict_free(&dict) }
        let ret = avio_open2(&context, url, AVIO_FLAG_READ, nil, &dict)
        guard ret >= 0 else { throw .libav(ret, operation: "open URL", file: url) }
    }

    deinit { avio_closep(&context) }

    /// Up to `maxCount` bytes (fewer when that is what has arrived); nil at the end.
    public func read(maxCount: Int = 65_536) throws(MediaError) -> [UInt8]? {
        guard let context else { return nil }
        var buffer = [UInt8](repeating: 0, count: maxCount)
        let n = buffer.withUnsafeMutableBufferPointer { avio_read_partial(context, $0.baseAddress, Int32(maxCount)) }
        if n == wm_averror_eof() || n == 0 && avio_feof(context) != 0 { return nil }
        guard n >= 0 else { throw .libav(n, operation: "read URL", file: url) }
        return Array(buffer.prefix(Int(n)))
    }
}
