/* Fixed-arity wrappers around the variadic libvips calls thumbworker uses.
 * Every symbol is prefixed thumb_vips_; optional arguments travel in structs.
 * Each int-returning call returns 0 on success and -1 on failure. A failing call reads libvips' error text inside
 * the call, on the thread that failed, hands it back in its ThumbVipsError (which may be NULL when the text is not
 * wanted) and clears libvips' buffer.
 *
 * libvips keeps one error buffer for the whole process, and its worker threads append to it while a call runs, so
 * a text read during a call that overlapped another is not known to be this call's alone: the error says so
 * (`shared`), and work run again between thumb_vips_exclusive_begin and thumb_vips_exclusive_end, with libvips to
 * itself, fails with its own words only. */
#ifndef THUMB_VIPS_H
#define THUMB_VIPS_H

#include <vips/vips.h>

/** Why a call failed, read inside the failing call. */
typedef struct {
    /** libvips' error text, to free with thumb_vips_free; NULL when libvips gave none. */
    char *message;
    /** Non-zero when another call into libvips ran at the same time: the text may then hold that call's words too,
     *  or miss some of this one's. */
    int shared;
} ThumbVipsError;

/** Process-wide settings applied once by thumb_vips_start. */
typedef struct {
    /** Worker threads libvips may use inside one pipeline (0 keeps libvips' default). */
    int concurrency;
    /** Largest number of operations libvips' operation cache keeps. */
    int cache_max_operations;
    /** Largest amount of memory, in bytes, libvips' operation cache may hold. */
    size_t cache_max_bytes;
} ThumbVipsStartOptions;

/** Which thumbnail to make: a box, how to fit it, and what to load. */
typedef struct {
    /** Target width in pixels (VIPS_MAX_COORD when only the height matters). */
    int width;
    /** Target height in pixels (VIPS_MAX_COORD when only the width matters). */
    int height;
    /** A VipsSize: VIPS_SIZE_DOWN never enlarges, VIPS_SIZE_FORCE ignores the aspect ratio. */
    int size;
    /** A VipsInteresting: VIPS_INTERESTING_NONE fits inside the box, others fill it and crop. */
    int crop;
    /** Frames to load from a buffer, from the first (ignored for decoded images). */
    int pages;
    /** Non-zero converts an image with an embedded ICC profile to sRGB.
     *  Leave it zero for untagged images: libvips 8.14 then shifts their colours. CMYK is always converted. */
    int convert_profile_to_srgb;
    /** Non-zero turns the image upright by its EXIF orientation and drops the tag. */
    int auto_rotate;
    /** Non-zero makes damage the loader notices (a truncated file) an error rather than grey or missing pixels
     *  (ignored for decoded images). */
    int fail_on_error;
} ThumbVipsThumbnailOptions;

/** The encoders thumbworker writes. */
typedef enum {
    THUMB_VIPS_JPEG = 0,
    THUMB_VIPS_PNG = 1,
    THUMB_VIPS_WEBP = 2,
    THUMB_VIPS_AVIF = 3,
    THUMB_VIPS_GIF = 4
} ThumbVipsSaveFormat;

/** Encoder settings; fields an encoder has no use for are ignored. */
typedef struct {
    ThumbVipsSaveFormat format;
    /** Quality 1-100 (JPEG, WebP, AVIF). */
    int quality;
    /** Progressive JPEG or interlaced PNG/GIF. */
    int interlace;
    /** Non-zero removes all metadata; zero keeps what the image still carries. */
    int strip;
    /** CPU effort for WebP (0-6) and AVIF (0-9). */
    int effort;
    /** Lossless WebP. */
    int lossless;
} ThumbVipsSaveOptions;

/** Starts libvips once per process and blocks its untrusted loaders; 0 on success. */
int thumb_vips_start(const char *program_name, const ThumbVipsStartOptions *options, ThumbVipsError *error);

/** Whether libvips runs its ORC vector code (thumb_vips_start turns it off: see there). */
int thumb_vips_vector_enabled(void);

/** Lets the shim's resampler use AVX2 where the processor has it (1, the default) or keeps it to SSE2 (0); returns the
 *  previous setting. Both give the same samples: tests compare them. */
int thumb_vips_resample_allow_avx2(int allowed);

/** Allows or blocks one loader class (and its subclasses) by name, e.g. "VipsForeignLoadSvg". */
void thumb_vips_set_loader_blocked(const char *class_name, int blocked);

/** Makes the calling thread the only one inside libvips until the matching thumb_vips_exclusive_end: waits for the
 *  calls under way on other threads, then holds back new ones. Pairs nest on one thread. */
void thumb_vips_exclusive_begin(void);

/** Lets other threads into libvips again after thumb_vips_exclusive_begin. */
void thumb_vips_exclusive_end(void);

/** A job's stop switch: any thread may pull it, and the pixel work of the thread it is attached to then ends at its
 *  next tile with a "stopped" failure (a decode libvips cannot interrupt ends first). */
typedef struct ThumbVipsStop ThumbVipsStop;

/** A new switch, not pulled; free it with thumb_vips_stop_free once no thread has it attached. */
ThumbVipsStop *thumb_vips_stop_new(void);

/** Frees a switch. */
void thumb_vips_stop_free(ThumbVipsStop *stop);

/** Pulls the switch: the evaluation under way on its thread is killed, and later ones fail at once. */
void thumb_vips_stop_pull(ThumbVipsStop *stop);

/** Attaches the switch to the calling thread (NULL detaches): the thread's pixel work obeys it. */
void thumb_vips_stop_attach(ThumbVipsStop *stop);

/** Frees memory that libvips allocated (error texts, encoded buffers). */
void thumb_vips_free(void *pointer);

/** Opens an encoded image for its header only; no pixels are decoded. */
int thumb_vips_open_header(const void *data, size_t length, VipsImage **out, ThumbVipsError *error);

/** Whether the image carries an embedded ICC profile. */
int thumb_vips_has_icc_profile(VipsImage *image);

/** Whether a JPEG is progressive (libjpeg then keeps every coefficient of the whole image while decoding). */
int thumb_vips_is_progressive_jpeg(VipsImage *image);

/** The loader libvips picked for the image (e.g. "jpegload_buffer"), or NULL. */
const char *thumb_vips_loader_name(VipsImage *image);

/** Decodes and shrinks an encoded image in one pass (lazily: the pixels are made when the result is evaluated). */
int thumb_vips_thumbnail_buffer(const void *data, size_t length, VipsImage **out,
                                const ThumbVipsThumbnailOptions *options, ThumbVipsError *error);

/** thumb_vips_thumbnail_buffer for a JPEG, decoded by libjpeg-turbo's TurboJPEG API at 1/shrink (1, 2, 4 or 8)
 *  rather than by libvips' loader, then resized, turned upright and converted in the same pass (the decode is done
 *  when this returns; the rest is lazy). Returns 1, with nothing made, when TurboJPEG does not take the file: not
 *  8-bit RGB or grey (CMYK), a header libvips reads otherwise, or damage libjpeg would warn about (a truncated
 *  file, or stray bytes libvips' loader tolerates: those are decoded twice); thumb_vips_thumbnail_buffer is then
 *  what decides. Fails at once when the thread's stop switch is pulled (the decode itself cannot be interrupted). */
int thumb_vips_thumbnail_jpeg_turbo(const void *data, size_t length, int shrink, VipsImage **out,
                                    const ThumbVipsThumbnailOptions *options, ThumbVipsError *error);

/** Shrinks (or crops, or enlarges) an already decoded image. */
int thumb_vips_thumbnail_image(VipsImage *in, VipsImage **out, const ThumbVipsThumbnailOptions *options,
                               ThumbVipsError *error);

/** Converts any interpretation and depth to 8-bit sRGB, or 8-bit greyscale for grey inputs. */
int thumb_vips_to_8bit(VipsImage *in, VipsImage **out, ThumbVipsError *error);

/** Composites the alpha channel onto an opaque background colour. */
int thumb_vips_flatten(VipsImage *in, VipsImage **out, double red, double green, double blue, ThumbVipsError *error);

/** Centres the image on a width × height canvas filled with a colour (alpha used when the image has it). */
int thumb_vips_embed_centre(VipsImage *in, VipsImage **out, int width, int height,
                            double red, double green, double blue, double alpha, ThumbVipsError *error);

/** Cuts out a rectangle (used to take the first frame of an animation). */
int thumb_vips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height,
                            ThumbVipsError *error);

/** Evaluates the image into memory (the image itself, with a new reference, when it is already there). */
int thumb_vips_copy_memory(VipsImage *in, VipsImage **out, ThumbVipsError *error);

/** The pixels of an image, band-packed rows, evaluating it into memory first if it is not already there. */
int thumb_vips_pixels(VipsImage *in, const void **pixels, ThumbVipsError *error);

/** A new image over the same pixels with its own copy of the metadata, so fields can be removed from it alone. */
int thumb_vips_copy(VipsImage *in, VipsImage **out, ThumbVipsError *error);

/** The smallest value of the last band (the alpha channel of an image that has one). */
int thumb_vips_alpha_minimum(VipsImage *in, double *minimum, ThumbVipsError *error);

/** Encodes the image into a buffer to free with thumb_vips_free. */
int thumb_vips_save(VipsImage *in, const ThumbVipsSaveOptions *options, void **data, size_t *length,
                    ThumbVipsError *error);

#endif
