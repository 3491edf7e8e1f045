import Foundation
import Imaging

extension ConfigKey {
    /// Every single-valued key, section by section, in the order worker.conf documents them.
    package static let table: [ConfigKey] = [
        ConfigKey(
            section: "output", name: "key_template",
            read: { mapping, reader, configuration in
                guard let pattern = mapping.string("key_template", reader) else { return }
                do throws(ConfigurationError) {
                    configuration.keyTemplate = try KeyTemplate(pattern)
                } catch {
                    reader.problems.append(contentsOf: error.problems.map { "output.key_template: \($0)" })
                }
            },
            effective: { "\"\($0.keyTemplate.pattern)\"" }),
        .optionalText("output", "cache_control", \.cacheControl),

        .integer("limits", "max_input_bytes", in: 1...Int(Int32.max) * 4, \.imaging.limits.maxInputBytes),
        .integer("limits", "max_pixels", in: 1...1_000_000_000, \.imaging.limits.maxPixels),
        .integer("limits", "max_frames", in: 1...100_000, \.imaging.limits.maxFrames),
        ConfigKey(
            section: "limits", name: "allowed_formats",
            read: { mapping, reader, configuration in
                guard let names = mapping.list("allowed_formats", reader) else { return }
                var formats: Set<ImageFormat> = []
                for name in names {
                    if let format = ImageFormat(rawValue: name.lowercased()) {
                        formats.insert(format)
                    } else {
                        let known = ImageFormat.allCases.map(\.rawValue).joined(separator: ", ")
                        reader.problems.append("limits.allowed_formats: '\(name)' is not one of \(known)")
                    }
                }
                configuration.imaging.limits.allowedFormats = formats
            },
            effective: { "[\($0.imaging.limits.allowedFormats.map(\.rawValue).sorted().joined(separator: ", "))]" }),

        ConfigKey(
            section: "imaging", name: "background",
            read: { mapping, reader, configuration in
                guard let text = mapping.string("background", reader) else { return }
                if let colour = RGBColor(hex: text) {
                    configuration.imaging.background = colour
                } else {
                    reader.problems.append("imaging.background: '\(text)' is not a colour like '#ffffff'")
                }
            },
            effective: { "\"\($0.imaging.background.hex)\"" }),
        .flag("imaging", "placeholder", \.imaging.placeholder),
        .choice("imaging", "jpeg_decoder", \.imaging.jpegDecoder),
        .integer("imaging", "concurrency", in: 0...1024, \.concurrency),
        .integer("imaging", "processes", in: 0...1024, \.processes),
        .flag("imaging", "pin_processes", \.pinProcesses),
        .megabytes("imaging", "memory_budget_mb", in: 0...1_048_576, \.memoryBudgetBytes),
        .integer("imaging.quality", "jpeg", in: 1...100, \.imaging.quality.jpeg),
        .integer("imaging.quality", "webp", in: 1...100, \.imaging.quality.webp),
        .integer("imaging.quality", "avif", in: 1...100, \.imaging.quality.avif),

        ConfigKey(
            section: "queue", name: "url",
            read: { mapping, reader, configuration in
                guard let text = mapping.string("url", reader) else { return }
                if text.isEmpty {
                    configuration.queue.url = nil
                } else if let components = URLComponents(string: text), ["http", "https"].contains(components.scheme),
                    components.host?.isEmpty == false,
                    components.path.split(separator: "/").count == 2
                {
                    configuration.queue.url = text
                } else {
                    reader.problems.append(
                        "queue.url: '\(text)' is not an SQS queue URL; write https://sqs.REGION.amazonaws.com/ACCOUNT/NAME "
                            + "(with a custom endpoint: http(s)://HOST[:PORT]/ACCOUNT/NAME), or \"\" for the local queue"
                    )
                }
            },
            effective: { "\"\($0.queue.url ?? "")\"" }),
        .text("queue", "local_path", \.queue.localPath),
        .integer("queue", "local_max_receives", in: 1...1000, \.queue.localMaxReceives),
        .integer("queue", "batch_size", in: 1...10, \.queue.consumer.batchSize),
        .integer("queue", "max_in_flight", in: 0...1000, \.queue.consumer.maxInFlight),
        .seconds("queue", "wait_seconds", in: 0...20, \.queue.consumer.wait),
        .seconds("queue", "visibility_timeout_seconds", in: 10...43_200, \.queue.consumer.visibilityTimeout),
        .seconds("queue", "drain_timeout_seconds", in: 1...43_200, \.queue.consumer.drainTimeout),
        .seconds("queue", "retry_base_seconds", in: 1...43_200, \.queue.consumer.retryBaseDelay),
        .seconds("queue", "retry_max_seconds", in: 1...43_200, \.queue.consumer.retryMaxDelay),
        .choice("queue", "on_permanent_failure", \.queue.consumer.permanentFailures),

        ConfigKey(
            section: "source", name: "buckets",
            read: { mapping, reader, configuration in
                if let buckets = mapping.list("buckets", reader) { configuration.storage.sourceBuckets = buckets }
            },
            effective: { "[\($0.storage.sourceBuckets.joined(separator: ", "))]" }),
        .text("destination", "bucket", \.storage.destinationBucket, nonEmpty: "give the thumbnail bucket"),
        .text("destination", "prefix", \.storage.destinationPrefix),
        .flag("destination", "reuse_current", \.storage.reuseCurrentOutputs),
        .flag("destination", "delete_on_remove", \.storage.deleteOnRemove),
        .integer("destination", "presign_seconds", in: 0...604_800, \.storage.presignSeconds),
        .text("local", "root", \.storage.localRoot),

        .optionalText("aws", "region", \.aws.region),
        .optionalText("aws", "endpoint_url", \.aws.endpointURL),
        ConfigKey(
            section: "aws", name: "path_style",
            read: { mapping, reader, configuration in
                switch mapping.string("path_style", reader) {
                case nil: break
                case "auto": configuration.aws.pathStyle = nil
                case "true", "yes": configuration.aws.pathStyle = true
                case "false", "no": configuration.aws.pathStyle = false
                case let style?: reader.problems.append("aws.path_style: '\(style)' is not auto, true or false")
                }
            },
            effective: { $0.aws.pathStyle.map { "\($0)" } ?? "auto" }),

        .choice("logging", "format", \.observability.logFormat),
        .choice("logging", "level", \.observability.logLevel),
        .integer("metrics", "port", in: 0...65_535, \.observability.metricsPort),
        .text(
            "metrics", "host", \.observability.metricsHost,
            nonEmpty: "give an address to listen on (127.0.0.1, 0.0.0.0, ::)"),

        .text("serve", "host", \.serve.host, nonEmpty: "give an address to listen on (127.0.0.1, 0.0.0.0, ::)"),
        .integer("serve", "port", in: 1...65_535, \.serve.port),
        ConfigKey(
            section: "serve", name: "cors_origins",
            read: { mapping, reader, configuration in
                if let origins = mapping.list("cors_origins", reader) { configuration.serve.corsOrigins = origins }
            },
            effective: { "[\($0.serve.corsOrigins.joined(separator: ", "))]" }),
        .integer("serve", "upload_url_seconds", in: 60...604_800, \.serve.uploadURLSeconds),
        .choice("serve", "auth", \.serve.auth),
        .secret("serve", "jwt_secret", \.serve.jwtSecret),
        .optionalText("serve", "jwks", \.serve.jwks),
        .optionalText("serve", "jwt_issuer", \.serve.jwtIssuer),
        .optionalText("serve", "jwt_audience", \.serve.jwtAudience),
        .flag("serve", "worker", \.serve.runsWorker),
        .secret("serve", "webhook_secret", \.serve.webhookSecret),
        .optionalText("serve", "groups_table", \.serve.groupsTable),
        .optionalText("serve", "images_table", \.serve.imagesTable),
    ]
}
