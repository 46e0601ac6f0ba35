/* gate_probe.c: every declared limit of a backend operation probed at the
 * limit and one past it (gate.h, dlv_gate_probe_limits).
 *
 * A call at n = max_n must not be refused (dlv_backend.h: within every
 * declared limit a refusal is a failure), but reading max_n elements takes
 * seconds (INT_MAX doubles: 16 GiB).  So acceptance is seen, not waited
 * for: the call runs in a forked child on vectors reserved whole and
 * PROT_NONE (dlv_gate_region_sparse, no page opened, no memory
 * committed).  Its first read of an element faults, and the child's fault
 * handler exits with PROBE_READ when the address lies in a vector (the
 * call got past its argument checks: accepted); a returned status exits
 * with its own code; alarm() ends a child that does neither.  The parent
 * (waitpid) judges the edge.  One past the limit, the same child must
 * report the refusal (DLV_EBADLEN): no element is readable, so no result
 * can be right (dlv_gate_refusal's rule for unreadable vectors).
 *
 * Threads: the child runs one entry point and exits (_exit: no atexit
 * handler, no stdio flush); it starts no thread of dlverify's.  A thread
 * of the parent holding a lock the entry needs would hang the child: the
 * alarm then reports it, never a hang of the gate. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contract.h"
#include "dlv_status.h"
#include "gate_internal.h"

#define PROBE_MAX_VEC 4
#define PROBE_SECONDS 5u

/* The child's exit codes (0-63 are left to exits of other causes). */
enum {
  PROBE_READ = 64,      /* faulted inside a vector: proceeded to read */
  PROBE_ELSEWHERE = 65, /* faulted outside every vector */
  PROBE_STATUS = 80     /* returned status s: PROBE_STATUS + s */
};

/* The child's vectors as address ranges, read by its fault handler. */
static uintptr_t probe_lo[PROBE_MAX_VEC], probe_hi[PROBE_MAX_VEC];
static size_t probe_nvec;

/* In the child: a read (or write) of a vector means the call accepted its
 * arguments.  Async-signal-safe: compares and _exits. */
static void probe_on_fault(int sig, siginfo_t *si, void *uc)
{
  (void)sig;
  (void)uc;
  uintptr_t a = (uintptr_t)si->si_addr;
  for (size_t k = 0; k < probe_nvec; k++)
    if (a >= probe_lo[k] && a < probe_hi[k])
      _exit(PROBE_READ);
  _exit(PROBE_ELSEWHERE);
}

/* In the child: the handlers, the alarm, the call; never returns. */
static void probe_child(dlv_gate_probe_fn call, const void *ctx, size_t n,
                        ptrdiff_t inc, void *const *vec)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = probe_on_fault;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  signal(SIGALRM, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGSEGV);
  sigaddset(&set, SIGBUS);
  sigaddset(&set, SIGALRM);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  alarm(PROBE_SECONDS);
  int st = call(ctx, n, inc, vec);
  _exit(st >= 0 && st < 256 - PROBE_STATUS ? PROBE_STATUS + st : 255);
}

/* What the child did: its exit code, or -signal when a signal ended it,
 * or -1000 when it could not be run. */
static int probe_run(dlv_gate_probe_fn call, const void *ctx, size_t n,
                     ptrdiff_t inc, void *const *vec)
{
  pid_t pid = fork();
  if (pid == 0)
    probe_child(call, ctx, n, inc, vec);
  if (pid < 0)
    return -1000;
  int ws;
  while (waitpid(pid, &ws, 0) < 0)
    if (errno != EINTR)
      return -1000;
  return WIFEXITED(ws) ? WEXITSTATUS(ws) : -WTERMSIG(ws);
}

/* One edge: (n, inc), within the declared limits or one past them, and
 * how to name it in messages ("n = max_n = 2147483647"). */
typedef struct {
  size_t n;
  ptrdiff_t inc;
  int within;
  char what[96];
} probe_edge;

/* The child's outcome as a phrase for a failure. */
static void outcome_text(int got, char *out, size_t size)
{
  if (got == PROBE_READ)
    snprintf(out, size, "proceeded to read its elements");
  else if (got == PROBE_ELSEWHERE)
    snprintf(out, size, "faulted outside its vectors");
  else if (got >= PROBE_STATUS && got < 255)
    snprintf(out, size, "returned status %d (%s) without reading any "
                        "element",
             got - PROBE_STATUS, dlv_strerror(got - PROBE_STATUS));
  else if (got == -SIGALRM)
    snprintf(out, size, "neither read nor returned within %u s",
             PROBE_SECONDS);
  else if (got == -1000)
    snprintf(out, size, "could not be run (fork or waitpid failed)");
  else if (got < 0)
    snprintf(out, size, "ended by signal %d", -got);
  else
    snprintf(out, size, "exited with status %d", got);
}

/* The verdict on one edge: within, the call must read (a refusal there is
 * the declared limit broken); past, it must refuse before any read. */
static void judge(dlv_gate_case *c, const probe_edge *e, int got)
{
  int refused = got == PROBE_STATUS + DLV_EBADLEN;
  if (e->within ? got == PROBE_READ : refused)
    return;
  if (e->within && refused) {
    dlv_gate_fail(c, "%s refused (DLV_EBADLEN) within the backend's "
                     "declared limit",
                  e->what);
    return;
  }
  char how[160];
  outcome_text(got, how, sizeof how);
  if (e->within)
    dlv_gate_fail(c, "%s: the call %s; expected it to read its elements "
                     "(within the backend's declared limit)",
                  e->what, how);
  else
    dlv_gate_fail(c, "%s: the call %s; expected DLV_EBADLEN before any "
                     "read (beyond the backend's declared limit, no element "
                     "readable)",
                  e->what, how);
}

/* Reserves the edge's nvec vectors (each spans (n - 1)|inc| + 1 elements
 * of elem bytes), nothing opened, into vec and the handler's ranges;
 * 0 (nothing reserved) when a span exceeds DLV_GATE_SPARSE_MAX. */
static int reserve(dlv_gate_case *c, const probe_edge *e, size_t elem,
                   size_t nvec, void **vec)
{
  size_t step = dlv_gate_abs_inc(e->inc), max = DLV_GATE_SPARSE_MAX / elem;
  if (e->n > 1 && (e->n - 1 > (max - 1) / step))
    return 0;
  size_t bytes = e->n == 0 ? elem : ((e->n - 1) * step + 1) * elem;
  for (size_t k = 0; k < nvec; k++) {
    vec[k] = dlv_gate_region_sparse(c, bytes, "a declared-limit probe's "
                                              "vector");
    const dlv_gate_region *r = &c->allocs[c->nalloc - 1];
    probe_lo[k] = (uintptr_t)r->map; /* with its guard pages */
    probe_hi[k] = (uintptr_t)r->map + r->len;
  }
  probe_nvec = nvec;
  return 1;
}

/* Runs one edge in a child and judges it; notes an edge passed over. */
static void probe_edge_run(dlv_gate_case *c, const probe_edge *e,
                           size_t elem, size_t nvec, dlv_gate_probe_fn call,
                           const void *ctx)
{
  void *vec[PROBE_MAX_VEC];
  dlv_gate_note_clear(c);
  dlv_gate_note(c, "declared-limit probe: %s (n %zu, inc %td)", e->what,
                e->n, e->inc);
  if (!reserve(c, e, elem, nvec, vec)) {
    dlv_gate_note(c, "passed over: its span exceeds the reservable %zu "
                     "bytes",
                  (size_t)DLV_GATE_SPARSE_MAX);
    return;
  }
  judge(c, e, probe_run(call, ctx, e->n, e->inc, vec));
}

/* The edges of the declared limits: n = max_n and max_n + 1 at stride 1;
 * |inc| = max_inc and max_inc + 1 at n = 2, with each sign the contract's
 * flags and the backend take (a stride class it lacks is no edge: its
 * cases are skipped).  Returns the count written (at most 6). */
static size_t edges_of(dlv_bk_limits lim, unsigned flags, int op,
                       int is_float, probe_edge *out)
{
  size_t k = 0;
  if (lim.max_n > 0 && lim.max_n < SIZE_MAX) /* max_n + 1 representable */
    for (int past = 0; past <= 1; past++) {
      out[k] = (probe_edge){lim.max_n + (size_t)past, 1, !past, ""};
      snprintf(out[k++].what, sizeof out->what, "n = max_n%s = %zu",
               past ? " + 1" : "", lim.max_n + (size_t)past);
    }
  int n2_within = lim.max_n == 0 || lim.max_n >= 2;
  if (lim.max_inc == 0 || lim.max_inc >= (size_t)PTRDIFF_MAX || !n2_within)
    return k; /* no stride limit, or max_inc + 1 not a stride */
  int neg = (flags & DLV_CONTRACT_NEG_STRIDE) != 0;
  for (int past = 0; past <= 1; past++)
    for (int sign = 1; sign >= -neg; sign -= 2) {
      ptrdiff_t inc = sign * (ptrdiff_t)(lim.max_inc + (size_t)past);
      if (!dlv_gate_has_caps(op, is_float, dlv_gate_stride_caps(inc)))
        continue;
      out[k] = (probe_edge){2, inc, !past, ""};
      snprintf(out[k++].what, sizeof out->what, "|inc| = max_inc%s = %zu",
               past ? " + 1" : "", lim.max_inc + (size_t)past);
    }
  return k;
}

void dlv_gate_probe_limits(dlv_gate_case *c, unsigned flags, int op,
                           int is_float, size_t nvec, dlv_gate_probe_fn call,
                           const void *ctx)
{
  dlv_bk_limits lim = dlv_backend_limits(
      dlv_gate_backend(), op, is_float ? DLV_BK_FLOAT : DLV_BK_DOUBLE);
  if (dlv_gate_failed(c) || dlv_gate_skipped(c) || nvec > PROBE_MAX_VEC ||
      !dlv_gate_has_caps(op, is_float, DLV_BK_PROVIDED))
    return; /* no limits (the builtin's): no edge below */
  probe_edge e[6];
  size_t ne = edges_of(lim, flags, op, is_float, e);
  size_t elem = is_float ? sizeof(float) : sizeof(double);
  for (size_t k = 0; k < ne && !dlv_gate_failed(c); k++)
    probe_edge_run(c, &e[k], elem, nvec, call, ctx);
}
