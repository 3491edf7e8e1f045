/* The calling thread's CPU affinity mask, through the system calls themselves: the Glibc module exports neither
 * sched_setaffinity nor the CPU_SET macros (both need _GNU_SOURCE). A mask is words of one bit per CPU, CPU 0 the
 * lowest bit of the first word. */
#include <sys/syscall.h>
#include <unistd.h>

/* Reads the calling thread's mask into words[0..<count]; the bytes the kernel wrote, or -1 with errno set. */
static inline long thumb_affinity_get(unsigned long *words, unsigned long count) {
    return syscall(SYS_sched_getaffinity, 0, count * sizeof(unsigned long), words);
}

/* Sets the calling thread's mask from words[0..<count]; 0, or -1 with errno set. Threads and processes it starts
 * afterwards inherit the mask. */
static inline long thumb_affinity_set(const unsigned long *words, unsigned long count) {
    return syscall(SYS_sched_setaffinity, 0, count * sizeof(unsigned long), words);
}
