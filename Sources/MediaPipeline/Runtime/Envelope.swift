public import MediaCore

/// What travels through an element's inbox: items, and the events that
/// travel in band with them (formats, end of stream, a seek's flush and segment).
enum Envelope: Sendable {
    /// A pad's format; `file` when the element upstream offers its file for pull mode.
    case format(pad: String, StreamFormat, file: String?)
    case item(pad: String, MediaItem)
    case endOfStream(pad: String)
    /// A flushing seek: what was queued before is gone; elements drop what they hold.
    case flush(pad: String, SeekRequest)
    /// What follows starts at the seek's target.
    case segment(pad: String, SeekRequest)

    /// Items may be dropped (a leaky queue, a flush); events never are.
    var isItem: Bool { if case .item = self { true } else { false } }

    var measure: InboxMeasure {
        guard case .item(_, let item) = self else { return InboxMeasure(bytes: 0) }
        let bytes: Int
        switch item {
        case .video(let f): bytes = f.buffer.size
        case .audio(let a): bytes = a.buffer.size
        case .encoded(let c): bytes = c.data.count
        case .bytes(let b), .write(let b, _): bytes = b.count
        }
        return InboxMeasure(bytes: bytes, timestampUs: item.timestampUs)
    }
}
