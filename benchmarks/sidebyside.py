"""Helpers for benchmarks/compare.sh: the Pillow and pyvips contestants, a process-per-image loop, PSNR and
bytes/img, the runs' records and the table.

Run with the venv's python (benchmarks/.venv, Pillow and numpy pinned in compare.sh); the pillow subcommand also
with benchmarks/.venv-simd's, the pyvips subcommand with benchmarks/.venv-pyvips' (pyvips + pyvips-binary).
"""
import argparse
import io
import json
import math
import multiprocessing
import os
import resource
import shlex
import statistics
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


def pyvips_renderer():
    # Imported here, in the worker: libvips starts threads of its own, which a fork must not copy half-way.
    import pyvips
    pyvips.cache_set_max(0)  # the operation cache off, as in the C loop: each thumbnail is really computed
    # VIPS_CONCURRENCY=1 comes from the environment (compare.sh exports it), read when libvips starts.

    def render(data, width, quality):
        return pyvips.Image.thumbnail_buffer(data, width).jpegsave_buffer(Q=quality)
    return render


RENDERERS = {'pillow': lambda: pillow_render, 'pyvips': pyvips_renderer}


def loop_worker(args):
    renderer, paths, index, seconds, width, quality = args
    render = RENDERERS[renderer]()
    datas = [open(p, 'rb').read() for p in paths]
    for d in datas:  # warm-up
        render(d, width, quality)
    images, i = 0, index
    start = time.monotonic()
    deadline = start + seconds
    while time.monotonic() < deadline:
        render(datas[i % len(datas)], width, quality)
        images += 1
        i += 1
    return images, time.monotonic() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cmd_loop(a):
    """The pillow and pyvips subcommands: the inputs in memory, looped over by --procs forked processes."""
    if a.output:
        render = RENDERERS[a.cmd]()
        for p in a.files:
            with open(os.path.join(a.output, os.path.basename(p)), 'wb') as f:
                f.write(render(open(p, 'rb').read(), a.width, a.quality))
        return
    jobs = [(a.cmd, a.files, k * len(a.files) // a.procs, a.duration, a.width, a.quality) for k in range(a.procs)]
    if a.procs == 1:
        results = [loop_worker(jobs[0])]
    else:
        with multiprocessing.get_context('fork').Pool(a.procs) as pool:
            results = pool.map(loop_worker, jobs)
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
    values, sizes = [], []
    for name in sorted(os.listdir(a.reference)):
        stem = os.path.splitext(name)[0]
        ref = np.asarray(Image.open(os.path.join(a.reference, name)).convert('RGB'), dtype=np.float64)
        candidates = [n for n in os.listdir(a.output) if os.path.splitext(n)[0] == stem]
        if not candidates:
            sys.exit(f'psnr: no output for {stem} in {a.output}')
        sizes.append(os.path.getsize(os.path.join(a.output, candidates[0])))
        out = np.asarray(Image.open(os.path.join(a.output, candidates[0])).convert('RGB'), dtype=np.float64)
        if out.shape != ref.shape:
            if abs(out.shape[0] - ref.shape[0]) > 1 or abs(out.shape[1] - ref.shape[1]) > 1:
                sys.exit(f'psnr: {candidates[0]} is {out.shape[1]}x{out.shape[0]}, reference {ref.shape[1]}x{ref.shape[0]}')
            h, w = min(out.shape[0], ref.shape[0]), min(out.shape[1], ref.shape[1])
            out, ref = out[:h, :w], ref[:h, :w]
        mse = np.mean((out - ref) ** 2)
        values.append(10 * math.log10(255 ** 2 / mse) if mse > 0 else 99.0)
    result = {'psnr_db': round(sum(values) / len(values), 2), 'files': len(values), 'min_db': round(min(values), 2),
              'bytes_per_image': round(sum(sizes) / len(sizes))}
    if a.key:  # compare.sh's contestants file: who made these outputs, and its row's label
        result = {'key': a.key, 'label': a.label, **result}
    print(json.dumps(result))


def parse_run(text):
    """A run's output: a pretty-printed JSON document (thumbworker bench) or lines whose last is the JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(text.strip().splitlines()[-1])


def cmd_record(a):
    """One timed run (its output on stdin) as one line of compare.sh's runs file."""
    run = parse_run(sys.stdin.read())
    print(json.dumps({'key': a.key, 'round': a.round, 'cores': a.cores,
                      'images_per_second': round(run['images_per_second'], 2),
                      'peak_rss_bytes': run.get('peak_rss_bytes')}))


def cmd_combine(a):
    """Processes run side by side (thumbworker, one process per core): their img/s and peak RSS summed."""
    runs = [parse_run(open(path).read()) for path in a.files]
    print(json.dumps({'images_per_second': round(sum(run['images_per_second'] for run in runs), 2),
                      'peak_rss_bytes': sum(run['peak_rss_bytes'] for run in runs)}))


def cmd_table(a):
    contestants = [json.loads(line) for line in open(a.contestants) if line.strip()]
    runs = [json.loads(line) for line in open(a.runs) if line.strip()]

    def per_round(key, cores):  # img/s of each round, in round order
        return [r['images_per_second'] for r in sorted(runs, key=lambda r: r['round'])
                if r['key'] == key and r['cores'] == cores]

    def median(key, cores):
        values = per_round(key, cores)
        return statistics.median(values) if values else None

    def peak(key, cores):  # the largest of the rounds
        values = [r['peak_rss_bytes'] for r in runs if r['key'] == key and r['cores'] == cores and r['peak_rss_bytes']]
        return max(values) if values else None

    reference = {cores: median(a.reference, cores) for cores in ('one', 'all')}

    def ratio(value, cores):
        return f"{value / reference[cores]:.2f}×" if value and reference[cores] else '—'

    def rate(value):
        return f"{value:.2f}" if value is not None else '—'

    def mb(v):
        return f"{v / 1e6:.0f} MB" if v else '—'

    every_core = f"{a.workers} {'core' if a.workers == 1 else 'cores'}"
    print(f'| contestant | img/s 1 core (median) | rounds, 1 core | ÷ C loop | img/s {every_core} (median) | ÷ C loop | '
          f'bytes/img | peak RSS 1 core / {every_core} | PSNR dB mean (min) |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for c in contestants:
        key = c['key']
        one, every = median(key, 'one'), median(key, 'all')
        rounds = ' / '.join(f"{v:.1f}" for v in per_round(key, 'one')) or '—'
        print(f"| {c['label']} | {rate(one)} | {rounds} | {ratio(one, 'one')} | {rate(every)} | {ratio(every, 'all')} | "
              f"{c['bytes_per_image']} | {mb(peak(key, 'one'))} / {mb(peak(key, 'all'))} | "
              f"{c['psnr_db']:.2f} ({c['min_db']:.2f}) |")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    for name in ('pillow', 'pyvips'):
        s = sub.add_parser(name)
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
    s.add_argument('--key')
    s.add_argument('--label')
    s.add_argument('reference')
    s.add_argument('output')
    s = sub.add_parser('record')
    s.add_argument('--key', required=True)
    s.add_argument('--round', type=int, required=True)
    s.add_argument('--cores', choices=('one', 'all'), required=True)
    s = sub.add_parser('combine')
    s.add_argument('files', nargs='+')
    s = sub.add_parser('table')
    s.add_argument('--reference', required=True, help='the key whose medians the ratios divide by')
    s.add_argument('--workers', type=int, required=True, help='the all-cores run\'s workers, for the header')
    s.add_argument('contestants')
    s.add_argument('runs')
    a = p.parse_args()
    {'pillow': cmd_loop, 'pyvips': cmd_loop, 'procloop': cmd_procloop, 'psnr': cmd_psnr, 'record': cmd_record,
     'combine': cmd_combine, 'table': cmd_table}[a.cmd](a)


if __name__ == '__main__':
    main()
