"""End-to-end benchmark driver for benchmarks/end-to-end.sh: thumbworker through the real S3 -> SNS -> SQS wiring on
ministack, against `thumbworker bench` on the same files at the same concurrency.

For each worker layout (processes x in-process concurrency) it runs:

- a batch phase: COUNT uploads are made first (each sends its S3 event through SNS to the work queue), then the
  workers start; throughput = COUNT / (last notification - worker start), and "steady" = (COUNT - 1) / (last - first
  notification), which leaves out process start and the first job;
- a latency phase: the workers run first, then uploads arrive at a steady rate (LOAD x the batch phase's steady
  throughput) for SECONDS; latency = the moment the upload's notification entered the results queue - the moment
  its PutObject was sent (both clocks are this machine's), p50 and p99.

CPU seconds come from /proc/PID/stat (utime + stime, plus cutime + cstime of reaped children): the emulator's over each
phase's window, the workers' from their first notification on (batch) or after they started (latency), so process
start is left out, this driver's own; `thumbworker bench`'s from its rusage, per image of its timed and warm-up runs. Notification times are read afterwards from
the results queue: the SQS `SentTimestamp` (milliseconds; SNS delivers within the worker's Publish call, and the SNS
envelope's `Timestamp` has whole seconds only on ministack), so the driver does not poll the emulator for messages
during a measured window; it only asks for the results queue's depth every 0.2 s.

Usage: python end_to_end.py --endpoint URL --emulator-pid PID --thumbworker PATH [--count 200] [--bench-seconds 10]
       [--latency-seconds 20] [--latency-load 0.5] [--layouts 1x1,1x2,2x1,1x2@0,2x1s] FILE...
Prints a JSON line per phase on stderr and a markdown table on stdout.
"""

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import socket
import tempfile
import time
import urllib.request
import uuid

import boto3
from botocore.config import Config

REGION = "us-east-1"
TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.2


def log(message):
    print(f"end-to-end: {message}", file=sys.stderr, flush=True)


def process_cpu_seconds(pid):
    """utime + stime + cutime + cstime of a live process, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # Fields after the command: state is [0]; utime, stime, cutime, cstime are fields 14-17 of the whole line.
    return sum(int(value) for value in fields[11:15]) / TICKS


def child_pids(pid):
    """The ids of a live process's children."""
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listing:
            children += [int(child) for child in listing.read().split()]
    return children


def driver_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Layout:
    """Worker processes × in-process concurrency, optionally pinned to CPUs (`1x2@0`: taskset -c 0); a trailing `s`
    (`2x1s`) starts the processes under one supervisor (`run --processes 2`) instead of side by side."""

    def __init__(self, text):
        shape, _, self.cpus = text.partition("@")
        self.supervised = shape.endswith("s")
        self.processes, self.concurrency = (int(part) for part in shape.rstrip("s").split("x"))
        self.name = text.replace("@", "-cpu")
        plural = "es" if self.processes > 1 else ""
        pinned = f", on CPU {self.cpus} only (`taskset -c {self.cpus}`)" if self.cpus else ""
        supervised = f", under one supervisor (`run --processes {self.processes}`)" if self.supervised else ""
        self.label = f"{self.processes} process{plural} × concurrency {self.concurrency}{pinned}{supervised}"

    def command(self, arguments):
        return (["taskset", "-c", self.cpus] if self.cpus else []) + arguments


class Wiring:
    """An IAM user, the uploads and thumbnails buckets, the uploads topic -> work queue (with a DLQ), the bucket's
    ObjectCreated notification to the topic, and the notifications topic -> results queue."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        root = self.session("test", "test")
        iam = root.client("iam", endpoint_url=endpoint)
        suffix = uuid.uuid4().hex[:12]
        user = f"thumbworker-bench-{suffix}"
        iam.create_user(UserName=user)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName=user, PolicyName="everything", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        self.key_id, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        session = self.session(self.key_id, self.secret)
        config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"})
        self.s3 = session.client("s3", endpoint_url=endpoint, config=config)
        self.sqs = session.client("sqs", endpoint_url=endpoint, config=config)
        self.sns = session.client("sns", endpoint_url=endpoint, config=config)

        self.uploads, self.thumbnails = f"bench-uploads-{suffix}", f"bench-thumbnails-{suffix}"
        for bucket in (self.uploads, self.thumbnails):
            self.s3.create_bucket(Bucket=bucket)
        uploads_topic = self.sns.create_topic(Name=f"bench-uploads-{suffix}")["TopicArn"]
        dead_letters = self.sqs.create_queue(QueueName=f"bench-work-dlq-{suffix}")["QueueUrl"]
        redrive = json.dumps({"deadLetterTargetArn": self.queue_arn(dead_letters), "maxReceiveCount": "5"})
        self.work_queue = self.subscribed_queue(uploads_topic, f"bench-work-{suffix}", {"RedrivePolicy": redrive})
        self.s3.put_bucket_notification_configuration(
            Bucket=self.uploads,
            NotificationConfiguration={"TopicConfigurations": [
                {"Id": "object-created", "TopicArn": uploads_topic, "Events": ["s3:ObjectCreated:*"]}]})
        self.notifications_topic = self.sns.create_topic(Name=f"bench-notifications-{suffix}")["TopicArn"]
        self.results_queue = self.subscribed_queue(self.notifications_topic, f"bench-results-{suffix}", {})
        # Configuring the notification sends an s3:TestEvent through the topic: take it out of the work queue.
        for _ in range(50):
            messages = self.sqs.receive_message(QueueUrl=self.work_queue, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0).get("Messages", [])
            for message in messages:
                self.sqs.delete_message(QueueUrl=self.work_queue, ReceiptHandle=message["ReceiptHandle"])
            if messages:
                break
            time.sleep(0.1)

    def session(self, key_id, secret):
        return boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=REGION)

    def queue_arn(self, url):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def subscribed_queue(self, topic, name, attributes):
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = self.queue_arn(url)
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        return url

    def depth(self, url, visible_only=False):
        names = ["ApproximateNumberOfMessages"] + ([] if visible_only else ["ApproximateNumberOfMessagesNotVisible"])
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes.get(name, 0)) for name in names)

    def worker_configuration(self, folder):
        path = os.path.join(folder, "worker.conf")
        with open(path, "w") as file:
            file.write(f"""# The seed app's rendition (one 150 px wide JPEG, ThumbHash placeholder), as in worker.conf.
renditions:
  - name: thumb
    width: 150
    format: jpeg
queue:
  url: {self.work_queue}
  wait_seconds: 1
source:
  buckets: [{self.uploads}]
destination:
  bucket: {self.thumbnails}
notifiers:
  - type: sns
    topic_arn: {self.notifications_topic}
aws:
  region: {REGION}
metrics:
  port: 0
""")
        return path

    def worker_environment(self):
        return {"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": self.endpoint, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def notifications(self, expected, timeout):
        """Reads the results queue until `expected` distinct keys have a notification (bounded by `timeout`);
        returns {key: (type, SentTimestamp in seconds)}, the first notification of each key."""
        found = {}
        deadline = time.monotonic() + timeout
        while len(found) < expected and time.monotonic() < deadline:
            messages = self.sqs.receive_message(QueueUrl=self.results_queue, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=1, AttributeNames=["SentTimestamp"]).get("Messages", [])
            for message in messages:
                envelope = json.loads(message["Body"])
                event = json.loads(envelope["Message"])
                stamp = int(message["Attributes"]["SentTimestamp"]) / 1000
                found.setdefault(event["source"]["key"], (event["type"], stamp))
            if messages:
                self.sqs.delete_message_batch(QueueUrl=self.results_queue, Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]} for index, message in enumerate(messages)])
        return found

    def empty_buckets(self):
        for bucket in (self.uploads, self.thumbnails):
            for _ in range(1000):
                listed = self.s3.list_objects_v2(Bucket=bucket, MaxKeys=1000).get("Contents", [])
                if not listed:
                    break
                self.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": item["Key"]} for item in listed]})


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Workers:
    """`thumbworker run` processes, each with its log file and its Prometheus endpoint on a loopback port."""

    def __init__(self, thumbworker, configuration, environment, layout, folder, name):
        self.processes, self.ports = [], []
        # A supervisor is one process to start, scrape and stop; its children's CPU is counted with its own.
        self.supervised = layout.supervised
        command = [thumbworker, "run", "--config", configuration, "--concurrency", str(layout.concurrency)]
        if layout.supervised:
            command += ["--processes", str(layout.processes)]
        for index in range(1 if layout.supervised else layout.processes):
            port = free_port()
            log_file = open(os.path.join(folder, f"{name}-worker{index}.log"), "w")
            # taskset execs the worker, so the PID is the worker's.
            self.processes.append(subprocess.Popen(
                layout.command(command),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log_file,
                env={**environment, "THUMBWORKER_METRICS_PORT": str(port), "THUMBWORKER_METRICS_HOST": "127.0.0.1"}))
            self.ports.append(port)
            log_file.close()

    def stage_seconds(self):
        """{stage: (sum of seconds, count)} of thumbworker_stage_seconds over every worker's /metrics."""
        stages = {}
        for port in self.ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                text = response.read().decode()
            for line in text.splitlines():
                for suffix, slot in (("_sum", 0), ("_count", 1)):
                    prefix = f"thumbworker_stage_seconds{suffix}{{"
                    if line.startswith(prefix):
                        labels, value = line[len(prefix):].rsplit("} ", 1)
                        stage = dict(part.split("=", 1) for part in labels.split(","))["stage"].strip('"')
                        totals = stages.setdefault(stage, [0.0, 0])
                        totals[slot] += float(value)
        return stages

    def check_alive(self):
        for process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"a worker exited early with status {process.returncode}")

    def cpu_seconds(self):
        pids = [process.pid for process in self.processes]
        if self.supervised:
            pids += [child for pid in pids for child in child_pids(pid)]
        return sum(process_cpu_seconds(pid) for pid in pids)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def read_files(paths):
    files = []
    for path in paths:
        with open(path, "rb") as file:
            files.append((os.path.basename(path), file.read()))
    return files


def wait_for_depth(wiring, url, count, timeout, workers=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if workers:
            workers.check_alive()
        if wiring.depth(url, visible_only=workers is None) >= count:
            return time.monotonic()
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{url} did not reach {count} messages within {timeout} s")


def batch_phase(args, wiring, files, configuration, folder, layout):
    name = f"batch-{layout.name}"
    emulator_before_uploads = process_cpu_seconds(args.emulator_pid)
    upload_start = time.monotonic()
    keys = []
    for index in range(args.count):
        file_name, body = files[index % len(files)]
        key = f"{name}/{index:05d}-{file_name}"
        wiring.s3.put_object(Bucket=wiring.uploads, Key=key, Body=body, ContentType="image/jpeg")
        keys.append(key)
    wait_for_depth(wiring, wiring.work_queue, args.count, timeout=60 + args.count / 5)
    upload_seconds = time.monotonic() - upload_start
    emulator_uploads = process_cpu_seconds(args.emulator_pid) - emulator_before_uploads

    emulator_before, driver_before = process_cpu_seconds(args.emulator_pid), driver_cpu_seconds()
    started = time.time()
    workers = Workers(args.thumbworker, configuration, wiring.worker_environment(), layout, folder, name)
    try:
        # The workers' CPU is counted from their first notification on, leaving out process start.
        wait_for_depth(wiring, wiring.results_queue, 1, timeout=60, workers=workers)
        worker_start_cpu, done_at_start = workers.cpu_seconds(), wiring.depth(wiring.results_queue)
        wait_for_depth(wiring, wiring.results_queue, args.count, timeout=60 + args.count, workers=workers)
        emulator_cpu = process_cpu_seconds(args.emulator_pid) - emulator_before
        driver_cpu = driver_cpu_seconds() - driver_before
        worker_cpu = workers.cpu_seconds() - worker_start_cpu
        stages = workers.stage_seconds()
    finally:
        workers.stop()
    found = wiring.notifications(args.count, timeout=60)
    missing = set(keys) - set(found)
    failed = [key for key, (kind, _) in found.items() if kind != "thumbnails.ready"]
    if missing or failed:
        raise RuntimeError(f"{name}: {len(missing)} uploads without a notification, {len(failed)} failed")
    stamps = sorted(stamp for _, stamp in found.values())
    result = {
        "phase": name, "count": args.count,
        "images_per_second": args.count / (stamps[-1] - started),
        "steady_images_per_second": (args.count - 1) / (stamps[-1] - stamps[0]),
        "first_notification_seconds": stamps[0] - started,
        "worker_cpu_ms_per_image": 1000 * worker_cpu / max(1, args.count - done_at_start),
        "emulator_cpu_ms_per_image": 1000 * emulator_cpu / args.count,
        "driver_cpu_ms_per_image": 1000 * driver_cpu / args.count,
        "upload_images_per_second": args.count / upload_seconds,
        "emulator_cpu_ms_per_upload": 1000 * emulator_uploads / args.count,
        "stage_ms": {stage: 1000 * total / count for stage, (total, count) in stages.items() if count},
    }
    wiring.empty_buckets()
    return result


def latency_phase(args, wiring, files, configuration, folder, layout, rate):
    name = f"latency-{layout.name}"
    count = max(20, round(rate * args.latency_seconds))
    workers = Workers(args.thumbworker, configuration, wiring.worker_environment(), layout, folder, name)
    try:
        time.sleep(2)  # the workers start and begin long-polling the empty queue
        workers.check_alive()
        emulator_before, driver_before = process_cpu_seconds(args.emulator_pid), driver_cpu_seconds()
        worker_before = workers.cpu_seconds()
        sent = {}
        start = time.monotonic()
        for index in range(count):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            file_name, body = files[index % len(files)]
            key = f"{name}/{index:05d}-{file_name}"
            sent[key] = time.time()
            wiring.s3.put_object(Bucket=wiring.uploads, Key=key, Body=body, ContentType="image/jpeg")
        achieved_rate = count / (time.monotonic() - start)
        wait_for_depth(wiring, wiring.results_queue, count, timeout=60 + count, workers=workers)
        emulator_cpu = process_cpu_seconds(args.emulator_pid) - emulator_before
        driver_cpu = driver_cpu_seconds() - driver_before
        worker_cpu = workers.cpu_seconds() - worker_before
    finally:
        workers.stop()
    found = wiring.notifications(count, timeout=60)
    missing = set(sent) - set(found)
    if missing:
        raise RuntimeError(f"{name}: {len(missing)} uploads without a notification")
    latencies = [1000 * (found[key][1] - sent[key]) for key in sent]
    result = {
        "phase": name, "count": count,
        "target_rate": rate, "achieved_rate": achieved_rate,
        "latency_p50_ms": percentile(latencies, 0.50), "latency_p99_ms": percentile(latencies, 0.99),
        "latency_max_ms": max(latencies), "latency_mean_ms": statistics.fmean(latencies),
        "worker_cpu_ms_per_image": 1000 * worker_cpu / count,
        "emulator_cpu_ms_per_image": 1000 * emulator_cpu / count,
        "driver_cpu_ms_per_image": 1000 * driver_cpu / count,
    }
    wiring.empty_buckets()
    return result


def bench(args, configuration, layout):
    """`thumbworker bench` on the same files, layout as the workers': several processes run side by side, their img/s
    summed."""
    command = layout.command([args.thumbworker, "bench", *args.files, "--concurrency", str(layout.concurrency),
                              "--duration", str(args.bench_seconds), "--json", "--config", configuration])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL) for _ in range(layout.processes)]
    total, images = 0.0, 0
    for run in runs:
        output, _ = run.communicate(timeout=args.bench_seconds * 3 + 120)
        if run.returncode != 0:
            raise RuntimeError(f"thumbworker bench exited with {run.returncode}")
        report = json.loads(output)
        total += report["images_per_second"]
        images += report["runs"][0]["images"] + report["inputs"]  # the timed run and the warm-up pass
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return total, 1000 * cpu / images


def table(rows, args):
    lines = [
        "| workers | bench img/s | end-to-end img/s (from worker start) | ÷ bench | steady img/s (first → last notification) "
        "| ÷ bench | worker CPU ms/img (bench's) | emulator CPU ms/img | latency p50 / p99 ms (at img/s) "
        "| emulator CPU ms/img, latency phase (uploads included) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        batch, latency = row["batch"], row["latency"]
        latency_text = (f"{latency['latency_p50_ms']:.0f} / {latency['latency_p99_ms']:.0f} "
                        f"(at {latency['achieved_rate']:.1f})") if latency else "—"
        latency_cpu = f"{latency['emulator_cpu_ms_per_image']:.1f}" if latency else "—"
        lines.append(
            f"| {row['layout'].label} | {row['bench']:.1f} | {batch['images_per_second']:.1f} | "
            f"{batch['images_per_second'] / row['bench']:.0%} | {batch['steady_images_per_second']:.1f} | "
            f"{batch['steady_images_per_second'] / row['bench']:.0%} | {batch['worker_cpu_ms_per_image']:.1f} "
            f"({row['bench_cpu']:.1f}) | "
            f"{batch['emulator_cpu_ms_per_image']:.1f} | {latency_text} | {latency_cpu} |")
    uploads = [row["batch"] for row in rows]
    lines.append("")
    lines.append(
        f"Uploads before the batch phases: {statistics.fmean(b['upload_images_per_second'] for b in uploads):.0f} "
        f"PutObject/s from one driver thread, emulator CPU "
        f"{statistics.fmean(b['emulator_cpu_ms_per_upload'] for b in uploads):.1f} ms per upload "
        f"(S3 PUT + event → SNS → SQS). Driver CPU during the batch windows: "
        f"{statistics.fmean(b['driver_cpu_ms_per_image'] for b in uploads):.2f} ms/img.")
    stage_names = ["download", "inspect", "decode", "resize", "encode", "placeholder", "upload", "notify"]
    lines += ["", "Where a job's time goes in the batch phases (means of `thumbworker_stage_seconds` from the workers' "
              "/metrics, ms per image; \"job\" = processes × concurrency ÷ steady img/s, \"rest\" = job − stages: "
              "receive, HEAD, delete, waiting):", "",
              "| workers | " + " | ".join(stage_names) + " | stages | job | rest |",
              "| --- |" + " ---: |" * (len(stage_names) + 3)]
    for row in rows:
        stages = row["batch"]["stage_ms"]
        total = sum(stages.get(name, 0) for name in stage_names)
        layout = row["layout"]
        job = 1000 * layout.processes * layout.concurrency / row["batch"]["steady_images_per_second"]
        lines.append(f"| {layout.name} | "
                     + " | ".join(f"{stages.get(name, 0):.1f}" for name in stage_names)
                     + f" | {total:.1f} | {job:.1f} | {job - total:.1f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--emulator-pid", type=int, required=True)
    parser.add_argument("--thumbworker", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--bench-seconds", type=float, default=10)
    parser.add_argument("--latency-seconds", type=float, default=20, help="0 skips the latency phases")
    parser.add_argument("--latency-load", type=float, default=0.5)
    parser.add_argument("--layouts", default="1x1,1x2,2x1,1x2@0,2x1s",
                        help="PROCESSESxCONCURRENCY[s: under one supervisor][@CPUS for taskset -c], comma-separated")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    layouts = [Layout(text) for text in args.layouts.split(",")]

    files = read_files(args.files)
    with tempfile.TemporaryDirectory(prefix="end-to-end.") as folder:
        log("wiring buckets, topics and queues on the emulator")
        wiring = Wiring(args.endpoint)
        configuration = wiring.worker_configuration(folder)
        rows = []
        for layout in layouts:
            log(f"{layout.label}: thumbworker bench, {args.bench_seconds} s")
            bench_ips, bench_cpu = bench(args, configuration, layout)
            log(f"{layout.label}: batch phase, {args.count} uploads")
            batch = batch_phase(args, wiring, files, configuration, folder, layout)
            log(json.dumps({"bench_images_per_second": bench_ips, "bench_cpu_ms_per_image": bench_cpu, **batch}))
            latency = None
            if args.latency_seconds > 0:
                rate = args.latency_load * batch["steady_images_per_second"]
                log(f"{layout.label}: latency phase, {rate:.1f} uploads/s")
                latency = latency_phase(args, wiring, files, configuration, folder, layout, rate)
                log(json.dumps(latency))
            rows.append({"layout": layout, "bench": bench_ips, "bench_cpu": bench_cpu, "batch": batch, "latency": latency})
        print(table(rows, args))


if __name__ == "__main__":
    main()
