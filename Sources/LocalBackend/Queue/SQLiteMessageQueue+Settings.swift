import Foundation
package import WorkerCore

extension SQLiteMessageQueue {
    /// Opens the local queue the configuration names, creating its folder when needed.
    package init(settings: QueueSettings) throws {
        let folder = URL(fileURLWithPath: settings.localPath).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try self.init(path: settings.localPath, maxReceiveCount: settings.localMaxReceives)
    }
}
