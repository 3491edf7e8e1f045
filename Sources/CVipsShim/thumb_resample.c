/* Lanczos3 resampling of one 8-bit plane in two separable passes, vertical then horizontal, in 14-bit fixed point
 * whose intermediate and output keep a sixteenth of a level (libvips' and Pillow's reduce round to whole levels
 * between the passes), so neither the second pass nor the colour conversion after it works on rounded values. Each
 * output sample's weights are computed once per axis; the passes multiply two taps at a time with SSE2's pmaddwd
 * where the compiler targets it. */
#include "thumb_resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Fixed-point weights: 1.0 is 1 << WEIGHT_BITS. */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)
#define ROUNDING (1 << (WEIGHT_BITS - 1))
/* Half a sixteenth of a level, for the vertical pass's output. */
#define FINE_ROUNDING (1 << (WEIGHT_BITS - THUMB_FINE_BITS - 1))

/* The weights of one axis: output sample i reads `taps` input samples from first[i], with weights[i * taps ...]. */
typedef struct {
    int *first;
    int16_t *weights;
    int taps;
} Filter;

/* The lanczos3 kernel. */
static double lanczos3(double x) {
    if (x == 0) {
        return 1;
    }
    if (x <= -3 || x >= 3) {
        return 0;
    }
    /* sin(πx) from sin(πx/3) by the triple-angle formula: one sine a tap. */
    double pi_x = M_PI * x, third = sin(pi_x / 3);
    return 3 * (3 * third - 4 * third * third * third) * third / (pi_x * pi_x);
}

/* Frees a filter's arrays (NULL ones too). */
static void filter_free(Filter *filter) {
    free(filter->first);
    free(filter->weights);
}

/* The weights taking `size` input samples, whose picture is the first `extent`, to `out_size` outputs. Taps are
 * rounded up to a multiple of `align` (for the vector loops) where the input is that long, and every window is moved
 * to lie within the input, its weights shifted with it. Returns 0, or -1 when memory runs out (the caller frees what
 * was made either way). */
static int filter_make(Filter *filter, int size, double extent, int out_size, int align) {
    double ratio = extent / out_size;
    double widen = ratio > 1 ? ratio : 1;
    double support = 3 * widen;
    /* Enough inputs for every weight that is not zero; fewer when the input is shorter, the rest folded onto it. */
    int span = 2 * (int)ceil(support) + 1;
    int taps = (span + align - 1) / align * align;
    if (taps > size) {
        taps = size;
    }
    filter->taps = taps;
    filter->first = malloc(sizeof(int) * (size_t)out_size);
    filter->weights = calloc((size_t)out_size * (size_t)taps, sizeof(int16_t));
    double *exact = malloc(sizeof(double) * (size_t)taps);
    if (!filter->first || !filter->weights || !exact) {
        free(exact);
        return -1;
    }
    for (int i = 0; i < out_size; i++) {
        double centre = (i + 0.5) * ratio;
        /* The first input whose weight is not zero; the window holds all the others that are not. */
        int low = (int)floor(centre - 0.5 - support) + 1;
        int first = low < 0 ? 0 : low;
        if (first + taps > size) {
            first = size - taps;
        }
        memset(exact, 0, sizeof(double) * (size_t)taps);
        double sum = 0;
        for (int j = low; j < low + span; j++) {
            double weight = lanczos3((j + 0.5 - centre) / widen);
            exact[(j < 0 ? 0 : (j >= size ? size - 1 : j)) - first] += weight;
            sum += weight;
        }
        int16_t *weights = filter->weights + (size_t)i * taps;
        int total = 0, largest = 0;
        for (int k = 0; k < taps; k++) {
            weights[k] = (int16_t)lrint(exact[k] / sum * WEIGHT_ONE);
            total += weights[k];
            largest = weights[k] > weights[largest] ? k : largest;
        }
        /* The rounded weights sum to exactly one, so flat areas stay flat. */
        weights[largest] += WEIGHT_ONE - total;
        filter->first[i] = first;
    }
    free(exact);
    return 0;
}

/* A fixed-point sum shifted right by `shift`, clamped to the fine range. */
static inline int16_t fine_sample(int sum, int shift) {
    int value = sum >> shift;
    return (int16_t)(value < 0 ? 0 : (value > THUMB_FINE_MAX ? THUMB_FINE_MAX : value));
}

/* One output row of the vertical pass, in 1/16 of a level: the weighted sum, down each column, of `taps` input rows. */
static void vertical_row(const ThumbPlane *in, const Filter *filter, int row, int16_t *out) {
    const int16_t *weights = filter->weights + (size_t)row * filter->taps;
    const uint8_t *top = in->pixels + (size_t)filter->first[row] * in->stride;
    int x = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128(), ceiling = _mm_set1_epi16(THUMB_FINE_MAX);
    for (; x + 16 <= in->width; x += 16) {
        __m128i sums[4];
        for (int part = 0; part < 4; part++) {
            sums[part] = _mm_set1_epi32(FINE_ROUNDING);
        }
        for (int k = 0; k < filter->taps; k += 2) {
            int pair = k + 1 < filter->taps;
            const uint8_t *upper = top + (size_t)k * in->stride, *lower = pair ? upper + in->stride : upper;
            /* Two rows' samples interleaved as 16-bit pairs, against their two weights, also interleaved. */
            uint16_t upper_weight = (uint16_t)weights[k], lower_weight = pair ? (uint16_t)weights[k + 1] : 0;
            __m128i both = _mm_set1_epi32((int)(upper_weight | (uint32_t)lower_weight << 16));
            __m128i a = _mm_loadu_si128((const __m128i *)(upper + x));
            __m128i b = _mm_loadu_si128((const __m128i *)(lower + x));
            __m128i a_low = _mm_unpacklo_epi8(a, zero), a_high = _mm_unpackhi_epi8(a, zero);
            __m128i b_low = _mm_unpacklo_epi8(b, zero), b_high = _mm_unpackhi_epi8(b, zero);
            sums[0] = _mm_add_epi32(sums[0], _mm_madd_epi16(_mm_unpacklo_epi16(a_low, b_low), both));
            sums[1] = _mm_add_epi32(sums[1], _mm_madd_epi16(_mm_unpackhi_epi16(a_low, b_low), both));
            sums[2] = _mm_add_epi32(sums[2], _mm_madd_epi16(_mm_unpacklo_epi16(a_high, b_high), both));
            sums[3] = _mm_add_epi32(sums[3], _mm_madd_epi16(_mm_unpackhi_epi16(a_high, b_high), both));
        }
        for (int part = 0; part < 4; part++) {
            sums[part] = _mm_srai_epi32(sums[part], WEIGHT_BITS - THUMB_FINE_BITS);
        }
        for (int half = 0; half < 2; half++) {
            __m128i packed = _mm_packs_epi32(sums[2 * half], sums[2 * half + 1]);
            packed = _mm_min_epi16(_mm_max_epi16(packed, zero), ceiling);
            _mm_storeu_si128((__m128i *)(out + x + 8 * half), packed);
        }
    }
#endif
    for (; x < in->width; x++) {
        int sum = FINE_ROUNDING;
        for (int k = 0; k < filter->taps; k++) {
            sum += weights[k] * top[(size_t)k * in->stride + x];
        }
        out[x] = fine_sample(sum, WEIGHT_BITS - THUMB_FINE_BITS);
    }
}

/* One output row of the horizontal pass, from and to 1/16 of a level: each output sample the weighted sum of its
 * window of `row`. */
static void horizontal_row(const int16_t *row, const Filter *filter, int out_width, int16_t *out) {
    for (int x = 0; x < out_width; x++) {
        const int16_t *weights = filter->weights + (size_t)x * filter->taps;
        const int16_t *window = row + filter->first[x];
        int k = 0, sum = ROUNDING;
#if defined(__SSE2__)
        __m128i sums = _mm_setzero_si128();
        for (; k + 8 <= filter->taps; k += 8) {
            __m128i samples = _mm_loadu_si128((const __m128i *)(window + k));
            sums = _mm_add_epi32(sums, _mm_madd_epi16(samples, _mm_loadu_si128((const __m128i *)(weights + k))));
        }
        sums = _mm_add_epi32(sums, _mm_shuffle_epi32(sums, _MM_SHUFFLE(1, 0, 3, 2)));
        sums = _mm_add_epi32(sums, _mm_shuffle_epi32(sums, _MM_SHUFFLE(2, 3, 0, 1)));
        sum += _mm_cvtsi128_si32(sums);
#endif
        for (; k < filter->taps; k++) {
            sum += weights[k] * window[k];
        }
        out[x] = fine_sample(sum, WEIGHT_BITS);
    }
}

int thumb_resample_planes(const ThumbPlane *in, int count, int channels, double extent_width, double extent_height,
                          int16_t *const *out, int out_width, int out_height) {
    Filter vertical = {0}, horizontal = {0};
    size_t samples = (size_t)in[0].width * channels;
    /* A vertical pass's row, then (interleaved only) the same split into one run per channel. */
    int16_t *row = malloc(sizeof(int16_t) * samples * (channels > 1 ? 2 : 1));
    int status = !row || filter_make(&vertical, in[0].height, extent_height, out_height, 2) ||
                         filter_make(&horizontal, in[0].width, extent_width, out_width, 8)
                     ? -1
                     : 0;
    for (int plane = 0; status == 0 && plane < count; plane++) {
        /* The vertical pass runs down every byte column alike, interleaved or not. */
        ThumbPlane columns = in[plane];
        columns.width = (int)samples;
        int16_t *split = channels > 1 ? row + samples : row;
        for (int y = 0; y < out_height; y++) {
            vertical_row(&columns, &vertical, y, row);
            for (int x = 0, i = 0; channels > 1 && x < in[plane].width; x++) {
                for (int channel = 0; channel < channels; channel++, i++) {
                    split[(size_t)channel * in[plane].width + x] = row[i];
                }
            }
            for (int channel = 0; channel < channels; channel++) {
                horizontal_row(split + (size_t)channel * in[plane].width, &horizontal, out_width,
                               out[plane * channels + channel] + (size_t)y * out_width);
            }
        }
    }
    free(row);
    filter_free(&vertical);
    filter_free(&horizontal);
    return status;
}
