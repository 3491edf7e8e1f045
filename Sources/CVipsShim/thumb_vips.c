/* For glibc's writer-preferring read-write lock, which must be asked for before any system header is read. */
#define _GNU_SOURCE
#include "thumb_call.h"

#include <vips/vector.h>

#include <pthread.h>
#include <stdatomic.h>

/* libvips reports recoverable oddities (ignored nclx profiles, seek warnings) as GLib warnings on stderr;
 * the failures that matter come back as errors, so the warnings are dropped. */
static void thumb_vips_drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

/* Every call below runs inside the gate: shared with calls on other threads, or alone for a thread between
 * thumb_vips_exclusive_begin and _end. Writers are preferred, so an exclusive thread is not starved by a stream of
 * short shared calls (the calls never nest, so a reader never waits for a writer while holding the lock). */
#ifdef PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP
static pthread_rwlock_t gate = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
#else
static pthread_rwlock_t gate = PTHREAD_RWLOCK_INITIALIZER;
#endif
/* How many calls have started, and how many are running: a failing call that began with none running and saw none
 * start until it had read libvips' buffer is the only one that can have written to it. */
static atomic_ulong calls_started;
static atomic_int calls_running;
/* How deep the calling thread is in thumb_vips_exclusive_begin pairs. */
static _Thread_local int exclusive_depth;

/* libvips' error text, its buffer cleared; NULL when there is none. */
static char *take_message(void) {
    char *message = vips_error_buffer_copy();
    if (message && message[0] == '\0') {
        g_free(message);
        return NULL;
    }
    return message;
}

/* Hands a failure's text to the caller, or frees it when the caller does not want it. */
static void report(ThumbVipsError *error, char *message, int shared) {
    if (error) {
        error->message = message;
        error->shared = shared;
    } else {
        g_free(message);
    }
}

/* Begins a call: its error starts empty, and it waits while another thread is in libvips alone. */
ThumbCall thumb_call_begin(ThumbVipsError *error) {
    report(error, NULL, 0);
    if (exclusive_depth == 0) {
        pthread_rwlock_rdlock(&gate);
    }
    ThumbCall call;
    call.alone = atomic_fetch_add(&calls_running, 1) == 0;
    call.number = atomic_fetch_add(&calls_started, 1);
    if (call.alone) {
        /* Whatever an earlier call left behind without failing is not this call's. */
        vips_error_clear();
    }
    return call;
}

/* Ends a call: when it failed, takes libvips' text before any other thread can be let in. */
int thumb_call_end(ThumbCall call, int status, ThumbVipsError *error) {
    if (status != 0) {
        char *message = take_message();
        /* Read after the text: a call that starts later cannot have touched the text taken. */
        report(error, message, !call.alone || atomic_load(&calls_started) != call.number + 1);
    }
    atomic_fetch_sub(&calls_running, 1);
    if (exclusive_depth == 0) {
        pthread_rwlock_unlock(&gate);
    }
    return status ? -1 : 0;
}

void thumb_vips_exclusive_begin(void) {
    if (exclusive_depth++ == 0) {
        pthread_rwlock_wrlock(&gate);
    }
}

void thumb_vips_exclusive_end(void) {
    if (--exclusive_depth == 0) {
        pthread_rwlock_unlock(&gate);
    }
}

/* Outside the gate: it runs once, before any other call, and libvips' error buffer has no lock until it has run. */
int thumb_vips_start(const char *program_name, const ThumbVipsStartOptions *options, ThumbVipsError *error) {
    report(error, NULL, 0);
    if (VIPS_INIT(program_name)) {
        report(error, take_message(), 0);
        return -1;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, thumb_vips_drop_warning, NULL);
    vips_block_untrusted_set(TRUE);
    /* libvips compiles ORC vector code (reducev, convolutions) whenever such an operation is built, and ORC 0.4.33's
     * code allocator is not safe when two threads compile at once: the test suite crashed in
     * orc_code_allocate_codemem with renders building pipelines side by side. Without ORC those operations run
     * libvips' C code, which rounds a little differently (a mean of 0.5 levels in a q80 JPEG). */
    vips_vector_set_enabled(FALSE);
    if (options->concurrency > 0) {
        vips_concurrency_set(options->concurrency);
    }
    vips_cache_set_max(options->cache_max_operations);
    vips_cache_set_max_mem(options->cache_max_bytes);
    return 0;
}

int thumb_vips_vector_enabled(void) { return vips_vector_isenabled() ? 1 : 0; }

void thumb_vips_set_loader_blocked(const char *class_name, int blocked) {
    vips_operation_block_set(class_name, blocked ? TRUE : FALSE);
}

void thumb_vips_free(void *pointer) {
    g_free(pointer);
}

int thumb_vips_open_header(const void *data, size_t length, VipsImage **out, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    *out = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return thumb_call_end(call, *out ? 0 : -1, error);
}

int thumb_vips_has_icc_profile(VipsImage *image) {
    return vips_image_get_typeof(image, VIPS_META_ICC_NAME) != 0;
}

int thumb_vips_is_progressive_jpeg(VipsImage *image) {
    int multiscan = 0;
    return vips_image_get_typeof(image, "jpeg-multiscan") && !vips_image_get_int(image, "jpeg-multiscan", &multiscan) &&
           multiscan != 0;
}

const char *thumb_vips_loader_name(VipsImage *image) {
    const char *name = NULL;
    if (vips_image_get_typeof(image, VIPS_META_LOADER) && !vips_image_get_string(image, VIPS_META_LOADER, &name)) {
        return name;
    }
    return NULL;
}

int thumb_vips_thumbnail_buffer(const void *data, size_t length, VipsImage **out,
                                const ThumbVipsThumbnailOptions *options, ThumbVipsError *error) {
    /* fail_on must reach the loader through the option string: thumbnail's own fail_on is not passed on
     * for buffers in 8.14, and a truncated JPEG would otherwise decode into a grey-bottomed thumbnail.
     * Only multi-page loaders know n, so it is named only when more than one frame is wanted. */
    char load_options[48];
    g_snprintf(load_options, sizeof(load_options), options->pages > 1 ? "fail_on=%s,n=%d" : "fail_on=%s",
               options->fail_on_error ? "error" : "none", options->pages);
    ThumbCall call = thumb_call_begin(error);
    int status = vips_thumbnail_buffer((void *)data, length, out, options->width,
                                       "height", options->height,
                                       "size", options->size,
                                       "crop", options->crop,
                                       "no_rotate", options->auto_rotate ? FALSE : TRUE,
                                       "option_string", load_options,
                                       "export_profile", options->convert_profile_to_srgb ? "srgb" : NULL,
                                       "fail_on", options->fail_on_error ? VIPS_FAIL_ON_ERROR : VIPS_FAIL_ON_NONE,
                                       NULL);
    return thumb_call_end(call, status, error);
}

int thumb_thumbnail_decoded(VipsImage *in, VipsImage **out, const ThumbVipsThumbnailOptions *options) {
    return vips_thumbnail_image(in, out, options->width,
                                "height", options->height,
                                "size", options->size,
                                "crop", options->crop,
                                "no_rotate", options->auto_rotate ? FALSE : TRUE,
                                "export_profile", options->convert_profile_to_srgb ? "srgb" : NULL,
                                NULL);
}

int thumb_vips_thumbnail_image(VipsImage *in, VipsImage **out, const ThumbVipsThumbnailOptions *options,
                               ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    VipsImage *reduced = thumb_reduce_in_memory(in, options);
    int status = thumb_thumbnail_decoded(reduced ? reduced : in, out, options);
    if (reduced) {
        g_object_unref(reduced);
    }
    return thumb_call_end(call, status, error);
}

int thumb_vips_to_8bit(VipsImage *in, VipsImage **out, ThumbVipsError *error) {
    VipsInterpretation target = vips_image_get_bands(in) <= 2 &&
                                        (in->Type == VIPS_INTERPRETATION_B_W || in->Type == VIPS_INTERPRETATION_GREY16)
                                    ? VIPS_INTERPRETATION_B_W
                                    : VIPS_INTERPRETATION_sRGB;
    ThumbCall call = thumb_call_begin(error);
    if (in->Type == target && in->BandFmt == VIPS_FORMAT_UCHAR) {
        *out = in;
        g_object_ref(in);
        return thumb_call_end(call, 0, error);
    }
    VipsImage *converted = NULL;
    if (vips_colourspace(in, &converted, target, NULL)) {
        return thumb_call_end(call, -1, error);
    }
    if (converted->BandFmt == VIPS_FORMAT_UCHAR) {
        *out = converted;
        return thumb_call_end(call, 0, error);
    }
    int status = vips_cast(converted, out, VIPS_FORMAT_UCHAR, NULL);
    g_object_unref(converted);
    return thumb_call_end(call, status, error);
}

/* A background array matching the image's bands: grey images take the first colour channel. */
static VipsArrayDouble *background_for(VipsImage *in, double red, double green, double blue, double alpha,
                                       int with_alpha) {
    int colour_bands = vips_image_get_bands(in) - (vips_image_hasalpha(in) ? 1 : 0);
    double values[4];
    int count = 0;
    if (colour_bands >= 3) {
        values[count++] = red;
        values[count++] = green;
        values[count++] = blue;
    } else {
        values[count++] = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
    }
    if (with_alpha && vips_image_hasalpha(in)) {
        values[count++] = alpha;
    }
    return vips_array_double_new(values, count);
}

int thumb_vips_flatten(VipsImage *in, VipsImage **out, double red, double green, double blue, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    VipsArrayDouble *background = background_for(in, red, green, blue, 255, 0);
    int status = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return thumb_call_end(call, status, error);
}

int thumb_vips_embed_centre(VipsImage *in, VipsImage **out, int width, int height,
                            double red, double green, double blue, double alpha, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    VipsArrayDouble *background = background_for(in, red, green, blue, alpha, 1);
    int status = vips_gravity(in, out, VIPS_COMPASS_DIRECTION_CENTRE, width, height,
                              "extend", VIPS_EXTEND_BACKGROUND, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return thumb_call_end(call, status, error);
}

int thumb_vips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height,
                            ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    return thumb_call_end(call, vips_extract_area(in, out, left, top, width, height, NULL), error);
}

struct ThumbVipsStop {
    pthread_mutex_t lock;
    int pulled;
    /* The image whose evaluation is under way on the switch's thread (a reference held), or NULL. */
    VipsImage *evaluating;
};

/* The switch the calling thread's pixel work obeys, or NULL. */
static _Thread_local ThumbVipsStop *attached_stop;

ThumbVipsStop *thumb_vips_stop_new(void) {
    ThumbVipsStop *stop = g_new0(ThumbVipsStop, 1);
    pthread_mutex_init(&stop->lock, NULL);
    return stop;
}

void thumb_vips_stop_free(ThumbVipsStop *stop) {
    pthread_mutex_destroy(&stop->lock);
    g_free(stop);
}

void thumb_vips_stop_pull(ThumbVipsStop *stop) {
    pthread_mutex_lock(&stop->lock);
    stop->pulled = 1;
    if (stop->evaluating) {
        /* Every region of the image checks the flag before computing its next tile. */
        vips_image_set_kill(stop->evaluating, TRUE);
    }
    pthread_mutex_unlock(&stop->lock);
}

void thumb_vips_stop_attach(ThumbVipsStop *stop) { attached_stop = stop; }

/* Sets libvips' error to say the job's stop switch was pulled. */
static void report_stopped(void) { vips_error("thumbworker", "the job was stopped"); }

int thumb_stop_pulled(void) {
    ThumbVipsStop *stop = attached_stop;
    if (!stop) {
        return 0;
    }
    pthread_mutex_lock(&stop->lock);
    int pulled = stop->pulled;
    pthread_mutex_unlock(&stop->lock);
    if (pulled) {
        report_stopped();
    }
    return pulled;
}

/* Registers `in` as evaluating under the thread's switch; -1, with libvips' error set, when it was pulled. */
static int evaluation_begin(VipsImage *in) {
    ThumbVipsStop *stop = attached_stop;
    if (!stop) {
        return 0;
    }
    pthread_mutex_lock(&stop->lock);
    int pulled = stop->pulled;
    if (!pulled) {
        stop->evaluating = g_object_ref(in);
    }
    pthread_mutex_unlock(&stop->lock);
    if (pulled) {
        report_stopped();
        return -1;
    }
    return 0;
}

/* Ends what evaluation_begin registered. */
static void evaluation_end(void) {
    ThumbVipsStop *stop = attached_stop;
    if (!stop) {
        return;
    }
    pthread_mutex_lock(&stop->lock);
    VipsImage *image = stop->evaluating;
    stop->evaluating = NULL;
    pthread_mutex_unlock(&stop->lock);
    if (image) {
        vips_image_set_kill(image, FALSE);
        g_object_unref(image);
    }
}

int thumb_vips_copy_memory(VipsImage *in, VipsImage **out, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    *out = NULL;
    if (evaluation_begin(in) == 0) {
        *out = vips_image_copy_memory(in);
        evaluation_end();
    }
    return thumb_call_end(call, *out ? 0 : -1, error);
}

int thumb_vips_pixels(VipsImage *in, const void **pixels, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    *pixels = vips_image_get_data(in);
    return thumb_call_end(call, *pixels ? 0 : -1, error);
}

int thumb_vips_copy(VipsImage *in, VipsImage **out, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    return thumb_call_end(call, vips_copy(in, out, NULL), error);
}

int thumb_vips_alpha_minimum(VipsImage *in, double *minimum, ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    VipsImage *alpha = NULL;
    if (vips_extract_band(in, &alpha, vips_image_get_bands(in) - 1, NULL)) {
        return thumb_call_end(call, -1, error);
    }
    int status = vips_min(alpha, minimum, NULL);
    g_object_unref(alpha);
    return thumb_call_end(call, status, error);
}

static int save(VipsImage *in, const ThumbVipsSaveOptions *options, void **data, size_t *length) {
    gboolean strip = options->strip ? TRUE : FALSE;
    switch (options->format) {
    case THUMB_VIPS_JPEG:
        return vips_jpegsave_buffer(in, data, length, "Q", options->quality, "interlace", options->interlace,
                                    "optimize_coding", TRUE, "strip", strip, NULL);
    case THUMB_VIPS_PNG:
        return vips_pngsave_buffer(in, data, length, "interlace", options->interlace, "strip", strip, NULL);
    case THUMB_VIPS_WEBP:
        return vips_webpsave_buffer(in, data, length, "Q", options->quality, "lossless", options->lossless,
                                    "effort", options->effort, "strip", strip, NULL);
    case THUMB_VIPS_AVIF:
        return vips_heifsave_buffer(in, data, length, "Q", options->quality,
                                    "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "effort", options->effort,
                                    "strip", strip, NULL);
    case THUMB_VIPS_GIF:
        return vips_gifsave_buffer(in, data, length, "interlace", options->interlace, "strip", strip, NULL);
    }
    vips_error("thumb_vips_save", "unknown output format %d", (int)options->format);
    return -1;
}

int thumb_vips_save(VipsImage *in, const ThumbVipsSaveOptions *options, void **data, size_t *length,
                    ThumbVipsError *error) {
    ThumbCall call = thumb_call_begin(error);
    int status = evaluation_begin(in);
    if (status == 0) {
        status = save(in, options, data, length);
        evaluation_end();
    }
    return thumb_call_end(call, status, error);
}
