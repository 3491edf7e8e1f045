/* What the shim's source files share and do not export: the gate every call runs inside, the thumbnail pass on an
 * image already decoded, and the reduce done ahead of it on buffers (thumb_reduce.c). */
#ifndef THUMB_CALL_H
#define THUMB_CALL_H

#include "thumb_vips.h"

#include <stdint.h>

/* One call under way: its number among all calls, and whether no other call was running when it began. */
typedef struct {
    unsigned long number;
    int alone;
} ThumbCall;

/* Begins a call: its error starts empty, and it waits while another thread is in libvips alone. */
__attribute__((visibility("hidden"))) ThumbCall thumb_call_begin(ThumbVipsError *error);

/* Ends a call: on failure, reads libvips' text into *error; returns 0 or -1. */
__attribute__((visibility("hidden"))) int thumb_call_end(ThumbCall call, int status, ThumbVipsError *error);

/* Whether the calling thread's stop switch is pulled, libvips' error then set to say so: for work libvips does not
 * evaluate, such as a TurboJPEG decode, checked before it starts. */
__attribute__((visibility("hidden"))) int thumb_stop_pulled(void);

/* vips_thumbnail_image with every option of the pass (inside a call already). */
__attribute__((visibility("hidden"))) int thumb_thumbnail_decoded(VipsImage *in, VipsImage **out,
                                                                  const ThumbVipsThumbnailOptions *options);

/* The size vips_thumbnail resizes a `width` × `height` image to for `options` (the box turned when the picture will be
 * turned upright: `swap`), as libvips 8.14 computes it; zero when it would not shrink both axes. */
__attribute__((visibility("hidden"))) int thumb_thumbnail_size(const ThumbVipsThumbnailOptions *options, int swap,
                                                               int width, int height, int *out_width,
                                                               int *out_height);

/* Rounds `count` resampled channels of `size` samples each, in 1/16 of a level, into interleaved 8-bit pixels. */
__attribute__((visibility("hidden"))) void thumb_fine_to_8bit(int16_t *const *channels, int count, size_t size,
                                                              uint8_t *out);

/* A new image over `pixels` (width × height, the header's band count, 8-bit; freed with the image), with the header's
 * fields and resolution; NULL, the pixels freed, when libvips cannot make one. */
__attribute__((visibility("hidden"))) VipsImage *thumb_wrap_pixels(uint8_t *pixels, int width, int height,
                                                                   VipsImage *header);

/* An 8-bit sRGB or grey image in memory, one frame, reduced by thumb_resample.c to the size the thumbnail pass with
 * `options` would shrink it to; NULL when that is not such an image, the pass would not shrink both axes, or memory
 * runs out (the pass then reduces it itself). */
__attribute__((visibility("hidden"))) VipsImage *thumb_reduce_in_memory(VipsImage *in,
                                                                        const ThumbVipsThumbnailOptions *options);

#endif
