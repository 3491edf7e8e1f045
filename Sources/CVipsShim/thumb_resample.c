/* Lanczos3 resampling of one 8-bit plane in two separable passes, vertical then horizontal, in 14-bit fixed point
 * whose intermediate and output keep a sixteenth of a level (libvips' and Pillow's reduce round to whole levels
 * between the passes), so neither the second pass nor the colour conversion after it works on rounded values. Each
 * output sample's weights are computed once per axis; the passes multiply pairs of taps with pmaddwd, in AVX2's
 * 256-bit registers where the processor has them (checked at run time) and SSE2's otherwise. With AVX2 the horizontal
 * pass runs on blocks of rows transposed, a row a lane, so its windows are padded only to an even count of taps and
 * no sums are added across lanes. */
#include "thumb_resample.h"

#include "thumb_vips.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Fixed-point weights: 1.0 is 1 << WEIGHT_BITS. */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)
#define ROUNDING (1 << (WEIGHT_BITS - 1))
/* Half a sixteenth of a level, for the vertical pass's output. */
#define FINE_ROUNDING (1 << (WEIGHT_BITS - THUMB_FINE_BITS - 1))
/* The rows the horizontal pass takes at once: with AVX2, one a 16-bit lane of a register. */
#define BLOCK_ROWS 16

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

/* Whether the passes may use AVX2 (thumb_vips_resample_allow_avx2). */
static int avx2_allowed = 1;

int thumb_vips_resample_allow_avx2(int allowed) {
    return __atomic_exchange_n(&avx2_allowed, allowed, __ATOMIC_RELAXED);
}

/* Whether this call's passes use AVX2: allowed, and the processor has it. */
static int use_avx2(void) {
#if defined(__x86_64__)
    return __atomic_load_n(&avx2_allowed, __ATOMIC_RELAXED) && __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

/* A thread's most recent filters, kept for the next image of the same size: uploads to one bucket come in a few
 * sizes, and building a filter takes a sine a tap. */
#define KEPT_FILTERS 8

/* One kept filter and what it was made for; `size` 0 marks an empty place. */
typedef struct {
    int size;
    double extent;
    int out_size;
    int align;
    Filter filter;
} KeptFilter;

/* A thread's kept filters, the oldest at `next`. */
typedef struct {
    KeptFilter kept[KEPT_FILTERS];
    int next;
} FilterCache;

static pthread_key_t cache_key;
static pthread_once_t cache_key_once = PTHREAD_ONCE_INIT;
static int cache_key_made;

/* Frees a thread's kept filters when the thread exits. */
static void cache_free(void *pointer) {
    FilterCache *cache = pointer;
    for (int i = 0; i < KEPT_FILTERS; i++) {
        filter_free(&cache->kept[i].filter);
    }
    free(cache);
}

/* Makes the key of the threads' caches, once. */
static void cache_key_make(void) {
    cache_key_made = pthread_key_create(&cache_key, cache_free) == 0;
}

/* The filter taking `size` samples (the picture the first `extent`) to `out_size`, `align`ed, from this thread's
 * cache, made in the oldest place when it is not there (never in `keep`'s). NULL when memory runs out. */
static const Filter *filter_for(int size, double extent, int out_size, int align, const Filter *keep) {
    pthread_once(&cache_key_once, cache_key_make);
    FilterCache *cache = cache_key_made ? pthread_getspecific(cache_key) : NULL;
    if (!cache) {
        cache = cache_key_made ? calloc(1, sizeof(FilterCache)) : NULL;
        if (!cache || pthread_setspecific(cache_key, cache) != 0) {
            free(cache);
            return NULL;
        }
    }
    for (int i = 0; i < KEPT_FILTERS; i++) {
        KeptFilter *kept = &cache->kept[i];
        if (kept->size == size && kept->extent == extent && kept->out_size == out_size && kept->align == align) {
            return &kept->filter;
        }
    }
    int place = &cache->kept[cache->next].filter == keep ? (cache->next + 1) % KEPT_FILTERS : cache->next;
    cache->next = (place + 1) % KEPT_FILTERS;
    KeptFilter *kept = &cache->kept[place];
    filter_free(&kept->filter);
    *kept = (KeptFilter){0};
    if (filter_make(&kept->filter, size, extent, out_size, align) != 0) {
        filter_free(&kept->filter);
        kept->filter = (Filter){0};
        return NULL;
    }
    kept->size = size;
    kept->extent = extent;
    kept->out_size = out_size;
    kept->align = align;
    return &kept->filter;
}

/* A fixed-point sum shifted right by `shift`, clamped to the fine range. */
static inline int16_t fine_sample(int sum, int shift) {
    int value = sum >> shift;
    return (int16_t)(value < 0 ? 0 : (value > THUMB_FINE_MAX ? THUMB_FINE_MAX : value));
}

#if defined(__x86_64__)
/* The vertical pass over the columns of `row` that fill whole runs of 16, with AVX2: each 16-bit pair of a register
 * one column's samples in two rows, against the two rows' weights. Returns the first column not done. */
__attribute__((target("avx2"))) static int vertical_columns_avx2(const ThumbPlane *in, const Filter *filter,
                                                                 int row, int16_t *out) {
    const int16_t *weights = filter->weights + (size_t)row * filter->taps;
    const uint8_t *top = in->pixels + (size_t)filter->first[row] * in->stride;
    const __m256i zero = _mm256_setzero_si256(), ceiling = _mm256_set1_epi16(THUMB_FINE_MAX);
    int x = 0;
    for (; x + 16 <= in->width; x += 16) {
        __m256i low = _mm256_set1_epi32(FINE_ROUNDING), high = low;
        for (int k = 0; k < filter->taps; k += 2) {
            int pair = k + 1 < filter->taps;
            const uint8_t *upper = top + (size_t)k * in->stride, *lower = pair ? upper + in->stride : upper;
            uint16_t upper_weight = (uint16_t)weights[k], lower_weight = pair ? (uint16_t)weights[k + 1] : 0;
            __m256i both = _mm256_set1_epi32((int)(upper_weight | (uint32_t)lower_weight << 16));
            __m256i a = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(upper + x)));
            __m256i b = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(lower + x)));
            low = _mm256_add_epi32(low, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), both));
            high = _mm256_add_epi32(high, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), both));
        }
        low = _mm256_srai_epi32(low, WEIGHT_BITS - THUMB_FINE_BITS);
        high = _mm256_srai_epi32(high, WEIGHT_BITS - THUMB_FINE_BITS);
        /* The unpacks and the pack both work within 128-bit lanes, so the columns come out in order. */
        __m256i packed = _mm256_min_epi16(_mm256_max_epi16(_mm256_packs_epi32(low, high), zero), ceiling);
        _mm256_storeu_si256((__m256i *)(out + x), packed);
    }
    return x;
}
#endif

/* One output row of the vertical pass, in 1/16 of a level: the weighted sum, down each column, of `taps` input rows. */
static void vertical_row(const ThumbPlane *in, const Filter *filter, int row, int avx2, int16_t *out) {
    const int16_t *weights = filter->weights + (size_t)row * filter->taps;
    const uint8_t *top = in->pixels + (size_t)filter->first[row] * in->stride;
    int x = 0;
#if defined(__x86_64__)
    if (avx2) {
        x = vertical_columns_avx2(in, filter, row, out);
    }
#endif
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
            /* The two rows' weights, interleaved as the samples will be. */
            uint16_t upper_weight = (uint16_t)weights[k], lower_weight = pair ? (uint16_t)weights[k + 1] : 0;
            __m128i both = _mm_set1_epi32((int)(upper_weight | (uint32_t)lower_weight << 16));
            __m128i a = _mm_loadu_si128((const __m128i *)(upper + x));
            __m128i b = _mm_loadu_si128((const __m128i *)(lower + x));
            /* The two rows' bytes interleaved, then widened: each 16-bit pair one column's two samples. */
            __m128i low = _mm_unpacklo_epi8(a, b), high = _mm_unpackhi_epi8(a, b);
            sums[0] = _mm_add_epi32(sums[0], _mm_madd_epi16(_mm_unpacklo_epi8(low, zero), both));
            sums[1] = _mm_add_epi32(sums[1], _mm_madd_epi16(_mm_unpackhi_epi8(low, zero), both));
            sums[2] = _mm_add_epi32(sums[2], _mm_madd_epi16(_mm_unpacklo_epi8(high, zero), both));
            sums[3] = _mm_add_epi32(sums[3], _mm_madd_epi16(_mm_unpackhi_epi8(high, zero), both));
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

#if defined(__SSE2__)
/* The four sums of the 32-bit lanes of `a`, `b`, `c` and `d`, in that order. */
static inline __m128i sum_lanes4(__m128i a, __m128i b, __m128i c, __m128i d) {
    __m128i ab = _mm_add_epi32(_mm_unpacklo_epi32(a, b), _mm_unpackhi_epi32(a, b));
    __m128i cd = _mm_add_epi32(_mm_unpacklo_epi32(c, d), _mm_unpackhi_epi32(c, d));
    return _mm_add_epi32(_mm_unpacklo_epi64(ab, cd), _mm_unpackhi_epi64(ab, cd));
}

/* Four outputs' fixed-point sums rounded to 1/16 of a level, clamped and stored at `out`. */
static inline void store_four(__m128i sums, int16_t *out) {
    sums = _mm_srai_epi32(_mm_add_epi32(sums, _mm_set1_epi32(ROUNDING)), WEIGHT_BITS);
    __m128i packed = _mm_packs_epi32(sums, sums);
    packed = _mm_min_epi16(_mm_max_epi16(packed, _mm_setzero_si128()), _mm_set1_epi16(THUMB_FINE_MAX));
    _mm_storel_epi64((__m128i *)out, packed);
}

/* Output sample `x`'s window of `row` against its weights, eight taps at a time, in four 32-bit lanes. */
static inline __m128i window_sums(const int16_t *row, const Filter *filter, int x) {
    const int16_t *weights = filter->weights + (size_t)x * filter->taps, *window = row + filter->first[x];
    __m128i sums = _mm_setzero_si128();
    for (int k = 0; k < filter->taps; k += 8) {
        __m128i samples = _mm_loadu_si128((const __m128i *)(window + k));
        sums = _mm_add_epi32(sums, _mm_madd_epi16(samples, _mm_loadu_si128((const __m128i *)(weights + k))));
    }
    return sums;
}

/* The horizontal pass four outputs at a time with SSE2 (taps a multiple of eight); returns the first output not
 * done. */
static int horizontal_fours(const int16_t *row, const Filter *filter, int out_width, int16_t *out) {
    int x = 0;
    for (; x + 4 <= out_width; x += 4) {
        store_four(sum_lanes4(window_sums(row, filter, x), window_sums(row, filter, x + 1),
                              window_sums(row, filter, x + 2), window_sums(row, filter, x + 3)),
                   out + x);
    }
    return x;
}
#endif

#if defined(__x86_64__)
/* Eight rows of eight samples at `in` (rows `in_stride` apart) stored transposed at `out` (rows `out_stride`
 * apart): out row j holds column j of the input. */
static inline void transpose_eight(const int16_t *in, size_t in_stride, int16_t *out, size_t out_stride) {
    __m128i rows[8], pairs[8], quads[8];
    for (int i = 0; i < 8; i++) {
        rows[i] = _mm_loadu_si128((const __m128i *)(in + i * in_stride));
    }
    /* Rows 2i and 2i + 1 interleaved, then four rows, then all eight: each stage doubles the run of one column. */
    for (int i = 0; i < 4; i++) {
        pairs[i] = _mm_unpacklo_epi16(rows[2 * i], rows[2 * i + 1]);
        pairs[i + 4] = _mm_unpackhi_epi16(rows[2 * i], rows[2 * i + 1]);
    }
    for (int half = 0; half < 2; half++) {
        __m128i *from = pairs + 4 * half, *to = quads + 4 * half;
        to[0] = _mm_unpacklo_epi32(from[0], from[1]);
        to[1] = _mm_unpackhi_epi32(from[0], from[1]);
        to[2] = _mm_unpacklo_epi32(from[2], from[3]);
        to[3] = _mm_unpackhi_epi32(from[2], from[3]);
    }
    /* Quads 4h + i and 4h + i + 2 hold columns 4h + 2i and 4h + 2i + 1, of the first four rows and the last four. */
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < 2; i++) {
            __m128i top = quads[4 * half + i], bottom = quads[4 * half + i + 2];
            int column = 4 * half + 2 * i;
            _mm_storeu_si128((__m128i *)(out + column * out_stride), _mm_unpacklo_epi64(top, bottom));
            _mm_storeu_si128((__m128i *)(out + (column + 1) * out_stride), _mm_unpackhi_epi64(top, bottom));
        }
    }
}

/* `rows` (BLOCK_ROWS of `width` samples, `stride` apart) transposed into `columns`: column c's samples, one a row, at
 * columns[c * BLOCK_ROWS ...]. */
static void block_to_columns(const int16_t *rows, size_t stride, int width, int16_t *columns) {
    int c = 0;
    for (; c + 8 <= width; c += 8) {
        for (int band = 0; band < BLOCK_ROWS; band += 8) {
            transpose_eight(rows + band * stride + c, stride, columns + (size_t)c * BLOCK_ROWS + band, BLOCK_ROWS);
        }
    }
    for (; c < width; c++) {
        for (int r = 0; r < BLOCK_ROWS; r++) {
            columns[(size_t)c * BLOCK_ROWS + r] = rows[r * stride + c];
        }
    }
}

/* The inverse of block_to_columns for the first `count` rows: `columns` (`width` of them) into rows `stride` apart. */
static void columns_to_block(const int16_t *columns, int width, int count, int16_t *rows, size_t stride) {
    int x = 0;
    for (; count == BLOCK_ROWS && x + 8 <= width; x += 8) {
        for (int band = 0; band < BLOCK_ROWS; band += 8) {
            transpose_eight(columns + (size_t)x * BLOCK_ROWS + band, BLOCK_ROWS, rows + band * stride + x, stride);
        }
    }
    for (; x < width; x++) {
        for (int r = 0; r < count; r++) {
            rows[r * stride + x] = columns[(size_t)x * BLOCK_ROWS + r];
        }
    }
}

/* The horizontal pass over a block of BLOCK_ROWS rows with AVX2, on the block transposed (`columns`, scratch for
 * `width` columns, and `sums`, for `out_width`): each 16-bit pair of a register is one row's samples at two taps, so
 * an output column of all the rows costs one multiply-add per two taps, and no tap is padded beyond an even count.
 * The first `count` rows of the result go to `out`, rows `out_stride` apart. */
__attribute__((target("avx2"))) static void horizontal_block_avx2(const int16_t *rows, size_t stride, int width,
                                                                  const Filter *filter, int out_width, int count,
                                                                  int16_t *columns, int16_t *sums, int16_t *out,
                                                                  size_t out_stride) {
    block_to_columns(rows, stride, width, columns);
    const __m256i zero = _mm256_setzero_si256(), ceiling = _mm256_set1_epi16(THUMB_FINE_MAX);
    for (int x = 0; x < out_width; x++) {
        const int16_t *weights = filter->weights + (size_t)x * filter->taps;
        const int16_t *window = columns + (size_t)filter->first[x] * BLOCK_ROWS;
        __m256i low = _mm256_set1_epi32(ROUNDING), high = low;
        for (int k = 0; k < filter->taps; k += 2) {
            int pair = k + 1 < filter->taps;
            __m256i a = _mm256_loadu_si256((const __m256i *)(window + (size_t)k * BLOCK_ROWS));
            __m256i b = pair ? _mm256_loadu_si256((const __m256i *)(window + (size_t)(k + 1) * BLOCK_ROWS)) : a;
            uint16_t first_weight = (uint16_t)weights[k], second_weight = pair ? (uint16_t)weights[k + 1] : 0;
            __m256i both = _mm256_set1_epi32((int)(first_weight | (uint32_t)second_weight << 16));
            low = _mm256_add_epi32(low, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), both));
            high = _mm256_add_epi32(high, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), both));
        }
        low = _mm256_srai_epi32(low, WEIGHT_BITS);
        high = _mm256_srai_epi32(high, WEIGHT_BITS);
        /* As in the vertical pass, the unpacks and the pack keep to 128-bit lanes, so the rows come out in order. */
        __m256i packed = _mm256_min_epi16(_mm256_max_epi16(_mm256_packs_epi32(low, high), zero), ceiling);
        _mm256_storeu_si256((__m256i *)(sums + (size_t)x * BLOCK_ROWS), packed);
    }
    columns_to_block(sums, out_width, count, out, out_stride);
}
#endif

/* One output row of the horizontal pass, from and to 1/16 of a level: each output sample the weighted sum of its
 * window of `row`. */
static void horizontal_row(const int16_t *row, const Filter *filter, int out_width, int16_t *out) {
    int x = 0;
#if defined(__SSE2__)
    if (filter->taps % 8 == 0) {
        x = horizontal_fours(row, filter, out_width, out);
    }
#endif
    for (; x < out_width; x++) {
        const int16_t *weights = filter->weights + (size_t)x * filter->taps;
        const int16_t *window = row + filter->first[x];
        int sum = ROUNDING;
        for (int k = 0; k < filter->taps; k++) {
            sum += weights[k] * window[k];
        }
        out[x] = fine_sample(sum, WEIGHT_BITS);
    }
}

/* The horizontal pass over the first `count` of BLOCK_ROWS rows (`rows`, `stride` apart) into `out` (rows
 * `out_width` apart): with AVX2 on the block transposed in `scratch`, otherwise a row at a time. */
static void horizontal_rows(const int16_t *rows, size_t stride, int width, const Filter *filter, int out_width,
                            int count, int avx2, int16_t *scratch, int16_t *out) {
#if defined(__x86_64__)
    if (avx2) {
        int16_t *sums = scratch + (size_t)width * BLOCK_ROWS;
        horizontal_block_avx2(rows, stride, width, filter, out_width, count, scratch, sums, out, (size_t)out_width);
        return;
    }
#endif
    for (int r = 0; r < count; r++) {
        horizontal_row(rows + r * stride, filter, out_width, out + (size_t)r * out_width);
    }
}

int thumb_resample_planes(const ThumbPlane *in, int count, int channels, double extent_width, double extent_height,
                          int16_t *const *out, int out_width, int out_height) {
    int avx2 = use_avx2();
    int width = in[0].width;
    size_t samples = (size_t)width * channels;
    /* A block of the vertical pass's rows; (interleaved only) the same split into one run per channel; the
     * horizontal pass's transposed block and its sums. Zeroed, so the rows a short last block leaves out hold defined
     * values (zeros, or an earlier block's rows), which the AVX2 pass sums and never stores. */
    size_t block = samples * BLOCK_ROWS, transposed = ((size_t)width + out_width) * BLOCK_ROWS;
    int16_t *rows = calloc(block * (channels > 1 ? 2 : 1) + transposed, sizeof(int16_t));
    /* AVX2's transposed pass pads a window to an even count of taps, SSE2's rows to a multiple of eight. */
    const Filter *vertical = filter_for(in[0].height, extent_height, out_height, 2, NULL);
    const Filter *horizontal = vertical ? filter_for(width, extent_width, out_width, avx2 ? 2 : 8, vertical) : NULL;
    int status = !rows || !horizontal ? -1 : 0;
    int16_t *split = channels > 1 ? rows + block : rows, *scratch = split + block;
    for (int plane = 0; status == 0 && plane < count; plane++) {
        /* The vertical pass runs down every byte column alike, interleaved or not. */
        ThumbPlane columns = in[plane];
        columns.width = (int)samples;
        for (int y = 0; y < out_height; y += BLOCK_ROWS) {
            int rows_here = out_height - y < BLOCK_ROWS ? out_height - y : BLOCK_ROWS;
            for (int r = 0; r < rows_here; r++) {
                int16_t *row = rows + r * samples;
                vertical_row(&columns, vertical, y + r, avx2, row);
                for (int channel = 0; channels > 1 && channel < channels; channel++) {
                    int16_t *run = split + r * samples + (size_t)channel * width;
                    for (int x = 0; x < width; x++) {
                        run[x] = row[(size_t)x * channels + channel];
                    }
                }
            }
            for (int channel = 0; channel < channels; channel++) {
                horizontal_rows(split + (size_t)channel * width, samples, width, horizontal, out_width, rows_here,
                                avx2, scratch, out[plane * channels + channel] + (size_t)y * out_width);
            }
        }
    }
    free(rows);
    return status;
}
