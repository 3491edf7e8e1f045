#!/usr/bin/env python3
"""Fails when a target depends on, or a source file imports, a module outside the layout's arrows.

The worker core must stay free of AWS, SQLite, NIO and HTTP clients; adapters sit below the executable; Imaging
and the AWS clients never meet. The allowed modules of each target are listed here: adding a dependency is a
conscious edit of this file (see README.md, "Architecture").
"""
import json
import pathlib
import re
import subprocess
import sys

# Modules every target may import: the standard library and Foundation (CoreFoundation is where Swift on Linux
# declares the fields of C records such as `stat`).
STANDARD = {
    "Foundation", "FoundationEssentials", "FoundationXML", "CoreFoundation", "Synchronization", "Dispatch", "Glibc",
    "Musl", "Darwin",
}

# The modules each source target may use, beyond STANDARD.
ALLOWED = {
    "CVipsShim": {"CVips"},
    "Imaging": {"CVipsShim"},
    "SigV4": {"Crypto"},
    "AWSClients": {"SigV4", "AsyncHTTPClient", "Logging", "NIOCore", "NIOHTTP1"},
    "WorkerCore": {"Imaging", "Yams", "Logging", "Metrics", "ServiceLifecycle"},
    "Backfill": {"WorkerCore", "Imaging", "Logging"},
    "WebhookSigning": {"Crypto"},
    "WorkerAWS": {"WorkerCore", "AppCore", "AWSClients", "WebhookSigning", "AsyncHTTPClient", "Logging", "NIOCore", "NIOHTTP1"},
    "AppCore": {"WorkerCore", "Imaging"},
    "Serve": {"AppCore", "WorkerCore", "Imaging", "SigV4", "WebhookSigning", "Hummingbird", "HummingbirdWebSocket", "JWTKit", "Logging", "NIOCore"},
    "LocalBackend": {"AppCore", "WorkerCore", "Crypto", "GRDB"},
    "MetricsEndpoint": {"WorkerCore", "Logging", "NIOCore", "NIOHTTP1", "NIOPosix", "Prometheus", "ServiceLifecycle"},
}

IMPORT = re.compile(
    r"^(?:@\w+[ \t]+)*(?:(?:package|public|internal|private|fileprivate)[ \t]+)?import[ \t]+"
    r"(?:(?:struct|class|enum|protocol|func|var|let|typealias)[ \t]+)?(\w+)",
    re.M,
)


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    package = json.loads(subprocess.run(
        ["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True).stdout)
    problems = []
    targets = {target["name"]: target for target in package["targets"]}
    for name, allowed in ALLOWED.items():
        target = targets.get(name)
        if target is None:
            problems.append(f"{name}: the target is missing from Package.swift")
            continue
        for dependency in target["dependencies"]:
            kind, value = next(iter(dependency.items()))
            module = value[0]
            if module not in allowed:
                problems.append(f"{name} depends on {module} ({kind}); allowed: {', '.join(sorted(allowed))}")
        folder = root / (target.get("path") or f"Sources/{name}")
        for source in sorted(folder.rglob("*.swift")):
            for module in IMPORT.findall(source.read_text(encoding="utf-8")):
                if module not in allowed | STANDARD:
                    problems.append(f"{source.relative_to(root)} imports {module}, outside {name}'s allowed modules")
    for problem in problems:
        print(f"check-layout: {problem}", file=sys.stderr)
    if not problems:
        print(f"check-layout: {len(ALLOWED)} targets keep to their arrows")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
