/* evidence.h: evidence rows, their CSV form, and verdicts computed from them.
 *
 * One row per measurement.  CSV columns (RFC 4180, one header line, numbers
 * in %.17g), stable and documented in README.md:
 *   claim,check,dtype,shape,seed,quantity,value,reference,err,bound_name,
 *   bound,ratio,ulps,role,holds,ok,kernel,variant,key,backend
 * kernel is the kernel entry point whose accuracy the row measures, without
 * its dtype suffix ("nrm2", "conv3d_fwd"), variant its variant ("fast",
 * "direct"); "-" when the row measures no kernel.  Files written before
 * these two columns existed are read with "-" in both.
 * key is the row's stable identity, claim/check/role/qid (e.g.
 * "P4a/p4a_series_step/accuracy/h-central"): the report joins rows to its
 * sections and plots on it, never on the wording of quantity.  qid is the
 * check's id of the quantity, or derived from quantity (dlv_derive_qid);
 * files written before the column get the derived key.  A derived qid
 * may be shared by quantities that differ only in digits or symbols: the
 * report joins only on the qids checks give (struct dlv_meas, key).
 * backend is what computed the measured value: DLV_BACKEND_CLAIMS for the
 * claim checks (their kernels are dlverify's own, their exact values the
 * MPFR references; a claim verdict never depends on another backend), the
 * backend's name for the kernel gate's rows ("builtin", "openblas", ...);
 * "-" in files written before the column existed.
 * role says what the row is evidence for:
 *   accuracy  a kernel or solver against its reference; must hold;
 *   claim     the exam's answer in the sense it states;
 *   nearby    a sense a reader could assume instead (may fail: QUALIFIED);
 *   erratum   the printed derivation, indices or code, measured against the
 *             truth (fails when the printed text is wrong).
 * holds = (err <= bound); ok = the check's expectation was met (holds for
 * accuracy and claim rows; for nearby and erratum rows the check states
 * which outcome it expects).  This library does not use cmocka, so the
 * report program links it too. */
#ifndef DLV_EVIDENCE_H
#define DLV_EVIDENCE_H

#include <stddef.h>
#include <stdio.h>

enum dlv_role { DLV_ROLE_ACCURACY, DLV_ROLE_CLAIM, DLV_ROLE_NEARBY,
                DLV_ROLE_ERRATUM };

/* Text fields are fixed arrays large enough for every check's text; a
 * text that does not fit is an error (dlv_copy_text), never truncated. */
/* A shape may end in a detail after DLV_SHAPE_DETAIL (e.g. the gate's
 * "cases=512 shard=0/1 quick | worst case 224: norm[0] (...)"): where the
 * worst or failed case was found, shown with the row but not part of its
 * identity (the baseline's key compares shapes up to it). */
#define DLV_SHAPE_DETAIL " | "

#define DLV_KEY_MAX 400

typedef struct {
  char claim[16];
  char check[96];
  char dtype[16];
  char shape[512];
  unsigned long seed;
  char quantity[256];
  double value, reference, err;
  char bound_name[96];
  double bound, ratio, ulps;
  enum dlv_role role;
  int holds, ok;
  char kernel[64];
  char variant[32];
  char key[DLV_KEY_MAX];
  char backend[32];
} dlv_row;

#define DLV_BACKEND_CLAIMS "reference+builtin"

typedef struct {
  dlv_row *rows;
  size_t n, cap;
} dlv_rows;

/* Appends a copy of *row; returns 0, or -1 when memory runs out. */
int dlv_rows_push(dlv_rows *rows, const dlv_row *row);
void dlv_rows_free(dlv_rows *rows);

const char *dlv_role_name(enum dlv_role role);

/* The quantity id derived from a quantity's text: its letters lower-cased,
 * every run of other characters (digits included, so counts written into
 * the text do not move it) one '-', none at either end ("EMA impulse
 * response" -> "ema-impulse-response").  Writes at most size bytes. */
void dlv_derive_qid(char *qid, size_t size, const char *quantity);
/* Sets r->key = claim/check/role/qid from r's fields; qid NULL: derived
 * from r->quantity.  A qid holds no '/'. */
void dlv_row_set_key(dlv_row *r, const char *qid);
/* The qid of a row: the part of its key after the last '/'. */
const char *dlv_row_qid(const dlv_row *r);
/* True when the row's qid is one of the '|'-separated ids of any. */
int dlv_qid_in(const dlv_row *r, const char *any);

/* Writes the header line / one row, RFC 4180 quoted. */
void dlv_csv_header(FILE *f);
void dlv_csv_row(FILE *f, const dlv_row *row);
/* Writes one field, quoted when it holds a comma, quote or line break. */
void dlv_csv_field(FILE *f, const char *s);

/* Copies src into dst[size].  A text longer than its field is a
 * programming error: the message names it and the program aborts (it is
 * never silently truncated). */
void dlv_copy_text(char *dst, size_t size, const char *src);

/* Reads one RFC 4180 record into at most max fields of
 * DLV_CSV_FIELD_MAX bytes; returns the number of fields in the record (may
 * exceed max: the extra ones are dropped), 0 at end of file, -1 when a
 * quote is unclosed or stray, -2 when a field is longer than
 * DLV_CSV_FIELD_MAX - 1 bytes (never truncated). */
#define DLV_CSV_FIELD_MAX 1024
int dlv_csv_read_record(FILE *f, char (*fields)[DLV_CSV_FIELD_MAX], int max);

/* Reads rows written by dlv_csv_row (after the header, with or without the
 * kernel and variant columns) and appends them.  Returns 0, or -1 with a
 * message in err (size errlen) on a malformed file or a field too long for
 * its row field. */
int dlv_csv_read(FILE *f, dlv_rows *rows, char *err, size_t errlen);

/* Verdict words. */
#define DLV_VERDICT_INCONCLUSIVE "INCONCLUSIVE"
#define DLV_VERDICT_REFUTED "REFUTED"
#define DLV_VERDICT_QUALIFIED "QUALIFIED"
#define DLV_VERDICT_ERRATUM "CONFIRMED-WITH-ERRATUM"
#define DLV_VERDICT_CONFIRMED "CONFIRMED"

/* The verdicts in their order of precedence, defined here once:
 * dlv_verdict_relying returns the first whose condition holds, and the
 * report lists them in this order (dlv_verdicts). */
enum dlv_verdict_id { DLV_V_INCONCLUSIVE, DLV_V_REFUTED, DLV_V_QUALIFIED,
                      DLV_V_ERRATUM, DLV_V_CONFIRMED, DLV_N_VERDICTS };
typedef struct {
  const char *word;    /* DLV_VERDICT_* */
  const char *meaning; /* one phrase for the reader */
} dlv_verdict_info;
extern const dlv_verdict_info dlv_verdicts[DLV_N_VERDICTS];
/* The id of a verdict word; DLV_N_VERDICTS when it is none. */
enum dlv_verdict_id dlv_verdict_id_of(const char *word);

/* The verdict on `claim` computed from the rows of that claim:
 *   INCONCLUSIVE when there is no claim row, an accuracy row does not hold
 *     (a kernel, reference or solver failed: nothing can be judged), or a
 *     kernel the claim relies on has no accuracy row (unmeasured);
 *   REFUTED when a claim row does not hold;
 *   QUALIFIED when every claim row holds and a nearby row does not;
 *   CONFIRMED-WITH-ERRATUM when claim and nearby rows hold and an erratum
 *     row does not (the printed text is shown wrong);
 *   CONFIRMED otherwise.
 * So a kernel fault never moves a claim to REFUTED or QUALIFIED as long as
 * the check measures the accuracy of every kernel its rows rely on.
 * relies_on is a NULL-terminated list of kernel names (row field `kernel`,
 * e.g. "nrm2"), or NULL; dlv_verdict(rows, claim) relies on none. */
const char *dlv_verdict_relying(const dlv_rows *rows, const char *claim,
                                const char *const *relies_on);
const char *dlv_verdict(const dlv_rows *rows, const char *claim);

/* True when some accuracy row of `claim` has row.kernel equal to kernel. */
int dlv_kernel_measured(const dlv_rows *rows, const char *claim,
                        const char *kernel);

/* Why the verdict is INCONCLUSIVE, in one line written to buf: the first
 * relied-on kernel left unmeasured, else the kernel (or "-") of the worst
 * failed accuracy row with its check and err/bound, else "no claim row";
 * the empty string when the verdict is not INCONCLUSIVE. */
void dlv_verdict_reason(const dlv_rows *rows, const char *claim,
                        const char *const *relies_on, char *buf, size_t len);

/* One line of the kernel table: the accuracy rows of one kernel x variant
 * x dtype, over every claim in the rows.  worst is the index (in
 * rows->rows) of the row with the largest err/bound (a NaN ratio is the
 * largest, and max_ratio is then NaN); failed counts rows not ok. */
typedef struct {
  char kernel[48], variant[24], dtype[16];
  size_t rows, failed, worst;
  double max_ratio;
} dlv_kernel_summary;

/* Writes to out[0..max-1] the distinct (kernel, variant, dtype) of the
 * accuracy rows that name a kernel (kernel not "-" or empty), in the order
 * they first appear, each summarized; returns how many there are (more
 * than max when out was too small). */
size_t dlv_summarize_kernels(const dlv_rows *rows, dlv_kernel_summary *out,
                             size_t max);

#endif
