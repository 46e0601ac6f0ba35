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
  /* outcome */
  int failed;
  const char *skip_why; /* non-NULL: skipped (the backend cannot run it) */
  char note[400], msg[600];
  dlv_gate_stats *stats;
  /* case-owned memory */
  void **allocs;
  size_t nalloc, capalloc;
};

/* Sets the backend the cases run through (gate_backend.c). */
void dlv_gate_set_backend(const dlv_backend *b);
void dlv_gate_set_max_threads(int n);

/* FNV-1a of s, mixed into h. */
uint64_t dlv_gate_hash(const char *s, uint64_t h);

#endif
