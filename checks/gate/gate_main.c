/* gate_main.c: the gate's runner (see gate.h): options, the case loop,
 * shrinking of a failing case to a small repro, and one cmocka test per
 * entry point. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "backend_load.h"
#include "check.h"
#include "contract.h"
#include "gate_internal.h"

#define DLV_GATE_QUICK_CASES 48UL
#define DLV_GATE_LONG_CASES 10000UL
/* Whatever the coverage minimum asks, no entry runs more cases than this. */
#define DLV_GATE_MAX_CASES 200000UL
/* Replays a shrink may spend. */
#define DLV_GATE_SHRINK_BUDGET 3000
#define DLV_GATE_MAX_FAMILIES 32
#define DLV_GATE_MAX_REPLAY (1UL << 24)
#define DLV_GATE_MAX_XFAIL 16

static struct {
  const char *family[DLV_GATE_MAX_FAMILIES];
  size_t nfamily;
  const char *entry;
  uint64_t *replay;
  size_t nreplay;
  int has_replay;
  long case_index; /* --case K, or -1 */
  unsigned long cases;
  int long_mode;
  unsigned long shard_i, shard_n;
  int list, coverage, backends;
  const char *backend;                  /* --backend, or NULL: builtin */
  const char *xfail[DLV_GATE_MAX_XFAIL]; /* --xfail ENTRY[@WORD] */
  size_t nxfail;
  const char *argv0;
} opt = {.case_index = -1, .shard_n = 1};

/* The program as a repro line starts: argv[0], and the backend. */
static char command[4608];

/* What runs now, for the crash message (current_case: NULL between
 * cases). */
static volatile const char *current_entry;
static volatile unsigned long current_index;
static dlv_gate_case *volatile current_case;

/* ---- options ------------------------------------------------------------ */

static void usage_error(const char *fmt, const char *arg)
{
  fprintf(stderr, "dlv_gate: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(dlv_gate --help for usage)\n");
  exit(2);
}

static void print_help(void)
{
  puts("usage: dlv_gate [--family NAME]... [--entry NAME] [--cases N] "
       "[--long]\n"
       "                [--shard I/N] [--case K | --replay C,C,...] [--list] "
       "[--coverage]\n"
       "                [--backend NAME|PATH.so] [--backends] "
       "[--xfail ENTRY[@WORD]]... [--max-threads N]\n"
       "Runs the contract-driven cases of the kernel entry points against "
       "their\nreferences (see checks/gate/gate.h).  DLV_SEED seeds the "
       "sampling,\nDLV_GATE_LONG=1 is --long.  Exit status 0 when every case "
       "held, 1 when\none failed (it is shrunk and printed with a repro), 2 "
       "on a usage error.\n--xfail ENTRY: a known finding, ENTRY must fail "
       "(a crash in a case is a\nfailure); ENTRY@WORD: only where the "
       "backend's version string holds WORD\nas a word (BLIS: its "
       "configuration, e.g. zen3), elsewhere ENTRY must hold.");
}

static unsigned long parse_count(const char *s, const char *what)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
    usage_error(what, s);
  return v;
}

/* Appends one token of a replay list: V, or V*K for K copies of V. */
static void replay_token(char *tok, size_t *cap)
{
  char *star = strchr(tok, '*');
  unsigned long copies = 1;
  if (star != NULL) {
    *star = '\0';
    copies = parse_count(star + 1, "--replay: bad repeat count '%s'");
  }
  uint64_t v = parse_count(tok, "--replay: bad choice '%s'");
  if (copies > DLV_GATE_MAX_REPLAY || opt.nreplay + copies > DLV_GATE_MAX_REPLAY)
    usage_error("--replay: more than %s choices", "2^24");
  while (opt.nreplay + copies > *cap) {
    *cap = 2 * *cap + 16;
    opt.replay = realloc(opt.replay, *cap * sizeof *opt.replay);
    if (opt.replay == NULL)
      abort();
  }
  for (unsigned long k = 0; k < copies; k++)
    opt.replay[opt.nreplay++] = v;
}

static void parse_replay(const char *s)
{
  size_t cap = 0;
  char *copy = strdup(s), *save = NULL;
  if (copy == NULL)
    abort();
  for (char *tok = strtok_r(copy, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save))
    replay_token(tok, &cap);
  free(copy);
  opt.has_replay = 1;
}

static void parse_shard(const char *s)
{
  char *slash = strchr(s, '/');
  if (slash == NULL)
    usage_error("--shard %s: expected I/N", s);
  char head[32];
  snprintf(head, sizeof head, "%.*s", (int)(slash - s), s);
  opt.shard_i = parse_count(head, "--shard: bad index '%s'");
  opt.shard_n = parse_count(slash + 1, "--shard: bad count '%s'");
  if (opt.shard_n == 0 || opt.shard_i >= opt.shard_n)
    usage_error("--shard %s: need 0 <= I < N", s);
}

static int env_flag(const char *name)
{
  const char *v = getenv(name);
  if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
    return 0;
  if (strcmp(v, "1") != 0)
    usage_error("%s must be 0 or 1", name);
  return 1;
}

/* The value after option argv[*i], or a usage error. */
static const char *value_of(int argc, char **argv, int *i)
{
  if (*i + 1 >= argc)
    usage_error("%s needs a value", argv[*i]);
  return argv[++*i];
}

static void parse_options(int argc, char **argv)
{
  int cases_set = 0;
  opt.argv0 = argv[0];
  opt.long_mode = env_flag("DLV_GATE_LONG");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      print_help();
      exit(0);
    } else if (strcmp(a, "--family") == 0) {
      if (opt.nfamily == DLV_GATE_MAX_FAMILIES)
        usage_error("too many --family options%s", "");
      opt.family[opt.nfamily++] = value_of(argc, argv, &i);
    } else if (strcmp(a, "--entry") == 0) {
      if (opt.entry != NULL)
        usage_error("--entry given twice%s", "");
      opt.entry = value_of(argc, argv, &i);
    } else if (strcmp(a, "--replay") == 0 && !opt.has_replay) {
      parse_replay(value_of(argc, argv, &i));
    } else if (strcmp(a, "--case") == 0 && opt.case_index < 0) {
      opt.case_index = (long)parse_count(value_of(argc, argv, &i),
                                         "--case: bad index '%s'");
    } else if (strcmp(a, "--cases") == 0 && !cases_set) {
      opt.cases = parse_count(value_of(argc, argv, &i), "--cases: bad '%s'");
      cases_set = 1;
    } else if (strcmp(a, "--shard") == 0) {
      parse_shard(value_of(argc, argv, &i));
    } else if (strcmp(a, "--long") == 0) {
      opt.long_mode = 1;
    } else if (strcmp(a, "--list") == 0) {
      opt.list = 1;
    } else if (strcmp(a, "--coverage") == 0) {
      opt.coverage = 1;
    } else if (strcmp(a, "--backend") == 0 && opt.backend == NULL) {
      opt.backend = value_of(argc, argv, &i);
    } else if (strcmp(a, "--max-threads") == 0) {
      unsigned long n = parse_count(value_of(argc, argv, &i),
                                    "--max-threads: bad count '%s'");
      if (n == 0 || n > 1024)
        usage_error("--max-threads: need 1 to 1024%s", "");
      dlv_gate_set_max_threads((int)n);
    } else if (strcmp(a, "--backends") == 0) {
      opt.backends = 1;
    } else if (strcmp(a, "--xfail") == 0) {
      if (opt.nxfail == DLV_GATE_MAX_XFAIL)
        usage_error("too many --xfail options%s", "");
      const char *x = value_of(argc, argv, &i), *at = strchr(x, '@');
      if (x[0] == '@' || (at != NULL && (at[1] == '\0' || strchr(at, ' '))))
        usage_error("--xfail: need ENTRY or ENTRY@WORD, not '%s'", x);
      opt.xfail[opt.nxfail++] = x;
    } else {
      usage_error("unknown or repeated option '%s'", a);
    }
  }
  if ((opt.has_replay || opt.case_index >= 0) && opt.entry == NULL)
    usage_error("--replay and --case need --entry%s", "");
  if (!cases_set)
    opt.cases = opt.long_mode ? DLV_GATE_LONG_CASES : DLV_GATE_QUICK_CASES;
}

/* ---- crashes in a case ---------------------------------------------------- */

/* Whether the faulting access wrote (x86-64: bit 1 of the page fault's
 * error code), as a word for the message. */
static const char *fault_access(const void *uc)
{
#if defined(__x86_64__) && defined(REG_ERR)
  const ucontext_t *u = uc;
  return u->uc_mcontext.gregs[REG_ERR] & 2 ? "write" : "read";
#else
  (void)uc;
  return "read or write";
#endif
}

/* The options that rerun the case now running: --case K, or while
 * shrinking (a replay) the choices replayed, as `--replay` takes them
 * (truncated to the buffer). */
static void rerun_options(char *out, size_t size)
{
  const dlv_gate_case *c = current_case;
  if (c == NULL || !c->replay) {
    snprintf(out, size, "--case %lu", (unsigned long)current_index);
    return;
  }
  size_t len = (size_t)snprintf(out, size, "--replay ");
  for (size_t i = 0, run; i < c->nin && len < size; i += run) {
    for (run = 1; i + run < c->nin && c->in[i + run] == c->in[i];)
      run++;
    int w = run > 1 ? snprintf(out + len, size - len, "%s%llu*%zu",
                               i ? "," : "", (unsigned long long)c->in[i],
                               run)
                    : snprintf(out + len, size - len, "%s%llu", i ? "," : "",
                               (unsigned long long)c->in[i]);
    len += w > 0 ? (size_t)w : 0;
  }
  if (c->nin == 0)
    snprintf(out + len, size - len, "0");
}

/* The signals a kernel's bad access or arithmetic raises, caught while a
 * case runs (catch_crashes) over cmocka's own handlers, which it installs
 * per test and which fail the test with "exception" and no more. */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE};
#define NCRASH (sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction outer_action[NCRASH]; /* cmocka's */
static volatile sig_atomic_t crashes_caught;
static pthread_t case_thread;

static void release_crashes(void)
{
  if (!crashes_caught)
    return;
  for (size_t k = 0; k < NCRASH; k++)
    sigaction(crash_signals[k], &outer_action[k], NULL);
  crashes_caught = 0;
}

/* Where a fault in the thread that runs a case returns (run_case arms
 * it while the entry runs): the case then fails like any other, so it is
 * shrunk, its entry gets its row in the matrix, and --xfail applies. */
static sigjmp_buf crash_return;
static volatile sig_atomic_t crash_return_armed;

/* Records the crash (line: its message) as the case's failure and returns
 * to run_case; only for a fault in the thread that runs the case, armed.
 * (A library that faulted while holding a lock of its own would then
 * block its next call: the ctest's timeout ends that run.) */
static void return_from_crash(const char *line, int on_case_thread,
                              const siginfo_t *si)
{
  dlv_gate_case *c = current_case;
  if (!on_case_thread || si->si_code <= 0 || !crash_return_armed ||
      c == NULL)
    return;
  snprintf(c->msg, sizeof c->msg, "%s", line);
  c->failed = 1;
  crash_return_armed = 0;
  siglongjmp(crash_return, 1);
}

/* A crash in a case: the entry, the case, and for a fault in a page
 * guard (gate_mem.c) the array and the byte.  Then, in the thread that
 * runs the case, a fault fails the case (return_from_crash), or, outside
 * run_case, cmocka's handler (restored; the access faults again) fails
 * the test and the run goes on; in a kernel's worker thread (where a
 * longjmp would land on another thread's stack) the signal's default
 * action ends the process.  snprintf is not async-signal-safe; the case
 * is over either way. */
static void on_crash(int sig, siginfo_t *si, void *uc)
{
  static char line[8192], where[1024], rerun[4096];
  const char *entry = (const char *)current_entry;
  where[0] = '\0';
  if ((sig == SIGSEGV || sig == SIGBUS) && current_case != NULL &&
      dlv_gate_fault_where(current_case, si->si_addr, fault_access(uc),
                           where + 2, sizeof where - 2))
    memcpy(where, ": ", 2);
  int on_case_thread = pthread_equal(pthread_self(), case_thread);
  release_crashes();
  snprintf(line, sizeof line, "signal %d%s", sig, where);
  return_from_crash(line, on_case_thread, si); /* the failure says it */
  rerun_options(rerun, sizeof rerun);
  char which[64] = "a replayed case"; /* shrinking or --replay */
  if (current_case == NULL || !current_case->replay)
    snprintf(which, sizeof which, "case %lu", (unsigned long)current_index);
  int len = snprintf(line, sizeof line,
                     "\ndlv_gate: signal %d in %s %s%s; rerun: DLV_SEED=%lu "
                     "%s --entry %s %s\n",
                     sig, entry ? entry : "?", which, where, dlv_seed(),
                     command, entry ? entry : "?", rerun);
  if (len > 0 && write(2, line, strlen(line)) < 0)
    _exit(128 + sig);
  if (!on_case_thread || si->si_code <= 0) { /* or sent, not a fault */
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

static void catch_crashes(void)
{
  if (crashes_caught)
    return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  case_thread = pthread_self();
  for (size_t k = 0; k < NCRASH; k++)
    sigaction(crash_signals[k], &sa, &outer_action[k]);
  crashes_caught = 1;
}

/* ---- one case -------------------------------------------------------------- */

static void case_begin(dlv_gate_case *c, const char *entry,
                       unsigned long index, dlv_gate_stats *stats)
{
  memset(c, 0, sizeof *c);
  c->entry = entry;
  c->index = index;
  c->long_mode = opt.long_mode;
  c->stats = stats;
  c->cycle_seed = dlv_gate_hash(entry, dlv_seed());
  c->stream = c->cycle_seed ^ ((uint64_t)index + 1) * 0xD6E8FEB86659FD93u;
  current_entry = entry;
  current_index = index;
  current_case = c;
  catch_crashes();
}

/* Frees the case's memory (its recorded choices too). */
static void case_end(dlv_gate_case *c)
{
  crash_return_armed = 0; /* no return into a case that is over */
  release_crashes();
  current_case = NULL;
  dlv_gate_release(c);
  free(c->rec);
  c->rec = NULL;
}

/* Runs entry e on case c (begun); a fault in it fails c
 * (return_from_crash). */
static void run_case(const dlv_gate_entry *e, dlv_gate_case *c)
{
  if (sigsetjmp(crash_return, 1) == 0) {
    crash_return_armed = 1;
    e->run(c);
  }
  crash_return_armed = 0;
}

/* Runs entry e on the given choices; the case is left for the caller to
 * read and end. */
static void replay_case(const dlv_gate_entry *e, const uint64_t *seq,
                        size_t n, dlv_gate_case *c)
{
  case_begin(c, e->entry, 0, NULL);
  c->replay = 1;
  c->in = seq;
  c->nin = n;
  run_case(e, c);
}

/* ---- shrinking ----------------------------------------------------------- */

typedef struct {
  uint64_t *v;
  size_t n;
} choice_seq;

static void seq_strip(choice_seq *s)
{
  while (s->n > 0 && s->v[s->n - 1] == 0)
    s->n--;
}

/* Shortlex order: fewer choices first, then smaller ones. */
static int seq_less(const choice_seq *a, const choice_seq *b)
{
  if (a->n != b->n)
    return a->n < b->n;
  for (size_t i = 0; i < a->n; i++)
    if (a->v[i] != b->v[i])
      return a->v[i] < b->v[i];
  return 0;
}

/* Replays cand; when the case still fails and its choices are smaller
 * than *best, they become *best (with the message and the note). */
static int try_candidate(const dlv_gate_entry *e, const choice_seq *cand,
                         choice_seq *best, dlv_gate_case *shown, int *budget)
{
  dlv_gate_case c;
  (*budget)--;
  replay_case(e, cand->v, cand->n, &c);
  choice_seq got = {c.rec, c.nrec};
  seq_strip(&got);
  int better = c.failed && seq_less(&got, best);
  if (better) {
    memcpy(best->v, got.v, got.n * sizeof *got.v);
    best->n = got.n;
    memcpy(shown->msg, c.msg, sizeof c.msg);
    memcpy(shown->note, c.note, sizeof c.note);
  }
  case_end(&c);
  return better;
}

/* Writes a choice list with runs written V*K (the --replay syntax). */
static void print_choices(FILE *f, const choice_seq *s)
{
  if (s->n == 0)
    fprintf(f, "0");
  for (size_t i = 0, run; i < s->n; i += run) {
    for (run = 1; i + run < s->n && s->v[i + run] == s->v[i]; run++) {
    }
    fprintf(f, run > 2 ? "%s%llu*%zu" : "%s%llu", i ? "," : "",
            (unsigned long long)s->v[i], run);
    if (run == 2)
      fprintf(f, ",%llu", (unsigned long long)s->v[i]);
  }
}

/* Zeroes ranges of choices, halving their length down to 8 (values and
 * extents vanish in large strides before single choices are tried).
 * Returns 1 on progress. */
static int zero_ranges(const dlv_gate_entry *e, choice_seq *best,
                       uint64_t *scratch, dlv_gate_case *shown, int *budget)
{
  int progress = 0;
  for (size_t len = best->n / 2; len >= 8 && *budget > 0; len /= 2)
    for (size_t i = 0; i + len <= best->n && *budget > 0; i += len) {
      choice_seq cand = {scratch, best->n};
      memcpy(scratch, best->v, best->n * sizeof *scratch);
      memset(scratch + i, 0, len * sizeof *scratch);
      if (memcmp(scratch + i, best->v + i, len * sizeof *scratch) != 0)
        progress |= try_candidate(e, &cand, best, shown, budget);
    }
  return progress;
}

/* The index of the last nonzero choice, or n when there is none. */
static size_t last_nonzero(const choice_seq *s)
{
  for (size_t i = s->n; i > 0; i--)
    if (s->v[i - 1] != 0)
      return i - 1;
  return s->n;
}

/* Lowers choice i by delta and deletes k * m * delta choices just before
 * the last nonzero one: an extent made smaller by delta units of m
 * elements (m = 1, 8, ..., 4096 spans blocking constants) of k choices
 * each, with the data that made the case fail kept at the same element
 * from the end.  Returns 1 on progress. */
static int lower_and_delete(const dlv_gate_entry *e, choice_seq *best,
                            size_t i, uint64_t *scratch, dlv_gate_case *shown,
                            int *budget)
{
  const uint64_t v = best->v[i], deltas[] = {1, v / 2, v - 1, v};
  const size_t last = last_nonzero(best);
  if (last == best->n || last <= i)
    return 0;
  for (size_t d = 0; d < 4; d++)
    for (uint64_t m = 1; m <= 4096 && deltas[d] > 0; m *= 8)
      for (uint64_t k = 1; k <= 3 && *budget > 0; k++) {
        uint64_t delta = deltas[d];
        if (delta > (last - i - 1) / (k * m))
          continue; /* more than there is to delete */
        size_t drop = (size_t)(k * m * delta), cut = last - drop;
        memcpy(scratch, best->v, cut * sizeof *scratch);
        memcpy(scratch + cut, best->v + last,
               (best->n - last) * sizeof *scratch);
        scratch[i] = v - delta;
        choice_seq cand = {scratch, best->n - drop};
        if (try_candidate(e, &cand, best, shown, budget))
          return 1;
      }
  return 0;
}

/* One pass over the positions: each nonzero choice tried at 0, at half and
 * at one less; and the tail cut at halves.  Returns 1 on progress. */
static int shrink_pass(const dlv_gate_entry *e, choice_seq *best,
                       uint64_t *scratch, dlv_gate_case *shown, int *budget)
{
  int progress = zero_ranges(e, best, scratch, shown, budget);
  for (size_t len = best->n / 2; len < best->n && *budget > 0;
       len = (len + best->n + 1) / 2) {
    choice_seq cand = {scratch, len};
    memcpy(scratch, best->v, len * sizeof *scratch);
    progress |= try_candidate(e, &cand, best, shown, budget);
  }
  for (size_t i = 0; i < best->n && *budget > 0; i++) {
    uint64_t v = best->v[i];
    const uint64_t tries[] = {0, v / 2, v - 1};
    for (size_t t = 0; t < 3 && v != 0 && *budget > 0; t++) {
      choice_seq cand = {scratch, best->n};
      memcpy(scratch, best->v, best->n * sizeof *scratch);
      scratch[i] = tries[t];
      if (try_candidate(e, &cand, best, shown, budget)) {
        progress = 1;
        break;
      }
    }
    if (i < best->n && best->v[i] != 0)
      progress |= lower_and_delete(e, best, i, scratch, shown, budget);
  }
  return progress;
}

/* Shrinks the failing case c to the smallest failing choice sequence found
 * within the budget; prints it with a command that reruns it, and returns
 * that command (malloc'ed; NULL when memory runs out). */
static char *shrink_and_print(const dlv_gate_entry *e, const dlv_gate_case *c)
{
  choice_seq best = {malloc((c->nrec + 1) * sizeof *best.v), c->nrec};
  uint64_t *scratch = malloc((c->nrec + 1) * sizeof *scratch);
  if (best.v == NULL || scratch == NULL)
    abort();
  memcpy(best.v, c->rec, c->nrec * sizeof *best.v);
  seq_strip(&best);
  dlv_gate_case shown;
  memcpy(shown.msg, c->msg, sizeof c->msg);
  memcpy(shown.note, c->note, sizeof c->note);
  int budget = DLV_GATE_SHRINK_BUDGET;
  while (budget > 0 && shrink_pass(e, &best, scratch, &shown, &budget)) {
  }
  printf("  shrunk to %zu choices (%d replays):\n    %s\n    case: %s\n",
         best.n, DLV_GATE_SHRINK_BUDGET - budget, shown.msg, shown.note);
  char *repro = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&repro, &len);
  if (f != NULL) {
    fprintf(f, "%s --entry %s --replay ", command, e->entry);
    print_choices(f, &best);
    if (fclose(f) != 0) {
      free(repro);
      repro = NULL;
    }
  }
  printf("  repro: %s\n", repro ? repro : "(out of memory)");
  free(best.v);
  free(scratch);
  return repro;
}

/* ---- evidence: one accuracy row per entry ------------------------------- */

/* The kernel an entry point measures: its name without the "dlv_" prefix
 * and without the dtype suffix "_d" or "_s" ("dlv_nrm2_grad_s" ->
 * "nrm2_grad"), as the claim checks name kernels in their rows. */
static void kernel_of(const char *entry, char *out, size_t size)
{
  const char *k = strncmp(entry, "dlv_", 4) == 0 ? entry + 4 : entry;
  size_t n = strlen(k);
  if (n > 2 && k[n - 2] == '_' && (k[n - 1] == 'd' || k[n - 1] == 's'))
    n -= 2;
  snprintf(out, size, "%.*s", (int)n, k);
}

/* What the entry's row says after " | ": where the worst err/bound was
 * seen, or the failed case with its message and repro command; shorter
 * forms when the longer one does not fit (nothing is truncated: the full
 * text is in the log). */
static void row_detail(char *buf, size_t size, const dlv_gate_stats *stats,
                       const dlv_gate_case *failed, const char *repro)
{
  if (failed == NULL) {
    snprintf(buf, size, "worst %s", stats->worst_ratio > 0
                                         ? stats->worst_where
                                         : "err/bound 0 (every output exact)");
    return;
  }
  const char *cmd = repro ? repro : "(out of memory)";
  size_t len = (size_t)snprintf(buf, size, "FAILED case %lu: %s; shrunk "
                                "repro: %s", failed->index, failed->msg, cmd);
  if (len >= size)
    len = (size_t)snprintf(buf, size, "FAILED case %lu (message in the "
                           "log); shrunk repro: %s", failed->index, cmd);
  if (len >= size)
    snprintf(buf, size, "FAILED case %lu; repro in the log (too long for "
             "this row)", failed->index);
}

/* Records the entry's accuracy row (claim "gate", check = the entry):
 * kernel = the entry without prefix and dtype suffix, variant "-" (the
 * public entry point), dtype from the contract table, shape "cases=N
 * shard=I/N quick|long | detail" (the part after " | " names the worst or
 * failed case; see DLV_SHAPE_DETAIL), err = the worst err/bound of any
 * output over the cases run, bound 1.  A failed entry's err is that worst
 * ratio when above 1, else +Inf (a status, guard zone or special value
 * failed; value keeps the worst ratio measured).  A failed row fails the
 * running test at once (cmocka's longjmp), so it is recorded last, and
 * repro (malloc'ed, or NULL) is freed here before that. */
static void record_entry(const dlv_gate_entry *e, unsigned long ran,
                         const dlv_gate_stats *stats,
                         const dlv_gate_case *failed, char *repro)
{
  char kernel[64], shape[sizeof((dlv_row *)0)->shape];
  const dlv_contract *k = dlv_contract_find(e->entry);
  kernel_of(e->entry, kernel, sizeof kernel);
  int head = snprintf(shape, sizeof shape, "cases=%lu shard=%lu/%lu %s%s",
                      ran, opt.shard_i, opt.shard_n,
                      opt.long_mode ? "long" : "quick", DLV_SHAPE_DETAIL);
  row_detail(shape + head, sizeof shape - (size_t)head, stats, failed, repro);
  free(repro);
  struct dlv_meas m = {k ? k->dtype : "-", shape,
                       "every output vs reference over the contract",
                       "each output's bound (checks/bounds.h): err/bound"};
  m.kernel = kernel;
  double worst = stats->worst_ratio;
  double err = failed != NULL && !(worst > 1.0) ? INFINITY : worst;
  dlv_expect_row(__FILE__, __LINE__, e->entry, &m, worst, 0.0, err, 1.0, NAN);
}

/* ---- the entry's test ------------------------------------------------------ */

/* Prints the failure, shrinks it; returns the repro command (malloc'ed). */
static char *report_failure(const dlv_gate_entry *e, const dlv_gate_case *c)
{
  printf("[gate] FAIL %s case %lu (DLV_SEED=%lu): %s\n  case: %s\n",
         e->entry, c->index, dlv_seed(), c->msg, c->note);
  printf("  rerun: DLV_SEED=%lu %s --entry %s --case %lu\n", dlv_seed(),
         command, e->entry, c->index);
  char *repro = shrink_and_print(e, c);
  fflush(stdout);
  return repro;
}

static void run_replay(const dlv_gate_entry *e)
{
  dlv_gate_case c;
  replay_case(e, opt.replay, opt.nreplay, &c);
  printf("[gate] %s replay: %s%s\n  case: %s\n", e->entry,
         c.failed ? c.msg : c.skip_why ? "skipped by the backend: " : "held",
         !c.failed && c.skip_why ? c.skip_why : "", c.note);
  int failed = c.failed;
  case_end(&c);
  if (failed)
    fail_msg("%s: the replayed case fails", e->entry);
}

/* Whether case k is one this process runs. */
static int case_selected(unsigned long k)
{
  return opt.case_index >= 0 || k % opt.shard_n == opt.shard_i;
}

/* Whether the loop goes on to case k: --case K runs K alone; otherwise
 * at least the requested count and at least the coverage minimum. */
static int more_cases(unsigned long k, unsigned long cover)
{
  if (opt.case_index >= 0)
    return k == (unsigned long)opt.case_index;
  return k < opt.cases || k < cover;
}

/* Whether s holds word as a word (delimited by blanks or the ends). */
static int has_word(const char *s, const char *word, size_t len)
{
  for (const char *p = s; (p = strstr(p, word)) != NULL; p++)
    if ((p == s || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
      return 1;
  return 0;
}

/* Whether entry is a known finding here: --xfail ENTRY, or ENTRY@WORD
 * with WORD a word of the backend's version string (a finding of some
 * configurations of a library, e.g. BLIS's kernels for one CPU). */
static int is_xfail(const char *entry)
{
  const char *version = dlv_gate_backend()->version;
  for (size_t i = 0; i < opt.nxfail; i++) {
    const char *x = opt.xfail[i], *at = strchr(x, '@');
    size_t n = at ? (size_t)(at - x) : strlen(x);
    if (strncmp(x, entry, n) != 0 || entry[n] != '\0')
      continue;
    if (at == NULL || (at[1] != '\0' && version != NULL &&
                       has_word(version, at + 1, strlen(at + 1))))
      return 1;
  }
  return 0;
}

/* Counts a skipped case under its reason (the first few reasons apart). */
static void count_skip(dlv_gate_stats *stats, const char *why)
{
  stats->skipped++;
  for (size_t r = 0; r < DLV_GATE_SKIP_REASONS; r++)
    if (stats->skip_why[r] == NULL || strcmp(stats->skip_why[r], why) == 0) {
      stats->skip_why[r] = why;
      stats->skip_count[r]++;
      return;
    }
}

/* The entry's row of the backend x entry matrix, one parseable line:
 * [matrix] backend,entry,status,cases run,cases skipped,worst err/bound. */
static void print_row(const dlv_gate_entry *e, const char *status,
                      unsigned long ran, const dlv_gate_stats *stats)
{
  printf("[matrix] %s,%s,%s,%lu,%lu,%.6g\n", dlv_gate_backend()->name,
         e->entry, status, ran, stats->skipped, stats->worst_ratio);
  for (size_t r = 0; r < DLV_GATE_SKIP_REASONS && stats->skip_why[r]; r++)
    printf("  skipped %lu: %s\n", stats->skip_count[r], stats->skip_why[r]);
  if (stats->observed)
    printf("  observed in %lu cases, first: %s\n", stats->observed,
           stats->observation);
}

/* A failing case: printed with its repro; the test fails unless the entry
 * is a known finding (--xfail), which then holds.  Returns only then. */
static void entry_failed(const dlv_gate_entry *e, dlv_gate_case *c,
                         unsigned long ran, const dlv_gate_stats *stats)
{
  int known = is_xfail(e->entry);
  char *repro = report_failure(e, c);
  print_row(e, known ? "xfail" : "FAIL", ran, stats);
  unsigned long k = c->index;
  case_end(c); /* c's index and message stay readable */
  if (!known) {
    record_entry(e, ran, stats, c, repro); /* fails the test: last */
    fail_msg("%s: case %lu fails (see the shrunk repro above)", e->entry, k);
  }
  free(repro);
  printf("[gate] %s: fails as expected (--xfail: a known finding)\n",
         e->entry);
}

/* An entry of a family that calls dlverify's kernels directly, under
 * another backend: nothing runs, the row says why. */
static void unconverted_entry(void **state)
{
  const dlv_gate_entry *e = *state;
  dlv_gate_stats stats = {0};
  print_row(e, "skipped", 0, &stats);
  printf("  skipped: its family calls dlverify's kernels, not the "
         "backend's\n");
  skip();
}

static const dlv_gate_family *const *run_families;
static size_t run_nfamilies;

static const dlv_gate_family *family_of(const dlv_gate_entry *e)
{
  for (size_t f = 0; f < run_nfamilies; f++)
    if (e >= run_families[f]->entries &&
        e < run_families[f]->entries + run_families[f]->n)
      return run_families[f];
  return NULL;
}

static void run_entry(void **state)
{
  const dlv_gate_entry *e = *state;
  char why[600];
  if (!dlv_gate_table_ok(family_of(e), e->entry, why, sizeof why)) {
    printf("[gate] FAIL %s\n", why);
    fail_msg("%s", why);
  }
  if (opt.has_replay) {
    run_replay(e);
    return;
  }
  dlv_gate_stats stats = {0};
  unsigned long ran = 0, cover = 1;
  unsigned long k = opt.case_index >= 0 ? (unsigned long)opt.case_index : 0;
  for (; k < DLV_GATE_MAX_CASES && more_cases(k, cover); k++) {
    if (!case_selected(k))
      continue;
    dlv_gate_case c;
    case_begin(&c, e->entry, k, &stats);
    run_case(e, &c);
    cover = c.max_enum > cover ? c.max_enum : cover;
    if (c.failed) {
      entry_failed(e, &c, ran + 1, &stats);
      return;
    }
    if (c.skip_why != NULL)
      count_skip(&stats, c.skip_why);
    else
      ran++;
    case_end(&c);
  }
  printf("[gate] %s: %lu cases, %lu skipped by the backend (shard %lu/%lu; "
         "every enumerated dimension covered once per %lu cases), worst "
         "err/bound %.6g%s%s\n",
         e->entry, ran, stats.skipped, opt.shard_i, opt.shard_n, cover,
         stats.worst_ratio, stats.worst_ratio > 0 ? " at " : "",
         stats.worst_where);
  print_row(e, ran == 0 ? "skipped" : is_xfail(e->entry) ? "XPASS" : "pass",
            ran, &stats);
  if (ran > 0 && !is_xfail(e->entry))
    record_entry(e, ran, &stats, NULL, NULL);
  if (is_xfail(e->entry))
    fail_msg("%s: --xfail, but every case held (the finding is gone?)",
             e->entry);
  if (ran == 0)
    skip();
}

/* ---- families, coverage, main ------------------------------------------- */

static int family_selected(const dlv_gate_family *f)
{
  if (opt.nfamily == 0)
    return 1;
  for (size_t i = 0; i < opt.nfamily; i++)
    if (strcmp(opt.family[i], f->name) == 0)
      return 1;
  return 0;
}

static const dlv_gate_entry *find_entry(const dlv_gate_family *const *fam,
                                        size_t nfam, const char *name)
{
  for (size_t f = 0; f < nfam; f++)
    for (size_t i = 0; i < fam[f]->n; i++)
      if (strcmp(fam[f]->entries[i].entry, name) == 0)
        return &fam[f]->entries[i];
  return NULL;
}

/* Every contract entry has a case function and every case function a
 * contract entry; prints what is missing.  Returns the number missing. */
static int check_coverage(const dlv_gate_family *const *fam, size_t nfam)
{
  size_t n;
  const dlv_contract *table = dlv_contracts(&n);
  int missing = 0;
  for (size_t i = 0; i < n; i++)
    if (find_entry(fam, nfam, table[i].entry) == NULL) {
      printf("no gate cases for contract entry %s\n", table[i].entry);
      missing++;
    }
  for (size_t f = 0; f < nfam; f++)
    for (size_t i = 0; i < fam[f]->n; i++) {
      char why[600];
      if (dlv_contract_find(fam[f]->entries[i].entry) == NULL) {
        printf("gate family %s: %s is not in the contract table\n",
               fam[f]->name, fam[f]->entries[i].entry);
        missing++;
      } else if (!dlv_gate_table_ok(fam[f], fam[f]->entries[i].entry, why,
                                    sizeof why)) {
        printf("%s\n", why);
        missing++;
      }
    }
  printf("contract coverage: %zu entries, %d missing\n", n, missing);
  return missing;
}

static int group_setup(void **state)
{
  (void)state;
  return dlv_check_begin("gate");
}

static int group_teardown(void **state)
{
  (void)state;
  return dlv_check_end();
}

/* One backend's support matrix: per operation and dtype, its capabilities
 * (dlv_backend_caps) by letter. */
static void print_support(const dlv_backend *b)
{
  static const char letters[] = "PsndiSt";
  printf("%s (%s): P provided, s strides, n negative strides, d distinct "
         "output stride, i in place, S status protocol, t thread-invariant\n",
         b->name, b->version);
  for (int op = 0; op < DLV_BK_NOPS; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++) {
      char caps[sizeof letters];
      for (unsigned k = 0; k + 1 < sizeof letters; k++)
        caps[k] =
            dlv_backend_support(b, op, t) & (1u << k) ? letters[k] : '-';
      caps[sizeof letters - 1] = '\0';
      printf("  %-18s %-6s %s\n", dlv_backend_op_name(op),
             dlv_backend_dtype_name(t), caps);
    }
}

/* --backends: every built-in backend present; 1 when one fails to load. */
static int list_backends(void)
{
  size_t n;
  const char *const *names = dlv_backend_names(&n);
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    char err[512];
    const dlv_backend *b = dlv_backend_load(names[i], err, sizeof err);
    if (b == NULL) {
      printf("%s: %s\n", names[i], err);
      bad = 1;
    } else {
      print_support(b);
    }
  }
  return bad;
}

/* --backend: loads it (exit 2 with the loader's reason on failure). */
static void select_backend(void)
{
  if (opt.backend == NULL)
    return;
  char err[512];
  const dlv_backend *b = dlv_backend_load(opt.backend, err, sizeof err);
  if (b == NULL)
    usage_error("--backend: %s", err);
  dlv_gate_set_backend(b);
}

int dlv_gate_main(int argc, char **argv,
                  const dlv_gate_family *const *families, size_t nfamilies)
{
  parse_options(argc, argv);
  run_families = families;
  run_nfamilies = nfamilies;
  if (opt.coverage)
    return check_coverage(families, nfamilies) ? 1 : 0;
  if (opt.backends)
    return list_backends();
  select_backend();
  dlv_check_set_backend(dlv_gate_backend()->name); /* rows' backend column */
  snprintf(command, sizeof command, "%s%s%s", opt.argv0,
           opt.backend ? " --backend " : "", opt.backend ? opt.backend : "");
  if (!opt.list) /* --list prints the entries alone (dlverify reads it) */
    printf("[gate] backend %s (%s)\n", dlv_gate_backend()->name,
           dlv_gate_backend()->version);
  struct CMUnitTest *tests = calloc(256, sizeof *tests);
  size_t ntests = 0;
  for (size_t f = 0; f < nfamilies; f++) {
    if (!family_selected(families[f]))
      continue;
    for (size_t i = 0; i < families[f]->n && ntests < 256; i++) {
      const dlv_gate_entry *e = &families[f]->entries[i];
      if (opt.entry != NULL && strcmp(opt.entry, e->entry) != 0)
        continue;
      if (opt.list)
        printf("%s %s\n", families[f]->name, e->entry);
      int runs = families[f]->via_backend ||
                 dlv_gate_backend() == dlv_backend_builtin();
      tests[ntests++] = (struct CMUnitTest){e->entry,
                                            runs ? run_entry
                                                 : unconverted_entry,
                                            NULL, NULL,
                                            (void *)e};
    }
  }
  if (opt.list) {
    free(tests);
    return 0;
  }
  if (ntests == 0)
    usage_error("no entry point matches%s", "");
  int status = _cmocka_run_group_tests("gate", tests, ntests, group_setup,
                                       group_teardown);
  free(tests);
  free(opt.replay);
  return status;
}

/* The families: one per checks/gate/g_<family>.c, listed by CMake in
 * gate_families.inc (no registration line to write). */
#define DLV_GATE_FAMILY(name) extern const dlv_gate_family dlv_gate_##name;
#include "gate_families.inc"
#undef DLV_GATE_FAMILY
#define DLV_GATE_FAMILY(name) &dlv_gate_##name,
static const dlv_gate_family *const all_families[] = {
#include "gate_families.inc"
};
#undef DLV_GATE_FAMILY

int main(int argc, char **argv)
{
  return dlv_gate_main(argc, argv, all_families,
                       sizeof all_families / sizeof all_families[0]);
}
