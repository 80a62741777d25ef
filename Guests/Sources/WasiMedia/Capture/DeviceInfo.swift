/// Kinds of capture devices (`device-type`).
public enum DeviceType: UInt8, Sendable {
    case camera, microphone, screen, window
    /// A virtual loopback device created by a guest.
    case virtualOutput
}

/// A capture device the user granted to this guest (`device-info`).
public struct DeviceInfo {
    public var id: String
    public var name: String
    public var type: DeviceType
}

/// What to open (`video-capture-constraints`): `deviceID` names a device of
/// any type, nil the default camera; the `ideal` values are hints.
public struct CaptureConstraints {
    public var deviceID: String?
    public var idealWidth: UInt32?
    public var idealHeight: UInt32?
    public var idealFramerate: UInt32?

    public init(deviceID: String? = nil, idealWidth: UInt32? = nil, idealHeight: UInt32? = nil,
                idealFramerate: UInt32? = nil) {
        self.deviceID = deviceID
        self.idealWidth = idealWidth
        self.idealHeight = idealHeight
        self.idealFramerate = idealFramerate
    }

    func withFlat<R>(_ body: (Int32, UnsafeMutableRawPointer?, Int, Int32, Int32, Int32, Int32, Int32, Int32) -> R) -> R {
        let w = flat(idealWidth), h = flat(idealHeight), f = flat(idealFramerate)
        return withOptionalString(deviceID) { has, pointer, count in body(has, pointer, count, w.0, w.1, h.0, h.1, f.0, f.1) }
    }
}

/// The capture devices granted to this guest.
public func enumerateDevices() -> [DeviceInfo] {
    let area = CanonicalABI.importReturnArea
    captureEnumerateDevices(area)
    let (pointer, count) = CanonicalABI.loadPair(area, 0)
    guard let pointer else { return [] }
    var devices: [DeviceInfo] = []
    for i in 0..<count {
        let p = pointer + i * 20
        devices.append(DeviceInfo(id: CanonicalABI.takeString(at: p, 0), name: CanonicalABI.takeString(at: p, 8),
                                  type: DeviceType(rawValue: CanonicalABI.load(p, 16, as: UInt8.self)) ?? .camera))
    }
    pointer.deallocate()
    return devices
}

/// Runs `body` with an `option<string>`'s three flat values, the bytes
/// valid during the call.
func withOptionalString<R>(_ string: String?, _ body: (Int32, UnsafeMutableRawPointer?, Int) -> R) -> R {
    guard let string else { return body(0, nil, 0) }
    return withUTF8(string) { body(1, $0, $1) }
}
