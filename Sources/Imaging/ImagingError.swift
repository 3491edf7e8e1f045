import Foundation

/// Why an image could not be turned into thumbnails, with a message a person can act on.
///
/// Every image-content failure is permanent: the same bytes fail the same way on every retry.
package struct ImagingError: Error, Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Kind: String, Sendable, Hashable {
        case empty
        case unsupportedFormat
        case untrustedFormat
        case corrupt
        case tooLarge
        case tooManyPixels
        case tooManyFrames
        case invalidRendition
        case encodeFailed
        case libvipsUnavailable
        case poolShutDown
        case abandoned
    }

    /// The machine-readable kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let kind: Kind

        /// The input has no bytes.
        package static let empty = Code(kind: .empty)
        /// The bytes are not an image format on the allow-list.
        package static let unsupportedFormat = Code(kind: .unsupportedFormat)
        /// The format is one libvips treats as untrusted (SVG, PDF, …) and it was not allowed.
        package static let untrustedFormat = Code(kind: .untrustedFormat)
        /// The image is truncated or damaged and cannot be decoded.
        package static let corrupt = Code(kind: .corrupt)
        /// The input is larger than the byte limit.
        package static let tooLarge = Code(kind: .tooLarge)
        /// Width × height × frames exceeds the pixel limit.
        package static let tooManyPixels = Code(kind: .tooManyPixels)
        /// The animation has more frames than the frame limit.
        package static let tooManyFrames = Code(kind: .tooManyFrames)
        /// A rendition specification is invalid.
        package static let invalidRendition = Code(kind: .invalidRendition)
        /// libvips could not encode a rendition.
        package static let encodeFailed = Code(kind: .encodeFailed)
        /// libvips could not be started in this process.
        package static let libvipsUnavailable = Code(kind: .libvipsUnavailable)
        /// The job was submitted after the imaging pool was shut down, so it did not run.
        package static let poolShutDown = Code(kind: .poolShutDown)
        /// The awaiting task was cancelled, so the job's outcome was not waited for (a running decode is abandoned).
        package static let abandoned = Code(kind: .abandoned)

        /// The code as written in logs and notifications, e.g. `tooManyPixels`.
        package var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    package let code: Code
    /// What went wrong and what to do about it.
    package let message: String
    /// libvips' own words, when the failure came from libvips.
    package let libvipsMessage: String?
    /// Whether another thread was in libvips while the failing call ran, so `libvipsMessage` may hold its words too
    /// (libvips' error buffer is process-global); `LibVips.isolatingFailures` then runs the work again alone.
    let libvipsMessageIsShared: Bool

    /// Creates an error with a code, a message and libvips' own explanation if there is one.
    package init(_ code: Code, _ message: String, libvipsMessage: String? = nil) {
        self.init(code, message, libvipsMessage: libvipsMessage, libvipsMessageIsShared: false)
    }

    /// Creates an error from a failed libvips call, saying whether its libvips text may be shared with another call.
    init(_ code: Code, _ message: String, libvipsMessage: String?, libvipsMessageIsShared: Bool) {
        self.code = code
        self.message = message
        self.libvipsMessage = libvipsMessage.flatMap(Self.oneLine)
        self.libvipsMessageIsShared = libvipsMessageIsShared
    }

    /// libvips' text on one line: its lines (a message may wrap; some repeat; some are only a code such as
    /// libheif's `(2.100)`) joined with spaces, each once; nil when there is none.
    static func oneLine(_ text: String) -> String? {
        var lines: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty && !lines.contains(trimmed) { lines.append(trimmed) }
        }
        return lines.isEmpty ? nil : lines.joined(separator: " ")
    }

    /// Whether trying again may succeed: only for a job the pool refused because it was shut down, or one whose
    /// caller stopped waiting. Every other failure comes from the bytes or the settings, and retrying them fails the
    /// same way.
    package var isRetryable: Bool { code == .poolShutDown || code == .abandoned }

    /// `code: message (libvips: …)`.
    package var description: String {
        if let libvipsMessage {
            return "\(code): \(message) (libvips: \(libvipsMessage))"
        }
        return "\(code): \(message)"
    }
}
