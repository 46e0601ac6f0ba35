/* claims.h: the exam's claims as dlverify knows them: identifier, the
 * check executable that measures it, and the exam's own words (quoted from
 * shared/exam/midterm.md) for the report.  The data lives in the claim
 * folders, checks/claims/<check>/claim.inc, gathered by claims.c. */
#ifndef DLV_CLAIMS_H
#define DLV_CLAIMS_H

#include <stddef.h>

typedef struct {
  const char *id;       /* "P4a": what --claim takes */
  const char *check;    /* executable in the same directory as dlverify */
  const char *title;    /* one line */
  const char *question; /* the exam's question, quoted */
  const char *answer;   /* the printed answer, quoted */
  const char *errata;   /* printed slips outside the numbers, or "" */
  const char *caveat;   /* what the verdict does not say, or NULL ... */
  const char *caveat_rows; /* ... and the rows that show it: the qids of
                              their keys (evidence.h), '|'-separated */
} dlv_claim_info;

extern const dlv_claim_info dlv_claims[];
extern const size_t dlv_n_claims;

/* The claim with this identifier (case-insensitive), or NULL. */
const dlv_claim_info *dlv_find_claim(const char *id);

#endif
