/* Issue 16 groundwork: the loop of thumbnail_loop.c with the JPEG decode done by libjpeg-turbo's TurboJPEG API
 * instead of vips_thumbnail_buffer's shrink-on-load. Every input is held in memory, then each of N pthreads
 * loops, for D seconds, with VIPS_CONCURRENCY=1 and the operation cache off:
 *
 *   tjDecompressHeader3 → tjDecompress2 at the smallest DCT scale (1/1, 1/2, 1/4, 1/8) that still gives at least
 *   KEEP × the target size, into an RGB (or grey) buffer → vips_image_new_from_memory (wraps it, no copy)
 *   → vips_extract_area to a whole-pixel extent (see extent()) → vips_resize lanczos3 to the exact size
 *   vips_thumbnail_buffer(WIDTH) makes (a WIDTH × WIDTH box) → vips_jpegsave_buffer(Q)
 *
 * KEEP 1 (the default) is "the smallest scale that keeps the target size" (1/8 for 2725×2225 → 320); KEEP 2 leaves
 * at least a factor of two for the resize, as libvips' own shrink-on-load does (1/4 there). Prints one JSON line
 * with the same keys as thumbnail_loop, so the two compare directly, plus keep and decode_ms (mean wall time in
 * tjDecompress2 per image; the rest of an image's time is wrapping, resize, save and the loop).
 *
 * -p: no timing; for each input, PSNR (dB) of this loop's JPEG and of vips_thumbnail_buffer + vips_jpegsave_buffer's
 *     JPEG against a reference: full-size decode + lanczos3 vips_resize straight to the same size (gap 0: no
 *     shrink-on-load, no box pre-shrink; as benchmarks/compare.sh). Prints the means, minima and mean bytes out.
 *
 * A benchmark, not the product: CMYK/YCCK JPEGs fail; ICC profiles and EXIF are dropped, not applied or copied;
 * EXIF orientation is read once per file when it is loaded (untimed) and applied after the resize with
 * vips_autorot (the corpus files are all upright, orientation 1, so the timed loop never rotates; a copy rotated
 * and tagged 6 came out upright). The PSNR reference is autorotated too.
 *
 * Build: cc -O2 -o turbojpeg_loop turbojpeg_loop.c $(pkg-config --cflags --libs vips libturbojpeg) -lpthread -lm
 * Usage: turbojpeg_loop [-t THREADS] [-d SECONDS] [-w WIDTH] [-q QUALITY] [-k KEEP] [-o OUTDIR | -p] FILE...
 *        -o writes one thumbnail per input (OUTDIR/<basename>) and exits without timing.
 * Run:   benchmarks/turbojpeg.sh (builds both loops, pins them to one core, alternates rounds).
 */
#include <vips/vips.h>
#include <turbojpeg.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

typedef struct { void *data; size_t length; const char *path; int orientation; } Input;

static Input *inputs;
static int input_count;
static int width = 320, quality = 80, keep = 1;
static double deadline;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The size vips_thumbnail_buffer(width) gives a w × h image: the longer side becomes `width`. */
static void target_size(int w, int h, int *tw, int *th) {
    double shrink = (double) (w > h ? w : h) / width;
    *tw = VIPS_MAX(1, (int) rint(w / shrink));
    *th = VIPS_MAX(1, (int) rint(h / shrink));
}

/* A side of full pixels decoded at `scale` is full × num/denom pixels of picture, rarely a whole number: libjpeg
 * rounds up, the last column (row) only partly picture. vips_reduce centres its output on its input, so it gets
 * the whole number of pixels (rounded down or up, the nearer first) for which the exact scale target / (full ×
 * num/denom) gives `target` pixels: the output then maps onto the picture as the reference's does. Resizing the
 * rounded-up size to the target instead stretches the picture by up to a scaled pixel (−1.8 dB at 1/4 on the corpus). */
static int extent(int full, tjscalingfactor scale, int target, double *factor) {
    double exact = (double) full * scale.num / scale.denom;
    int nearer = (int) lround(exact), other = nearer > exact ? nearer - 1 : nearer + 1;
    *factor = target / exact;
    return lround(nearer * *factor) == target ? nearer : other;
}

/* One thumbnail; returns the JPEG (g_free it) or NULL (the reason in vips' error buffer). Adds the seconds spent
 * in tjDecompress2 to *decode_seconds. */
static void *render(tjhandle tj, const Input *in, size_t *length, double *decode_seconds) {
    int w, h, subsamp, colorspace;
    if (tjDecompressHeader3(tj, in->data, in->length, &w, &h, &subsamp, &colorspace)) {
        vips_error("turbojpeg", "%s", tjGetErrorStr2(tj));
        return NULL;
    }
    if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) {
        vips_error("turbojpeg", "CMYK JPEG not handled");
        return NULL;
    }
    int tw, th;
    target_size(w, h, &tw, &th);

    /* The smallest n/8 scale with n/8 = 1/1, 1/2, 1/4 or 1/8 whose output still covers keep × the target. */
    int count;
    tjscalingfactor *factors = tjGetScalingFactors(&count), scale = { 1, 1 };
    for (int i = 0; i < count; i++) {
        tjscalingfactor f = factors[i];
        if (f.num == 1 && f.denom > scale.denom
            && TJSCALED(w, f) >= keep * tw && TJSCALED(h, f) >= keep * th)
            scale = f;
    }
    int sw = TJSCALED(w, scale), sh = TJSCALED(h, scale);
    int bands = colorspace == TJCS_GRAY ? 1 : 3;
    unsigned char *pixels = malloc((size_t) sw * sh * bands);
    if (!pixels) { vips_error("turbojpeg", "out of memory"); return NULL; }
    double started = now();
    if (tjDecompress2(tj, in->data, in->length, pixels, sw, 0, sh, bands == 1 ? TJPF_GRAY : TJPF_RGB, 0)) {
        vips_error("turbojpeg", "%s", tjGetErrorStr2(tj));
        free(pixels);
        return NULL;
    }
    *decode_seconds += now() - started;

    double hscale, vscale;
    int ew = extent(w, scale, tw, &hscale), eh = extent(h, scale, th, &vscale);
    void *jpeg = NULL;
    VipsImage *decoded = vips_image_new_from_memory(pixels, (size_t) sw * sh * bands, sw, sh, bands,
                                                    VIPS_FORMAT_UCHAR);
    VipsImage *cropped = NULL, *resized = NULL, *rotated = NULL;
    if (decoded
        && !vips_extract_area(decoded, &cropped, 0, 0, ew, eh, NULL)
        && !vips_resize(cropped, &resized, hscale, "vscale", vscale, "kernel", VIPS_KERNEL_LANCZOS3, NULL)) {
        VipsImage *final = resized;
        if (resized->Xsize != tw || resized->Ysize != th) {
            vips_error("turbojpeg", "resized to %dx%d, not %dx%d", resized->Xsize, resized->Ysize, tw, th);
            final = NULL;
        } else if (in->orientation > 1) {
            vips_image_set_int(resized, VIPS_META_ORIENTATION, in->orientation);
            final = vips_autorot(resized, &rotated, NULL) ? NULL : rotated;
        }
        if (final && vips_jpegsave_buffer(final, &jpeg, length, "Q", quality, NULL)) jpeg = NULL;
    }
    if (rotated) g_object_unref(rotated);
    if (resized) g_object_unref(resized);
    if (cropped) g_object_unref(cropped);
    if (decoded) g_object_unref(decoded);
    free(pixels);  /* only after every image built on it is gone */
    return jpeg;
}

/* libvips' own way, as thumbnail_loop.c: the comparison for the PSNR mode. */
static void *render_thumbnail(const Input *in, size_t *length) {
    VipsImage *out = NULL;
    void *jpeg = NULL;
    if (vips_thumbnail_buffer(in->data, in->length, &out, width, NULL)) return NULL;
    if (vips_jpegsave_buffer(out, &jpeg, length, "Q", quality, NULL)) jpeg = NULL;
    g_object_unref(out);
    return jpeg;
}

/* PSNR of a JPEG against a reference image of the same size; -1 on error. */
static double psnr(VipsImage *reference, const void *jpeg, size_t length, const char *what) {
    VipsImage *out = vips_image_new_from_buffer(jpeg, length, "", NULL), *diff = NULL, *square = NULL;
    double mse = -1;
    if (!out) return -1;
    if (out->Xsize != reference->Xsize || out->Ysize != reference->Ysize || out->Bands != reference->Bands)
        fprintf(stderr, "%s is %dx%dx%d, reference %dx%dx%d\n", what, out->Xsize, out->Ysize, out->Bands,
                reference->Xsize, reference->Ysize, reference->Bands);
    else if (!vips_subtract(out, reference, &diff, NULL) && !vips_multiply(diff, diff, &square, NULL))
        vips_avg(square, &mse, NULL);
    if (square) g_object_unref(square);
    if (diff) g_object_unref(diff);
    g_object_unref(out);
    return mse < 0 ? -1 : mse == 0 ? 99 : 10 * log10(255.0 * 255.0 / mse);
}

static int psnr_mode(tjhandle tj) {
    double sum[2] = { 0, 0 }, least[2] = { 99, 99 }, bytes[2] = { 0, 0 }, decoding = 0;
    for (int i = 0; i < input_count; i++) {
        const Input *in = &inputs[i];
        VipsImage *loaded = vips_image_new_from_buffer(in->data, in->length, "", NULL), *full, *reference = NULL;
        if (!loaded || vips_autorot(loaded, &full, NULL)) { fprintf(stderr, "%s: %s\n", in->path, vips_error_buffer()); return 1; }
        g_object_unref(loaded);
        int tw, th;
        target_size(full->Xsize, full->Ysize, &tw, &th);
        if (vips_resize(full, &reference, (double) tw / full->Xsize, "vscale", (double) th / full->Ysize,
                        "kernel", VIPS_KERNEL_LANCZOS3, "gap", 0.0, NULL)) return 1;
        g_object_unref(full);
        for (int way = 0; way < 2; way++) {
            size_t length;
            void *jpeg = way == 0 ? render(tj, in, &length, &decoding) : render_thumbnail(in, &length);
            double db = jpeg ? psnr(reference, jpeg, length, in->path) : -1;
            g_free(jpeg);
            if (db < 0) { fprintf(stderr, "%s: %s\n", in->path, vips_error_buffer()); return 1; }
            sum[way] += db;
            least[way] = VIPS_MIN(least[way], db);
            bytes[way] += length;
        }
        g_object_unref(reference);
    }
    printf("{\"files\": %d, \"keep\": %d, \"psnr_turbojpeg_db\": %.2f, \"min_turbojpeg_db\": %.2f, "
           "\"psnr_thumbnail_db\": %.2f, \"min_thumbnail_db\": %.2f, "
           "\"bytes_turbojpeg\": %.0f, \"bytes_thumbnail\": %.0f}\n",
           input_count, keep, sum[0] / input_count, least[0], sum[1] / input_count, least[1],
           bytes[0] / input_count, bytes[1] / input_count);
    return 0;
}

typedef struct { int index; long images; long failures; double decode_seconds; } Worker;

static void *work(void *arg) {
    Worker *w = arg;
    tjhandle tj = tjInitDecompress();
    for (int i = w->index; now() < deadline; i++) {
        size_t length;
        void *jpeg = render(tj, &inputs[i % input_count], &length, &w->decode_seconds);
        if (jpeg) { g_free(jpeg); w->images++; } else { w->failures++; vips_error_clear(); }
    }
    tjDestroy(tj);
    vips_thread_shutdown();
    return NULL;
}

int main(int argc, char **argv) {
    int threads = 1, measure_psnr = 0;
    double seconds = 10;
    const char *outdir = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "t:d:w:q:k:o:p")) != -1) {
        switch (opt) {
        case 't': threads = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'w': width = atoi(optarg); break;
        case 'q': quality = atoi(optarg); break;
        case 'k': keep = atoi(optarg); break;
        case 'o': outdir = optarg; break;
        case 'p': measure_psnr = 1; break;
        default:
            fprintf(stderr, "usage: %s [-t threads] [-d seconds] [-w width] [-q quality] [-k keep] "
                            "[-o outdir | -p] file...\n", argv[0]);
            return 2;
        }
    }
    if (optind >= argc || threads < 1 || keep < 1) { fprintf(stderr, "no input files\n"); return 2; }
    setenv("VIPS_CONCURRENCY", "1", 1);
    if (VIPS_INIT(argv[0])) vips_error_exit(NULL);
    vips_concurrency_set(1);
    vips_cache_set_max(0);

    input_count = argc - optind;
    inputs = calloc(input_count, sizeof *inputs);
    for (int i = 0; i < input_count; i++) {
        gsize length;
        gchar *data;
        GError *error = NULL;
        if (!g_file_get_contents(argv[optind + i], &data, &length, &error)) {
            fprintf(stderr, "%s: %s\n", argv[optind + i], error->message);
            return 1;
        }
        /* EXIF orientation from the header (libvips parses it; no pixels decoded), once, outside the timing. */
        VipsImage *header = vips_image_new_from_buffer(data, length, "", NULL);
        if (!header) { fprintf(stderr, "%s: %s\n", argv[optind + i], vips_error_buffer()); return 1; }
        int orientation = vips_image_get_orientation(header);
        g_object_unref(header);
        inputs[i] = (Input){ data, length, argv[optind + i], orientation };
    }

    tjhandle tj = tjInitDecompress();
    if (measure_psnr) return psnr_mode(tj);

    /* Warm-up (and the -o mode): every input once. */
    for (int i = 0; i < input_count; i++) {
        size_t length;
        double ignored = 0;
        void *jpeg = render(tj, &inputs[i], &length, &ignored);
        if (!jpeg) { fprintf(stderr, "%s: %s\n", inputs[i].path, vips_error_buffer()); return 1; }
        if (outdir) {
            const char *base = strrchr(inputs[i].path, '/');
            char *path = g_strdup_printf("%s/%s", outdir, base ? base + 1 : inputs[i].path);
            if (!g_file_set_contents(path, jpeg, length, NULL)) { fprintf(stderr, "cannot write %s\n", path); return 1; }
            g_free(path);
        }
        g_free(jpeg);
    }
    tjDestroy(tj);
    if (outdir) return 0;

    Worker *workers = calloc(threads, sizeof *workers);
    pthread_t *ids = calloc(threads, sizeof *ids);
    double start = now();
    deadline = start + seconds;
    for (int t = 0; t < threads; t++) {
        workers[t].index = t * input_count / threads;
        pthread_create(&ids[t], NULL, work, &workers[t]);
    }
    long images = 0, failures = 0;
    double decoding = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        images += workers[t].images;
        failures += workers[t].failures;
        decoding += workers[t].decode_seconds;
    }
    double elapsed = now() - start;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"images\": %ld, \"failures\": %ld, \"seconds\": %.3f, \"threads\": %d, "
           "\"images_per_second\": %.2f, \"peak_rss_bytes\": %ld, \"libvips\": \"%s\", \"keep\": %d, "
           "\"decode_ms\": %.2f}\n",
           images, failures, elapsed, threads, images / elapsed, usage.ru_maxrss * 1024L, vips_version_string(),
           keep, images ? 1000 * decoding / images : 0);
    vips_shutdown();
    return failures ? 1 : 0;
}
