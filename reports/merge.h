/* merge.h: one report from several (dlverify --merge DIR... --out DIR),
 * e.g. the shards of a long gate run made as a CI matrix or a Slurm job
 * array.  Each DIR is an earlier report; its evidence.csv is read.
 *
 * The merged rows: the rows of each claim from the first report that has
 * that claim (shard runs verify the same claims with the same seed); the
 * gate's rows from every report, so an entry's cases add up over the
 * shards and its worst err/bound is the worst of the shards' worsts.
 * Refused (usage error): a report that cannot be read, reports of
 * different seeds, the same shard of an entry twice, gate rows of
 * different shard counts or modes (quick and long).  A shard I/N of
 * which no report holds a row gets a failed gate row ("shard I/N
 * missing"), so an incomplete merge cannot pass. */
#ifndef DLV_MERGE_H
#define DLV_MERGE_H

#include <stddef.h>

#include "evidence.h"

/* Fills *rows (empty on entry).  Returns 0; 2 (usage error) or 3 (out of
 * memory) with a message in err. */
int dlv_merge_reports(char *const *dirs, size_t n, dlv_rows *rows, char *err,
                      size_t errlen);

#endif
