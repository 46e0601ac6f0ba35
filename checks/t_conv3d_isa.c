/* t_conv3d_isa.c: FAST conv3d's run-time dispatch (conv3d.h, "FAST's code
 * path").  The CPU's features are read here independently of the kernels
 * (__builtin_cpu_supports); then
 *  - the default path is AVX-512 exactly when the CPU has AVX512F/BW/VL and
 *    FMA and DLV_ISA is not "generic" (ctest runs this test twice: as is,
 *    and as t_conv3d_isa_generic under DLV_ISA=generic);
 *  - dlv_conv3d_set_isa forces each path (AVX-512 only where the CPU has
 *    it) and dlv_conv3d_blocking's simd and dlv_conv3d_work_size follow;
 *  - each pass of FAST runs the path in use.  Which code ran is seen in
 *    the workspace (white box, conv3d_fast_tmpl.h and conv3d_tmpl.h): the
 *    AVX-512 forward packs F's panels at its start, the generic one (as
 *    IM2COL) lowers L1 there; the AVX-512 filter gradient leaves it alone,
 *    IM2COL's lowers L1 into it; the AVX-512 input gradient starts it with
 *    G's zero padding, IM2COL's with G F^T.  Operands are constants (L1 =
 *    G = 3, F = 2), so every output is an exact small integer, checked
 *    too;
 *  - DLV_ISA's every documented value class (cpu_isa.h): unset, empty and
 *    "native" give the CPU's best path with nothing on stderr, "generic"
 *    the portable path with nothing on stderr, any other value the CPU's
 *    best path after one line on stderr naming it.  DLV_ISA is read once
 *    per process, so each value is tried in a forked child (stderr to a
 *    pipe) before this process queries any path (main), and the path of
 *    both dispatching families (conv3d's FAST, lowp.h's) is compared. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "conv3d.h"
#include "dlv_status.h"
#include "lowp.h"

static int cpu_runs_avx512(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

static int cpu_runs_avx512bf16(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512bf16");
#else
  return 0;
#endif
}

static int env_generic(void)
{
  const char *v = getenv("DLV_ISA");
  return v != NULL && strcmp(v, "generic") == 0;
}

/* B 1, H W T 2, C' 3, C 5, U V Z 2: every output sums K = 24 terms (the
 * forward), 8 (filter gradient) or up to 40 (input gradient). */
static const dlv_conv3d_shape shape = {.b = 1, .h = 2, .w = 2, .t = 2,
                                       .c = 5, .cp = 3, .u = 2, .v = 2,
                                       .z = 2};

static void default_path(void **state)
{
  (void)state;
  int want = cpu_runs_avx512() && !env_generic() ? DLV_CONV3D_ISA_AVX512
                                                  : DLV_CONV3D_ISA_GENERIC;
  assert_int_equal(dlv_conv3d_isa(), want);
  assert_string_equal(dlv_conv3d_isa_name(DLV_CONV3D_ISA_AVX512), "avx512");
  assert_string_equal(dlv_conv3d_isa_name(DLV_CONV3D_ISA_GENERIC),
                      "generic");
  assert_string_equal(dlv_conv3d_isa_name(7), "unknown");
}

/* FAST's workspace on the generic path is IM2COL's (N K = 192 here); on
 * AVX-512 the input gradient's padded G and panels (1600 here), larger. */
static void set_path(void **state)
{
  (void)state;
  int has = cpu_runs_avx512();
  assert_int_equal(dlv_conv3d_set_isa(DLV_CONV3D_ISA_GENERIC),
                   DLV_CONV3D_ISA_GENERIC);
  assert_int_equal(dlv_conv3d_isa(), DLV_CONV3D_ISA_GENERIC);
  dlv_conv3d_blocks bl;
  size_t w, w_im2col;
  assert_int_equal(dlv_conv3d_blocking(DLV_CONV3D_FAST, DLV_CONV3D_FWD, 0,
                                       &bl), DLV_OK);
  assert_int_equal(bl.simd, 0);
  assert_int_equal(dlv_conv3d_work_size(&shape, DLV_CONV3D_FAST,
                                        DLV_CONV3D_FWD, &w), DLV_OK);
  assert_int_equal(dlv_conv3d_work_size(&shape, DLV_CONV3D_IM2COL,
                                        DLV_CONV3D_FWD, &w_im2col), DLV_OK);
  assert_int_equal(w, w_im2col);
  int now = dlv_conv3d_set_isa(DLV_CONV3D_ISA_AVX512);
  assert_int_equal(now, has ? DLV_CONV3D_ISA_AVX512 : DLV_CONV3D_ISA_GENERIC);
  assert_int_equal(dlv_conv3d_isa(), now);
  assert_int_equal(dlv_conv3d_blocking(DLV_CONV3D_FAST, DLV_CONV3D_FWD, 0,
                                       &bl), DLV_OK);
  assert_int_equal(bl.simd, has);
  assert_int_equal(dlv_conv3d_work_size(&shape, DLV_CONV3D_FAST,
                                        DLV_CONV3D_FWD, &w), DLV_OK);
  assert_true(has ? w > w_im2col : w == w_im2col);
  assert_int_equal(dlv_conv3d_set_isa(-1), DLV_CONV3D_ISA_GENERIC);
}

enum { MAXN = 4096 };
static double l1[MAXN], f[MAXN], g2[MAXN], out[MAXN], work[MAXN];

/* Runs FAST's pass on the constants with work filled with NaN; returns
 * work[0] after the call, and checks every output against `exact` (the
 * value of element i, exact in double). */
static double run_pass(int pass, double (*exact)(size_t))
{
  size_t n1, nf, n2, nw;
  assert_int_equal(dlv_conv3d_sizes(&shape, &n1, &nf, &n2), DLV_OK);
  assert_int_equal(dlv_conv3d_work_size(&shape, DLV_CONV3D_FAST, pass, &nw),
                   DLV_OK);
  assert_true(n1 <= MAXN && nf <= MAXN && n2 <= MAXN && nw <= MAXN);
  for (size_t i = 0; i < MAXN; i++)
    l1[i] = 3, f[i] = 2, g2[i] = 3, work[i] = NAN;
  int st = pass == DLV_CONV3D_FWD
               ? dlv_conv3d_fwd_d(&shape, DLV_CONV3D_FAST, l1, f, out, work,
                                  nw)
           : pass == DLV_CONV3D_BWD_FILTER
               ? dlv_conv3d_bwd_filter_d(&shape, DLV_CONV3D_FAST, l1, g2, out,
                                         work, nw)
               : dlv_conv3d_bwd_input_d(&shape, DLV_CONV3D_FAST, f, g2, out,
                                        work, nw);
  assert_int_equal(st, DLV_OK);
  size_t nout = pass == DLV_CONV3D_FWD ? n2
                : pass == DLV_CONV3D_BWD_FILTER ? nf : n1;
  for (size_t i = 0; i < nout; i++)
    assert_true(out[i] == exact(i));
  return work[0];
}

/* L2 = K 3 2 = 144; F.grad = B H W T 3 3 = 72. */
static double fwd_exact(size_t i) { return (void)i, 144; }
static double bf_exact(size_t i) { return (void)i, 72; }

/* L1.grad at (x, y, t) = (taps covering it) C 3 2, taps = product over
 * the three axes of (1 at the border, 2 inside): here extent 3, filter 2,
 * the middle index is covered twice. */
static double bi_exact(size_t i)
{
  size_t t = i / 3 % 3, y = i / 9 % 3, x = i / 27 % 3;
  double taps = (x == 1 ? 2 : 1) * (y == 1 ? 2 : 1) * (t == 1 ? 2 : 1);
  return taps * 5 * 3 * 2;
}

static void passes_run_their_path(void **state)
{
  (void)state;
  int paths[2] = {DLV_CONV3D_ISA_GENERIC, DLV_CONV3D_ISA_AVX512};
  for (int p = 0; p < 2; p++) {
    int simd = dlv_conv3d_set_isa(paths[p]) == DLV_CONV3D_ISA_AVX512;
    if (paths[p] == DLV_CONV3D_ISA_AVX512 && !simd)
      continue; /* no AVX-512 here: nothing more to see */
    /* forward: F's panel (2) or L1's lowered row (3) */
    assert_true(run_pass(DLV_CONV3D_FWD, fwd_exact) == (simd ? 2 : 3));
    /* filter gradient: workspace untouched (NaN) or L1 lowered (3) */
    double w0 = run_pass(DLV_CONV3D_BWD_FILTER, bf_exact);
    assert_true(simd ? isnan(w0) : w0 == 3);
    /* input gradient: G's zero padding or (G F^T)[0][0] = C 3 2 = 30 */
    assert_true(run_pass(DLV_CONV3D_BWD_INPUT, bi_exact) == (simd ? 0 : 30));
  }
}

/* DLV_ISA's value classes (cpu_isa.h); value NULL: unset.  generic: the
 * portable path is expected; warns: one line on stderr naming the value. */
static const struct {
  const char *value;
  int generic, warns;
} env_cases[] = {
    {NULL, 0, 0},      {"", 0, 0},       {"native", 0, 0},
    {"generic", 1, 0}, {"avx512", 0, 1}, {"GENERIC", 0, 1},
    {"generic ", 0, 1},
};
enum { NENV = sizeof env_cases / sizeof *env_cases, ERRMAX = 512 };

/* What a child saw: both families' paths and its stderr. */
static struct {
  int exited, conv3d, lowp;
  char err[ERRMAX];
} env_seen[NENV];

/* Child: DLV_ISA as case i, stderr to fd; exit code conv3d + 2 lowp. */
static void env_child(size_t i, int fd)
{
  if (env_cases[i].value == NULL)
    unsetenv("DLV_ISA");
  else
    setenv("DLV_ISA", env_cases[i].value, 1);
  if (dup2(fd, STDERR_FILENO) < 0)
    _exit(100);
  int conv3d = dlv_conv3d_isa(), lowp = dlv_lowp_isa();
  fflush(stderr);
  _exit(conv3d + 2 * lowp);
}

/* Runs case i in a forked child; fills env_seen[i]. */
static void env_run(size_t i)
{
  int p[2];
  if (pipe(p) != 0)
    return;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    env_child(i, p[1]);
  }
  close(p[1]);
  size_t n = 0;
  ssize_t r;
  while (pid > 0 && n < ERRMAX - 1 &&
         (r = read(p[0], env_seen[i].err + n, ERRMAX - 1 - n)) > 0)
    n += (size_t)r;
  close(p[0]);
  env_seen[i].err[n] = '\0';
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
      WEXITSTATUS(status) < 4) {
    env_seen[i].exited = 1;
    env_seen[i].conv3d = WEXITSTATUS(status) & 1;
    env_seen[i].lowp = WEXITSTATUS(status) >> 1;
  }
}

/* Whether case i writes its line: DLV_ISA is read only where the CPU has
 * a path beyond the portable one (not, e.g., under valgrind, which has no
 * AVX-512). */
static int expects_warning(size_t i)
{
  return env_cases[i].warns && (cpu_runs_avx512() || cpu_runs_avx512bf16());
}

/* stderr as documented: empty, or one line naming DLV_ISA and the value */
static int env_stderr_ok(size_t i)
{
  const char *e = env_seen[i].err, *nl = strchr(e, '\n');
  if (!expects_warning(i))
    return e[0] == '\0';
  return nl != NULL && nl[1] == '\0' && strstr(e, "DLV_ISA") != NULL &&
         strstr(e, env_cases[i].value) != NULL;
}

static void env_value_classes(void **state)
{
  (void)state;
  for (size_t i = 0; i < NENV; i++) {
    const char *v = env_cases[i].value;
    int g = env_cases[i].generic;
    int conv3d = cpu_runs_avx512() && !g, lowp = cpu_runs_avx512bf16() && !g;
    if (!env_seen[i].exited || env_seen[i].conv3d != conv3d ||
        env_seen[i].lowp != lowp || !env_stderr_ok(i))
      fail_msg("DLV_ISA=%s%s%s: child %s, conv3d %d lowp %d (want %d %d), "
               "stderr \"%s\" (want %s)", v ? "\"" : "", v ? v : "(unset)",
               v ? "\"" : "", env_seen[i].exited ? "exited" : "failed",
               env_seen[i].conv3d, env_seen[i].lowp, conv3d, lowp,
               env_seen[i].err,
               expects_warning(i) ? "one line naming it" : "nothing");
  }
}

int main(void)
{
  /* before any query of this process: DLV_ISA is read once */
  for (size_t i = 0; i < NENV; i++)
    env_run(i);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(env_value_classes),
      cmocka_unit_test(default_path),
      cmocka_unit_test(set_path),
      cmocka_unit_test(passes_run_their_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
