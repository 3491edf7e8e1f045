import Foundation

extension S3EventParser {
    /// Reads `2024-05-01T12:34:56.789Z`, with or without the `Z` and the fraction, as a UTC time; nil otherwise.
    ///
    /// The date is built from the decimal text itself so `…56.789Z` is exactly `Date(timeIntervalSince1970: 1714566896.789)`.
    static func parseEventTime(_ text: String) -> Date? {
        var rest = Substring(text)
        if rest.hasSuffix("Z") { rest = rest.dropLast() }
        var fraction = "0"
        if let dot = rest.firstIndex(of: ".") {
            fraction = String(rest[rest.index(after: dot)...])
            rest = rest[..<dot]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        let characters = Array(rest)
        guard characters.count == 19,
            characters[4] == "-", characters[7] == "-", characters[10] == "T", characters[13] == ":",
            characters[16] == ":",
            let year = number(characters[0..<4]), let month = number(characters[5..<7]),
            let day = number(characters[8..<10]),
            let hour = number(characters[11..<13]), let minute = number(characters[14..<16]),
            let second = number(characters[17..<19]),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let whole = utc.date(from: components) else { return nil }
        return Double("\(Int(whole.timeIntervalSince1970)).\(fraction)").map { Date(timeIntervalSince1970: $0) }
    }

    /// The Gregorian calendar in UTC, which S3 event times are written in.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// The value of a run of ASCII digits.
    private static func number(_ digits: ArraySlice<Character>) -> Int? {
        guard digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(String(digits))
    }

    /// The number of days in a month of the Gregorian calendar.
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0–9.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
