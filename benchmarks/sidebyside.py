"""Helpers for benchmarks/compare.sh: the Pillow contestant, a process-per-image loop, PSNR and the table.

Run with the venv's python (benchmarks/.venv, Pillow and numpy pinned in compare.sh).
"""
import argparse
import io
import json
import math
import multiprocessing
import os
import resource
import shlex
import subprocess
import sys
import threading
import time


def pillow_render(data, width, quality):
    from PIL import Image
    im = Image.open(io.BytesIO(data))
    # JPEG draft: let libjpeg decode at 1/2, 1/4 or 1/8 scale, keeping at least twice the target size.
    im.draft('RGB', (2 * width, 2 * width * im.height // im.width))
    im.thumbnail((width, 10000), Image.LANCZOS)
    out = io.BytesIO()
    im.save(out, 'JPEG', quality=quality)
    return out.getvalue()


def pillow_worker(args):
    paths, index, seconds, width, quality = args
    datas = [open(p, 'rb').read() for p in paths]
    for d in datas:  # warm-up
        pillow_render(d, width, quality)
    images, i = 0, index
    start = time.monotonic()
    deadline = start + seconds
    while time.monotonic() < deadline:
        pillow_render(datas[i % len(datas)], width, quality)
        images += 1
        i += 1
    return images, time.monotonic() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cmd_pillow(a):
    if a.output:
        for p in a.files:
            with open(os.path.join(a.output, os.path.basename(p)), 'wb') as f:
                f.write(pillow_render(open(p, 'rb').read(), a.width, a.quality))
        return
    jobs = [(a.files, k * len(a.files) // a.procs, a.duration, a.width, a.quality) for k in range(a.procs)]
    if a.procs == 1:
        results = [pillow_worker(jobs[0])]
    else:
        with multiprocessing.get_context('fork').Pool(a.procs) as pool:
            results = pool.map(pillow_worker, jobs)
    images = sum(r[0] for r in results)
    seconds = max(r[1] for r in results)
    print(json.dumps({'images': images, 'seconds': round(seconds, 3), 'images_per_second': round(images / seconds, 2),
                      'peak_rss_bytes': sum(r[2] for r in results)}))


def cmd_procloop(a):
    """Run a command per image (or per batch) in `workers` parallel loops for `duration` seconds.

    The template gets {in} (one file) and {out} (a file in the output folder), or {all} with --batch.
    Peak RSS: the largest child process, times the number of workers."""
    os.makedirs(a.output, exist_ok=True)
    files = a.files

    def argv_for(i):
        if a.batch:
            return shlex.split(a.template.replace('{all}', ' '.join(shlex.quote(f) for f in files))
                               .replace('{outdir}', shlex.quote(a.output))), len(files)
        f = files[i % len(files)]
        out = os.path.join(a.output, os.path.basename(f))
        return shlex.split(a.template.replace("{in}", shlex.quote(f)).replace("{out}", shlex.quote(out)).replace("{outdir}", shlex.quote(a.output))), 1

    def run(i):
        argv, n = argv_for(i)
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        return n

    for i in range(1 if a.batch else len(files)):  # warm-up: page cache, shared libraries
        run(i)
    counts = [0] * a.workers
    deadline = time.monotonic() + a.duration

    def loop(k):
        i = k * len(files) // a.workers
        while time.monotonic() < deadline:
            counts[k] += run(i)
            i += 1

    start = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({'images': sum(counts), 'seconds': round(seconds, 3),
                      'images_per_second': round(sum(counts) / seconds, 2), 'peak_rss_bytes': rss * a.workers}))


def cmd_psnr(a):
    import numpy as np
    from PIL import Image
    values = []
    for name in sorted(os.listdir(a.reference)):
        stem = os.path.splitext(name)[0]
        ref = np.asarray(Image.open(os.path.join(a.reference, name)).convert('RGB'), dtype=np.float64)
        candidates = [n for n in os.listdir(a.output) if os.path.splitext(n)[0] == stem]
        if not candidates:
            sys.exit(f'psnr: no output for {stem} in {a.output}')
        out = np.asarray(Image.open(os.path.join(a.output, candidates[0])).convert('RGB'), dtype=np.float64)
        if out.shape != ref.shape:
            if abs(out.shape[0] - ref.shape[0]) > 1 or abs(out.shape[1] - ref.shape[1]) > 1:
                sys.exit(f'psnr: {candidates[0]} is {out.shape[1]}x{out.shape[0]}, reference {ref.shape[1]}x{ref.shape[0]}')
            h, w = min(out.shape[0], ref.shape[0]), min(out.shape[1], ref.shape[1])
            out, ref = out[:h, :w], ref[:h, :w]
        mse = np.mean((out - ref) ** 2)
        values.append(10 * math.log10(255 ** 2 / mse) if mse > 0 else 99.0)
    print(json.dumps({'psnr_db': round(sum(values) / len(values), 2), 'files': len(values),
                      'min_db': round(min(values), 2)}))


def cmd_table(a):
    rows = [json.loads(line) for line in open(a.results) if line.strip()]
    tw = next(r for r in rows if r['name'].startswith('thumbworker'))

    def ratio(r, key):
        return f"{tw[key] / r[key]:.2f}×" if r.get(key) else '—'

    def mb(v):
        return f"{v / 1e6:.0f} MB" if v else '—'

    print('| contestant | img/s 1 core | thumbworker ÷ it | img/s 2 cores | thumbworker ÷ it | peak RSS 1 core / 2 cores | PSNR dB |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    for r in rows:
        print(f"| {r['name']} | {r['ips1']:.2f} | {ratio(r, 'ips1')} | {r['ips2']:.2f} | {ratio(r, 'ips2')} | "
              f"{mb(r['rss1'])} / {mb(r['rss2'])} | {r['psnr']:.2f} |")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('pillow')
    s.add_argument('--duration', type=float, default=10)
    s.add_argument('--procs', type=int, default=1)
    s.add_argument('--width', type=int, default=320)
    s.add_argument('--quality', type=int, default=80)
    s.add_argument('--output')
    s.add_argument('files', nargs='+')
    s = sub.add_parser('procloop')
    s.add_argument('--duration', type=float, default=10)
    s.add_argument('--workers', type=int, default=1)
    s.add_argument('--batch', action='store_true')
    s.add_argument('--output', required=True)
    s.add_argument('template')
    s.add_argument('files', nargs='+')
    s = sub.add_parser('psnr')
    s.add_argument('reference')
    s.add_argument('output')
    s = sub.add_parser('table')
    s.add_argument('results')
    a = p.parse_args()
    {'pillow': cmd_pillow, 'procloop': cmd_procloop, 'psnr': cmd_psnr, 'table': cmd_table}[a.cmd](a)


if __name__ == '__main__':
    main()
