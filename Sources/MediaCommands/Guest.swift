import ArgumentParser
import Foundation
import MediaWasm

/// `wasi-media guest run|build|call|new`: run a media-app guest, build a
/// guest package, call a filter guest on one input, or create a package.
struct Guest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a media-app guest, call a filter guest on one input, build a guest package, or create one.",
        subcommands: [GuestRun.self, GuestBuild.self, GuestCall.self, GuestNew.self])
}
