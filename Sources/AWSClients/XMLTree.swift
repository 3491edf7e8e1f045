import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML element with its text and children, enough to read AWS's XML answers (S3, SNS, IAM).
///
/// Namespaces are ignored: elements are matched by local name.
package struct XMLTree: Sendable, Equatable {
    /// The element's local name, such as `Code`.
    package var name: String
    /// The element's own text, entities decoded, surrounding whitespace kept.
    package var text: String
    /// The child elements, in order.
    package var children: [XMLTree]

    /// Makes an element from its parts.
    package init(name: String, text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// Parses a document into its root element; `nil` when the bytes are not well-formed XML.
    package init?(parsing bytes: [UInt8]) {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        self = root
    }

    /// The first direct child named `name`.
    package func child(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// The first element named `name`, this one or any below it, in document order.
    package func first(_ name: String) -> XMLTree? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(name) { return found }
        }
        return nil
    }
}

/// Builds the tree from the parser's callbacks; used on one thread, inside `XMLTree.init(parsing:)`.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var open: [XMLTree] = []
    var root: XMLTree?

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        open.append(XMLTree(name: elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !open.isEmpty else { return }
        open[open.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = open.popLast() else { return }
        if open.isEmpty {
            root = element
        } else {
            open[open.count - 1].children.append(element)
        }
    }
}

extension XMLTree {
    /// The trimmed text of the first element named `name`; an `invalidResponse` error when there is none.
    package func requiredText(_ name: String) throws(AWSError) -> String {
        guard let text = first(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw AWSError(.invalidResponse, "the <\(self.name)> answer has no <\(name)> value", retryable: false)
        }
        return text
    }
}
