/* The JPEG decode on libjpeg-turbo's TurboJPEG API: one tjDecompress2 call at a DCT scale, into a buffer libvips
 * wraps without copying, in place of libvips' sequential JPEG loader. The pixels are the ones libvips' loader makes
 * at the same shrink (both are libjpeg-turbo underneath); what is saved is the loader's pipeline around libjpeg. */
#include "thumb_call.h"

#include <string.h>
#include <turbojpeg.h>

/* Frees the decoded pixels once the image wrapping them is closed. */
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

/* Decodes at 1/shrink into a new image carrying the header's fields; NULL when TurboJPEG declines the file or meets
 * anything it would only warn about (the libvips loader then decides what the file is worth). */
static VipsImage *decode(tjhandle decoder, const void *data, size_t length, VipsImage *header, int shrink) {
    int bands = vips_image_get_bands(header);
    int width, height, subsampling, colourspace;
    if (header->BandFmt != VIPS_FORMAT_UCHAR || !(bands == 3 || bands == 1) ||
        tjDecompressHeader3(decoder, data, length, &width, &height, &subsampling, &colourspace) ||
        colourspace == TJCS_CMYK || colourspace == TJCS_YCCK || width != header->Xsize || height != header->Ysize) {
        return NULL;
    }
    tjscalingfactor scale = {1, shrink};
    int scaled_width = TJSCALED(width, scale), scaled_height = TJSCALED(height, scale);
    size_t size = (size_t)scaled_width * scaled_height * bands;
    void *pixels = g_try_malloc(size);
    if (!pixels) {
        return NULL;
    }
    if (tjDecompress2(decoder, data, length, pixels, scaled_width, 0, scaled_height, bands == 1 ? TJPF_GRAY : TJPF_RGB,
                      TJFLAG_STOPONWARNING)) {
        g_free(pixels);
        return NULL;
    }
    /* libjpeg rounds a scaled side up, its last pixel only partly picture; libvips' loader leaves that pixel out, and
     * so does this decode, keeping the scale of the rest exact: rows packed to the narrower width, in place. */
    int kept_width = VIPS_MAX(1, width / shrink), kept_height = VIPS_MAX(1, height / shrink);
    size_t kept_row = (size_t)kept_width * bands, scaled_row = (size_t)scaled_width * bands;
    for (int row = 1; kept_row != scaled_row && row < kept_height; row++) {
        memmove((char *)pixels + row * kept_row, (char *)pixels + row * scaled_row, kept_row);
    }
    VipsImage *image = vips_image_new_from_memory(pixels, kept_row * kept_height, kept_width, kept_height, bands,
                                                  VIPS_FORMAT_UCHAR);
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

int thumb_vips_thumbnail_jpeg_turbo(const void *data, size_t length, int shrink, VipsImage **out,
                                    const ThumbVipsThumbnailOptions *options, ThumbVipsError *error) {
    *out = NULL;
    if (!(shrink == 1 || shrink == 2 || shrink == 4 || shrink == 8)) {
        return 1;
    }
    ThumbCall call = thumb_call_begin(error);
    if (thumb_stop_pulled()) {
        return thumb_call_end(call, -1, error);
    }
    VipsImage *header = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!header) {
        /* libvips' loader reads the header again and says what is wrong with it; alone, this text goes first. */
        if (call.alone) {
            vips_error_clear();
        }
        thumb_call_end(call, 0, error);
        return 1;
    }
    tjhandle decoder = tjInitDecompress();
    VipsImage *decoded = decoder ? decode(decoder, data, length, header, shrink) : NULL;
    if (decoder) {
        tjDestroy(decoder);
    }
    g_object_unref(header);
    if (!decoded) {
        thumb_call_end(call, 0, error);
        return 1;
    }
    int status = thumb_thumbnail_decoded(decoded, out, options);
    g_object_unref(decoded);
    return thumb_call_end(call, status, error);
}
