/* cpu_isa.h: the kernels' one place for run-time ISA dispatch (not
 * installed API): what the CPU running the process has, and the
 * environment switch DLV_ISA that makes every dispatching kernel (FAST
 * conv3d, conv3d.h; the low-precision kernels, lowp.h) start on its
 * portable path.  Each kernel family keeps its own current path and its
 * own API to query and force it (dlv_conv3d_isa, dlv_lowp_isa). */
#ifndef DLV_CPU_ISA_H
#define DLV_CPU_ISA_H

/* 1 when the CPU has AVX512F, AVX512BW, AVX512VL and FMA (what
 * conv3d_avx512.c is compiled for); 0 off x86-64 or without gcc/clang. */
int dlv__cpu_has_avx512(void);
/* 1 when the CPU has AVX512F, AVX512BW and AVX512_BF16. */
int dlv__cpu_has_avx512bf16(void);
/* 1 when the environment variable DLV_ISA was "generic" at the first call
 * (read once, cached): the kernels' default path is then the portable
 * one (an explicit dlv_*_set_isa still overrides it).  Unset, empty or
 * "native": 0, each kernel takes the best path the CPU has.  Any other
 * value: 0, after one line on stderr naming it. */
int dlv__isa_env_generic(void);

#endif
