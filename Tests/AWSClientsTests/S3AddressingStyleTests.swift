import AWSClients
import Foundation
import Testing

/// Virtual-hosted or path-style, and how object keys are written into URLs.
struct S3AddressingStyleTests {
    /// AWS's public endpoint in eu-west-1.
    static let aws = AWSEndpoint(
        service: .s3,
        region: "eu-west-1",
        url: URL(string: "https://s3.eu-west-1.amazonaws.com")!,
        isCustom: false
    )
    /// A custom https endpoint.
    static let minio = AWSEndpoint(
        service: .s3,
        region: "us-east-1",
        url: URL(string: "https://minio.example.com")!,
        isCustom: true
    )
    /// An emulator on an IP address, not marked custom: `automatic` must pick path-style from the host alone.
    static let loopback = AWSEndpoint(
        service: .s3, region: "us-east-1", url: URL(string: "http://127.0.0.1:4566")!, isCustom: false)
    /// An emulator on localhost, not marked custom either.
    static let localhost = AWSEndpoint(
        service: .s3, region: "us-east-1", url: URL(string: "http://localhost:4566")!, isCustom: false)

    @Test("automatic: virtual-hosted on AWS, path-style on custom endpoints")
    func automatic() {
        #expect(
            S3AddressingStyle.automatic.objectURL(bucket: "photos", key: "in/a.jpg", endpoint: Self.aws).absoluteString
                == "https://photos.s3.eu-west-1.amazonaws.com/in/a.jpg"
        )
        #expect(
            S3AddressingStyle.automatic.objectURL(bucket: "photos", key: "in/a.jpg", endpoint: Self.minio)
                .absoluteString
                == "https://minio.example.com/photos/in/a.jpg"
        )
    }

    @Test("virtual-hosted on request, even on a custom endpoint")
    func virtualHostedOnRequest() {
        #expect(
            S3AddressingStyle.virtualHosted.objectURL(bucket: "photos", key: "a.jpg", endpoint: Self.minio)
                .absoluteString
                == "https://photos.minio.example.com/a.jpg"
        )
    }

    @Test("path-style on request, even on AWS")
    func pathOnRequest() {
        #expect(
            S3AddressingStyle.path.objectURL(bucket: "photos", key: "a.jpg", endpoint: Self.aws).absoluteString
                == "https://s3.eu-west-1.amazonaws.com/photos/a.jpg"
        )
    }

    @Test("a bucket URL is the bucket's root with the query: /BUCKET?… path-style, BUCKET.HOST/?… virtual-hosted")
    func bucketURL() {
        #expect(
            S3AddressingStyle.path.bucketURL(bucket: "photos", query: "list-type=2", endpoint: Self.aws).absoluteString
                == "https://s3.eu-west-1.amazonaws.com/photos?list-type=2"
        )
        #expect(
            S3AddressingStyle.automatic.bucketURL(bucket: "photos", query: "list-type=2", endpoint: Self.aws)
                .absoluteString
                == "https://photos.s3.eu-west-1.amazonaws.com/?list-type=2"
        )
    }

    @Test("IP addresses and localhost are always path-style", arguments: [loopback, localhost])
    func ipAndLocalhost(endpoint: AWSEndpoint) {
        #expect(S3AddressingStyle.virtualHosted.usesPathStyle(bucket: "photos", endpoint: endpoint))
        #expect(S3AddressingStyle.automatic.usesPathStyle(bucket: "photos", endpoint: endpoint))
    }

    @Test(
        "buckets that are not DNS labels, or have dots over https, are path-style",
        arguments: ["My_Bucket", "ab", "photos.example.com", "-photos"]
    )
    func nonHostableBuckets(bucket: String) {
        #expect(S3AddressingStyle.virtualHosted.usesPathStyle(bucket: bucket, endpoint: Self.aws))
    }

    @Test(
        "keys are percent-encoded once, slashes kept",
        arguments: [
            ("a b.jpg", "a%20b.jpg"),
            ("a+b.jpg", "a%2Bb.jpg"),
            ("ü/東京.png", "%C3%BC/%E6%9D%B1%E4%BA%AC.png"),
            ("~()!*'.jpg", "~%28%29%21%2A%27.jpg"),
            ("deep/dir//x.jpg", "deep/dir//x.jpg"),
            ("100%.jpg", "100%25.jpg"),
            ("q?a=1#f", "q%3Fa%3D1%23f"),
        ]
    )
    func keyEncoding(key: String, encoded: String) {
        #expect(
            S3AddressingStyle.path.objectURL(bucket: "b", key: key, endpoint: Self.loopback).absoluteString
                == "http://127.0.0.1:4566/b/\(encoded)"
        )
    }
}
