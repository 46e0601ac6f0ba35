/* conv3d_avx512.c: FAST conv3d's AVX-512 micro-kernels (conv3d_fast_tmpl.h,
 * instantiated for double and float below).  CMake compiles this file, and
 * only this one, with -mavx512f -mavx512bw -mavx512vl -mfma (kernels/
 * CMakeLists.txt), so a portable build (DLV_NATIVE=OFF) still has them;
 * conv3d.c calls them only when dlv_conv3d_isa() says the CPU runs them
 * (cpu_isa.h), and computes FAST as IM2COL otherwise.  Nothing here may
 * run before that check: every instruction of this file may be AVX-512. */
#include "conv3d_internal.h"

#if DLV_CONV3D_HAVE_AVX512
#ifndef __AVX512F__
#error "conv3d_avx512.c needs its per-file flags (kernels/CMakeLists.txt)"
#endif
#include <immintrin.h>
#include <string.h>

#include "conv3d.h"
#include "parallel.h"

#define REAL double
#define SUF d
#define VREAL __m512d
#define VMASK __mmask8
#define VW 8
#define VZERO() _mm512_setzero_pd()
#define VLOAD(p) _mm512_loadu_pd(p)
#define VMLOAD(m, p) _mm512_maskz_loadu_pd(m, p)
#define VSTORE(p, x) _mm512_storeu_pd(p, x)
#define VMSTORE(p, m, x) _mm512_mask_storeu_pd(p, m, x)
#define VSET1(a) _mm512_set1_pd(a)
#define VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#include "conv3d_fast_tmpl.h"
#undef REAL
#undef SUF
#undef VREAL
#undef VMASK
#undef VW
#undef VZERO
#undef VLOAD
#undef VMLOAD
#undef VSTORE
#undef VMSTORE
#undef VSET1
#undef VFMA

#define REAL float
#define SUF s
#define VREAL __m512
#define VMASK __mmask16
#define VW 16
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VMLOAD(m, p) _mm512_maskz_loadu_ps(m, p)
#define VSTORE(p, x) _mm512_storeu_ps(p, x)
#define VMSTORE(p, m, x) _mm512_mask_storeu_ps(p, m, x)
#define VSET1(a) _mm512_set1_ps(a)
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#include "conv3d_fast_tmpl.h"
#else
/* Not x86-64: FAST has only its portable path (an empty file is not ISO C). */
typedef int dlv__conv3d_avx512_unit;
#endif
