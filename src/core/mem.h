/*
 * mem.h — the library's allocator wrapper. Every allocation goes through these
 * so that tests can make the Nth allocation fail (fault injection) and check
 * that each path returns TM_ENOMEM without leaking.
 */
#ifndef TM_CORE_MEM_H
#define TM_CORE_MEM_H
#include <stddef.h>

void *tm_malloc(size_t n);
void *tm_calloc(size_t count, size_t size);
void *tm_realloc(void *p, size_t n);
char *tm_strdup(const char *s);
char *tm_strndup(const char *s, size_t n);
void tm_free(void *p);

/* Grows *p (an array of *cap elements of elem bytes) so it can hold need
 * elements; doubles the capacity. Returns 0, or TM_ENOMEM leaving *p intact. */
int tm_grow(void **p, size_t *cap, size_t need, size_t elem);
#define TM_GROW(arr, cap, need) tm_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
