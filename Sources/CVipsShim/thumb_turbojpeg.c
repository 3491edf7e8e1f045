/* The JPEG decode on libjpeg-turbo's TurboJPEG API, in place of libvips' sequential JPEG loader: one
 * tjDecompressToYUVPlanes call at a DCT scale, each plane resampled straight to the thumbnail's size, and only then
 * converted to RGB, into a buffer libvips wraps without copying. What is saved is the loader's pipeline around
 * libjpeg, libvips 8.14's scalar reduce, and the colour conversion and chroma upsampling of the large image. */
#include "thumb_call.h"

#include "thumb_resample.h"

#include <turbojpeg.h>

/* JFIF's YCbCr to RGB (libjpeg's constants, 16-bit fixed point) from three resampled planes of one size, in 1/16 of
 * a level, into packed RGB: the chroma's offset, the products and one rounding at the end. */
static void ycbcr_to_rgb(int16_t *const planes[3], size_t count, uint8_t *rgb) {
    const int centre = 128 << THUMB_FINE_BITS, shift = 16 + THUMB_FINE_BITS, half = 1 << (shift - 1);
    for (size_t i = 0; i < count; i++) {
        int y = planes[0][i] * 65536 + half, cb = planes[1][i] - centre, cr = planes[2][i] - centre;
        int red = (y + 91881 * cr) >> shift;
        int green = (y - 22554 * cb - 46802 * cr) >> shift;
        int blue = (y + 116130 * cb) >> shift;
        rgb[3 * i] = (uint8_t)VIPS_CLIP(0, red, 255);
        rgb[3 * i + 1] = (uint8_t)VIPS_CLIP(0, green, 255);
        rgb[3 * i + 2] = (uint8_t)VIPS_CLIP(0, blue, 255);
    }
}

/* A decoded image's YCbCr planes (or its one grey plane), in one allocation. */
typedef struct {
    ThumbPlane planes[3];
    int count;
    uint8_t *samples;
} DecodedPlanes;

/* Decodes a `width` × `height` JPEG at 1/shrink into planes; 0, or -1 when memory runs out or TurboJPEG fails or
 * warns (the planes then hold nothing to free). */
static int decode_planes(tjhandle decoder, const void *data, size_t length, int width, int height, int subsampling,
                         int shrink, DecodedPlanes *decoded) {
    tjscalingfactor scale = {1, shrink};
    int scaled_width = TJSCALED(width, scale), scaled_height = TJSCALED(height, scale);
    decoded->count = subsampling == TJSAMP_GRAY ? 1 : 3;
    unsigned char *starts[3];
    int strides[3];
    size_t size = 0;
    for (int plane = 0; plane < decoded->count; plane++) {
        ThumbPlane *each = &decoded->planes[plane];
        each->width = each->stride = strides[plane] = tjPlaneWidth(plane, scaled_width, subsampling);
        each->height = tjPlaneHeight(plane, scaled_height, subsampling);
        if (each->width < 1 || each->height < 1) {
            return -1;
        }
        size += (size_t)each->width * each->height;
    }
    if (!(decoded->samples = g_try_malloc(size))) {
        return -1;
    }
    size_t offset = 0;
    for (int plane = 0; plane < decoded->count; plane++) {
        starts[plane] = decoded->planes[plane].pixels = decoded->samples + offset;
        offset += (size_t)decoded->planes[plane].width * decoded->planes[plane].height;
    }
    if (tjDecompressToYUVPlanes(decoder, data, length, starts, scaled_width, strides, scaled_height,
                                TJFLAG_STOPONWARNING)) {
        g_free(decoded->samples);
        return -1;
    }
    return 0;
}

/* The planes resampled to `out_width` × `out_height`, the picture covering `extent_width` × `extent_height` luma
 * samples, as packed RGB (or grey) to free with g_free; NULL when memory runs out. */
static uint8_t *resample_to_pixels(const DecodedPlanes *decoded, int subsampling, double extent_width,
                                   double extent_height, int out_width, int out_height) {
    size_t out_size = (size_t)out_width * out_height;
    uint8_t *pixels = g_try_malloc(out_size * decoded->count);
    int16_t *fine = g_try_malloc(out_size * decoded->count * sizeof(int16_t));
    int16_t *resampled[3] = {NULL, NULL, NULL};
    int failed = !pixels || !fine;
    for (int plane = 0; !failed && plane < decoded->count; plane++) {
        resampled[plane] = fine + plane * out_size;
    }
    failed = failed || thumb_resample_planes(decoded->planes, 1, 1, extent_width, extent_height, resampled, out_width,
                                             out_height);
    if (!failed && decoded->count == 3) {
        /* A chroma sample spans tjMCUWidth / 8 luma samples across and tjMCUHeight / 8 down. */
        int across = tjMCUWidth[subsampling] / 8, down = tjMCUHeight[subsampling] / 8;
        failed = thumb_resample_planes(&decoded->planes[1], 2, 1, extent_width / across, extent_height / down,
                                       &resampled[1], out_width, out_height);
    }
    if (!failed && decoded->count == 3) {
        ycbcr_to_rgb(resampled, out_size, pixels);
    } else if (!failed) {
        thumb_fine_to_8bit(resampled, 1, out_size, pixels);
    }
    g_free(fine);
    if (failed) {
        g_free(pixels);
        return NULL;
    }
    return pixels;
}

/* Decodes at 1/shrink to YCbCr planes and resamples them straight to the size the thumbnail pass would resize to (or,
 * when it would not shrink, to the size libvips' loader gives), into packed pixels carrying the header's fields. The
 * colour conversion and chroma upsampling are done on the small image only. NULL when TurboJPEG declines the file or
 * meets anything it would only warn about (the libvips loader then decides what the file is worth). */
static VipsImage *decode(tjhandle decoder, const void *data, size_t length, VipsImage *header, int shrink,
                         const ThumbVipsThumbnailOptions *options) {
    int bands = vips_image_get_bands(header);
    int width, height, subsampling, colourspace;
    DecodedPlanes decoded;
    if (header->BandFmt != VIPS_FORMAT_UCHAR || !(bands == 3 || bands == 1) ||
        tjDecompressHeader3(decoder, data, length, &width, &height, &subsampling, &colourspace) ||
        !(colourspace == TJCS_YCbCr || colourspace == TJCS_GRAY) || subsampling < 0 || subsampling == TJSAMP_411 ||
        (subsampling == TJSAMP_GRAY) != (bands == 1) || width != header->Xsize || height != header->Ysize ||
        decode_planes(decoder, data, length, width, height, subsampling, shrink, &decoded)) {
        return NULL;
    }
    /* libvips' loader leaves out a scaled image's partial last column and row; a shrinking resample keeps their share
     * of the picture, so the scale of the rest is exact. */
    int kept_width = VIPS_MAX(1, width / shrink), kept_height = VIPS_MAX(1, height / shrink);
    int out_width = kept_width, out_height = kept_height;
    int swap = options->auto_rotate && vips_image_get_orientation_swap(header);
    int shrinks = thumb_thumbnail_size(options, swap, kept_width, kept_height, &out_width, &out_height);
    uint8_t *pixels = resample_to_pixels(&decoded, subsampling, shrinks ? (double)width / shrink : kept_width,
                                         shrinks ? (double)height / shrink : kept_height, out_width, out_height);
    g_free(decoded.samples);
    return pixels ? thumb_wrap_pixels(pixels, out_width, out_height, header) : NULL;
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
    VipsImage *decoded = decoder ? decode(decoder, data, length, header, shrink, options) : NULL;
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
