/* blas_setup.h: notice when OpenBLAS runs a generic kernel on a CPU it
 * could serve with a much faster one, and fix it where that is safe.
 *
 * Debian's OpenBLAS 0.3.21 is a DYNAMIC_ARCH build: at load time it picks a
 * kernel set ("core") from the CPU's family and model.  It does not know
 * the Xeon model the anchors were measured on (family 6, model 207) and
 * falls back there to its generic "Prescott" (SSE3) kernels, 3-5x slower
 * than its "SkylakeX" (AVX-512) ones on GEMM (research/perf-anchors.md);
 * on the AMD EPYC (family 26) of later sessions it picks "Cooperlake"
 * itself, and nothing is changed.  OpenBLAS reads the
 * environment variable OPENBLAS_CORETYPE once, when the library is
 * initialised (before main), so the core can only be changed by setting
 * the variable before the process starts: the bench re-executes itself
 * with it (dlv_blas_reexec_with_better_core); everyone else is told the
 * variable to export.  The choice never changes a result beyond rounding
 * (every GEMM result is checked within its bound either way). */
#ifndef DLV_BLAS_SETUP_H
#define DLV_BLAS_SETUP_H

typedef struct {
  const char *core;   /* openblas_get_corename() */
  const char *better; /* a faster core this CPU supports, or NULL */
  int forced;         /* OPENBLAS_CORETYPE was set in the environment */
} dlv_blas_core_info;

/* Fills *info.  `better` is non-NULL only when the running core is one of
 * OpenBLAS's pre-AVX generic fallbacks (Prescott, Core2, Penryn, Dunnington,
 * Nehalem, Atom) and the CPU (and OS) support every instruction set
 * extension the better core's kernels use: SkylakeX needs AVX-512 F, CD,
 * BW, DQ and VL; Haswell needs AVX2 and FMA. */
void dlv_blas_core(dlv_blas_core_info *info);

/* When `better` is non-NULL and OPENBLAS_CORETYPE is unset, sets it to
 * `better` and re-executes /proc/self/exe with argv (the variable then
 * acts before OpenBLAS initialises); returns only when it did not
 * re-execute (nothing to do, variable already set, or execv failed: then
 * -1).  Never loops: the re-executed process sees the variable set. */
int dlv_blas_reexec_with_better_core(char **argv);

#endif
