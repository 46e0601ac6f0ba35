/* bounds_lowp.h: kept so that existing includes work; the low-precision
 * bounds live in bounds/low_precision.h (all bounds: bounds.h). */
#ifndef DLV_BOUNDS_LOWP_SHIM_H
#define DLV_BOUNDS_LOWP_SHIM_H
#include "bounds/low_precision.h"
#endif
