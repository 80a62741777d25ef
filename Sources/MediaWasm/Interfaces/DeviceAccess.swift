internal import MediaFFmpeg

/// The capture and playback devices a media-app guest may see and open,
/// by device id (`v4l2:/dev/video0`, as ``DeviceCatalog`` names them).
///
/// Devices that are not granted are absent from the enumerations; opening
/// one is `access-denied`. A device the machine does not have is
/// `not-found` ("no such device"), granted or not. A value; thread-safe.
public struct DeviceAccess: Sendable, Hashable {
    public private(set) var grantsAll = false
    public private(set) var ids: Set<String> = []

    /// Grants no device.
    public init() {}

    /// Every device of the machine.
    public static var all: DeviceAccess {
        var access = DeviceAccess()
        access.grantsAll = true
        return access
    }

    /// Grants the device `id`; `all` grants every device.
    public mutating func grant(_ id: String) {
        if id == "all" { grantsAll = true } else { ids.insert(id) }
    }

    func allows(_ id: String) -> Bool { grantsAll || ids.contains(id) }

    /// The device the guest asked for (nil: the first granted one of `kind`),
    /// among what the machine has.
    func open(_ id: String?, among devices: [DeviceCatalog.Device], kind: String) throws(AppABI.Failure) -> DeviceCatalog.Device {
        guard let id else {
            guard let first = devices.first(where: { allows($0.id) }) else {
                throw AppABI.Failure(.notFound, devices.isEmpty ? "no such device: this machine has no \(kind)"
                                                                : "no \(kind) was granted to the guest")
            }
            return first
        }
        guard let device = devices.first(where: { $0.id == id }) else {
            throw AppABI.Failure(.notFound, "no such device: '\(id)' (this machine has \(devices.isEmpty ? "none" : devices.map(\.id).joined(separator: ", ")))")
        }
        guard allows(id) else { throw AppABI.Failure(.accessDenied, "device '\(id)' was not granted to the guest") }
        return device
    }
}
