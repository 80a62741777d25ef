import ArgumentParser
import Foundation
import MediaWasm

/// `wasi-media guest run|build`: run a media-app guest, or build a guest package.
struct Guest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a media-app guest, call a filter guest on one input, or build a guest package.",
        subcommands: [GuestRun.self, GuestBuild.self, GuestCall.self])
}
