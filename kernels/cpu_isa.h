/* cpu_isa.h: the kernels' one place for run-time ISA dispatch (not
 * installed API): what the CPU running the process has, and the
 * environment switch DLV_ISA that makes every dispatching kernel (FAST
 * conv3d, conv3d.h; the low-precision kernels, lowp.h) start on its
 * portable path.  Each kernel family keeps its own current path and its
 * own API to query and force it (dlv_conv3d_isa, dlv_lowp_isa). */
#ifndef DLV_CPU_ISA_H
#define DLV_CPU_ISA_H

#include <stdatomic.h>

/* 1 when the CPU has AVX512F, AVX512BW, AVX512VL and FMA (what
 * conv3d_avx512.c is compiled for); 0 off x86-64 or without gcc/clang. */
int dlv__cpu_has_avx512(void);
/* 1 when the CPU has AVX512F, AVX512BW and AVX512_BF16. */
int dlv__cpu_has_avx512bf16(void);
/* 1 when the environment variable DLV_ISA was "generic" at the first call
 * (read once, cached): the kernels' default path is then the portable
 * one (an explicit dlv_*_set_isa still overrides it).  Unset, empty or
 * "native": 0, each kernel takes the best path the CPU has.  Any other
 * value: 0, after one line on stderr naming it.  (dlv__isa_get asks only
 * when the CPU has the family's faster path.) */
int dlv__isa_env_generic(void);

/* A kernel family's current path, kept in *state: 0 its portable code, 1
 * its SIMD code (DLV_CONV3D_ISA_AVX512, DLV_LOWP_ISA_AVX512BF16).  *state
 * is -1 until the first dlv__isa_get, which picks 1 when available() and
 * DLV_ISA is not "generic".  dlv__isa_set stores 1 when want_simd and
 * available(), else 0, and returns it.  Atomic: the first calls may race
 * (with the same answer); setting while kernels run is the caller's race. */
int dlv__isa_get(atomic_int *state, int (*available)(void));
int dlv__isa_set(atomic_int *state, int want_simd, int (*available)(void));

#endif
