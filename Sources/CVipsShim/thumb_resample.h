/* Lanczos3 resampling of one 8-bit plane, for the TurboJPEG decode: what libvips 8.14's reduce does in its pipeline,
 * done in one call on a buffer, with AVX2 or SSE2 where the machine has them. */
#ifndef THUMB_RESAMPLE_H
#define THUMB_RESAMPLE_H

#include <stdint.h>

/* One plane of 8-bit pixels: `width` × `height` (of one or more interleaved samples each), rows `stride` bytes
 * apart. */
typedef struct {
    uint8_t *pixels;
    int width;
    int height;
    int stride;
} ThumbPlane;

/* The resampled samples' fraction bits: a level is 1 << THUMB_FINE_BITS, 255 is THUMB_FINE_MAX. */
#define THUMB_FINE_BITS 4
#define THUMB_FINE_MAX (255 << THUMB_FINE_BITS)

/* Resamples the picture in each of the `count` planes `in`, all of one size, each pixel `channels` interleaved
 * samples, to `out_width` × `out_height` samples a channel in `out` (one array per plane and channel, in that order,
 * rows packed, in 1/16 of a level) with lanczos3, the kernel widened by the shrink as libvips' reduce widens it; the
 * weights serve them all, and the calling thread keeps them for the next image of the same size. The picture covers
 * the first `extent_width` × `extent_height` pixels of a plane (fractions allowed: a scaled JPEG's last column and
 * row are only partly picture); pixels past the plane's edge repeat the edge. Returns 0, or -1 when memory runs out. */
__attribute__((visibility("hidden"))) int thumb_resample_planes(const ThumbPlane *in, int count, int channels,
                                                                double extent_width, double extent_height,
                                                                int16_t *const *out, int out_width, int out_height);

#endif
