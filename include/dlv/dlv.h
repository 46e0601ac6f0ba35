/* dlv.h: every public kernel header of dlverify (the code under test; no
 * MPFR, no cmocka).  An installed user writes #include <dlv/dlv.h> and
 * links dlv::kernels (CMake) or `pkg-config --libs dlverify`.
 *
 * Status codes of every entry point: dlv_status.h.  Strided vectors follow
 * BLAS (stride.h): x points at the lowest address whatever the sign of the
 * stride.
 *
 * The MPFR references (ref_*.h, mp.h: dlv::reference) and the harness
 * (check.h, bounds.h, evidence.h, ulp.h: dlv::check) are installed in the
 * same directory and included one by one. */
#ifndef DLV_DLV_H
#define DLV_DLV_H

#include "dlv_status.h"
#include "dlv_cmplx.h"
#include "stride.h"
#include "threads.h"
#include "nrm2.h"
#include "prox_group.h"
#include "loss.h"
#include "closs.h"
#include "hvp.h"
#include "adam.h"
#include "noisy_linear.h"
#include "conv3d.h"
#include "contract.h"
#include "lowp.h"
#include "conv3d_lowp.h"

#endif
