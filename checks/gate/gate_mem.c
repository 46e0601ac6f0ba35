/* gate_mem.c: case-owned memory of the kernel gate, each allocation
 * against a protected page (the page guard).
 *
 * Every allocation is a mapping of its own: its bytes end exactly where a
 * PROT_NONE page begins (guard above) or begin exactly where one ends
 * (guard below), so that a kernel reading or writing even one byte past
 * that end faults, where a value-based guard zone would be read silently
 * (an over-read of the sentinel's NaN need not change any output).  Both
 * ends cannot abut a page at once (a span is rarely a whole number of
 * pages): the end alternates (dlv_gate_guard_below), and the other end
 * keeps the value guard (dlv_gate_buf).  The fault is reported by the
 * runner's crash handler (gate_main.c), which names the entry, the case
 * and, through dlv_gate_fault_where, the array.
 *
 * Alignment: guard below, data starts on a page; guard above, data ends
 * on one and starts at an address aligned to the largest power of two
 * dividing `bytes` -- enough for any type T when bytes is a multiple of
 * sizeof T (which is a multiple of alignof T), and no slack after the
 * last element.
 *
 * Sanitizers: ASan, UBSan and TSan run the handler (checked: their own
 * SIGSEGV handling yields to a user handler), so the guard stays on
 * under them.  Under ASan the unguarded side's slack of the mapping is
 * poisoned, so that ASan reports an access there as it did for the
 * calloc'ed blocks before.  The gate does not run under valgrind (too
 * slow, see README); memcheck would report the access first, then the
 * handler runs as natively. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gate_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define DLV_GATE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DLV_GATE_ASAN 1
#endif
#endif
#ifdef DLV_GATE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static size_t page_size(void)
{
  static size_t page;
  if (page == 0) {
    long p = sysconf(_SC_PAGESIZE);
    page = p > 0 ? (size_t)p : 4096;
  }
  return page;
}

int dlv_gate_guard_below(const dlv_gate_case *c)
{
  uint64_t h = c->rec_hash ^ (uint64_t)(c->nalloc + 1) * 0x9E3779B97F4A7C15u;
  h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9u;
  return (int)((h ^ (h >> 29)) & 1u);
}

static dlv_gate_region *new_record(dlv_gate_case *c)
{
  if (c->nalloc == c->capalloc) {
    c->capalloc = c->capalloc ? 2 * c->capalloc : 16;
    c->allocs = realloc(c->allocs, c->capalloc * sizeof *c->allocs);
    if (c->allocs == NULL)
      abort();
  }
  return &c->allocs[c->nalloc++];
}

/* Mappings of ended cases, kept for reuse: an mmap, an mprotect and a
 * munmap per allocation, with the page faults of fresh pages, made the
 * quick gate about twice slower.  A spare is reused for an allocation
 * with its page guard on the same side and a body that fits, at most
 * twice as large as needed; at most SPARE_MAX spares and SPARE_BYTES
 * bytes are kept.  Under ASan a spare is poisoned whole (a stale pointer
 * into an ended case's memory is reported). */
#define SPARE_MAX 64
#define SPARE_BYTES ((size_t)64 << 20)
typedef struct {
  unsigned char *map;
  size_t len;
  int below;
} spare_map;
static spare_map spare[SPARE_MAX];
static size_t nspare, spare_bytes;

/* A spare of len in [need, 2 need] with the guard on that side (the
 * smallest), removed from the spares; NULL when none. */
static unsigned char *take_spare(size_t need, int below, size_t *len)
{
  size_t best = nspare;
  for (size_t k = 0; k < nspare; k++)
    if (spare[k].below == below && spare[k].len >= need &&
        spare[k].len / 2 <= need &&
        (best == nspare || spare[k].len < spare[best].len))
      best = k;
  if (best == nspare)
    return NULL;
  unsigned char *map = spare[best].map;
  *len = spare[best].len;
  spare_bytes -= *len;
  spare[best] = spare[--nspare];
  return map;
}

static void give_back(unsigned char *map, size_t len, int below)
{
  if (nspare < SPARE_MAX && spare_bytes + len <= SPARE_BYTES) {
    POISON(map, len);
    spare[nspare++] = (spare_map){map, len, below};
    spare_bytes += len;
  } else {
    UNPOISON(map, len);
    munmap(map, len);
  }
}

/* A fresh mapping of len bytes, its first or last page PROT_NONE. */
static unsigned char *new_mapping(size_t len, int below)
{
  unsigned char *map = mmap(NULL, len, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    abort();
  size_t page = page_size();
  if (mprotect(below ? map : map + len - page, page, PROT_NONE) != 0)
    abort();
  return map;
}

void *dlv_gate_region_new(dlv_gate_case *c, size_t bytes, int guard_below,
                          const char *what)
{
  size_t page = page_size();
  if (bytes > SIZE_MAX / 2 - 2 * page)
    abort();
  size_t len = (bytes + page - 1) / page * page + page;
  unsigned char *map = take_spare(len, guard_below, &len);
  int fresh = map == NULL;
  if (fresh)
    map = new_mapping(len, guard_below);
  unsigned char *data = guard_below ? map + page : map + len - page - bytes;
  UNPOISON(map, len);
  if (!fresh) /* mmap zeroes a fresh mapping */
    memset(data, 0, bytes);
  /* the slack on the unguarded side */
  if (guard_below)
    POISON(data + bytes, (size_t)(map + len - data) - bytes);
  else
    POISON(map, (size_t)(data - map));
  *new_record(c) = (dlv_gate_region){map, len, data, bytes, guard_below,
                                     what, 0, bytes, 0, 0, 0, 0};
  return data;
}

void *dlv_gate_region_sparse(dlv_gate_case *c, size_t bytes, const char *what)
{
  size_t page = page_size();
  if (bytes > SIZE_MAX / 2 - 2 * page)
    abort();
  size_t len = (bytes + page - 1) / page * page + 2 * page;
  unsigned char *map = mmap(NULL, len, PROT_NONE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (map == MAP_FAILED)
    abort();
  *new_record(c) = (dlv_gate_region){map, len, map + page, bytes, 1, what,
                                     0, bytes, 0, 0, 0, 1};
  return map + page;
}

void dlv_gate_region_open(void *p, size_t len)
{
  size_t page = page_size();
  uintptr_t lo = (uintptr_t)p / page * page;
  uintptr_t hi = ((uintptr_t)p + len + page - 1) / page * page;
  if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) != 0)
    abort();
}

void dlv_gate_release(dlv_gate_case *c)
{
  for (size_t k = 0; k < c->nalloc; k++)
    if (c->allocs[k].sparse) /* never a spare, never poisoned (its shadow
                              * would be gigabytes) */
      munmap(c->allocs[k].map, c->allocs[k].len);
    else
      give_back(c->allocs[k].map, c->allocs[k].len, c->allocs[k].guard_below);
  free(c->allocs);
  c->allocs = NULL;
  c->nalloc = c->capalloc = 0;
}

/* A "... at /path/file.c:line" description without the directories:
 * *keep bytes of what, then the returned tail. */
static const char *short_what(const char *what, int *keep)
{
  const char *slash = strrchr(what, '/');
  const char *at = strstr(what, " at ");
  int cut = slash != NULL && at != NULL && slash > at;
  *keep = cut ? (int)(at + 4 - what) : 0;
  return cut ? slash + 1 : what;
}

/* Whether addr lies in r's page guard (for a sparse region: anywhere in
 * its mapping, whose opened pages cannot fault). */
static int in_guard(const dlv_gate_region *r, uintptr_t a)
{
  uintptr_t data = (uintptr_t)r->data, end = data + r->bytes;
  uintptr_t page = page_size();
  if (r->sparse)
    return a >= (uintptr_t)r->map && a - (uintptr_t)r->map < r->len;
  return r->guard_below ? a < data && data - a <= page
                        : a >= end && a - end < page;
}

int dlv_gate_fault_where(const dlv_gate_case *c, const void *addr,
                         const char *how, char *out, size_t size)
{
  for (size_t k = 0; c != NULL && k < c->nalloc; k++) {
    const dlv_gate_region *r = &c->allocs[k];
    if (!in_guard(r, (uintptr_t)addr))
      continue;
    /* the byte as an offset from the span's first byte, as the value
     * guards' messages count (gate.c) */
    ptrdiff_t at = (const unsigned char *)addr - (r->data + r->span_off);
    int keep;
    const char *tail = short_what(r->what, &keep);
    int len = snprintf(out, size, "%s at byte %td of %.*s%s, a span of %zu "
                       "bytes (%s)", how, at, keep, r->what, tail,
                       r->span_bytes,
                       r->sparse        ? "a sparse span: unopened page"
                       : r->guard_below ? "page guard right before it"
                                        : "page guard right after it");
    if (r->elem > 0 && len > 0 && (size_t)len < size)
      snprintf(out + len, size - (size_t)len,
               ": n %zu, stride %td, %zu-byte elements", r->n, r->inc,
               r->elem);
    return 1;
  }
  return 0;
}
