/* proc.h: runs a helper program (a claim check, gnuplot) with its standard
 * streams redirected to files and a time limit. */
#ifndef DLV_PROC_H
#define DLV_PROC_H

#include <stddef.h>

typedef struct {
  const char *const *argv; /* argv[0] is searched in PATH if it has no '/' */
  const char *const *env;  /* "NAME=value" set in the child; NULL-ended */
  const char *in;          /* stdin from this file, or /dev/null if NULL */
  const char *out;         /* stdout to this file (truncated), or inherited */
  const char *err;         /* stderr appended to this file; NULL: as out */
  int timeout_s;           /* the program is killed after this many seconds */
} dlv_proc;

/* The program runs in its own process group, killed (SIGKILL) on timeout,
 * on dlv_proc_interrupt, and when dlverify dies (PR_SET_PDEATHSIG). */

/* The child's exit status when it could not open its redirections (the
 * output file cannot be written): dlverify's I/O error, not the program's. */
#define DLV_PROC_NO_OUTPUT 125

/* Runs p and waits.  Returns the exit status 0..255 (127: the program
 * could not be executed; DLV_PROC_NO_OUTPUT: see above), or -1 when it could not start, was killed by a
 * signal or timed out; problem (size bytes) then says why, in
 * parentheses, and is "" otherwise. */
int dlv_run(const dlv_proc *p, char *problem, size_t size);

/* For a signal handler (async-signal-safe): records sig and kills the
 * running program's group; dlv_run then returns -1 at once and every later
 * call of dlv_proc_interrupted returns sig. */
void dlv_proc_interrupt(int sig);
int dlv_proc_interrupted(void);

#endif
