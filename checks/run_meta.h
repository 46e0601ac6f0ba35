/* run_meta.h: the run's metadata, as the checks ran.
 *
 * Each check writes it beside its evidence, $DLV_EVIDENCE_DIR/<claim>.meta
 * (RFC 4180 records "name,value" after a header line "name,value"; names
 * seed, quick, mpfr_prec, mpfr_version, gsl_version), and the report writes
 * the run's into its directory (meta.csv) for --merge.  The report renders
 * what it reads here and never works these values out itself (issue 16).
 * No cmocka, no MPFR: the report program links it. */
#ifndef DLV_RUN_META_H
#define DLV_RUN_META_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
  unsigned long seed;
  int quick;             /* DLV_QUICK=1: the largest sizes were capped */
  long mpfr_prec;        /* bits of every MPFR reference */
  char mpfr_lib[32]; /* the MPFR version the references ran on */
  char gsl_lib[32];  /* the GSL version */
} dlv_run_meta;

/* Writes the header and one record per field; 0, or -1 on a write error. */
int dlv_meta_write(FILE *f, const dlv_run_meta *m);
/* Reads what dlv_meta_write wrote (unknown names are skipped, so later
 * fields can be added); 0, or -1 with a message in err when the header,
 * a number or a required field (seed, quick, mpfr_prec) is wrong. */
int dlv_meta_read(FILE *f, dlv_run_meta *m, char *err, size_t errlen);
/* True when a and b describe the same run (every field equal). */
int dlv_meta_same(const dlv_run_meta *a, const dlv_run_meta *b);

#endif
