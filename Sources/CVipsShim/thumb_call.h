/* What the shim's source files share and do not export: the gate every call runs inside, and the thumbnail pass on
 * an image already decoded. */
#ifndef THUMB_CALL_H
#define THUMB_CALL_H

#include "thumb_vips.h"

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

#endif
