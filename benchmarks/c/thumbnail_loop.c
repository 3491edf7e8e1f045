/* The libvips ceiling for one task: every input held in memory, then each of N pthreads loops
 * vips_thumbnail_buffer(width) + vips_jpegsave_buffer(Q) for D seconds, with VIPS_CONCURRENCY=1 and the
 * operation cache off (each thumbnail is really computed). Prints one JSON line.
 *
 * Build: cc -O2 -o thumbnail_loop thumbnail_loop.c $(pkg-config --cflags --libs vips) -lpthread
 * Usage: thumbnail_loop [-t THREADS] [-d SECONDS] [-w WIDTH] [-q QUALITY] [-o OUTDIR] FILE...
 *        -o writes one thumbnail per input (OUTDIR/<basename>) and exits without timing.
 */
#include <vips/vips.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

typedef struct { void *data; size_t length; const char *path; } Input;

static Input *inputs;
static int input_count;
static int width = 320, quality = 80;
static double deadline;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One thumbnail; returns the JPEG (g_free it) or NULL. */
static void *render(const Input *in, size_t *length) {
    VipsImage *out = NULL;
    void *jpeg = NULL;
    if (vips_thumbnail_buffer(in->data, in->length, &out, width, NULL)) return NULL;
    if (vips_jpegsave_buffer(out, &jpeg, length, "Q", quality, NULL)) jpeg = NULL;
    g_object_unref(out);
    return jpeg;
}

typedef struct { int index; long images; long failures; } Worker;

static void *work(void *arg) {
    Worker *w = arg;
    for (int i = w->index; now() < deadline; i++) {
        size_t length;
        void *jpeg = render(&inputs[i % input_count], &length);
        if (jpeg) { g_free(jpeg); w->images++; } else { w->failures++; vips_error_clear(); }
    }
    vips_thread_shutdown();
    return NULL;
}

int main(int argc, char **argv) {
    int threads = 1;
    double seconds = 10;
    const char *outdir = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "t:d:w:q:o:")) != -1) {
        switch (opt) {
        case 't': threads = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'w': width = atoi(optarg); break;
        case 'q': quality = atoi(optarg); break;
        case 'o': outdir = optarg; break;
        default: fprintf(stderr, "usage: %s [-t threads] [-d seconds] [-w width] [-q quality] [-o outdir] file...\n", argv[0]); return 2;
        }
    }
    if (optind >= argc || threads < 1) { fprintf(stderr, "no input files\n"); return 2; }
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
        inputs[i] = (Input){ data, length, argv[optind + i] };
    }

    /* Warm-up (and the -o mode): every input once. */
    for (int i = 0; i < input_count; i++) {
        size_t length;
        void *jpeg = render(&inputs[i], &length);
        if (!jpeg) { fprintf(stderr, "%s: %s\n", inputs[i].path, vips_error_buffer()); return 1; }
        if (outdir) {
            const char *base = strrchr(inputs[i].path, '/');
            char *path = g_strdup_printf("%s/%s", outdir, base ? base + 1 : inputs[i].path);
            if (!g_file_set_contents(path, jpeg, length, NULL)) { fprintf(stderr, "cannot write %s\n", path); return 1; }
            g_free(path);
        }
        g_free(jpeg);
    }
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
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        images += workers[t].images;
        failures += workers[t].failures;
    }
    double elapsed = now() - start;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"images\": %ld, \"failures\": %ld, \"seconds\": %.3f, \"threads\": %d, "
           "\"images_per_second\": %.2f, \"peak_rss_bytes\": %ld, \"libvips\": \"%s\"}\n",
           images, failures, elapsed, threads, images / elapsed, usage.ru_maxrss * 1024L, vips_version_string());
    vips_shutdown();
    return failures ? 1 : 0;
}
