/* Whether a report's numbers come from synthetic data. The rule: a loaded
 * file (batch) whose sha256 is that of a file shipped in sample-data/ is
 * synthetic (the digests are embedded at build time by
 * report/data/embed_sample_hashes.py), and one synthetic batch marks the
 * whole report: numbers that mix synthetic rows with real ones are not
 * survey results either. The digest, not the file name, decides: a
 * renamed copy of a sample file is still synthetic, and a real county file
 * named responses-pima.csv is not. */
#include "report_model.h"

#include <string.h>

extern const char *const rep_sample_sha256[];
extern const size_t rep_sample_nsha256;

bool rep_batch_synthetic(const char *sha256)
{
    for (size_t k = 0; k < rep_sample_nsha256; k++)
        if (strcmp(sha256, rep_sample_sha256[k]) == 0)
            return true;
    return false;
}

bool rep_report_synthetic(const struct rep_report_input *in)
{
    for (size_t i = 0; i < in->nbatches; i++)
        if (rep_batch_synthetic(in->batches[i].sha256))
            return true;
    return false;
}
