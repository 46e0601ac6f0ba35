/* contract.h: the documented contract of every public kernel entry point,
 * as data the tests read (the gate samples it; see checks/gate/gate.h).
 *
 * For each entry point: its data type, which stride and aliasing cases
 * its header allows, its documented limits (a value the header names:
 * the largest admissible gradient, the largest window length, ...) and the
 * blocking constants of its implementation (block sizes, lane counts, tile
 * and chunk sizes) so that tests follow the kernel when it is retuned.
 * A limit or block constant here is the same macro or enum the kernel
 * uses, never a copy of its value.  The table is the index the gate's
 * coverage test checks: every entry point listed here has a case
 * function, and every case function an entry here. */
#ifndef DLV_CONTRACT_H
#define DLV_CONTRACT_H

#include <stddef.h>

enum dlv_contract_flags {
  DLV_CONTRACT_STRIDED = 1u << 0,    /* vector arguments take a stride */
  DLV_CONTRACT_NEG_STRIDE = 1u << 1, /* a stride may be negative */
  DLV_CONTRACT_DISTINCT_STRIDES = 1u << 2, /* output stride != input's */
  DLV_CONTRACT_IN_PLACE = 1u << 3,   /* an output may alias an input */
  DLV_CONTRACT_THREADED = 1u << 4,   /* result independent of threads */
  DLV_CONTRACT_RANDOM = 1u << 5      /* draws from a dlv_noise_rng */
};

/* A documented limit: the largest (or smallest) admissible value of an
 * argument; the gate tries it exactly and one ulp either side. */
typedef struct {
  const char *name;    /* e.g. "gmax" */
  double value;        /* e.g. DLV_ADAM_GMAX_D */
  const char *meaning; /* one line */
} dlv_contract_limit;

/* A blocking constant of the implementation: extents are sampled at every
 * tail length modulo it and across it. */
typedef struct {
  const char *name;   /* e.g. "block" */
  size_t value;
  const char *source; /* its expression in the table: the kernel's own
                       * named constants, multiplied ("DLV_NRM2_BLOCK") */
} dlv_contract_block;

#define DLV_CONTRACT_MAX_LIMITS 4
#define DLV_CONTRACT_MAX_BLOCKS 8

typedef struct {
  const char *entry; /* "dlv_nrm2_d" */
  const char *dtype; /* "double", "float", "complex", "-" */
  unsigned flags;    /* dlv_contract_flags */
  dlv_contract_limit limits[DLV_CONTRACT_MAX_LIMITS];
  dlv_contract_block blocks[DLV_CONTRACT_MAX_BLOCKS];
} dlv_contract;

/* The table (n entries). */
const dlv_contract *dlv_contracts(size_t *n);
/* The entry named `entry`, or NULL. */
const dlv_contract *dlv_contract_find(const char *entry);
/* Number of limits / blocks of an entry (the arrays end at a NULL name). */
size_t dlv_contract_nlimits(const dlv_contract *c);
size_t dlv_contract_nblocks(const dlv_contract *c);
/* The blocking constants as an array of sizes (at most
 * DLV_CONTRACT_MAX_BLOCKS written); returns how many. */
size_t dlv_contract_block_sizes(const dlv_contract *c, size_t *out);
/* The value of the limit named `name`; NAN when absent. */
double dlv_contract_limit_value(const dlv_contract *c, const char *name);

#endif
