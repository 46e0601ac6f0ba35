/* gate_internal.h: the case record shared by the engine (gate.c) and the
 * runner (gate_main.c).  Case functions see dlv_gate_case as opaque. */
#ifndef DLV_GATE_INTERNAL_H
#define DLV_GATE_INTERNAL_H

#include "gate.h"

/* Every byte of a guard zone and of the gaps between strided elements:
 * 0xFF is a NaN as float and as double, so a kernel that reads outside
 * its elements sees NaN, and one that writes there changes the bytes. */
#define DLV_GATE_SENTINEL 0xFF
/* Blocking constants up to this size get every tail length enumerated. */
#define DLV_GATE_FULL_TAILS 512

/* An entry's statistics over its cases. */
#define DLV_GATE_SKIP_REASONS 4
typedef struct {
  double worst_ratio;    /* largest err/bound seen by the comparator */
  char worst_where[400]; /* the case and element it came from */
  unsigned long skipped; /* cases the backend could not run */
  const char *skip_why[DLV_GATE_SKIP_REASONS]; /* distinct reasons, */
  unsigned long skip_count[DLV_GATE_SKIP_REASONS]; /* with their counts */
  unsigned long observed;  /* cases with an observation (dlv_gate_observe) */
  char observation[400];   /* the first, with its case */
} dlv_gate_stats;

/* One case-owned allocation (gate_mem.c): its own mapping, whose bytes
 * abut a PROT_NONE page on one side (the page guard). */
typedef struct {
  unsigned char *map; /* the mapping, munmap'ed when the case ends */
  size_t len;
  unsigned char *data; /* what the allocation returned: `bytes` bytes */
  size_t bytes;
  int guard_below; /* the protected page ends at data (else: starts at
                    * data + bytes) */
  const char *what; /* the source expression and place (for messages) */
  size_t span_off, span_bytes; /* a dlv_gate_buf's span within data (plain
                                * memory: 0 and bytes) */
  size_t elem, n; /* a dlv_gate_buf's layout; elem 0: plain memory */
  ptrdiff_t inc;
  int sparse; /* reserved PROT_NONE, only some pages opened (a span too
               * large to touch: dlv_gate_region_sparse) */
} dlv_gate_region;

struct dlv_gate_case {
  const char *entry;
  unsigned long index;
  int long_mode;
  /* sampling */
  uint64_t stream;     /* splitmix64 state for random choices */
  uint64_t cycle_seed; /* for the systematic choices' per-cycle shifts */
  unsigned nenum;      /* systematic choices made so far */
  unsigned max_enum;   /* largest k passed to dlv_gate_enum */
  /* replay */
  int replay;
  const uint64_t *in;
  size_t nin, pos;
  /* the choices made, in order */
  uint64_t *rec;
  size_t nrec, caprec;
  uint64_t rec_hash; /* of rec[0..nrec): where the next page guard goes */
  /* outcome */
  int failed;
  const char *skip_why; /* non-NULL: skipped (the backend cannot run it) */
  char note[400], msg[600];
  dlv_gate_stats *stats;
  /* case-owned memory */
  dlv_gate_region *allocs;
  size_t nalloc, capalloc;
};

/* |inc| as a size_t, PTRDIFF_MIN's too (gate.c). */
size_t dlv_gate_abs_inc(ptrdiff_t inc);

/* Case-owned memory (gate_mem.c).  An allocation of `bytes` bytes, zeroed,
 * with its page guard below (guard_below) or above; aborts on failure. */
void *dlv_gate_region_new(dlv_gate_case *c, size_t bytes, int guard_below,
                          const char *what);
/* A sparse allocation: `bytes` bytes reserved PROT_NONE (MAP_NORESERVE:
 * no memory is committed), between two PROT_NONE pages; the returned data
 * is page aligned and unreadable until dlv_gate_region_open opens the
 * pages covering [p, p + len) (zeroed).  Any access elsewhere in it
 * faults and is reported like a page-guard fault. */
void *dlv_gate_region_sparse(dlv_gate_case *c, size_t bytes, const char *what);
void dlv_gate_region_open(void *p, size_t len);
/* Where the next allocation's page guard goes: 0 or 1 from the choices
 * made so far and the allocations made so far, so that a replayed case
 * puts every guard where the original had it, and a case's arrays and
 * successive cases alternate between the ends. */
int dlv_gate_guard_below(const dlv_gate_case *c);
/* Unmaps every allocation of the case. */
void dlv_gate_release(dlv_gate_case *c);
/* When addr lies in a page guard of the case: describes the access (`how`:
 * "read", "write" or "read or write") and the allocation into out, returns
 * 1; else 0.  For the crash handler: reads the case, allocates nothing. */
int dlv_gate_fault_where(const dlv_gate_case *c, const void *addr,
                         const char *how, char *out, size_t size);

/* Sets the backend the cases run through (gate_backend.c). */
void dlv_gate_set_backend(const dlv_backend *b);
void dlv_gate_set_max_threads(int n);

/* FNV-1a of s, mixed into h. */
uint64_t dlv_gate_hash(const char *s, uint64_t h);

#endif
