/// Lowering of export results into the export return area
/// (docs/guest-abi.md, sections 4 and 5). For the world modules.
package enum ExportResult {
    /// Stores a `result<_, string>` (case at 0, message at 4) and returns
    /// the area; the message is freed by `free`.
    package static func lower(_ error: GuestError?) -> UnsafeMutableRawPointer {
        let area = CanonicalABI.exportReturnArea
        if let error {
            let (pointer, count) = CanonicalABI.copy(error.message)
            CanonicalABI.store(UInt8(1), area, 0)
            CanonicalABI.storePair(pointer, count, area, 4)
        } else {
            CanonicalABI.store(UInt8(0), area, 0)
        }
        return area
    }

    /// Frees what `lower(_:)` allocated for the result at `area`.
    package static func free(_ area: UnsafeMutableRawPointer) {
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { CanonicalABI.freePair(area, 4) }
    }

    /// Stores a list (pointer, count) and returns the area.
    package static func lowerList(_ list: UnsafeMutableRawPointer, _ count: Int) -> UnsafeMutableRawPointer {
        let area = CanonicalABI.exportReturnArea
        CanonicalABI.storePair(list, count, area, 0)
        return area
    }
}
