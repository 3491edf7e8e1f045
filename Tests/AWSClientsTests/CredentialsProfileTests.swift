import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// The shared-file parser, `ProfileCredentialProvider` and the profile region, on temporary files only.
struct CredentialsProfileTests {
    /// An environment whose home and files are in `directory`.
    private func environment(_ directory: URL, _ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": directory.path].merging(extra) { $1 }
    }

    @Test("comments, blank lines, whitespace and setting-name case are handled as the AWS CLI does")
    func parsing() throws {
        let text = """
            # a comment
            ; another comment
              [default]   ; a comment after the header
              AWS_Access_Key_ID=AKIADEFAULT
            aws_secret_access_key   =   secret value with spaces   # an inline comment
            region = eu-west-1;not-a-comment
            empty =

            [profile  spaced   name]
            s3 =
              max_concurrent_requests = 20
            region = us-east-2
            """
        let file = try ProfileFile(parsing: text, path: "config", kind: .config)
        let profile = try #require(file.profile("default"))
        #expect(profile["aws_access_key_id"] == "AKIADEFAULT")
        #expect(profile["aws_secret_access_key"] == "secret value with spaces")
        #expect(profile["region"] == "eu-west-1;not-a-comment")
        #expect(profile["empty"] == "")
        let spaced = try #require(file.profile("spaced name"))
        #expect(spaced["s3"] == "\nmax_concurrent_requests = 20")
        #expect(spaced["region"] == "us-east-2")
        #expect(spaced["max_concurrent_requests"] == nil)
    }

    @Test("settings indented alike are separate settings, not continuations")
    func uniformIndentation() throws {
        let text = "[default]\n  aws_access_key_id = AKIA\n  aws_secret_access_key = SECRET\r\n"
        let profile = try #require(
            try ProfileFile(parsing: text, path: "credentials", kind: .credentials).profile("default"))
        #expect(profile == ["aws_access_key_id": "AKIA", "aws_secret_access_key": "SECRET"])
    }

    @Test("config names profiles [profile NAME], with [profile default] over [default]; credentials names them [NAME]")
    func sectionNaming() throws {
        let config = try ProfileFile(
            parsing:
                "[default]\nregion = a\n[profile default]\nregion = b\n[work]\nregion = c\n[profile work]\nregion = d\n",
            path: "config", kind: .config)
        #expect(config.profile("default")?["region"] == "b")
        #expect(config.profile("work")?["region"] == "d")
        let credentials = try ProfileFile(
            parsing: "[work]\nregion = c\n[profile work]\nregion = d\n", path: "c", kind: .credentials)
        #expect(credentials.profile("work")?["region"] == "c")
        #expect(credentials.profile("Work") == nil)
    }

    @Test("a repeated section adds to the first and later values win")
    func repeatedSection() throws {
        let file = try ProfileFile(parsing: "[a]\nx = 1\ny = 2\n[b]\n[a]\ny = 3\n", path: "c", kind: .credentials)
        #expect(file.profile("a") == ["x": "1", "y": "3"])
    }

    @Test(
        "syntax errors name the file and line but never quote the line",
        arguments: [
            (
                "aws_secret_access_key = \(TestSecrets.secretAccessKey)\n",
                "credentials line 1: a setting comes before any [section] header"
            ),
            ("[default]\n\(TestSecrets.secretAccessKey)\n", "credentials line 2: expected `name = value`"),
            ("[default\n", "credentials line 1: a section header has no closing ]"),
            ("[default] \(TestSecrets.secretAccessKey)\n", "credentials line 1: text follows a section header's ]"),
            ("[default]\n= \(TestSecrets.secretAccessKey)\n", "credentials line 2: a setting has no name before ="),
        ])
    func syntaxErrors(text: String, message: String) {
        let error = #expect(throws: AWSError.self) {
            try ProfileFile(parsing: text, path: "credentials", kind: .credentials)
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message == message)
    }

    @Test("the default profile comes from ~/.aws/credentials, session token included")
    func defaultProfile() async throws {
        try await TemporaryFolder.with { home in
            try write(
                """
                [default]
                aws_access_key_id = ASIAPROFILE
                aws_secret_access_key = \(TestSecrets.secretAccessKey)
                aws_session_token = \(TestSecrets.sessionToken)
                """, to: ".aws/credentials", in: home)
            let provider = ProfileCredentialProvider(environment: environment(home))
            let credentials = try await provider.credentials()
            #expect(provider.profile == "default")
            #expect(credentials.accessKeyID == "ASIAPROFILE")
            #expect(credentials.secretAccessKey == TestSecrets.secretAccessKey)
            #expect(credentials.sessionToken == TestSecrets.sessionToken)
        }
    }

    @Test("AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE choose the profile and the files")
    func overrides() async throws {
        try await TemporaryFolder.with { directory in
            let credentialsPath = try write(
                "[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = x\n[media]\naws_access_key_id = AKIAMEDIA\n",
                to: "elsewhere/creds.ini", in: directory)
            let configPath = try write(
                "[profile media]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = \(TestSecrets.secretAccessKey)\n"
                    + "region = ap-southeast-2\n",
                to: "elsewhere/config.ini", in: directory)
            let environment = environment(
                directory,
                ["AWS_PROFILE": "media", "AWS_SHARED_CREDENTIALS_FILE": credentialsPath, "AWS_CONFIG_FILE": configPath])
            let credentials = try await ProfileCredentialProvider(environment: environment).credentials()
            #expect(credentials.accessKeyID == "AKIAMEDIA", "the credentials file wins over the config file")
            #expect(credentials.secretAccessKey == TestSecrets.secretAccessKey, "settings merge across both files")
            #expect(credentials.sessionToken == nil)
            #expect(try SharedProfileFiles(environment: environment).region() == "ap-southeast-2")
        }
    }

    @Test("a path starting with ~ is under HOME")
    func tildePaths() throws {
        let files = SharedProfileFiles(environment: ["HOME": "/home/worker", "AWS_CONFIG_FILE": "~/conf/aws"])
        #expect(files.configPath == "/home/worker/conf/aws")
        #expect(files.credentialsPath == "/home/worker/.aws/credentials")
    }

    @Test("the region is read from the config file's profile section, and is nil when absent")
    func region() async throws {
        try await TemporaryFolder.with { home in
            #expect(try SharedProfileFiles(environment: environment(home)).region() == nil)
            try write(
                "[default]\nregion = eu-central-1\n[profile other]\nregion = us-west-2\n", to: ".aws/config", in: home)
            try write("[default]\nregion = ignored-in-credentials\n", to: ".aws/credentials", in: home)
            #expect(try SharedProfileFiles(environment: environment(home)).region() == "eu-central-1")
            #expect(
                try SharedProfileFiles(environment: environment(home, ["AWS_PROFILE": "other"])).region() == "us-west-2"
            )
            #expect(try SharedProfileFiles(environment: environment(home, ["AWS_PROFILE": "none"])).region() == nil)
        }
    }

    @Test("missing files are named in the error")
    func missingFiles() async throws {
        try await TemporaryFolder.with { home in
            let error = await #expect(throws: AWSError.self) {
                try await ProfileCredentialProvider(environment: environment(home)).credentials()
            }
            #expect(error?.code == .credentialsUnavailable)
            #expect(error?.message == "\(home.path)/.aws/credentials not found, \(home.path)/.aws/config not found")
        }
    }

    @Test("a missing profile names the sections looked for")
    func missingProfile() async throws {
        try await TemporaryFolder.with { home in
            try write("[default]\nregion = eu-west-1\n", to: ".aws/config", in: home)
            try write("[default]\naws_access_key_id = A\n", to: ".aws/credentials", in: home)
            let error = await #expect(throws: AWSError.self) {
                try await ProfileCredentialProvider(environment: environment(home, ["AWS_PROFILE": "media"]))
                    .credentials()
            }
            #expect(
                error?.message
                    == "no [profile media] in \(home.path)/.aws/config or [media] in \(home.path)/.aws/credentials")
        }
    }

    @Test(
        "incomplete or unsupported profiles say what to change",
        arguments: [
            ("region = eu-west-1\n", "the profile has no aws_access_key_id"),
            ("aws_access_key_id = AKIA\n", "the profile has aws_access_key_id but no aws_secret_access_key"),
            (
                "role_arn = arn:aws:iam::1:role/r\nsource_profile = base\n",
                "the profile uses role_arn, which thumbworker does not follow"
            ),
            ("sso_session = corp\n", "the profile uses sso_session, which thumbworker does not follow"),
        ])
    func incompleteProfiles(settings: String, message: String) async throws {
        try await TemporaryFolder.with { home in
            try write("[default]\n" + settings, to: ".aws/config", in: home)
            let error = await #expect(throws: AWSError.self) {
                try await ProfileCredentialProvider(environment: environment(home)).credentials()
            }
            #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
        }
    }
}
