import Foundation
import Imaging
import Logging
import TestSupport
import Testing
import WorkerCore
import Yams

@Suite("The configuration file")
struct WorkerConfigurationTests {
    @Test("the shipped worker.conf documents the defaults exactly")
    func shippedFileIsTheDefault() throws {
        let shipped = try WorkerConfiguration.load(path: Testdata.repository.appending(path: "worker.conf").path)
        let defaults = WorkerConfiguration()
        #expect(shipped.renditions == defaults.renditions)
        #expect(shipped.keyTemplate == defaults.keyTemplate)
        #expect(shipped.imaging == defaults.imaging)
        #expect(shipped.concurrency == defaults.concurrency)
        #expect(shipped.queue == defaults.queue && shipped.storage == defaults.storage && shipped.aws == defaults.aws)
        #expect(shipped.notifiers == defaults.notifiers && shipped.observability == defaults.observability)
        #expect(defaults.renditions == [RenditionSpec(name: "thumb", width: 150)])
        #expect(defaults.keyTemplate.pattern == "{key}.{ext}")
    }

    @Test("worker.conf documents every key of the key table, and holds no key the table lacks")
    func shippedFileDocumentsEveryKey() throws {
        let text = try String(contentsOf: Testdata.repository.appending(path: "worker.conf"), encoding: .utf8)
        let shipped = try #require(try Yams.load(yaml: text) as? [String: Any])
        func paths(_ mapping: [String: Any], under prefix: String) -> [String] {
            mapping.flatMap { key, value -> [String] in
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if let nested = value as? [String: Any] { return paths(nested, under: path) }
                return prefix.isEmpty ? [] : [path]
            }
        }
        #expect(Set(paths(shipped, under: "")) == Set(ConfigKey.table.map(\.path)))
        #expect(
            Set(shipped.keys) == Set(["renditions", "notifiers"] + ConfigKey.sections.filter { !$0.contains(".") }))
    }

    @Test("the effective configuration reads back to itself, with every key of the table in it")
    func effectiveCoversTheTable() throws {
        var changed = WorkerConfiguration()
        changed.queue.consumer.maxInFlight = 7
        changed.observability.logLevel = .debug
        changed.aws.pathStyle = true
        changed.notifiers = []
        let reread = try WorkerConfiguration.parse(yaml: changed.effectiveYAML, source: "effective")
        #expect(reread.effectiveYAML == changed.effectiveYAML)
        #expect(reread.queue == changed.queue && reread.observability == changed.observability)
        #expect(reread.aws == changed.aws && reread.notifiers.isEmpty)
        for key in ConfigKey.table {
            #expect(changed.effectiveYAML.contains("  \(key.name): "), "\(key.path)")
        }
    }

    @Test("the commented multi-size example in worker.conf is valid once uncommented")
    func multiSizeExample() throws {
        let text = try String(contentsOf: Testdata.repository.appending(path: "worker.conf"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "# renditions:" })
        let example = lines[start...].prefix { $0.hasPrefix("#") }.map { $0.dropFirst(2) }.joined(separator: "\n")
        let configuration = try WorkerConfiguration.parse(
            yaml: example + "\noutput:\n  key_template: \"{dir}/{stem}-{name}.{ext}\"\n", source: "example")
        #expect(configuration.renditions.map(\.name) == ["small", "medium", "large"])
        #expect(configuration.renditions[1].fit == .cover && configuration.renditions[1].format == .webp)
        #expect(configuration.renditions[1].width == 320 && configuration.renditions[1].height == 320)
    }

    @Test("every section is read")
    func fullFile() throws {
        let configuration = try WorkerConfiguration.parse(
            yaml: """
                renditions:
                  - {name: small, width: 100, format: webp, quality: 70}
                  - {name: square, size: 64x64, fit: cover, gravity: entropy}
                output:
                  key_template: "t/{stem}-{name}.{ext}"
                limits:
                  max_input_bytes: 1000
                  max_pixels: 2000
                  max_frames: 3
                  allowed_formats: [jpeg, SVG]
                imaging:
                  background: "#000"
                  placeholder: false
                  concurrency: 3
                  quality: {jpeg: 90, webp: 60, avif: 40}
                """, source: "test.conf")
        #expect(configuration.renditions.count == 2)
        #expect(configuration.renditions[1].height == 64 && configuration.renditions[1].gravity == .entropy)
        #expect(configuration.keyTemplate.pattern == "t/{stem}-{name}.{ext}")
        #expect(configuration.imaging.limits.maxInputBytes == 1000 && configuration.imaging.limits.maxPixels == 2000)
        #expect(configuration.imaging.limits.maxFrames == 3)
        #expect(configuration.imaging.limits.allowedFormats == [.jpeg, .svg])
        #expect(configuration.imaging.background == RGBColor(red: 0, green: 0, blue: 0))
        #expect(!configuration.imaging.placeholder && configuration.concurrency == 3)
        #expect(configuration.imaging.quality.jpeg == 90 && configuration.imaging.quality.avif == 40)
        #expect(
            configuration.effectiveMaxInFlight == 6, "twice the imaging concurrency unless queue.max_in_flight is set")
    }

    @Test("every problem is reported at once, with its key and line")
    func allProblemsAtOnce() {
        let found = configurationProblems(
            """
            renditions:
              - name: small
                widht: 100
              - name: big
                width: 0
            limits:
              max_pixels: lots
              allowed_formats: [jpeg, bmp]
            imagin:
              placeholder: true
            """)
        #expect(found.count == 6, "\(found)")
        #expect(found.contains { $0.contains("'small'") && $0.contains("give width, height or both") })
        #expect(found.contains { $0.contains("widht") && $0.contains("did you mean 'width'") })
        #expect(found.contains { $0.contains("width 0") })
        #expect(found.contains { $0.contains("limits.max_pixels") && $0.contains("line 7") })
        #expect(found.contains { $0.contains("'bmp'") })
        #expect(found.contains { $0.contains("imagin") && $0.contains("did you mean 'imaging'") })
    }

    @Test("the drain timeout must fit between the long-poll wait and the visibility timeout")
    func drainTimeoutBounds() {
        #expect(
            configurationProblems(
                "queue: {drain_timeout_seconds: 30, wait_seconds: 20, visibility_timeout_seconds: 60}"
            ).isEmpty)
        #expect(
            configurationProblems("queue: {drain_timeout_seconds: 60, visibility_timeout_seconds: 60}")
                .contains { $0.contains("shorter than queue.visibility_timeout_seconds") })
        #expect(
            configurationProblems("queue: {drain_timeout_seconds: 10, wait_seconds: 20}")
                .contains { $0.contains("at least queue.wait_seconds") })
    }

    @Test("renditions that would write the same key are refused")
    func collidingKeys() {
        let found = configurationProblems(
            """
            renditions:
              - {name: a, width: 100}
              - {name: b, width: 200}
            """)
        #expect(found.contains { $0.contains("same key") && $0.contains("{name}") })
        #expect(
            configurationProblems(
                "renditions:\n  - {name: a, width: 100}\n  - {name: a, width: 200}\noutput: {key_template: '{name}-{width}'}"
            )
            .contains { $0.contains("used twice") })
    }

    @Test("broken YAML and wrong shapes are explained")
    func wrongShapes() {
        #expect(configurationProblems("renditions: [").first?.contains("not valid YAML") == true)
        #expect(configurationProblems("renditions: thumb").first?.contains("expected a list") == true)
        #expect(configurationProblems("- a\n- b").first?.contains("expected a mapping") == true)
        #expect(configurationProblems("renditions: []").contains { $0.contains("at least one rendition") })
    }

    @Test("environment variables override the file, and say so when wrong")
    func environmentOverrides() throws {
        let configuration = try WorkerConfiguration.parse(
            yaml: "limits:\n  max_pixels: 1000\n", source: "test.conf",
            environment: [
                "THUMBWORKER_LIMITS_MAX_PIXELS": "2000",
                "THUMBWORKER_OUTPUT_KEY_TEMPLATE": "{stem}-{name}.{ext}",
                "THUMBWORKER_IMAGING_QUALITY_WEBP": "55",
                "THUMBWORKER_LIMITS_ALLOWED_FORMATS": "jpeg, png",
                "THUMBWORKER_RENDITIONS": "small=100;square=64x64,fit=cover",
                "THUMBWORKER_QUEUE_MAX_IN_FLIGHT": "5",
                "OTHER_VARIABLE": "ignored",
            ])
        #expect(configuration.queue.consumer.maxInFlight == 5 && configuration.effectiveMaxInFlight == 5)
        #expect(configuration.imaging.limits.maxPixels == 2000)
        #expect(configuration.keyTemplate.pattern == "{stem}-{name}.{ext}")
        #expect(configuration.imaging.quality.webp == 55)
        #expect(configuration.imaging.limits.allowedFormats == [.jpeg, .png])
        #expect(configuration.renditions.map(\.name) == ["small", "square"])
        do {
            _ = try WorkerConfiguration.parse(
                yaml: "", source: "test.conf", environment: ["THUMBWORKER_IMAGING_PLACEHOLDER": "maybe"])
            Issue.record("a bad environment value was accepted")
        } catch {
            #expect(
                error.problems == [
                    "imaging.placeholder (from THUMBWORKER_IMAGING_PLACEHOLDER): 'maybe' is not true or false"
                ])
        }
    }

    @Test("the effective configuration reads back to the same values, with the webhook secret redacted")
    func effectiveRoundTrip() throws {
        let configuration = try WorkerConfiguration.parse(
            yaml: """
                renditions:
                  - {name: small, width: 100, format: webp, quality: 70, background: "#102030"}
                  - {name: square, size: 64x64, fit: cover, gravity: entropy}
                output: {key_template: "t/{stem}-{name}.{ext}"}
                queue: {url: "https://sqs.eu-west-1.amazonaws.com/1/q", on_permanent_failure: dead-letter}
                source: {buckets: [a, b]}
                destination: {bucket: thumbs, prefix: "x/"}
                aws: {region: eu-west-1, path_style: true}
                notifiers:
                  - {type: webhook, url: "https://hooks.example.com/t", secret: "s3cr3t-value"}
                  - {type: sns, topic_arn: "arn:aws:sns:eu-west-1:1:t"}
                logging: {format: json}
                """, source: "test.conf")
        let text = configuration.effectiveYAML
        #expect(!text.contains("s3cr3t-value") && text.contains("<redacted>"))
        let reread = try WorkerConfiguration.parse(
            yaml: text.replacingOccurrences(of: "<redacted>", with: "s3cr3t-value"), source: "effective")
        #expect(reread.renditions == configuration.renditions)
        #expect(reread.keyTemplate == configuration.keyTemplate && reread.imaging == configuration.imaging)
        #expect(
            reread.queue == configuration.queue && reread.storage == configuration.storage
                && reread.aws == configuration.aws)
        #expect(reread.notifiers == configuration.notifiers && reread.observability == configuration.observability)
        #expect("\(configuration.notifiers)".contains("<redacted>") && !"\(configuration.notifiers)".contains("s3cr3t"))
    }

    @Test("a missing file says so")
    func missingFile() {
        #expect(throws: ConfigurationError.self) { try WorkerConfiguration.load(path: "/nonexistent/worker.conf") }
    }

    @Test("/dev/null is an empty configuration, like an empty file")
    func devNull() throws {
        let configuration = try WorkerConfiguration.load(path: "/dev/null")
        #expect(configuration.renditions == WorkerConfiguration().renditions)
    }
}

@Suite("Strict configuration: the environment and the queue URL")
struct StrictConfigurationTests {
    @Test("a THUMBWORKER_ variable that names no key is refused, with the key it was probably meant to be")
    func unknownVariable() {
        let found = configurationProblems(
            "",
            environment: [
                "THUMBWORKER_QUEUE_VISIBILTY_TIMEOUT_SECONDS": "30", "THUMBWORKER_NOPE": "1", "HOME": "/root",
            ])
        #expect(found.count == 2, "\(found)")
        #expect(
            found.contains {
                $0.hasPrefix("THUMBWORKER_QUEUE_VISIBILTY_TIMEOUT_SECONDS: no configuration key has this variable")
                    && $0.contains("did you mean 'THUMBWORKER_QUEUE_VISIBILITY_TIMEOUT_SECONDS'")
            }, "\(found)")
        #expect(found.contains { $0.hasPrefix("THUMBWORKER_NOPE: ") && !$0.contains("did you mean") }, "\(found)")
    }

    @Test("the variables of real keys are still read, renditions included")
    func knownVariables() throws {
        let configuration = try WorkerConfiguration.parse(
            yaml: "", source: "test",
            environment: [
                "THUMBWORKER_QUEUE_VISIBILITY_TIMEOUT_SECONDS": "300", "THUMBWORKER_RENDITIONS": "a=10;b=20",
                "THUMBWORKER_OUTPUT_KEY_TEMPLATE": "{name}/{key}.{ext}",
            ])
        #expect(configuration.queue.consumer.visibilityTimeout == .seconds(300))
        #expect(configuration.renditions.map(\.name) == ["a", "b"])
    }

    @Test(
        "queue.url must be an SQS queue URL",
        arguments: [
            "not a url at all", "sqs.eu-west-1.amazonaws.com/1/q", "ftp://sqs.example.com/1/q", "https:///1/q",
            "https://sqs.eu-west-1.amazonaws.com/123456789012", "https://sqs.eu-west-1.amazonaws.com/1/q/extra",
        ])
    func badQueueURL(_ url: String) {
        let found = configurationProblems("queue: {url: '\(url)'}")
        #expect(
            found.count == 1 && found.first?.hasPrefix("queue.url: '\(url)' is not an SQS queue URL") == true,
            "\(found)")
    }

    @Test(
        "an AWS queue URL, an emulator's, and none are accepted",
        arguments: [
            "https://sqs.eu-west-1.amazonaws.com/123456789012/uploads", "http://127.0.0.1:4566/000000000000/q", "",
        ])
    func goodQueueURL(_ url: String) throws {
        let configuration = try WorkerConfiguration.parse(yaml: "queue: {url: '\(url)'}", source: "test")
        #expect(configuration.queue.url == (url.isEmpty ? nil : url))
    }
}
