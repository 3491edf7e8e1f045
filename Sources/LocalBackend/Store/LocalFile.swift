import CoreFoundation  // On Linux the fields of `stat` are declared through this module.
import Glibc

/// The few file calls the local store makes per object, straight to the system: one `stat` for a look, one open for
/// a read, and for a write a temporary file beside the target that is synced and renamed over it.
///
/// Foundation's `FileManager` and `Data.write(options: .atomic)` cost several times the calls (every path resolved
/// from the working folder again, owner and group names read from `/etc/passwd` and `/etc/group` for each look, the
/// folders created on every write), which a worker on the local backend paid for each upload.
enum LocalFile {
    /// What a path names.
    enum Kind: Equatable {
        /// A regular file (or a link to one).
        case regular
        /// A folder.
        case folder
        /// Anything else: a device, a socket, a pipe.
        case other
    }

    /// What one `stat` tells about a path.
    struct Status {
        /// What the path names.
        var kind: Kind
        /// The size in bytes.
        var size: Int
        /// The last change of its contents, in seconds since 1970.
        var modified: Double
    }

    /// A failed call: the path and what the system said.
    struct Failure: Error {
        /// The path the call was about.
        var path: String
        /// The system's error number.
        var code: Int32
        /// The file's size, when `EFBIG` refused it for being larger than the reader's limit.
        var size: Int? = nil
        /// The system's words for `code`.
        var reason: String { String(cString: strerror(code)) }
        /// Whether the path, or a folder on it, does not exist.
        var isMissing: Bool { code == ENOENT || code == ENOTDIR }
    }

    /// The status of `path` (links followed), or nil when there is nothing there.
    static func status(_ path: String) -> Status? {
        var info = Glibc.stat()
        guard stat(path, &info) == 0 else { return nil }
        return Status(info)
    }

    /// The whole file, read through one descriptor; a file over `maxBytes` is refused with `EFBIG` before reading, a
    /// folder or a device with `EISDIR`.
    static func read(_ path: String, maxBytes: Int = .max) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path: path, code: errno) }
        defer { close(descriptor) }
        var info = Glibc.stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure(path: path, code: errno) }
        let status = Status(info)
        guard status.kind == .regular else { throw Failure(path: path, code: EISDIR) }
        guard status.size <= maxBytes else { throw Failure(path: path, code: EFBIG, size: status.size) }
        var bytes = [UInt8](repeating: 0, count: status.size)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure(path: path, code: errno) }
            if count == 0 { break }  // It shrank while being read.
            filled += count
        }
        return filled == bytes.count ? bytes : Array(bytes[..<filled])
    }

    /// Replaces `path` with `bytes` so that a reader sees the old file or the whole new one, never a part, and the new
    /// one is on disk before this returns; the folders on the path are created when they are missing.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(Failure) {
        let folder = parentFolder(of: path)
        let temporary = "\(folder)/.\(baseName(of: path)).\(UInt64.random(in: 0...UInt64.max))\(temporarySuffix)"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 && errno == ENOENT {
            try makeFolders(folder)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw Failure(path: path, code: errno) }
        do throws(Failure) {
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw Failure(path: path, code: errno) }
            guard close(descriptor) == 0 else {
                descriptor = -1
                throw Failure(path: path, code: errno)
            }
            descriptor = -1
            guard rename(temporary, path) == 0 else { throw Failure(path: path, code: errno) }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
    }

    /// Whether `path` names one of the temporary files `writeAtomically` writes before its rename (or leaves behind
    /// when the process dies mid-write): a hidden name ending in `.partial`.
    static func isTemporary(_ path: String) -> Bool {
        baseName(of: path).hasPrefix(".") && path.hasSuffix(temporarySuffix)
    }

    /// The end of a temporary file's name.
    private static let temporarySuffix = ".partial"

    /// Creates `folder` and the folders above it that are missing.
    private static func makeFolders(_ folder: String) throws(Failure) {
        if mkdir(folder, 0o755) == 0 { return }
        switch errno {
        case EEXIST:
            guard status(folder)?.kind == .folder else { throw Failure(path: folder, code: ENOTDIR) }
        case ENOENT where folder.contains("/"):
            try makeFolders(parentFolder(of: folder))
            guard mkdir(folder, 0o755) == 0 || errno == EEXIST else { throw Failure(path: folder, code: errno) }
        default:
            throw Failure(path: folder, code: errno)
        }
    }

    /// Writes every byte, going on after short writes and interruptions.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(path: path, code: count < 0 ? errno : EIO) }
            written += count
        }
    }

    /// The folder part of `path` ("." for a bare name, "/" for a name at the root).
    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The name after the last slash.
    private static func baseName(of path: String) -> Substring {
        path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? Substring(path)
    }
}

extension LocalFile.Status {
    /// The status from a `stat` record.
    fileprivate init(_ info: Glibc.stat) {
        let type = info.st_mode & S_IFMT
        kind = type == S_IFREG ? .regular : type == S_IFDIR ? .folder : .other
        size = Int(info.st_size)
        modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}
