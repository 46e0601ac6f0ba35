/* outdir.h: the report directory, replaced as one unit or not at all.
 *
 * The new report is built in a temporary directory beside the target,
 * <parent>/.<name>.dlverify-tmp.<pid>.XXXXXX, and swapped in by one
 * rename (renameat2 RENAME_EXCHANGE when the target exists); the previous
 * report, then at the temporary name, is removed.  A run that dies before
 * the swap leaves the previous report whole; a temporary directory left by
 * a process that no longer exists (SIGKILL) is removed by the next run. */
#ifndef DLV_OUTDIR_H
#define DLV_OUTDIR_H

#include <limits.h>
#include <stddef.h>

typedef struct {
  char target[PATH_MAX];
  char tmp[PATH_MAX]; /* "" when there is none */
} dlv_outdir;

/* Creates the target's parents, checks that the target is missing, empty
 * or an earlier report (one holding summary.csv) and creates the temporary
 * directory with its logs/.  Returns 0; 2 (usage error: the target cannot
 * be a report directory) or 3 (I/O error) with a message in err. */
int dlv_out_prepare(const char *target, dlv_outdir *od, char *err,
                    size_t errlen);

/* Swaps the temporary directory in and removes the previous report.
 * Returns 0, or 3 with a message (the previous report is then whole). */
int dlv_out_commit(dlv_outdir *od, char *err, size_t errlen);

/* Removes the temporary directory (async-signal-unsafe: call it from the
 * main flow, not from a handler). */
void dlv_out_abandon(dlv_outdir *od);

/* Removes path and everything below it; 0, or -1 with errno set. */
int dlv_remove_tree(const char *path);

#endif
