/// Gathers handled messages so that their deletes and visibility changes share batch calls: a batch goes out when it
/// is full, when nothing else is in flight, or when its oldest message has waited for the settle timer.
struct SettlementBatch {
    /// A handled message and what should happen to it.
    typealias Entry = (message: QueueMessage, disposition: MessageHandler.Disposition)

    /// What to do after a message was added.
    enum Next {
        /// Send these now.
        case send([Entry])
        /// Start the settle timer: the first message of a new batch is waiting.
        case startTimer
        /// Nothing: the timer already runs.
        case wait
    }

    /// The most entries one batch holds (SQS takes ten per batch call).
    let capacity: Int
    /// The entries waiting to be sent.
    private(set) var pending: [Entry] = []
    private var timerRunning = false

    /// An empty batch of at most `capacity` entries.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds a handled message; `nothingElseInFlight` sends at once, since no companion will come.
    mutating func add(_ entry: Entry, nothingElseInFlight: Bool) -> Next {
        pending.append(entry)
        if pending.count >= capacity || nothingElseInFlight {
            return .send(takeAll())
        }
        if timerRunning {
            return .wait
        }
        timerRunning = true
        return .startTimer
    }

    /// The settle timer ran out: everything waiting goes.
    mutating func timerFired() -> [Entry] {
        timerRunning = false
        return takeAll()
    }

    /// Everything waiting, leaving the batch empty.
    mutating func takeAll() -> [Entry] {
        defer { pending = [] }
        return pending
    }
}
