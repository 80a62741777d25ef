import Testing
@testable import MediaWasm
import WAT
@Test func placeholder() {}
