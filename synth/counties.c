/* The fifteen Arizona counties and the invented design parameters the
 * generator draws them with. Only youth_pop is a public figure; rates and
 * response rates are made up to give the sample data the features the
 * estimators must handle (see sample-data/README.md). */
#include <string.h>

#include "synth.h"

/* youth_pop: residents under 18 in the 2020 Census (total population minus
 * population 18 and over, PL 94-171 redistricting data). It sizes each
 * department: Maricopa about 64% of the state's youth, Pima 13%, Pinal 6%,
 * Yuma, Yavapai and Mohave 2-3% each, Greenlee and La Paz under 0.2%.
 *
 * Graham keeps two officers so that its single respondent is not a census
 * (the lonely-PSU case); Apache, Coconino and the one-officer counties
 * always answer in full (census strata). Confirmed rates run from 2% to 11%
 * and weight to about 6% statewide, near the 271 identified youth among
 * roughly 4,500 on probation that ASU's 2015 survey reported. */
const struct syn_county syn_counties[SYN_NCOUNTIES] = {
    /* fips     name          slug          code   youth_pop min  rr  jit  confirmed */
    {"04001", "Apache",     "apache",     "APA",   16916L, 1, 100, 0,  25000L},
    {"04003", "Cochise",    "cochise",    "CHS",   26117L, 1,  67, 8,  75000L},
    {"04005", "Coconino",   "coconino",   "CCN",   29109L, 1, 100, 0,  50000L},
    {"04007", "Gila",       "gila",       "GIL",   10266L, 1, 100, 0,  45000L},
    {"04009", "Graham",     "graham",     "GRA",   10818L, 2,  50, 0,  30000L},
    {"04011", "Greenlee",   "greenlee",   "GRN",    2720L, 1, 100, 0,  20000L},
    {"04012", "La Paz",     "la-paz",     "LAP",    3052L, 1, 100, 0,  20000L},
    {"04013", "Maricopa",   "maricopa",   "MAR", 1038182L, 1,  72, 8,  60000L},
    {"04015", "Mohave",     "mohave",     "MOH",   35806L, 1,  55, 5,  45000L},
    {"04017", "Navajo",     "navajo",     "NAV",   27509L, 1,  67, 8,  35000L},
    {"04019", "Pima",       "pima",       "PIM",  209168L, 1,  82, 8,  70000L},
    {"04021", "Pinal",      "pinal",      "PIN",   99624L, 1,  60, 8,  55000L},
    {"04023", "Santa Cruz", "santa-cruz", "SCZ",   12454L, 1, 100, 0, 110000L},
    {"04025", "Yavapai",    "yavapai",    "YAV",   37073L, 1,  85, 8,  40000L},
    {"04027", "Yuma",       "yuma",       "YUM",   50712L, 1,  75, 8,  85000L},
};

int syn_county_index(const char *key)
{
    for (int i = 0; i < SYN_NCOUNTIES; i++) {
        const struct syn_county *c = &syn_counties[i];
        if (strcmp(key, c->fips) == 0 || strcmp(key, c->name) == 0
            || strcmp(key, c->slug) == 0)
            return i;
    }
    return -1;
}
