#include "thumb_vips.h"

/* libvips reports recoverable oddities (ignored nclx profiles, seek warnings) as GLib warnings on stderr;
 * the failures that matter come back as errors, so the warnings are dropped. */
static void thumb_vips_drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

int thumb_vips_start(const char *program_name, const ThumbVipsStartOptions *options) {
    if (VIPS_INIT(program_name)) {
        return -1;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, thumb_vips_drop_warning, NULL);
    vips_block_untrusted_set(TRUE);
    if (options->concurrency > 0) {
        vips_concurrency_set(options->concurrency);
    }
    vips_cache_set_max(options->cache_max_operations);
    vips_cache_set_max_mem(options->cache_max_bytes);
    return 0;
}

void thumb_vips_set_loader_blocked(const char *class_name, int blocked) {
    vips_operation_block_set(class_name, blocked ? TRUE : FALSE);
}

char *thumb_vips_error_take(void) {
    char *message = vips_error_buffer_copy();
    return message;
}

void thumb_vips_free(void *pointer) {
    g_free(pointer);
}

int thumb_vips_open_header(const void *data, size_t length, VipsImage **out) {
    *out = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return *out ? 0 : -1;
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
                                const ThumbVipsThumbnailOptions *options) {
    /* fail_on must reach the loader through the option string: thumbnail's own fail_on is not passed on
     * for buffers in 8.14, and a truncated JPEG would otherwise decode into a grey-bottomed thumbnail. */
    char load_options[48];
    g_snprintf(load_options, sizeof(load_options), options->pages > 1 ? "fail_on=error,n=%d" : "fail_on=error",
               options->pages);
    return vips_thumbnail_buffer((void *)data, length, out, options->width,
                                 "height", options->height,
                                 "size", options->size,
                                 "crop", options->crop,
                                 "option_string", load_options,
                                 "export_profile", options->convert_profile_to_srgb ? "srgb" : NULL,
                                 "fail_on", VIPS_FAIL_ON_ERROR,
                                 NULL);
}

int thumb_vips_thumbnail_image(VipsImage *in, VipsImage **out, const ThumbVipsThumbnailOptions *options) {
    return vips_thumbnail_image(in, out, options->width,
                                "height", options->height,
                                "size", options->size,
                                "crop", options->crop,
                                NULL);
}

int thumb_vips_to_8bit(VipsImage *in, VipsImage **out) {
    VipsInterpretation target = vips_image_get_bands(in) <= 2 &&
                                        (in->Type == VIPS_INTERPRETATION_B_W || in->Type == VIPS_INTERPRETATION_GREY16)
                                    ? VIPS_INTERPRETATION_B_W
                                    : VIPS_INTERPRETATION_sRGB;
    if (in->Type == target && in->BandFmt == VIPS_FORMAT_UCHAR) {
        *out = in;
        g_object_ref(in);
        return 0;
    }
    VipsImage *converted = NULL;
    if (vips_colourspace(in, &converted, target, NULL)) {
        return -1;
    }
    if (converted->BandFmt == VIPS_FORMAT_UCHAR) {
        *out = converted;
        return 0;
    }
    int result = vips_cast(converted, out, VIPS_FORMAT_UCHAR, NULL);
    g_object_unref(converted);
    return result;
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

int thumb_vips_flatten(VipsImage *in, VipsImage **out, double red, double green, double blue) {
    VipsArrayDouble *background = background_for(in, red, green, blue, 255, 0);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

int thumb_vips_embed_centre(VipsImage *in, VipsImage **out, int width, int height,
                            double red, double green, double blue, double alpha) {
    VipsArrayDouble *background = background_for(in, red, green, blue, alpha, 1);
    int result = vips_gravity(in, out, VIPS_COMPASS_DIRECTION_CENTRE, width, height,
                              "extend", VIPS_EXTEND_BACKGROUND, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

int thumb_vips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}

int thumb_vips_copy(VipsImage *in, VipsImage **out) {
    return vips_copy(in, out, NULL);
}

int thumb_vips_alpha_minimum(VipsImage *in, double *minimum) {
    VipsImage *alpha = NULL;
    if (vips_extract_band(in, &alpha, vips_image_get_bands(in) - 1, NULL)) {
        return -1;
    }
    int result = vips_min(alpha, minimum, NULL);
    g_object_unref(alpha);
    return result;
}

int thumb_vips_save(VipsImage *in, const ThumbVipsSaveOptions *options, void **data, size_t *length) {
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
