import Testing
import WorkerCore

@Suite("Output keys come from the template")
struct KeyTemplateTests {
    @Test(
        "placeholders expand from the source key and rendition",
        arguments: [
            ("{key}.{ext}", "photos/2024/cat.jpg", "photos/2024/cat.jpg.jpeg"),
            ("{dir}/{stem}-{name}.{ext}", "photos/2024/cat.jpg", "photos/2024/cat-small.jpeg"),
            ("{dir}/{stem}-{name}.{ext}", "cat.jpg", "cat-small.jpeg"),
            ("thumbs/{dir}/{stem}_{width}x{height}.{ext}", "a/b.c.png", "thumbs/a/b.c_150x100.jpeg"),
            ("{stem}.{ext}", ".hidden", ".hidden.jpeg"),
            ("{dir}/{stem}-{name}.{ext}", "my photo é ü+1.jpg", "my photo é ü+1-small.jpeg"),
        ])
    func expansion(_ pattern: String, _ key: String, _ expected: String) throws {
        let template = try KeyTemplate(pattern)
        #expect(
            template.expand(sourceKey: key, rendition: "small", width: 150, height: 100, fileExtension: "jpeg")
                == expected)
    }

    @Test(
        "unknown placeholders and unbalanced braces are refused",
        arguments: [
            ("{stem}-{size}.{ext}", "unknown placeholder {size}"),
            ("{stem.{ext}", "unbalanced brace"),
            ("{stem}}.{ext}", "unbalanced brace"),
            ("", "empty"),
        ])
    func invalid(_ pattern: String, _ fragment: String) {
        #expect {
            _ = try KeyTemplate(pattern)
        } throws: { error in
            (error as? ConfigurationError)?.problems.joined().contains(fragment) == true
        }
    }
}
