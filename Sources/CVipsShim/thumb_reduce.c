/* The reduce libvips' thumbnail pass would do, done on a buffer by thumb_resample.c instead: for the TurboJPEG
 * decode's planes, and for 8-bit images already in memory (the shared decode and the renditions smaller ones are made
 * from). libvips' thumbnail pass then finds the image at its size and only turns, converts and crops. */
#include "thumb_call.h"

#include "thumb_resample.h"

#include <math.h>

/* Frees the wrapped pixels once the image wrapping them is closed. */
static void free_pixels(VipsImage *image, void *pixels) {
    (void)image;
    g_free(pixels);
}

/* Copies onto `to` every field of `from` that `to` lacks (EXIF, orientation, ICC profile, resolution unit...). */
static void copy_fields(VipsImage *from, VipsImage *to) {
    char **names = vips_image_get_fields(from);
    for (char **name = names; *name; name++) {
        if (vips_image_get_typeof(to, *name)) {
            continue;
        }
        GValue value = G_VALUE_INIT;
        if (!vips_image_get(from, *name, &value)) {
            vips_image_set(to, *name, &value);
            g_value_unset(&value);
        }
    }
    g_strfreev(names);
}

int thumb_thumbnail_size(const ThumbVipsThumbnailOptions *options, int swap, int width, int height, int *out_width,
                         int *out_height) {
    int box_width = swap ? options->height : options->width, box_height = swap ? options->width : options->height;
    double horizontal = (double)width / box_width, vertical = (double)height / box_height;
    if (options->size != VIPS_SIZE_FORCE) {
        /* One factor for both axes: the axis that fits the box, or, when cropping, the one that fills it. */
        double common = options->crop != VIPS_INTERESTING_NONE ? VIPS_MIN(horizontal, vertical)
                                                               : VIPS_MAX(horizontal, vertical);
        horizontal = vertical = common;
    }
    if (options->size == VIPS_SIZE_UP) {
        horizontal = VIPS_MIN(1, horizontal);
        vertical = VIPS_MIN(1, vertical);
    } else if (options->size == VIPS_SIZE_DOWN) {
        horizontal = VIPS_MAX(1, horizontal);
        vertical = VIPS_MAX(1, vertical);
    }
    horizontal = VIPS_MIN(horizontal, width);
    vertical = VIPS_MIN(vertical, height);
    if (horizontal <= 1 || vertical <= 1) {
        return 0;
    }
    *out_width = VIPS_MAX(1, (int)rint(width / horizontal));
    *out_height = VIPS_MAX(1, (int)rint(height / vertical));
    return 1;
}

void thumb_fine_to_8bit(int16_t *const *channels, int count, size_t size, uint8_t *out) {
    const int half = 1 << (THUMB_FINE_BITS - 1);
    for (size_t i = 0; i < size; i++) {
        for (int channel = 0; channel < count; channel++) {
            out[i * count + channel] = (uint8_t)((channels[channel][i] + half) >> THUMB_FINE_BITS);
        }
    }
}

VipsImage *thumb_wrap_pixels(uint8_t *pixels, int width, int height, VipsImage *header) {
    int bands = vips_image_get_bands(header);
    VipsImage *image =
        vips_image_new_from_memory(pixels, (size_t)width * height * bands, width, height, bands, VIPS_FORMAT_UCHAR);
    if (!image) {
        g_free(pixels);
        return NULL;
    }
    g_signal_connect(image, "postclose", G_CALLBACK(free_pixels), pixels);
    image->Type = bands == 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    image->Xres = header->Xres;
    image->Yres = header->Yres;
    copy_fields(header, image);
    return image;
}

VipsImage *thumb_reduce_in_memory(VipsImage *in, const ThumbVipsThumbnailOptions *options) {
    int bands = vips_image_get_bands(in), width = in->Xsize, height = in->Ysize, out_width, out_height;
    int in_memory = (in->dtype == VIPS_IMAGE_SETBUF || in->dtype == VIPS_IMAGE_SETBUF_FOREIGN) && in->data;
    int plain = in->BandFmt == VIPS_FORMAT_UCHAR && in->Coding == VIPS_CODING_NONE &&
                ((bands == 3 && in->Type == VIPS_INTERPRETATION_sRGB) ||
                 (bands == 1 && in->Type == VIPS_INTERPRETATION_B_W));
    if (!in_memory || !plain || vips_image_get_page_height(in) != height ||
        !thumb_thumbnail_size(options, options->auto_rotate && vips_image_get_orientation_swap(in), width, height,
                              &out_width, &out_height)) {
        return NULL;
    }
    size_t out_size = (size_t)out_width * out_height;
    int16_t *fine = g_try_malloc(out_size * bands * sizeof(int16_t));
    uint8_t *pixels = g_try_malloc(out_size * bands);
    int16_t *channels[3] = {NULL, NULL, NULL};
    for (int channel = 0; fine && channel < bands; channel++) {
        channels[channel] = fine + channel * out_size;
    }
    ThumbPlane plane = {(uint8_t *)in->data, width, height, (int)VIPS_IMAGE_SIZEOF_LINE(in)};
    int failed = !fine || !pixels ||
                 thumb_resample_planes(&plane, 1, bands, width, height, channels, out_width, out_height);
    if (!failed) {
        thumb_fine_to_8bit(channels, bands, out_size, pixels);
    }
    g_free(fine);
    if (failed) {
        g_free(pixels);
        return NULL;
    }
    return thumb_wrap_pixels(pixels, out_width, out_height, in);
}
