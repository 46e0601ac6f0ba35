/* claim_page.h: one claim's section of the report page. */
#ifndef DLV_CLAIM_PAGE_H
#define DLV_CLAIM_PAGE_H

#include <stdio.h>

#include "evidence.h"
#include "plot.h"
#include "report.h"

void dlv_html_claim(FILE *f, const dlv_rows *rows, const dlv_plots *plots,
                    const dlv_claim_result *c);

#endif
