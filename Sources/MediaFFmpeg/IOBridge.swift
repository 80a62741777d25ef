internal import CFFmpeg

/// A custom `AVIOContext` whose reads, writes and seeks go to Swift closures.
///
/// The closures run on whichever thread drives the format context that owns
/// this bridge. Read returns bytes read or a negative AVERROR (EOF included);
/// write returns 0 or a negative AVERROR; seek follows `AVIOContext.seek`
/// (`AVSEEK_SIZE` asks for the total size, -1 when unknown).
final class IOBridge {
    typealias Read = (UnsafeMutablePointer<UInt8>, Int) -> Int32
    typealias Write = (UnsafePointer<UInt8>, Int) -> Int32
    typealias Seek = (Int64, Int32) -> Int64

    let read: Read?
    let write: Write?
    let seek: Seek?
    private(set) var context: UnsafeMutablePointer<AVIOContext>?

    init(bufferSize: Int = 64 * 1024, read: Read? = nil, write: Write? = nil, seek: Seek? = nil) throws(MediaError) {
        self.read = read
        self.write = write
        self.seek = seek
        guard let buffer = av_malloc(bufferSize) else {
            throw MediaError(.failed, operation: "create I/O context", message: "out of memory")
        }
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        context = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), Int32(bufferSize), write == nil ? 0 : 1, opaque,
            read == nil ? nil : { opaque, buf, size in
                let bridge = Unmanaged<IOBridge>.fromOpaque(opaque!).takeUnretainedValue()
                return bridge.read!(buf!, Int(size))
            },
            write == nil ? nil : { opaque, buf, size in
                let bridge = Unmanaged<IOBridge>.fromOpaque(opaque!).takeUnretainedValue()
                return bridge.write!(buf!, Int(size))
            },
            seek == nil ? nil : { opaque, offset, whence in
                let bridge = Unmanaged<IOBridge>.fromOpaque(opaque!).takeUnretainedValue()
                return bridge.seek!(offset, whence)
            })
        guard context != nil else {
            var b: UnsafeMutableRawPointer? = buffer
            av_freep(&b)
            throw MediaError(.failed, operation: "create I/O context", message: "out of memory")
        }
        if seek == nil { context!.pointee.seekable = 0 }
    }

    deinit {
        if let context {
            av_freep(&context.pointee.buffer)
        }
        avio_context_free(&context)
    }
}

internal import MediaCore
